import { readFileSync, writeFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { Action, ModelProver, SignalProver, modelCommitment } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice, transmitPrices } from "@zkagent/contracts/world";

import {
  DecentralizedTrader__factory,
  FollowBatcher__factory,
  OptimisticLane__factory,
  SignalHub__factory,
  SignalVerifier1__factory,
} from "@zkagent/contracts/typechain";
import { parseEther, parseUnits } from "ethers";

import { claimOf } from "../helpers/optimistic-world.ts";
import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { deployRealShapedTrader } from "../helpers/real-shaped-trader.ts";
import { readWindow } from "../helpers/market.ts";
import { meanReversionModel } from "../helpers/models.ts";
import {
  PRICE_3000,
  TEST_LIMITS,
  TEST_MODEL_HASH,
  TEST_POLICY,
  deployTraderWorld,
  wiringOf,
} from "../helpers/trader-fixture.ts";

/**
 * Gas of the hot paths, pinned in packages/contracts/gas-snapshot.json so a regression shows in
 * review. `UPDATE_GAS_SNAPSHOT=1 pnpm hardhat test mocha test/contracts/gas-snapshot.test.ts`
 * rewrites it. The tolerance absorbs proof-dependent calldata (zero bytes are cheaper).
 *
 * Trades are measured on a real-shaped feed (Chainlink's proxy over an OCR2-shaped aggregator;
 * MockV3Aggregator is cheaper than a real feed) with the round's window already recorded (by a
 * keeper or an earlier trade on the same round); the recording is measured on its own: the next
 * round (one round read), after a quiet period (30 read), and inside the first trade on a round.
 * The signal hub is measured on the same feed: a one-market publication (real SignalVerifier1,
 * real proof), a follow by a subscribed vault, and a keeper's FollowBatcher transaction executing
 * the same signal for two more vaults, all on a second round.
 */
const SNAPSHOT = new URL("../../packages/contracts/gas-snapshot.json", import.meta.url);
const TOLERANCE = 0.01;
const BUDGET = {
  verifyProof: 250_000,
  executeTradeBuy: 420_000,
  executeTradeSell: 420_000,
  recordNextRound: 300_000,
  recordAfterQuietPeriod: 650_000,
  executeTradeBuyRecordingItsRound: 680_000,
  executeTradeProvenModelBuy: 420_000,
  executeTradeWithRecordBuy: 425_000,
  executeOptimisticBuy: 240_000,
  challengeClaim: 90_000,
  answerChallengeWithProof: 300_000,
  finalizeClaim: 50_000,
  finalizeManyTwoClaims: 80_000,
  slashAgent: 130_000,
  publishSignalK1: 345_000,
  followSignal: 190_000,
  followAllTwoVaults: 280_000,
};
type Measured = Record<keyof typeof BUDGET, number>;

const { ethers, networkHelpers } = await network.create();

