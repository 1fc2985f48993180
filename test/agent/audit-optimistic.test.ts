import { expect } from "chai";
import { network } from "hardhat";

import { auditTrades, renderAudit } from "@zkagent/agent";
import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import type { ContractTransactionResponse } from "ethers";

import { forgedSignals } from "../helpers/forged-world.ts";
import { AGENT_BOND, LANE, claimOf, deployOptimisticWorld, type OptimisticWorld } from "../helpers/optimistic-world.ts";
import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000 } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const HALF_ETH = 10n ** 18n / 2n;
const BELOW = (PRICE_3000 * 98n) / 100n;

async function marketAt(ow: OptimisticWorld, price: bigint) {
  await pushPrice(ow.world.priceFeed, price);
  await movePoolToPrice(ow.world, ow.stranger, price);
}

const mined = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!;

/**
 * Four optimistic trades whose claims end in each state: nonce 0 challenged and answered with its
 * proof, nonce 1 unchallenged and finalised, nonce 2 a cheat (a BUY at the moving average)
 * challenged and slashed, and the other agent's trade still pending.
 */
async function claimsInEveryState() {
  const ow = await deployOptimisticWorld(ethers, networkHelpers);
  const lane = ow.lane;
  const deadline = 2n ** 64n;
  await marketAt(ow, BELOW);
  const answered = await proveTrade(ow, ow.agent, { action: Action.BUY, size: HALF_ETH });
  const a = claimOf(
    lane,
    await mined(ow.trader.connect(ow.agent).executeOptimistic(answered.publicSignals, deadline, 0n)),
  );
  const finalised = await proveTrade(ow, ow.agent, { action: Action.BUY, size: HALF_ETH });
  const b = claimOf(
    lane,
    await mined(ow.trader.connect(ow.agent).executeOptimistic(finalised.publicSignals, deadline, 0n)),
  );
  await marketAt(ow, PRICE_3000);
  const forged = await forgedSignals(ow, Action.BUY, HALF_ETH);
  const c = claimOf(lane, await mined(ow.trader.connect(ow.agent).executeOptimistic(forged, deadline, 0n)));

  await lane.connect(ow.challenger).challenge(a.claim);
  await lane.connect(ow.challenger).challenge(c.claim);
  await lane.connect(ow.agent).prove(a.claim, answered.solidityProof, answered.publicSignals);
  await networkHelpers.time.increase(LANE.challengeWindow + 1n);
  await lane.finalize(b.claim);
  await lane.slash(c.claim);

  await lane.connect(ow.otherAgent).depositBond(await ow.trader.getAddress(), AGENT_BOND);
  await marketAt(ow, BELOW);
  const pending = await proveTrade(ow, ow.otherAgent, { action: Action.BUY, size: HALF_ETH });
  await ow.trader.connect(ow.otherAgent).executeOptimistic(pending.publicSignals, deadline, 0n);
  return ow;
}

describe("zkagent audit of optimistic trades (no proof in calldata: each is judged by its claim)", function () {
  this.timeout(240_000);
  after(closeSharedProver);

  it("reports each claim's state, re-verifies the posted proof, and raises finalised-unproven (low) and slashed (high)", async () => {
    const ow = await networkHelpers.loadFixture(claimsInEveryState);
    const report = await auditTrades({ provider: ethers.provider, traderAddress: await ow.trader.getAddress() });
    const rows = report.trades.map((t) => [
      t.agent === ow.agent.address ? "agent" : "other",
      t.nonce,
      t.claim?.verdict,
      t.claim?.proofVerifies,
      t.verified,
    ]);
    expect(rows).to.deep.equal([
      ["agent", 0n, "settled by proof", true, true],
      ["agent", 1n, "finalised unproven", undefined, true],
      ["agent", 2n, "slashed", undefined, false],
      ["other", 0n, "pending", undefined, true],
    ]);
    // the proof is not in the trade's calldata: that check is skipped and says why
    expect(report.trades[0]!.checks.find((c) => c.name === "proof verifies off-chain")).to.include({
      status: "skipped",
    });
    expect(report.trades[0]!.checks.find((c) => c.name === "claim's posted proof verifies off-chain")).to.include({
      status: "ok",
    });
    expect(report.failures).to.equal(1); // the slashed claim
    expect(report.claimFindings.map((f) => [f.kind, f.severity, f.nonce])).to.deep.equal([
      ["claim-finalised-unproven", "low", 1n],
      ["claim-slashed", "high", 2n],
      ["claim-pending", "info", 0n],
    ]);
    const text = renderAudit(report);
    expect(text).to.match(/optimistic trades \(no proof in calldata\): 4/);
    expect(text).to.match(/low\tclaim-finalised-unproven/);
  });
});
