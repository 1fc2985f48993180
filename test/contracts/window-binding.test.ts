import { expect } from "chai";
import { network } from "hardhat";

import { Action, evaluatePolicy, pricesCommitment } from "@zkagent/circuits";
import {
  deployWindowLog,
  deployZkagent,
  marketOf,
  movePoolToPrice,
  pushPrice,
  pushPrices,
  transmitPrices,
} from "@zkagent/contracts/world";
import { DecentralizedTrader__factory, MockV3Aggregator__factory } from "@zkagent/contracts/typechain";

import { readWindow } from "../helpers/market.ts";
import { closeSharedProver, proveTrade, type TradeProof } from "../helpers/prove-trade.ts";
import {
  PRICE_3000,
  TEST_MODEL_HASH,
  TEST_LIMITS,
  TEST_POLICY,
  deployTraderWorld,
  wiringOf,
  type TraderWorld,
} from "../helpers/trader-fixture.ts";
import { deployRealShapedTrader } from "../helpers/real-shaped-trader.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = 10n ** 18n;
const BELOW = (PRICE_3000 * 98n) / 100n; // 2 % under a flat 3 000 window: BUY allowed
const args = (p: TradeProof) => [p.solidityProof, p.publicSignals, 2n ** 64n, 0n] as const;

async function fixture() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return tw;
}

async function expectRefused(tw: TraderWorld, proof: TradeProof, error: string, errorArgs?: unknown[]) {
  await expectUnchanged(tw, tw.agent.address, async () => {
    const assertion = expect(tw.trader.connect(tw.agent).executeTrade(...args(proof))).to.be.revertedWithCustomError(
      tw.trader,
      error,
    );
    await (errorArgs ? assertion.withArgs(...errorArgs) : assertion);
  });
}

