import { expect } from "chai";
import { network } from "hardhat";

import { Action, SNARK_SCALAR_FIELD } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice, setSequencerStatus } from "@zkagent/contracts/world";

import { readWindow } from "../helpers/market.ts";
import { closeSharedProver, proveTrade, type TradeProof } from "../helpers/prove-trade.ts";
import {
  PRICE_3000,
  SEQUENCER_GRACE_PERIOD,
  TEST_MODEL_HASH,
  TEST_POLICY,
  deployTraderWorld,
  type TraderWorld,
} from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = 10n ** 18n;
const BELOW = (PRICE_3000 * 98n) / 100n; // 2 % under the MA: BUY allowed
const ABOVE = (PRICE_3000 * 102n) / 100n;

async function fixture() {
  return deployTraderWorld(ethers, networkHelpers);
}

/** Completes the window with a latest round at `price` and moves the pool there. */
async function marketAt(tw: TraderWorld, price: bigint) {
  await pushPrice(tw.world.priceFeed, price);
  await movePoolToPrice(tw.world, tw.stranger, price);
}

const args = (p: TradeProof) => [p.solidityProof, p.publicSignals, 2n ** 64n, 0n] as const;
const deadlineOf = async () => BigInt(await networkHelpers.time.latest()) + 600n;

