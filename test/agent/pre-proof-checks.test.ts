/**
 * What the agent checks before it proves (issue #18, item 8): a window too old to land, or no
 * longer the feed's, is skipped before any proof; a swap whose quote on the vault's pool breaks the
 * oracle bound the trader enforces is sized down to the largest size that fits, or skipped. Each
 * skip is journaled with its figures, and nothing that would revert is proven or sent.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { Agent, CycleReport } from "@zkagent/agent";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { readWindow } from "../helpers/market.ts";
import { deployProvenWorld } from "../helpers/models.ts";
import { seedFor as findSeed } from "../helpers/seed-for.ts";
import { PRICE_3000, TEST_POLICY, deployTraderWorld, type TraderWorld } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;

async function fixture() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return tw;
}

async function seedFor(tw: TraderWorld, modelPath: string, wanted: (action: string, sizePct: number) => boolean) {
  const { prices } = await readWindow(tw.world.priceFeed);
  const position = await tw.trader.positionOf(tw.agent.address);
  return findSeed(
    modelPath,
    { prices, position, maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
    wanted,
  );
}

const provenWorld = () => deployProvenWorld(ethers, networkHelpers);

const compliantBuy = (action: string, pct: number) => action === "BUY" && pct > 0 && pct <= 100;

/** Counts the agent's proofs (the policy prover's calls). */
function countProofs(agent: Agent): { proofs: number } {
  const counter = { proofs: 0 };
  const prover = agent.prover!;
  const prove = prover.prove.bind(prover);
  prover.prove = (...args) => {
    counter.proofs++;
    return prove(...args);
  };
  return counter;
}

describe("the agent checks the window before it proves (no proof for a trade the trader would refuse)", function () {
  this.timeout(300_000);

  it("skips a round too old to land before maxOracleAge: stale-window journaled, no inference, no proof, nothing sent", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const seed = await seedFor(tw, modelPath, compliantBuy);
    const { agent } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
    try {
      const counter = countProofs(agent);
      // 30 s short of maxOracleAge: the trader would still accept it now, but not after a proof and a block.
      const [, , , updatedAt] = await tw.world.priceFeed.latestRoundData();
      await networkHelpers.time.increaseTo(updatedAt + TEST_POLICY.maxOracleAge - 30n);
      const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.verdict).to.equal("unavailable");
      expect(report.staleWindow?.ageSeconds).to.equal(TEST_POLICY.maxOracleAge - 30n);
      expect(report.timingsMs.inference).to.equal(0);
      expect(counter.proofs).to.equal(0);
      const records = agent.journal.records();
      expect(records.map((r) => r.kind)).to.deep.equal(["stale-window"]);
      expect(records[0]).to.include({
        stage: "window",
        roundId: report.roundId.toString(),
        ageSeconds: (TEST_POLICY.maxOracleAge - 30n).toString(),
        maxOracleAge: TEST_POLICY.maxOracleAge.toString(),
        marginSeconds: "60",
      });
      expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce);
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(0n);
    } finally {
      await agent.close();
    }
  });

  it("skips a window a newer round replaced during inference: journaled before proving, the prover never called", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const seed = await seedFor(tw, modelPath, compliantBuy);
    const { agent } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
    try {
      const counter = countProofs(agent);
      const model = agent.model!;
      const generate = model.generate.bind(model);
      model.generate = async (...args) => {
        const answer = await generate(...args);
        await pushPrice(tw.world.priceFeed, BELOW - 1n); // a round lands while the LLM thinks
        return answer;
      };
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.verdict).to.equal("compliant");
      expect(report.staleWindow?.latestRoundId).to.equal(report.roundId + 1n);
      expect(report.outcome).to.equal(undefined);
      expect(counter.proofs).to.equal(0);
      const records = agent.journal.records();
      expect(records.map((r) => r.kind)).to.deep.equal(["cycle", "stale-window"]);
      expect(records[1]).to.include({ stage: "before-proof", latestRoundId: (report.roundId + 1n).toString() });
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(0n);
    } finally {
      await agent.close();
    }
  });
});