describe("the window a proof is about is the feed's, checked on-chain before the swap", function () {
  this.timeout(300_000);
  after(closeSharedProver);

  it("executes a proof over the feed's 30 rounds ending at its latest round, recording the window on the first trade", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { prices, roundId } = await readWindow(tw.world.priceFeed);
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
    await expect(tw.trader.connect(tw.agent).executeTrade(...args(proof)))
      .to.emit(tw.windowLog, "WindowRecorded")
      .withArgs(roundId, pricesCommitment(prices), 30n)
      .and.to.emit(tw.trader, "TradeExecuted");
    expect(await tw.windowLog.commitmentOf(roundId)).to.equal(pricesCommitment(prices));
  });

  it("refuses a fabricated window: the real latest round with 29 invented prices that allow a BUY the feed's history forbids", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    // The feed fell to 2 800 and its latest is a little above that: BUY is outside the band.
    await pushPrices(tw.world.priceFeed, Array(29).fill(PRICE_3000 - 200n * 10n ** 8n));
    const latest = PRICE_3000 - 180n * 10n ** 8n;
    await pushPrice(tw.world.priceFeed, latest);
    await movePoolToPrice(tw.world, tw.stranger, latest);
    const { prices: real, roundId } = await readWindow(tw.world.priceFeed);
    const invented = [...Array(29).fill(PRICE_3000), latest];
    const statement = { maxPosition: TEST_POLICY.maxPosition, thresholdBps: 100n, position: 0n };
    expect(evaluatePolicy({ ...statement, prices: real, action: Action.BUY, size: ONE_ETH }).compliant).to.equal(false);
    expect(evaluatePolicy({ ...statement, prices: invented, action: Action.BUY, size: ONE_ETH }).compliant).to.equal(
      true,
    );

    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { prices: invented });
    await expectRefused(tw, proof, "WindowMismatch", [roundId, pricesCommitment(invented), pricesCommitment(real)]);
  });

  it("refuses a proof over a round that was superseded while still fresh, even though BUY was allowed on it", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const [provenRound] = await tw.world.priceFeed.latestRoundData();
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
    // The next round is back at the average: BUY forbidden. The proof's round is seconds old.
    await pushPrice(tw.world.priceFeed, PRICE_3000);
    await expectRefused(tw, proof, "RoundSuperseded", [provenRound, provenRound + 1n]);
  });

  it("refuses a window shifted by one round", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await pushPrice(tw.world.priceFeed, BELOW); // the last two answers are equal, so the latest price matches
    const [latest] = await tw.world.priceFeed.latestRoundData();
    const shifted: bigint[] = [];
    for (let r = latest - 30n; r < latest; r++) shifted.push((await tw.world.priceFeed.getRoundData(r))[1]);
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { prices: shifted });
    await expectRefused(tw, proof, "WindowMismatch");
  });

  it("refuses a window from another feed that ends at the same price", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const other = await new MockV3Aggregator__factory(tw.owner).deploy(8, PRICE_3000 + 10n ** 8n);
    await pushPrices(other, [...Array(28).fill(PRICE_3000 + 10n ** 8n), BELOW]);
    const [latest] = await tw.world.priceFeed.latestRoundData();
    const proof = await proveTrade(
      tw,
      tw.agent,
      { action: Action.BUY, size: ONE_ETH },
      { feed: other, roundId: latest },
    );
    await expectRefused(tw, proof, "WindowMismatch");
  });

  it("refuses a window with one price off by one unit", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { prices } = await readWindow(tw.world.priceFeed);
    const offByOne = prices.map((p, i) => (i === 10 ? p + 1n : p));
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { prices: offByOne });
    await expectRefused(tw, proof, "WindowMismatch");
  });

  it("refuses a proof whose round was superseded between simulation and inclusion", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
    await tw.trader.connect(tw.agent).executeTrade.staticCall(...args(proof)); // the agent's simulation passes
    await pushPrice(tw.world.priceFeed, BELOW); // a new round lands before the transaction
    await expectRefused(tw, proof, "RoundSuperseded");
  });

  it("serves every vault on the feed from one recording: a second vault's trade on the same round records nothing", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const second = await deployZkagent(tw.owner, await marketOf(tw.world), TEST_POLICY, {
      owner: tw.owner.address,
      governor: tw.owner.address,
      windowLog: tw.windowLog,
    });
    await second.trader.setAgentAuthorization(tw.agent.address, true);
    await second.registry.register(TEST_MODEL_HASH, "contract-test model", "1", "test://bytes");
    await second.registry.approve(TEST_MODEL_HASH);
    await tw.world.usdc.mint(await second.trader.getAddress(), 10_000n * 10n ** 6n);
    const other: TraderWorld = { ...tw, ...second };

    await tw.trader
      .connect(tw.agent)
      .executeTrade(...args(await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH })));
    const proof = await proveTrade(other, tw.agent, { action: Action.BUY, size: ONE_ETH / 10n });
    await expect(second.trader.connect(tw.agent).executeTrade(...args(proof)))
      .to.emit(second.trader, "TradeExecuted")
      .and.not.to.emit(tw.windowLog, "WindowRecorded");
  });

  it("on a real-shaped feed, refuses the previous phase's last round after an aggregator change, and trades again once the new phase has a window", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const rs = await deployRealShapedTrader(tw);
    await transmitPrices(rs.feed, [BELOW]);
    const [phaseOneRound] = await rs.feed.proxy.latestRoundData();
    const stale = await proveTrade(rs, tw.agent, { action: Action.BUY, size: ONE_ETH }, { feed: rs.feed.proxy });
    await rs.feed.nextPhase();
    await transmitPrices(rs.feed, [BELOW]);
    const phaseTwoFirst = (2n << 64n) | 1n;
    await expectRefused(rs, stale, "RoundSuperseded", [phaseOneRound, phaseTwoFirst]);
    await transmitPrices(rs.feed, [...Array(28).fill(PRICE_3000), BELOW]);
    const fresh = await proveTrade(rs, tw.agent, { action: Action.BUY, size: ONE_ETH }, { feed: rs.feed.proxy });
    expect(fresh.request.roundId).to.equal((2n << 64n) | 30n);
    await expect(rs.trader.connect(tw.agent).executeTrade(...args(fresh))).to.emit(rs.trader, "TradeExecuted");
  });

  it("refuses, at deployment, a window log that records another feed than the trader's", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const foreignLog = await deployWindowLog(tw.owner, await tw.world.sequencerFeed.getAddress());
    const market = await marketOf(tw.world);
    const factory = new DecentralizedTrader__factory(tw.owner);
    const wiring = await wiringOf(tw, { windowLog: await foreignLog.getAddress() });
    await expect(factory.deploy(tw.owner.address, wiring, TEST_POLICY, TEST_LIMITS))
      .to.be.revertedWithCustomError(factory, "WindowLogFeedMismatch")
      .withArgs(market.sequencerUptimeFeed, market.priceFeed);
  });
});