describe("gas snapshot", function () {
  this.timeout(180_000);
  after(closeSharedProver);

  it("keeps the verifier, the trades and the window recordings within the snapshot and the budget", async () => {
    const tw = await deployTraderWorld(ethers, networkHelpers);
    const rs = await deployRealShapedTrader(tw);
    const ONE_ETH = 10n ** 18n;
    const measured = {} as Measured;
    const gasOf = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
      Number((await (await tx).wait())!.gasUsed);

    // A first recording reads all 30 rounds: the cost after a quiet period.
    const below = (PRICE_3000 * 98n) / 100n;
    await transmitPrices(rs.feed, [below]);
    measured.recordAfterQuietPeriod = await gasOf(rs.windowLog.record());
    await movePoolToPrice(tw.world, tw.stranger, below);
    // Steady state: the agent and the vault have traded before in this period (their usage slots
    // are not zero; the first trade ever of a vault pays ~17k more to create them).
    const warmUp = await proveTrade(rs, tw.agent, { action: Action.BUY, size: ONE_ETH / 10n }, { feed: rs.feed.proxy });
    await rs.trader.connect(tw.agent).executeTrade(warmUp.solidityProof, warmUp.publicSignals, 2n ** 64n, 0n);
    await transmitPrices(rs.feed, [below]);
    measured.recordNextRound = await gasOf(rs.windowLog.record());
    const buy = await proveTrade(rs, tw.agent, { action: Action.BUY, size: ONE_ETH }, { feed: rs.feed.proxy });
    const p = buy.solidityProof;
    // The verifier call alone: a direct transaction's estimate less the 21 000 intrinsic cost
    // every transaction pays (its calldata and execution stay in).
    const INTRINSIC_GAS = 21_000;
    measured.verifyProof =
      Number(await rs.verifier.verifyProof.estimateGas(p.a, p.b, p.c, buy.publicSignals)) - INTRINSIC_GAS;
    measured.executeTradeBuy = await gasOf(
      rs.trader.connect(tw.agent).executeTrade(p, buy.publicSignals, 2n ** 64n, 0n),
    );

    const above = (PRICE_3000 * 102n) / 100n;
    await transmitPrices(rs.feed, [above]);
    await rs.windowLog.record();
    await movePoolToPrice(tw.world, tw.stranger, above);
    const sell = await proveTrade(rs, tw.agent, { action: Action.SELL, size: ONE_ETH / 2n }, { feed: rs.feed.proxy });
    measured.executeTradeSell = await gasOf(
      rs.trader.connect(tw.agent).executeTrade(sell.solidityProof, sell.publicSignals, 2n ** 64n, 0n),
    );

    // The first trade on a new round records it itself (one round read).
    await transmitPrices(rs.feed, [below]);
    await movePoolToPrice(tw.world, tw.stranger, below);
    const first = await proveTrade(rs, tw.agent, { action: Action.BUY, size: ONE_ETH / 4n }, { feed: rs.feed.proxy });
    measured.executeTradeBuyRecordingItsRound = await gasOf(
      rs.trader.connect(tw.agent).executeTrade(first.solidityProof, first.publicSignals, 2n ** 64n, 0n),
    );
    await pushPrice(tw.world.priceFeed, below); // keep the mock world's feed moving like the pool

    // A proven model's trade: the same path, checked by the proven-model verifier.
    const model = meanReversionModel();
    await rs.registry.registerProven(modelCommitment(model), "mean reversion (hand-made)", "1", "test://model");
    await rs.registry.approve(modelCommitment(model));
    await transmitPrices(rs.feed, [below]);
    await rs.windowLog.record();
    const { prices, roundId } = await readWindow(rs.feed.proxy);
    const modelProver = await ModelProver.load();
    const proven = await modelProver.prove({
      prices,
      roundId,
      maxPosition: TEST_POLICY.maxPosition,
      thresholdBps: TEST_POLICY.thresholdBps,
      position: await rs.trader.positionOf(tw.agent.address),
      advice: 0n,
      model,
      context: await rs.trader.expectedContext(tw.agent.address),
    });
    measured.executeTradeProvenModelBuy = await gasOf(
      rs.trader.connect(tw.agent).executeTrade(proven.solidityProof, proven.publicSignals, 2n ** 64n, 0n),
    );
    await modelProver.close();

    // The disclosure record's companion event, on the same path.
    await transmitPrices(rs.feed, [below]);
    await rs.windowLog.record();
    const recorded = await proveTrade(
      rs,
      tw.agent,
      { action: Action.BUY, size: ONE_ETH / 10n },
      { feed: rs.feed.proxy },
    );
    measured.executeTradeWithRecordBuy = await gasOf(
      rs.trader
        .connect(tw.agent)
        .executeTradeWithRecord(recorded.solidityProof, recorded.publicSignals, 2n ** 64n, 0n, `0x${"ab".repeat(32)}`),
    );

    // The optimistic path: a bonded agent's claims, one answered, one finalised, two finalised in
    // one finalizeMany, one slashed.
    const lane = await new OptimisticLane__factory(tw.owner).deploy(
      await tw.world.usdc.getAddress(),
      3_600n,
      1_800n,
      100_000_000n,
      50_000_000n,
      8n,
    );
    await rs.trader.setOptimisticLane(await lane.getAddress());
    for (const holder of [tw.agent, tw.stranger]) {
      await tw.world.usdc.mint(holder.address, 10_000_000_000n);
      await tw.world.usdc.connect(holder).approve(await lane.getAddress(), 10_000_000_000n);
    }
    await lane.connect(tw.agent).depositBond(await rs.trader.getAddress(), 1_000_000_000n);
    const claims = [];
    for (let i = 0; i < 5; i++) {
      const claimed = await proveTrade(
        rs,
        tw.agent,
        { action: Action.BUY, size: ONE_ETH / 20n },
        { feed: rs.feed.proxy },
      );
      const tx = rs.trader.connect(tw.agent).executeOptimistic(claimed.publicSignals, 2n ** 64n, 0n);
      const receipt = (await (await tx).wait())!;
      if (i === 0) measured.executeOptimisticBuy = Number(receipt.gasUsed);
      claims.push({ ...claimOf(lane, receipt), proof: claimed });
    }
    const [answered, finalised, slashed, ...finalisedTogether] = claims as [
      (typeof claims)[0],
      (typeof claims)[0],
      (typeof claims)[0],
      ...(typeof claims)[0][],
    ];
    measured.challengeClaim = await gasOf(lane.connect(tw.stranger).challenge(answered.claim));
    measured.answerChallengeWithProof = await gasOf(
      lane.connect(tw.agent).prove(answered.claim, answered.proof.solidityProof, answered.proof.publicSignals),
    );
    await lane.connect(tw.stranger).challenge(slashed.claim); // and the agent withholds its proof
    await networkHelpers.time.increase(3_601n);
    measured.finalizeClaim = await gasOf(lane.finalize(finalised.claim));
    measured.finalizeManyTwoClaims = await gasOf(lane.finalizeMany(finalisedTogether.map((c) => c.claim)));
    measured.slashAgent = await gasOf(lane.slash(slashed.claim));

    // The signal hub on the same real-shaped feed: the agent publishes a one-market signal (the
    // real SignalVerifier1, a real proof) and a vault subscribed to it follows. Steady state: the
    // round's window recorded beforehand, and a first publication and follow have put the
    // publisher's hub nonce, the follower's book and usage slots and its last round in use.
    const hub = await new SignalHub__factory(tw.owner).deploy(
      tw.owner.address,
      await rs.registry.getAddress(),
      TEST_POLICY.maxOracleAge,
    );
    await hub.addMarket(await rs.feed.proxy.getAddress(), await rs.windowLog.getAddress());
    const signalVerifier = await new SignalVerifier1__factory(tw.owner).deploy();
    await hub.setVerifier(1n, await signalVerifier.getAddress());
    const deployFollowingVault = async () => {
      const vault = await new DecentralizedTrader__factory(tw.owner).deploy(
        tw.owner.address,
        await wiringOf(tw, {
          priceFeed: await rs.feed.proxy.getAddress(),
          windowLog: await rs.windowLog.getAddress(),
          modelRegistry: await rs.registry.getAddress(),
          verifier: await rs.verifier.getAddress(),
        }),
        TEST_POLICY,
        TEST_LIMITS,
      );
      await tw.world.weth.deposit({ value: parseEther("10") });
      await tw.world.weth.transfer(await vault.getAddress(), parseEther("10"));
      await tw.world.usdc.mint(await vault.getAddress(), parseUnits("50000", 6));
      await vault.subscribe(await hub.getAddress(), tw.agent.address);
      return vault;
    };
    const follower = await deployFollowingVault();
    const batched = [await deployFollowingVault(), await deployFollowingVault()];
    const batcher = await new FollowBatcher__factory(tw.stranger).deploy();
    const signalProver = await SignalProver.load(1);
    const publishAndFollow = async () => {
      await transmitPrices(rs.feed, [below]);
      await rs.windowLog.record();
      await movePoolToPrice(tw.world, tw.stranger, below);
      const { prices, roundId } = await readWindow(rs.feed.proxy);
      const signal = await signalProver.prove({
        markets: [{ prices, roundId, action: Action.BUY, sizeBps: 1_000n }],
        thresholdBps: TEST_POLICY.thresholdBps,
        modelHash: TEST_MODEL_HASH,
        context: await hub.expectedContext(tw.agent.address),
      });
      const publish = await gasOf(
        hub.connect(tw.agent).publishSignal([0n], signal.solidityProof, signal.publicSignals),
      );
      const { pricesCommitment } = signal.publicValues.markets[0]!;
      const follow = await gasOf(
        follower.connect(tw.stranger).followSignal(roundId, pricesCommitment, TEST_MODEL_HASH),
      );
      const follows = await Promise.all(
        batched.map(async (vault) => ({
          vault: await vault.getAddress(),
          roundId,
          pricesCommitment,
          modelHash: TEST_MODEL_HASH,
        })),
      );
      const batch = await gasOf(batcher.followAll(follows));
      for (const vault of batched) expect(await vault.lastFollowedRound()).to.equal(roundId);
      return { publish, follow, batch };
    };
    await publishAndFollow();
    const steady = await publishAndFollow();
    await signalProver.close();
    measured.publishSignalK1 = steady.publish;
    measured.followSignal = steady.follow;
    measured.followAllTwoVaults = steady.batch;

    console.log(`      gas: ${JSON.stringify(measured)}`);
    if (process.env.UPDATE_GAS_SNAPSHOT) {
      writeFileSync(SNAPSHOT, `${JSON.stringify(measured, null, 2)}\n`);
    }
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Record<string, number>;
    for (const [name, gas] of Object.entries(measured) as [keyof typeof BUDGET, number][]) {
      expect(gas, `${name} over budget`).to.be.at.most(BUDGET[name]);
      const pinned = snapshot[name]!;
      expect(pinned, `${name} is not in the snapshot`).to.be.a("number");
      expect(Math.abs(gas - pinned) / pinned, `${name}: ${gas} vs snapshot ${pinned}`).to.be.at.most(TOLERANCE);
    }
  });
});
