import { expect } from "chai";
import { network } from "hardhat";

import { auditTrades, compiledVerifierCode } from "@zkagent/agent";
import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { PreWindowCheckTrader__factory } from "@zkagent/contracts/typechain";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_MODEL_HASH, deployTraderWorld, type TraderWorld } from "../helpers/trader-fixture.ts";
import { readWindow } from "../helpers/market.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = 10n ** 18n;

async function twoTrades() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  for (const [price, action, size] of [
    [(PRICE_3000 * 98n) / 100n, Action.BUY, ONE_ETH],
    [(PRICE_3000 * 102n) / 100n, Action.SELL, ONE_ETH / 2n],
  ] as const) {
    await pushPrice(tw.world.priceFeed, price);
    await movePoolToPrice(tw.world, tw.stranger, price);
    const proof = await proveTrade(tw, tw.agent, { action, size });
    await tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
  }
  return tw;
}

describe("zkagent audit (re-verifies every trade from logs and calldata)", function () {
  this.timeout(120_000);
  after(closeSharedProver);

  it("verifies every executed trade: proof, binding, model, oracle round, window, verifier code", async () => {
    const tw = await networkHelpers.loadFixture(twoTrades);
    const report = await auditTrades({
      provider: ethers.provider,
      traderAddress: await tw.trader.getAddress(),
      ...(await compiledVerifierCode()),
    });
    expect(report.verifierCodeMatches).to.equal(true);
    expect(report.trades.map((t) => [t.action, t.nonce])).to.deep.equal([
      ["BUY", 0n],
      ["SELL", 1n],
    ]);
    for (const trade of report.trades) {
      expect(trade.checks.map((c) => [c.name, c.status])).to.deep.equal([
        ["proof verifies off-chain", "ok"],
        ["event matches calldata", "ok"],
        ["context binding", "ok"],
        ["model approved at that block", "ok"],
        ["oracle round answer", "ok"],
        ["round was the feed's latest at inclusion", "ok"],
        ["window matches the feed's rounds", "ok"],
      ]);
    }
    expect(report.failures).to.equal(0);
  });

  it("flags a model revoked after it traded, without failing the trade", async () => {
    const tw = await networkHelpers.loadFixture(twoTrades);
    await tw.registry.revoke(TEST_MODEL_HASH, "found biased");
    const report = await auditTrades({ provider: ethers.provider, traderAddress: await tw.trader.getAddress() });
    expect(report.failures).to.equal(0);
    expect(report.trades[0]!.flags.some((f) => f.startsWith("model revoked later"))).to.equal(true);
  });

  it("flags a BUY whose price sat within the margin of the band edge, and not one 2 % below it", async () => {
    const tw = await deployTraderWorld(ethers, networkHelpers);
    // 29 rounds at 3 000 and a last one L: MA = (87 000 + L) / 30, and a BUY needs
    // L < 0.99 · MA, i.e. L < 2 968.97…; L = 2 968.96 is about 0.5 bps inside the band.
    const nearEdge = 2_968_96000000n;
    await pushPrice(tw.world.priceFeed, nearEdge);
    await movePoolToPrice(tw.world, tw.stranger, nearEdge);
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
    await tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
    const near = await auditTrades({ provider: ethers.provider, traderAddress: await tw.trader.getAddress() });
    expect(near.trades[0]!.flags).to.include("near the band edge (within 10 bps)");

    const far = await networkHelpers.loadFixture(twoTrades);
    const report = await auditTrades({ provider: ethers.provider, traderAddress: await far.trader.getAddress() });
    expect(report.trades[0]!.flags).to.deep.equal([]);
  });

  describe("judges trades made before the on-chain window check (a trader that accepted any round and window)", () => {
    async function legacyTrader() {
      const tw = await deployTraderWorld(ethers, networkHelpers);
      const legacy = await new PreWindowCheckTrader__factory(tw.owner).deploy(
        await tw.world.priceFeed.getAddress(),
        await tw.registry.getAddress(),
        await tw.verifier.getAddress(),
      );
      const below = (PRICE_3000 * 98n) / 100n;
      await pushPrice(tw.world.priceFeed, below);
      const legacyWorld = { ...tw, trader: legacy as unknown as TraderWorld["trader"] };
      return { tw, legacy, legacyWorld };
    }

    it("fails a trade whose committed window is not the feed's history", async () => {
      const { tw, legacy, legacyWorld } = await legacyTrader();
      // The agent lies about an early round.
      const { prices } = await readWindow(tw.world.priceFeed);
      const forged = prices.map((p, i) => (i === 0 ? p + 10_000_000n : p));
      const proof = await proveTrade(legacyWorld, tw.agent, { action: Action.BUY, size: ONE_ETH }, { prices: forged });
      await legacy.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 0n);

      const report = await auditTrades({ provider: ethers.provider, traderAddress: await legacy.getAddress() });
      expect(report.failures).to.equal(1);
      const failed = report.trades[0]!.checks.filter((c) => c.status === "fail").map((c) => c.name);
      expect(failed).to.deep.equal(["window matches the feed's rounds"]);
    });

    it("fails a trade over a round that a newer round had superseded before its block", async () => {
      const { tw, legacy, legacyWorld } = await legacyTrader();
      const [proven] = await tw.world.priceFeed.latestRoundData();
      const proof = await proveTrade(legacyWorld, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await pushPrice(tw.world.priceFeed, PRICE_3000); // round proven + 1: BUY no longer allowed
      await legacy.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 0n);

      const report = await auditTrades({ provider: ethers.provider, traderAddress: await legacy.getAddress() });
      expect(report.failures).to.equal(1);
      const failed = report.trades[0]!.checks.filter((c) => c.status === "fail");
      expect(failed.map((c) => [c.name, c.detail])).to.deep.equal([
        [
          "round was the feed's latest at inclusion",
          `round ${proven} was superseded by round ${proven + 1n} before block ${report.trades[0]!.blockNumber}`,
        ],
      ]);
    });
  });
});
