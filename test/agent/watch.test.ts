import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { watchClaims } from "@zkagent/agent";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { forgedSignals } from "../helpers/forged-world.ts";
import { AGENT_BOND, LANE, deployOptimisticWorld, type OptimisticWorld } from "../helpers/optimistic-world.ts";
import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000 } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = 10n ** 18n;
const BELOW = (PRICE_3000 * 98n) / 100n;

async function marketAt(ow: OptimisticWorld, price: bigint) {
  await pushPrice(ow.world.priceFeed, price);
  await movePoolToPrice(ow.world, ow.stranger, price);
}

/** An honest optimistic BUY (a proof exists) and then a cheating one at the moving average (HOLD). */
async function twoClaims() {
  const ow = await deployOptimisticWorld(ethers, networkHelpers);
  const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
  await marketAt(ow, BELOW);
  const honest = await proveTrade(ow, ow.agent, { action: Action.BUY, size: ONE_ETH / 2n });
  await ow.trader.connect(ow.agent).executeOptimistic(honest.publicSignals, deadline, 0n);
  await marketAt(ow, PRICE_3000);
  await ow.trader.connect(ow.agent).executeOptimistic(await forgedSignals(ow, Action.BUY, ONE_ETH / 2n), deadline, 0n);
  return ow;
}

describe("zkagent watch: the challenger bot", function () {
  this.timeout(240_000);
  after(closeSharedProver);

  it("re-checks every claim from public data and, without a key, only reports", async () => {
    const ow = await networkHelpers.loadFixture(twoClaims);
    const report = await watchClaims({ provider: ethers.provider, lane: await ow.lane.getAddress(), fromBlock: 0 });
    expect(report.claims.map((c) => [c.claim.nonce, c.state, c.judgement?.verdict, c.action])).to.deep.equal([
      [0n, "open", "valid", "none"],
      [1n, "open", "invalid", "none"],
    ]);
    expect(report.claims[1]!.judgement).to.include({ verdict: "invalid" });
    expect((report.claims[1]!.judgement as { reason: string }).reason).to.match(/BUY .* breaks policy rule BAND/);
  });

  it("challenges the cheating claim only, slashes it once the agent stays silent, and finalises the honest one", async () => {
    const ow = await networkHelpers.loadFixture(twoClaims);
    const lane = await ow.lane.getAddress();
    const trader = await ow.trader.getAddress();
    const first = await watchClaims({ provider: ethers.provider, lane, signer: ow.challenger, fromBlock: 0 });
    expect(first.claims.map((c) => c.action)).to.deep.equal(["none", "challenged"]);
    // a second pass changes nothing: the lane's state says what is left to do
    const again = await watchClaims({ provider: ethers.provider, lane, signer: ow.challenger, fromBlock: 0 });
    expect(again.claims.map((c) => [c.state, c.action])).to.deep.equal([
      ["open", "none"],
      ["challenged", "none"],
    ]);

    await networkHelpers.time.increase(LANE.challengeWindow + 1n);
    const vaultUsdc = await ow.world.usdc.balanceOf(trader);
    const later = await watchClaims({
      provider: ethers.provider,
      lane,
      signer: ow.challenger,
      fromBlock: 0,
      finalize: true,
    });
    expect(later.claims.map((c) => [c.state, c.action])).to.deep.equal([
      ["settled", "finalized"],
      ["slashed", "slashed"],
    ]);
    expect(await ow.trader.isAuthorized(ow.agent.address)).to.equal(false);
    expect((await ow.world.usdc.balanceOf(trader)) - vaultUsdc).to.equal(AGENT_BOND - LANE.slashReward);
  });

  it("pages through the lane's logs within the node's block range", async () => {
    const ow = await networkHelpers.loadFixture(twoClaims);
    const pages: [number, number][] = [];
    const report = await watchClaims({
      provider: ethers.provider,
      lane: await ow.lane.getAddress(),
      fromBlock: 0,
      maxBlockRange: 7,
      onProgress: (from, to) => pages.push([from, to]),
    });
    expect(report.claims).to.have.length(2);
    expect(pages.length).to.be.greaterThan(2);
    for (const [from, to] of pages) expect(to - from).to.be.lessThan(7);
  });
});