describe("the agent quotes each swap on the vault's pool before it proves (QuoterV2 against the trader's oracle bound)", function () {
  this.timeout(300_000);

  const tradesOf = async (tw: TraderWorld) => tw.trader.queryFilter(tw.trader.filters.TradeExecuted(tw.agent.address));

  it("trades as decided when the quote fits: the swap pays exactly what was quoted, within the bound", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const seed = await seedFor(tw, modelPath, compliantBuy);
    const quoterAddress = await tw.world.quoter!.getAddress();
    const { agent, log } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed, quoterAddress });
    try {
      expect(log.lines.map((l) => l.message)).to.include(
        `quoting: each trade's swap is quoted before proving (QuoterV2 ${quoterAddress})`,
      );
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      expect(report.quote).to.include({ outcome: "fits", action: "BUY", size: report.size, quotes: 1 });
      expect(report.quote!.quoted! <= report.quote!.bound).to.equal(true);
      expect(agent.journal.records().map((r) => r.kind)).to.deep.equal(["cycle", "proved", "signed", "confirmed"]);
      const [trade] = await tradesOf(tw);
      expect(trade!.args.amountIn).to.equal(report.quote!.quoted);
    } finally {
      await agent.close();
    }
  });

  it("sizes a BUY down to the largest size whose quote fits when the pool is thin for it, journaling why; nothing reverts", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    // A bound of 40 bps over the oracle: the pool's 30 bps fee leaves 10 bps of price impact, which
    // this pool's depth gives to a BUY of about 1 WETH (2 WETH costs about 50 bps here).
    await tw.trader.setPolicy({ ...TEST_POLICY, maxSlippageBps: 40n });
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const seed = await seedFor(tw, modelPath, (action, pct) => action === "BUY" && pct >= 90);
    const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      temperature: 1,
      seed,
      quoterAddress: await tw.world.quoter!.getAddress(),
    });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      const quote = report.quote!;
      expect(quote.outcome).to.equal("resized");
      expect(quote.quoted! > quote.bound).to.equal(true);
      expect(quote.resizedTo! < quote.size && quote.resizedTo! >= quote.size / 10n).to.equal(true);
      expect(quote.resizedQuote! <= quote.resizedBound!).to.equal(true);
      expect(report.size).to.equal(quote.resizedTo);
      expect(report.outcome).to.equal("executed");
      expect(await tw.trader.positionOf(tw.agent.address)).to.equal(quote.resizedTo);
      const records = agent.journal.records();
      expect(records.map((r) => r.kind)).to.deep.equal(["cycle", "quote", "proved", "signed", "confirmed"]);
      expect(records[1]).to.include({
        outcome: "resized",
        size: quote.size.toString(),
        resizedTo: quote.resizedTo!.toString(),
        bound: quote.bound.toString(),
      });
      expect((records[1] as { reason: string }).reason).to.match(
        /above the oracle bound .*SwapInputAboveBound.*sized down to/,
      );
      const [trade] = await tradesOf(tw);
      expect(trade!.args.size).to.equal(quote.resizedTo);
      expect(trade!.args.amountIn <= quote.resizedBound!).to.equal(true);
      // one transaction, the trade: nothing was sent that reverted
      expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce + 1);
    } finally {
      await agent.close();
    }
  });

  it("skips a BUY no size of which fits (the pool 2 % above the oracle): journaled, nothing proven or sent", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const seed = await seedFor(tw, modelPath, compliantBuy);
    await movePoolToPrice(tw.world, tw.stranger, (BELOW * 102n) / 100n);
    const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      temperature: 1,
      seed,
      quoterAddress: await tw.world.quoter!.getAddress(),
    });
    try {
      const counter = countProofs(agent);
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.quote?.outcome).to.equal("skipped");
      expect(report.outcome).to.equal(undefined);
      expect(report.reason).to.match(/above the oracle bound .*and so does a tenth of it .*skipped$/);
      expect(counter.proofs).to.equal(0);
      const records = agent.journal.records();
      expect(records.map((r) => r.kind)).to.deep.equal(["cycle", "quote"]);
      expect(records[1]).to.include({ outcome: "skipped", quotes: 2 });
      expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce);
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(0n);
    } finally {
      await agent.close();
    }
  });

  it("skips the proven model's BUY the pool cannot fill within the bound, never resizing what its circuit computed", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    await movePoolToPrice(tw.world, tw.stranger, (BELOW * 102n) / 100n);
    const { dataDir } = await prepareAgentData(tw);
    const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      mode: "model",
      decisionModel: model,
      quoterAddress: await tw.world.quoter!.getAddress(),
    });
    try {
      const prover = agent.proven!.prover;
      let proofs = 0;
      const prove = prover.prove.bind(prover);
      prover.prove = (...args) => {
        proofs++;
        return prove(...args);
      };
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.action).to.equal("BUY");
      expect(report.quote).to.include({ outcome: "skipped", size: TEST_POLICY.maxPosition / 2n, quotes: 1 });
      expect(report.reason).to.match(/computed in its circuit, so a smaller one cannot be proven: skipped$/);
      expect(proofs).to.equal(0);
      expect(agent.journal.records().map((r) => r.kind)).to.deep.equal(["cycle", "quote"]);
      expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce);
    } finally {
      await agent.close();
    }
  });

  it("says once at start when no quoter is known for the chain, and trades as before", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir } = await prepareAgentData(tw);
    const { agent, log } = await startTestAgent(ethers, tw, dataDir);
    try {
      const lines = log.lines.filter((l) => l.message.startsWith("quoting:"));
      expect(lines.map((l) => l.message)).to.deep.equal([
        "quoting: no QuoterV2 known for chain 31337 (set quoterAddress in agent.json): trades are not quoted before proving; the simulation after the proof is the check",
      ]);
      expect(agent.quoter).to.equal(undefined);
    } finally {
      await agent.close();
    }
  });
});
