import { expect } from "chai";
import { network } from "hardhat";

import { auditHub } from "@zkagent/agent";
import { Action, SignalProver, terminateSnarkjs } from "@zkagent/circuits";
import { AcceptingSignalVerifier__factory } from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { NO_PROOF } from "../helpers/forged-world.ts";
import { deployMultiMarketWorld, multiMarketSignals, type MultiMarketWorld } from "../helpers/hub-markets.ts";
import { readWindow } from "../helpers/market.ts";
import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

/** The multi-market world with the real K = 2 signal verifier, one real two-market signal published and followed. */
async function fixture() {
  const mw = await deployMultiMarketWorld(ethers, networkHelpers);
  const verifier = await (await (await ethers.getContractFactory("SignalVerifier2")).deploy()).waitForDeployment();
  await mw.hub.setVerifier(2n, await verifier.getAddress());
  const prover = await SignalProver.load(2);
  const markets = [];
  for (const market of mw.markets.slice(0, 2)) {
    const { prices, roundId } = await readWindow(market.feed);
    markets.push({ prices, roundId, action: Action.BUY, sizeBps: 4_000n });
  }
  const proof = await prover.prove({
    markets,
    thresholdBps: TEST_POLICY.thresholdBps,
    modelHash: TEST_MODEL_HASH,
    context: await mw.hub.expectedContext(mw.agent.address),
  });
  await prover.close();
  await mw.hub.connect(mw.agent).publishSignal([0n, 1n], proof.solidityProof, proof.publicSignals);
  const [eth, wbtc] = proof.publicValues.markets;
  for (const vault of mw.followers) await vault.followSignal(eth!.roundId, eth!.pricesCommitment, TEST_MODEL_HASH);
  await mw.extraFollowers[0]!.followSignal(wbtc!.roundId, wbtc!.pricesCommitment, TEST_MODEL_HASH);
  return mw;
}

const followersOf = async (mw: MultiMarketWorld) =>
  Promise.all([...mw.followers, mw.extraFollowers[0]!].map((v) => v.getAddress()));

describe("zkagent audit of the signal hub: publications and follows, from the chain alone", function () {
  this.timeout(300_000);
  after(terminateSnarkjs);

  it("re-verifies a real two-market publication and every follow of it, finding nothing", async () => {
    const mw = await networkHelpers.loadFixture(fixture);
    const report = await auditHub({
      provider: ethers.provider,
      hubAddress: await mw.hub.getAddress(),
      followers: await followersOf(mw),
    });
    expect(report.failures).to.equal(0);
    expect(report.publications).to.have.length(1);
    const [publication] = report.publications;
    expect(publication!.markets.map((m) => [m.action, m.sizeBps])).to.deep.equal([
      ["BUY", 4_000n],
      ["BUY", 4_000n],
    ]);
    expect(publication!.checks.map((c) => c.status)).to.deep.equal(["ok", "ok", "ok", "ok", "ok"]);
    expect(report.follows).to.have.length(4);
    for (const follow of report.follows) expect(follow.checks.every((c) => c.status === "ok")).to.equal(true);
  });

  it("fails a publication whose proof does not verify and whose signal breaks the band (a hub behind a lying verifier)", async () => {
    const mw = await networkHelpers.loadFixture(fixture);
    const accepting = await new AcceptingSignalVerifier__factory(mw.owner).deploy();
    await mw.hub.setVerifier(1n, await accepting.getAddress());
    // at the moving average the band says HOLD; the lying verifier lets a BUY through anyway
    await pushPrice(mw.world.priceFeed, PRICE_3000);
    await movePoolToPrice(mw.world, mw.stranger, PRICE_3000);
    const { signals } = await multiMarketSignals(mw, mw.markets.slice(0, 1), Action.BUY, 5_000n);
    await mw.hub.connect(mw.agent).publishSignal([0n], NO_PROOF, signals);

    const report = await auditHub({ provider: ethers.provider, hubAddress: await mw.hub.getAddress() });
    expect(report.failures).to.equal(1);
    const forged = report.publications.at(-1)!;
    const failed = forged.checks.filter((c) => c.status === "fail").map((c) => c.name);
    expect(failed).to.deep.equal([
      "proof verifies (signal circuit, K = 1)",
      "the signal rules hold over the feeds' windows",
    ]);
  });
});
