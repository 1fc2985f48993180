import { expect } from "chai";
import { network } from "hardhat";

import { Action, modelCommitment } from "@zkagent/circuits";
import type { DecentralizedTrader } from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice, setSequencerStatus } from "@zkagent/contracts/world";
import { ZeroAddress } from "ethers";

import { NO_PROOF } from "../helpers/forged-world.ts";
import { FOLLOWER_CAPS, deployHubWorld, hubSignals, type HubWorld } from "../helpers/hub-world.ts";
import { meanReversionModel } from "../helpers/models.ts";
import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY } from "../helpers/trader-fixture.ts";
import { expectFollowerUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;

async function fixture() {
  const hw = await deployHubWorld(ethers, networkHelpers);
  await marketAt(hw, BELOW);
  return hw;
}

async function marketAt(hw: HubWorld, price: bigint) {
  await pushPrice(hw.world.priceFeed, price);
  await movePoolToPrice(hw.world, hw.stranger, price);
}

async function publish(hw: HubWorld, action: number, sizeBps: bigint) {
  const { signals, roundId, commitment } = await hubSignals(hw, action, sizeBps);
  const tx = await hw.hub.connect(hw.agent).publishSignal([0n], NO_PROOF, signals);
  const feed = await hw.world.priceFeed.getAddress();
  const key = await hw.hub.keyOf(
    hw.agent.address,
    feed,
    roundId,
    commitment,
    TEST_MODEL_HASH,
    TEST_POLICY.thresholdBps,
  );
  return { tx, key, roundId, commitment };
}

/** Asserts `vault` refuses to follow the publisher's signal with `error` (and `args`), changing nothing. */
async function expectFollowRefused(
  hw: HubWorld,
  vault: DecentralizedTrader,
  [roundId, commitment]: readonly [bigint, bigint],
  error: string,
  args?: unknown[],
) {
  await expectFollowerUnchanged(hw, vault, async () => {
    const refusal = expect(
      vault.followSignal(roundId, commitment, TEST_MODEL_HASH),
      error,
    ).to.be.revertedWithCustomError(vault, error);
    await (args ? refusal.withArgs(...args) : refusal);
  });
}

describe("SignalHub: one verification, many vaults", function () {
  this.timeout(180_000);

  describe("publishing", () => {
    it("verifies a signal once, caches it under what it depends on, and refuses to verify that key again", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const { tx, key, roundId, commitment } = await publish(hw, Action.BUY, 5_000n);
      await expect(tx)
        .to.emit(hw.hub, "SignalVerified")
        .withArgs(
          key,
          hw.agent.address,
          await hw.world.priceFeed.getAddress(),
          roundId,
          commitment,
          TEST_MODEL_HASH,
          TEST_POLICY.thresholdBps,
          Action.BUY,
          5_000n,
        );
      const cached = await hw.hub.signalOf(key);
      expect([cached.action, cached.sizeBps, cached.latestPrice, cached.roundId]).to.deep.equal([
        1n,
        5_000n,
        BELOW,
        roundId,
      ]);
      expect(await hw.hub.nonceOf(hw.agent.address)).to.equal(1n);
      const again = await hubSignals(hw, Action.BUY, 4_000n);
      await expect(hw.hub.connect(hw.agent).publishSignal([0n], NO_PROOF, again.signals))
        .to.be.revertedWithCustomError(hw.hub, "SignalAlreadyVerified")
        .withArgs(key);
    });

    it("refuses what the chain can check: context, model, window, round, shape — nothing cached, nonce kept", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const { signals } = await hubSignals(hw, Action.BUY, 5_000n);
      const hub = hw.hub.connect(hw.agent);
      const cases: [string, bigint[], bigint[]][] = [];
      const withIndex = (i: number, v: bigint) => signals.map((s, j) => (j === i ? v : s));
      cases.push(["ContextMismatch", [0n], withIndex(4, signals[4]! + 1n)]);
      cases.push(["ModelNotApproved", [0n], withIndex(3, 12345n)]);
      cases.push(["WindowMismatch", [0n], withIndex(0, signals[0]! + 1n)]);
      cases.push(["InvalidThreshold", [0n], withIndex(2, 10_000n)]);
      cases.push(["MalformedMarketSignal", [0n], withIndex(1, signals[1]! | (3n << 158n))]);
      cases.push(["PublicSignalCount", [0n], signals.slice(0, 4)]);
      cases.push(["UnsupportedMarketCount", [0n, 1n], signals]);
      cases.push(["InvalidMarketIds", [1n], signals]);
      for (const [error, markets, values] of cases) {
        await expect(hub.publishSignal(markets, NO_PROOF, values), error).to.be.revertedWithCustomError(hw.hub, error);
      }
      // the same market twice in one proof
      await hw.hub.setVerifier(2n, await hw.hub.verifierOf(1n));
      const twice = [signals[0]!, signals[0]!, signals[1]!, signals[1]!, ...signals.slice(2)];
      await expect(hub.publishSignal([0n, 0n], NO_PROOF, twice))
        .to.be.revertedWithCustomError(hw.hub, "InvalidMarketIds")
        .withArgs(1n, 0n);
      // a signal over a round the feed has since superseded
      await pushPrice(hw.world.priceFeed, BELOW);
      await expect(hub.publishSignal([0n], NO_PROOF, signals)).to.be.revertedWithCustomError(hw.hub, "RoundSuperseded");
      expect(await hw.hub.nonceOf(hw.agent.address)).to.equal(0n);
    });

    it("refuses a proven model's hash: the signal circuit carries no model", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const commitment = modelCommitment(meanReversionModel());
      await hw.registry.registerProven(commitment, "mean reversion", "1", "test://model");
      await hw.registry.approve(commitment);
      const { signals } = await hubSignals(hw, Action.BUY, 5_000n, { modelHash: commitment });
      await expect(hw.hub.connect(hw.agent).publishSignal([0n], NO_PROOF, signals))
        .to.be.revertedWithCustomError(hw.hub, "ProvenModelNotSupported")
        .withArgs(commitment);
    });

    it("lets only the owner list markets and set verifiers, and refuses a window log of another feed", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const feed = await hw.world.priceFeed.getAddress();
      const log = await hw.windowLog.getAddress();
      await expect(hw.hub.connect(hw.stranger).addMarket(feed, log)).to.be.revertedWithCustomError(
        hw.hub,
        "OwnableUnauthorizedAccount",
      );
      await expect(hw.hub.connect(hw.stranger).setVerifier(2n, ZeroAddress)).to.be.revertedWithCustomError(
        hw.hub,
        "OwnableUnauthorizedAccount",
      );
      await expect(hw.hub.addMarket(hw.stranger.address, log))
        .to.be.revertedWithCustomError(hw.hub, "InvalidMarket")
        .withArgs(hw.stranger.address, log);
    });
  });

  describe("following", () => {
    it("executes one verified signal in every subscribed vault, each against its own cap, once", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const { roundId, commitment, key } = await publish(hw, Action.BUY, 5_000n);
      for (const [i, vault] of hw.followers.entries()) {
        const expected = FOLLOWER_CAPS[i]! / 2n; // 50 % of this vault's cap
        await expect(vault.connect(hw.stranger).followSignal(roundId, commitment, TEST_MODEL_HASH))
          .to.emit(vault, "SignalFollowed")
          .withArgs(key, hw.agent.address, Action.BUY, expected, (x: bigint) => x > 0n, expected, roundId);
        expect(await vault.positionOf(hw.agent.address)).to.equal(expected);
        await expectFollowRefused(hw, vault, [roundId, commitment], "RoundAlreadyFollowed", [roundId, roundId]);
        expect(await vault.lastFollowedRound()).to.equal(roundId);
      }
    });

    it("clamps a BUY to the room under the cap and a SELL to the position, and refuses when nothing is left", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const vault = hw.followers[1]!; // cap 1 ETH
      const first = await publish(hw, Action.BUY, 8_000n);
      await vault.followSignal(first.roundId, first.commitment, TEST_MODEL_HASH);
      await marketAt(hw, BELOW);
      const second = await publish(hw, Action.BUY, 8_000n);
      await vault.followSignal(second.roundId, second.commitment, TEST_MODEL_HASH);
      expect(await vault.positionOf(hw.agent.address)).to.equal(FOLLOWER_CAPS[1]); // 0.8 + 0.2, not 1.6
      await marketAt(hw, BELOW);
      const third = await publish(hw, Action.BUY, 1_000n);
      await expectFollowRefused(hw, vault, [third.roundId, third.commitment], "NothingToFollow", [third.key]);
      // a SELL in a vault with no position: nothing to sell
      const above = (PRICE_3000 * 102n) / 100n;
      await marketAt(hw, above);
      const sell = await publish(hw, Action.SELL, 5_000n);
      await expectFollowRefused(hw, hw.followers[0]!, [sell.roundId, sell.commitment], "NothingToFollow", [sell.key]);
      await vault.followSignal(sell.roundId, sell.commitment, TEST_MODEL_HASH);
      expect(await vault.positionOf(hw.agent.address)).to.equal(FOLLOWER_CAPS[1]! / 2n);
    });

    it("refuses an unverified signal, another band's, a HOLD, a followed round, unsubscribed or paused vaults and an unapproved model, changing nothing", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const vault = hw.followers[0]!;
      // the vault has followed before: a book, limit usage and a last round a refusal must leave alone
      const earlier = await publish(hw, Action.BUY, 2_000n);
      await vault.followSignal(earlier.roundId, earlier.commitment, TEST_MODEL_HASH);
      await marketAt(hw, BELOW);
      const hold = await publish(hw, Action.HOLD, 0n);
      await marketAt(hw, BELOW);
      const { roundId, commitment } = await publish(hw, Action.BUY, 5_000n);
      const keyFor = async (c: bigint, thresholdBps = TEST_POLICY.thresholdBps) =>
        hw.hub.keyOf(
          hw.agent.address,
          await hw.world.priceFeed.getAddress(),
          roundId,
          c,
          TEST_MODEL_HASH,
          thresholdBps,
        );

      await expectFollowRefused(hw, vault, [earlier.roundId, earlier.commitment], "RoundAlreadyFollowed", [
        earlier.roundId,
        earlier.roundId,
      ]);
      await expectFollowRefused(hw, vault, [roundId, commitment + 1n], "SignalNotVerified", [
        await keyFor(commitment + 1n),
      ]);
      await expectFollowRefused(hw, vault, [hold.roundId, hold.commitment], "HoldNotExecutable");
      // a vault with another threshold computes another key: the signal is not for its policy
      await vault.setPolicy({ ...TEST_POLICY, maxPosition: FOLLOWER_CAPS[0]!, thresholdBps: 200n });
      await expectFollowRefused(hw, vault, [roundId, commitment], "SignalNotVerified", [
        await keyFor(commitment, 200n),
      ]);
      await vault.setPolicy({ ...TEST_POLICY, maxPosition: FOLLOWER_CAPS[0]! });
      await vault.pause();
      await expectFollowRefused(hw, vault, [roundId, commitment], "TradingPaused");
      await vault.unpause();
      await vault.subscribe(ZeroAddress, ZeroAddress);
      await expectFollowRefused(hw, vault, [roundId, commitment], "NotSubscribed");
      await vault.subscribe(await hw.hub.getAddress(), hw.agent.address);
      // a model the vault's registry no longer approves is not followed, whatever the hub cached
      await hw.registry.revoke(TEST_MODEL_HASH, "test");
      await expectFollowRefused(hw, vault, [roundId, commitment], "ModelNotApproved", [TEST_MODEL_HASH]);
    });

    it("refuses a signal the oracle guard no longer admits: sequencer down, answer changed, stale, incomplete, not positive, superseded — changing nothing", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const vault = hw.followers[0]!;
      const earlier = await publish(hw, Action.BUY, 2_000n);
      await vault.followSignal(earlier.roundId, earlier.commitment, TEST_MODEL_HASH);
      await marketAt(hw, BELOW);
      const { roundId, commitment } = await publish(hw, Action.BUY, 5_000n);
      const feed = hw.world.priceFeed;
      const now = async () => BigInt(await networkHelpers.time.latest());
      const signal = [roundId, commitment] as const;

      await setSequencerStatus(hw.world.sequencerFeed, "down", await now());
      await expectFollowRefused(hw, vault, signal, "SequencerDown", [1n]);
      await setSequencerStatus(hw.world.sequencerFeed, "up", (await now()) - 60n);
      // the feed's latest round rewritten with another answer than the one the hub verified
      const [, , , updatedAt] = await feed.latestRoundData();
      await feed.updateRoundData(roundId, BELOW + 1n, updatedAt, updatedAt);
      await expectFollowRefused(hw, vault, signal, "OraclePriceMismatch", [roundId, BELOW + 1n, BELOW]);
      await feed.updateRoundData(roundId, BELOW, updatedAt, updatedAt);
      await networkHelpers.time.increase(TEST_POLICY.maxOracleAge + 1n);
      await expectFollowRefused(hw, vault, signal, "StaleOracle", [roundId, updatedAt, TEST_POLICY.maxOracleAge]);
      await feed.updateRoundData(roundId + 1n, BELOW, 0n, 0n);
      await expectFollowRefused(hw, vault, signal, "OracleRoundIncomplete", [roundId + 1n]);
      await feed.updateRoundData(roundId + 2n, 0n, await now(), await now());
      await expectFollowRefused(hw, vault, signal, "OracleAnswerNotPositive", [roundId + 2n, 0n]);
      // and once the feed moves on, the signal is stale for every follower
      await pushPrice(feed, BELOW);
      const latest = (await feed.latestRoundData())[0];
      for (const follower of hw.followers) {
        await expectFollowRefused(hw, follower, signal, "RoundSuperseded", [roundId, latest]);
      }
    });

    it("keeps every vault-wide limit: a follower's exposure limit stops a signal another vault executes", async () => {
      const hw = await networkHelpers.loadFixture(fixture);
      const [big, capped] = [hw.followers[2]!, hw.followers[0]!];
      await capped.setRiskLimits({
        maxVaultPosition: 10n ** 17n,
        maxNotionalPerAgentPerPeriod: 10n ** 12n,
        maxNotionalPerVaultPerPeriod: 10n ** 12n,
        period: 86_400n,
        maxTradesPerAgentPerPeriod: 100n,
        maxTradesPerVaultPerPeriod: 100n,
        maxTradesPerBlock: 10n,
      });
      const { roundId, commitment } = await publish(hw, Action.BUY, 5_000n);
      await big.followSignal(roundId, commitment, TEST_MODEL_HASH);
      // 50 % of its 2 ETH cap is 1 ETH, past its 0.1 ETH exposure limit
      await expectFollowRefused(hw, capped, [roundId, commitment], "VaultExposureExceeded", [
        0n,
        FOLLOWER_CAPS[0]! / 2n,
        10n ** 17n,
      ]);
    });
  });
});