describe("DecentralizedTrader", function () {
  this.timeout(180_000);
  after(closeSharedProver);

  describe("executes proven trades on the real Uniswap V3 pool", () => {
    it("buys exactly `size` WETH, then sells part of it, with balances, positions, nonces and events to the wei", async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const trader = await tw.trader.getAddress();
      await marketAt(tw, BELOW);
      const buy = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      const wethBefore = await tw.world.weth.balanceOf(trader);
      const usdcBefore = await tw.world.usdc.balanceOf(trader);

      const tx = await tw.trader
        .connect(tw.agent)
        .executeTrade(buy.solidityProof, buy.publicSignals, await deadlineOf(), 0n);
      const receipt = await tx.wait();
      const event = tw.trader.interface.parseLog(receipt!.logs.find((l) => l.address === trader)!)!;
      expect(event.name).to.equal("TradeExecuted");
      const spent = usdcBefore - (await tw.world.usdc.balanceOf(trader));
      expect(event.args.toObject()).to.deep.equal({
        agent: tw.agent.address,
        nonce: 0n,
        modelHash: TEST_MODEL_HASH,
        action: 1n,
        size: ONE_ETH,
        amountIn: spent,
        amountOut: ONE_ETH,
        roundId: buy.publicValues.roundId,
        pricesCommitment: buy.publicValues.pricesCommitment,
        modelKind: 0n, // attested: the proof covers the policy, the model is the agent's word
      });
      expect((await tw.world.weth.balanceOf(trader)) - wethBefore).to.equal(ONE_ETH);
      // 2 940 USD per ETH plus the 0.3 % fee, within the 1 % bound
      expect(spent).to.be.within(2_940_000_000n, (2_940_000_000n * 10_100n) / 10_000n);
      expect(await tw.trader.positionOf(tw.agent.address)).to.equal(ONE_ETH);
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(1n);

      await marketAt(tw, ABOVE);
      const sell = await proveTrade(tw, tw.agent, { action: Action.SELL, size: ONE_ETH / 4n });
      const usdcBeforeSell = await tw.world.usdc.balanceOf(trader);
      await expect(
        tw.trader.connect(tw.agent).executeTrade(sell.solidityProof, sell.publicSignals, await deadlineOf(), 0n),
      )
        .to.emit(tw.trader, "TradeExecuted")
        .withArgs(
          tw.agent.address,
          1n,
          TEST_MODEL_HASH,
          2n,
          ONE_ETH / 4n,
          ONE_ETH / 4n,
          (v: bigint) => v > 0n,
          sell.publicValues.roundId,
          sell.publicValues.pricesCommitment,
          0n,
        );
      const received = (await tw.world.usdc.balanceOf(trader)) - usdcBeforeSell;
      // a quarter ETH at ~3 060 USD less the fee, above the 1 % floor
      expect(received).to.be.within((765_000_000n * 9_900n) / 10_000n, 765_000_000n);
      expect(await tw.trader.positionOf(tw.agent.address)).to.equal((ONE_ETH * 3n) / 4n);
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(2n);
    });
  });

  describe("refuses, with its custom error, and leaves funds, position and nonce untouched", () => {
    async function buyReady() {
      const tw = await networkHelpers.loadFixture(fixture);
      await marketAt(tw, BELOW);
      return tw;
    }

    /** Library errors (OracleGuard, PublicValues, SlippageMath) are part of the trader's ABI. */
    async function expectRejected(tw: TraderWorld, proof: TradeProof, error: string, submitter = tw.agent) {
      await expectUnchanged(tw, tw.agent.address, async () => {
        await expect(tw.trader.connect(submitter).executeTrade(...args(proof))).to.be.revertedWithCustomError(
          tw.trader,
          error,
        );
      });
    }

    it("an agent that is not authorised", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.stranger, { action: Action.BUY, size: ONE_ETH });
      await expectRejected(tw, proof, "AgentNotAuthorized", tw.stranger);
    });

    it("a deauthorised agent", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await tw.trader.setAgentAuthorization(tw.agent.address, false);
      await expectRejected(tw, proof, "AgentNotAuthorized");
    });

    it("a model that was never registered", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { modelHash: 42n });
      await expectRejected(tw, proof, "ModelNotApproved");
    });

    it("a model revoked after the proof was made", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await tw.registry.revoke(TEST_MODEL_HASH, "weights leaked");
      await expectRejected(tw, proof, "ModelNotApproved");
    });

    it("policy values that differ from the stored policy", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { thresholdBps: 50n });
      await expectRejected(tw, proof, "PolicyMismatch");
    });

    it("an owner policy change between proof and inclusion", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await tw.trader.setPolicy({ ...TEST_POLICY, maxPosition: TEST_POLICY.maxPosition / 2n });
      await expectRejected(tw, proof, "PolicyMismatch");
    });

    it("a position that is not the agent's tracked position", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(
        tw,
        tw.agent,
        { action: Action.BUY, size: ONE_ETH / 2n },
        { position: ONE_ETH / 2n },
      );
      await expectRejected(tw, proof, "PositionMismatch");
    });

    it("a latest price that is not the committed round's answer", async () => {
      const tw = await buyReady();
      const { prices } = await readWindow(tw.world.priceFeed);
      const forged = [...prices.slice(0, 29), BELOW - 1n];
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { prices: forged });
      await expectRejected(tw, proof, "OraclePriceMismatch");
    });

    it("a round the feed has not reported yet", async () => {
      const tw = await buyReady();
      const [latest] = await tw.world.priceFeed.latestRoundData();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { roundId: latest + 1n });
      await expectRejected(tw, proof, "OracleRoundNotReported");
    });

    it("a stale round", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await networkHelpers.time.increase(TEST_POLICY.maxOracleAge + 1n);
      await expectRejected(tw, proof, "StaleOracle");
    });

    for (const [name, answer] of [
      ["zero", 0n],
      ["negative", -1n],
    ] as const) {
      it(`a latest oracle answer that is ${name}`, async () => {
        const tw = await buyReady();
        const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
        await pushPrice(tw.world.priceFeed, answer);
        await expectRejected(tw, proof, "OracleAnswerNotPositive");
      });
    }

    it("a latest round whose updatedAt is 0", async () => {
      const tw = await buyReady();
      const [latest] = await tw.world.priceFeed.latestRoundData();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      // The feed reports a newer round that never completed.
      await tw.world.priceFeed.updateRoundData(latest + 1n, BELOW, 0n, 0n);
      await expectRejected(tw, proof, "OracleRoundIncomplete");
    });

    it("the sequencer down", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await setSequencerStatus(tw.world.sequencerFeed, "down", BigInt(await networkHelpers.time.latest()));
      await expectRejected(tw, proof, "SequencerDown");
    });

    it("the sequencer back up but within its grace period", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      const now = BigInt(await networkHelpers.time.latest());
      await setSequencerStatus(tw.world.sequencerFeed, "up", now - SEQUENCER_GRACE_PERIOD / 2n);
      await expectRejected(tw, proof, "SequencerGracePeriodNotOver");
    });

    it("a proof lifted from the mempool by another authorised agent (front-run)", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await expectUnchanged(tw, tw.otherAgent.address, async () => {
        await expect(tw.trader.connect(tw.otherAgent).executeTrade(...args(proof))).to.be.revertedWithCustomError(
          tw.trader,
          "ContextMismatch",
        );
      });
    });

    it("a replay of an executed proof", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH / 2n });
      await tw.trader.connect(tw.agent).executeTrade(...args(proof));
      await expectRejected(tw, proof, "ContextMismatch");
    });

    it("a proof made for another chain id", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { chainId: 42161n });
      await expectRejected(tw, proof, "ContextMismatch");
    });

    it("a proof made for another trader contract", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(
        tw,
        tw.agent,
        { action: Action.BUY, size: ONE_ETH },
        { traderAddress: tw.stranger.address },
      );
      await expectRejected(tw, proof, "ContextMismatch");
    });

    it("a proof made for a future nonce", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH }, { nonce: 1n });
      await expectRejected(tw, proof, "ContextMismatch");
    });

    it("a public signal at the field modulus", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      const signals = [...proof.publicSignals] as typeof proof.publicSignals;
      signals[0] = SNARK_SCALAR_FIELD;
      await expectUnchanged(tw, tw.agent.address, async () => {
        await expect(
          tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, signals, 2n ** 64n, 0n),
        ).to.be.revertedWithCustomError(tw.trader, "PublicSignalNotInField");
      });
    });

    // The packed signals are field-checked only when their shape fails (PublicValues.unpack): each
    // failure still says which check it failed, and changes nothing.
    for (const [index, value, error] of [
      [1, SNARK_SCALAR_FIELD, "PublicSignalNotInField"],
      [2, SNARK_SCALAR_FIELD + 1n, "PublicSignalNotInField"],
      [1, 3n << 240n, "MalformedPackedSignal"],
      [2, 1n << 216n, "MalformedPackedSignal"],
    ] as const) {
      it(`a packed public signal ${index} that is ${error === "MalformedPackedSignal" ? "in the field but malformed" : "at or above the field modulus"}`, async () => {
        const tw = await buyReady();
        const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
        const signals = [...proof.publicSignals] as typeof proof.publicSignals;
        signals[index] = value;
        await expectUnchanged(tw, tw.agent.address, async () => {
          await expect(tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, signals, 2n ** 64n, 0n))
            .to.be.revertedWithCustomError(tw.trader, error)
            .withArgs(BigInt(index), value);
        });
      });
    }

    it("a tampered proof", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      const tampered = {
        ...proof.solidityProof,
        c: [proof.solidityProof.c[0], proof.solidityProof.c[1] + 1n] as [bigint, bigint],
      };
      await expectUnchanged(tw, tw.agent.address, async () => {
        await expect(
          tw.trader.connect(tw.agent).executeTrade(tampered, proof.publicSignals, 2n ** 64n, 0n),
        ).to.be.revertedWithCustomError(tw.trader, "InvalidProof");
      });
    });

    it("a valid proof whose size was changed in the public signals", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      const signals = [...proof.publicSignals] as typeof proof.publicSignals;
      signals[1] = signals[1] + ((ONE_ETH / 10n) << 144n); // a larger BUY, still within the cap
      await expectUnchanged(tw, tw.agent.address, async () => {
        await expect(
          tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, signals, 2n ** 64n, 0n),
        ).to.be.revertedWithCustomError(tw.trader, "InvalidProof");
      });
    });

    it("a pool moved beyond the slippage bound (sandwich)", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await movePoolToPrice(tw.world, tw.stranger, (BELOW * 103n) / 100n);
      await expectRejected(tw, proof, "SwapInputAboveBound");
    });

    it("a HOLD signal", async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      await marketAt(tw, PRICE_3000);
      const proof = await proveTrade(tw, tw.agent, { action: Action.HOLD, size: 0n });
      await expectRejected(tw, proof, "HoldNotExecutable");
    });

    it("a transaction included after its deadline", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      const deadline = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.increase(10);
      await expectUnchanged(tw, tw.agent.address, async () => {
        await expect(
          tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, deadline, 0n),
        ).to.be.revertedWithCustomError(tw.trader, "DeadlineExpired");
      });
    });

    it("a BUY the vault cannot pay for", async () => {
      const tw = await buyReady();
      await tw.trader.withdraw(
        await tw.world.usdc.getAddress(),
        await tw.world.usdc.balanceOf(await tw.trader.getAddress()),
        tw.owner.address,
      );
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await expectRejected(tw, proof, "InsufficientVaultBalance");
    });

    it("any trade while paused", async () => {
      const tw = await buyReady();
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
      await tw.trader.pause();
      await expectRejected(tw, proof, "TradingPaused");
    });
  });
});
