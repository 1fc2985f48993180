import { expect } from "chai";
import { network } from "hardhat";

import { auditHub, buildPrompt, parseSignal, SignalModel, type Agent, type CycleReport } from "@zkagent/agent";
import { terminateSnarkjs, type SignalMarketCount } from "@zkagent/circuits";
import { movePoolToPrice } from "@zkagent/contracts/world";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { FOLLOWER_CAPS } from "../helpers/hub-world.ts";
import { belowOf, deployMultiMarketWorld, type MultiMarketWorld } from "../helpers/hub-markets.ts";
import { readWindow } from "../helpers/market.ts";
import { PRICE_3000, TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

/**
 * The multi-market world (ETH, WBTC, LINK, ARB, each 2 % under its average) with the real K = 2
 * and K = 4 signal verifiers (generated from the signal circuits' ceremonies) and the agent's own
 * vault subscribed to the agent beside the followers.
 */
async function fixture(): Promise<MultiMarketWorld> {
  const mw = await deployMultiMarketWorld(ethers, networkHelpers);
  for (const k of [2, 4]) {
    const factory = await ethers.getContractFactory(`SignalVerifier${k}`);
    const verifier = await (await factory.deploy()).waitForDeployment();
    await mw.hub.setVerifier(BigInt(k), await verifier.getAddress());
  }
  await mw.trader.subscribe(await mw.hub.getAddress(), mw.agent.address);
  return mw;
}

/**
 * The first sampling seed (temperature 1) for which the tiny stand-in proposes a BUY on every one
 * of `markets`: the agent asks it once per market with the hub path's prompt (sizing "cap", no
 * position outside the trader's market, where the vault holds none yet) and the same seed.
 */
async function seedBuyingEverywhere(mw: MultiMarketWorld, modelPath: string, k: number): Promise<number> {
  const prompts = [];
  for (const market of mw.markets.slice(0, k)) {
    const { prices } = await readWindow(market.feed);
    prompts.push(
      buildPrompt({
        prices,
        position: 0n,
        maxPosition: TEST_POLICY.maxPosition,
        thresholdBps: TEST_POLICY.thresholdBps,
        sizing: "cap",
      }),
    );
  }
  const model = await SignalModel.load({ modelPath, threads: 1 });
  try {
    for (let seed = 0; seed < 500; seed++) {
      let buysEverywhere = true;
      for (const prompt of prompts) {
        const signal = parseSignal((await model.generate(prompt, { temperature: 1, seed })).text);
        if (signal.action !== "BUY" || signal.sizePct <= 0) {
          buysEverywhere = false;
          break;
        }
      }
      if (buysEverywhere) return seed;
    }
    throw new Error(`no seed in 0..499 makes the stand-in BUY on all ${k} markets`);
  } finally {
    await model.dispose();
  }
}

describe("the agent on the hub path across markets (real tiny GGUF, real K-market proofs and verifiers)", function () {
  this.timeout(900_000);
  after(terminateSnarkjs);

  for (const k of [2, 4] as SignalMarketCount[]) {
    it(`publishes one real ${k}-market proof that every market's followers execute, and the audit re-verifies it`, async () => {
      const mw = await networkHelpers.loadFixture(fixture);
      const { dataDir, modelPath, modelHash } = await prepareAgentData(mw);
      const seed = await seedBuyingEverywhere(mw, modelPath, k);
      const ids = mw.markets.slice(0, k).map((m) => Number(m.id));
      const { agent } = await startTestAgent(ethers, mw, dataDir, {
        path: "hub",
        hub: { address: await mw.hub.getAddress(), markets: ids, followOwnVault: true },
        temperature: 1,
        seed,
      });
      try {
        await tickAndFollow(mw, agent, k, modelHash);
      } finally {
        await agent.close();
      }
    });
  }
});

/** The agent's tick, every market's followers after it, and the audit (see the test's title). */
async function tickAndFollow(mw: MultiMarketWorld, agent: Agent, k: SignalMarketCount, modelHash: bigint) {
  const report = (await agent.tick(0)) as CycleReport;
  expect(report.verdict).to.equal("compliant");
  expect(report.outcome).to.equal("executed");
  expect(report.hub!.markets.map((m) => m.action)).to.deep.equal(Array(k).fill("BUY"));

  // one publication, one proof, K verified signals
  const verified = await mw.hub.queryFilter(mw.hub.filters.SignalVerified());
  expect(verified).to.have.length(k);
  expect(new Set(verified.map((v) => v.transactionHash))).to.deep.equal(new Set([report.hub!.publicationTx]));
  expect(verified.map((v) => v.args.key)).to.deep.equal(report.hub!.markets.map((m) => m.key));
  expect(verified.every((v) => v.args.modelHash === modelHash)).to.equal(true);
  expect(await mw.hub.nonceOf(mw.agent.address)).to.equal(1n);
  expect(agent.journal.publications()).to.have.length(1);
  expect(agent.journal.publications()[0]).to.include({ state: "executed", txHash: report.hub!.publicationTx });

  // its own vault followed the ETH market in the same tick
  const eth = verified[0]!.args;
  expect(report.hub!.follow).to.include({ status: "executed" });
  expect(await mw.trader.positionOf(mw.agent.address)).to.equal((TEST_POLICY.maxPosition * eth.sizeBps) / 10_000n);

  // a keeper executes it for every market's followers: no second proof
  const followers = [await mw.trader.getAddress()];
  for (const [i, vault] of mw.followers.entries()) {
    await movePoolToPrice(mw.world, mw.stranger, belowOf(PRICE_3000)); // the arbitrageur's work
    await vault.connect(mw.stranger).followSignal(eth.roundId, eth.pricesCommitment, modelHash);
    expect(await vault.positionOf(mw.agent.address)).to.equal((FOLLOWER_CAPS[i]! * eth.sizeBps) / 10_000n);
    followers.push(await vault.getAddress());
  }
  for (let m = 1; m < k; m++) {
    const signal = verified[m]!.args;
    const market = mw.markets[m]!;
    const vault = mw.extraFollowers[m - 1]!;
    expect(signal.feed).to.equal(await market.feed.getAddress());
    await expect(vault.connect(mw.stranger).followSignal(signal.roundId, signal.pricesCommitment, modelHash)).to.emit(
      vault,
      "SignalFollowed",
    );
    const cap = (await vault.policy()).maxPosition;
    expect(await vault.positionOf(mw.agent.address)).to.equal((cap * signal.sizeBps) / 10_000n);
    followers.push(await vault.getAddress());
  }

  // the audit re-verifies the publication (proof, windows, rules, binding) and every follow
  const audit = await auditHub({ provider: ethers.provider, hubAddress: await mw.hub.getAddress(), followers });
  expect(audit.failures).to.equal(0);
  expect(audit.publications).to.have.length(1);
  expect(audit.publications[0]!.markets).to.have.length(k);
  expect(audit.publications[0]!.checks.every((c) => c.status === "ok")).to.equal(true);
  expect(audit.follows).to.have.length(1 + mw.followers.length + (k - 1));
  for (const follow of audit.follows) expect(follow.checks.every((c) => c.status === "ok")).to.equal(true);
}
