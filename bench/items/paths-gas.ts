import { Action, SignalProver, type SignalMarketCount } from "@zkagent/circuits";
import {
  FollowBatcher__factory,
  OptimisticLane__factory,
  WindowLog__factory,
  type DecentralizedTrader,
} from "@zkagent/contracts/typechain";
import { EXTRA_MARKETS, movePoolMarketToPrice, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import { parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import {
  deployExtraFollower,
  deployMultiMarketWorld,
  belowOf,
  type MultiMarketWorld,
} from "../../test/helpers/hub-markets.ts";
import { deployFollower } from "../../test/helpers/hub-world.ts";
import { readWindow } from "../../test/helpers/market.ts";
import { claimOf } from "../../test/helpers/optimistic-world.ts";
import { closeSharedProver, proveTrade } from "../../test/helpers/prove-trade.ts";
import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY } from "../../test/helpers/trader-fixture.ts";
import { profileTransaction, type FrameGas } from "./gas-profile.ts";
import {
  COLD_ACCOUNT,
  COLD_SLOT,
  COLD_SLOT_REWRITE,
  NEW_SLOT,
  floorRow,
  logsGas,
  gasAndIntrinsic,
  pairingFloor,
  readInTrade,
  swapFloor,
  type PathFloor,
} from "./gas-floors.ts";

/** Gas of today's path, the optimistic path and the signal hub, measured in one world and one run. */
export interface PathsGasFigures {
  measuredAt: string;
  /** A proven BUY through executeTrade (verification included). */
  verifiedBuy: number;
  /** finalizeTwo: two claims finalised in one finalizeMany transaction. */
  optimistic: { buy: number; challenge: number; answer: number; finalize: number; finalizeTwo?: number };
  hub: {
    /** publishSignal for a K-market proof, real verifier and proof. */
    publish: Record<string, number>;
    /** followSignal receipts, by market symbol (first follower of a round and later ones alike). */
    follows: { market: string; gas: number }[];
    followMean: number;
    /** Amortised gas per executed trade: (publish_K + V·K follows) / (V·K), for V vaults per market. */
    amortized: { k: number; vaults: number; perTrade: number }[];
    /**
     * Measured, not derived: a keeper executes the V·K follows of each proof in one FollowBatcher
     * transaction; per trade = (publish_K + that transaction) / (V·K).
     */
    batched: { k: number; vaults: number; publish: number; batch: number; perTrade: number }[];
  };
  /** Each path beside its floor: what it cannot avoid (see gas-floors.ts). */
  floors: PathFloor[];
  /** Where the gas of the verified BUY and of a follow goes, call frame by call frame. */
  profiles: { path: string; gas: number; intrinsic: number; root: FrameGas }[];
}

const VAULTS = [1, 2, 4, 8];
const KS: SignalMarketCount[] = [1, 2, 4];
const SYMBOLS = ["ETH", "WBTC", "LINK", "ARB"];

const receiptOf = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!;
const gasOf = async (tx: Promise<ContractTransactionResponse>) => Number((await receiptOf(tx)).gasUsed);

/**
 * On the in-process chain with the shared world's four markets (real Uniswap V3 pools, mock feeds,
 * WindowLogs), real generated verifiers and real proofs: a verified BUY, an optimistic BUY with its
 * challenge, answer and finalisation, and the hub's publication for K = 1, 2, 4 markets followed by
 * every subscribed vault, all in the steady state (windows recorded, slots in use). Follows on the
 * ETH market use three vaults and one vault on each other market; the amortised figures assume
 * each of V vaults per market pays the measured mean follow.
 */
export async function benchPathsGas(): Promise<PathsGasFigures> {
  const { ethers, networkHelpers } = await network.create();
  const mw = await deployMultiMarketWorld(ethers, networkHelpers);
  for (const k of KS) {
    const factory = await ethers.getContractFactory(`SignalVerifier${k}`);
    const verifier = await (await factory.deploy()).waitForDeployment();
    await mw.hub.setVerifier(BigInt(k), await verifier.getAddress());
  }

  // Today's path: a proven BUY, verification included, in the steady state the gas snapshot
  // measures (the round's window recorded, the agent's and the vault's usage slots in use).
  const deadline = 2n ** 40n;
  await mw.windowLog.record();
  const warmUp = await proveTrade(mw, mw.agent, { action: Action.BUY, size: 10n ** 16n });
  await mw.trader.connect(mw.agent).executeTrade(warmUp.solidityProof, warmUp.publicSignals, deadline, 0n);
  const direct = await proveTrade(mw, mw.agent, { action: Action.BUY, size: 10n ** 17n });
  const verifiedReceipt = await receiptOf(
    mw.trader.connect(mw.agent).executeTrade(direct.solidityProof, direct.publicSignals, deadline, 0n),
  );
  const verifiedBuy = Number(verifiedReceipt.gasUsed);

  // The optimistic path on the same vault.
  const lane = await new OptimisticLane__factory(mw.owner).deploy(
    await mw.world.usdc.getAddress(),
    3_600n,
    1_800n,
    100_000_000n,
    50_000_000n,
    4n,
  );
  await mw.trader.setOptimisticLane(await lane.getAddress());
  for (const who of [mw.agent, mw.stranger]) {
    await mw.world.usdc.mint(who.address, 10n ** 12n);
    await mw.world.usdc.connect(who).approve(await lane.getAddress(), 10n ** 12n);
  }
  await lane.connect(mw.agent).depositBond(await mw.trader.getAddress(), 10n ** 9n);
  const claimed = [];
  for (let i = 0; i < 4; i++) {
    const proof = await proveTrade(mw, mw.agent, { action: Action.BUY, size: 10n ** 17n });
    const receipt = (await (
      await mw.trader.connect(mw.agent).executeOptimistic(proof.publicSignals, deadline, 0n)
    ).wait())!;
    claimed.push({ receipt, proof, ...claimOf(lane, receipt) });
  }
  const challenge = await gasOf(lane.connect(mw.stranger).challenge(claimed[0]!.claim));
  const answer = await gasOf(
    lane.connect(mw.agent).prove(claimed[0]!.claim, claimed[0]!.proof.solidityProof, claimed[0]!.proof.publicSignals),
  );
  await networkHelpers.time.increase(3_601n);
  const finalize = await gasOf(lane.finalize(claimed[1]!.claim));
  const finalizeTwo = await gasOf(lane.finalizeMany([claimed[2]!.claim, claimed[3]!.claim]));
  await closeSharedProver();

  // The hub: one proof per K, every follower executes it. A first, unmeasured K = 4 round puts every
  // publisher, follower and usage slot in use; each round's windows are recorded before publishing
  // (by a keeper or an earlier trade on the round; the recording is measured in the gas snapshot).
  const publish: Record<string, number> = {};
  const publishReceipts: Record<number, TransactionReceipt> = {};
  const follows: { market: string; gas: number }[] = [];
  let followReceipt: TransactionReceipt | undefined;
  for (const [round, k] of ([4, ...KS] as SignalMarketCount[]).entries()) {
    const measured = round > 0;
    await freshRound(mw);
    const prover = await SignalProver.load(k);
    const markets = [];
    for (const market of mw.markets.slice(0, k)) {
      const { prices, roundId } = await readWindow(market.feed);
      markets.push({ prices, roundId, action: Action.BUY, sizeBps: 2_000n });
    }
    const proof = await prover.prove({
      markets,
      thresholdBps: TEST_POLICY.thresholdBps,
      modelHash: TEST_MODEL_HASH,
      context: await mw.hub.expectedContext(mw.agent.address),
    });
    await prover.close();
    const ids = mw.markets.slice(0, k).map((m) => m.id);
    const publishReceipt = await receiptOf(
      mw.hub.connect(mw.agent).publishSignal(ids, proof.solidityProof, proof.publicSignals),
    );
    if (measured) {
      publish[`K=${k}`] = Number(publishReceipt.gasUsed);
      publishReceipts[k] = publishReceipt;
    }
    const commitments = proof.publicValues.markets;
    for (let i = 0; i < k; i++) {
      const m = commitments[i]!;
      const vaults = i === 0 ? mw.followers : [mw.extraFollowers[i - 1]!];
      for (const vault of vaults) {
        const receipt = await receiptOf(
          vault.connect(mw.stranger).followSignal(m.roundId, m.pricesCommitment, TEST_MODEL_HASH),
        );
        if (measured) follows.push({ market: SYMBOLS[i]!, gas: Number(receipt.gasUsed) });
        if (measured && i === 0) followReceipt = receipt;
      }
    }
  }
  const followMean = Math.round(follows.reduce((sum, f) => sum + f.gas, 0) / follows.length);
  const amortized = KS.flatMap((k) =>
    VAULTS.map((vaults) => ({
      k,
      vaults,
      perTrade: Math.round(publish[`K=${k}`]! / (vaults * k) + followMean),
    })),
  );
  const labels = await labelsOf(mw);
  labels[(await lane.getAddress()).toLowerCase()] = "OptimisticLane";
  const profiles = [];
  for (const [path, receipt] of [
    ["verified BUY", verifiedReceipt],
    ["optimistic BUY", claimed[0]!.receipt],
    ["followSignal", followReceipt!],
  ] as const) {
    profiles.push({
      path,
      gas: Number(receipt.gasUsed),
      ...(await profileTransaction(ethers.provider, receipt.hash, labels)),
    });
  }
  const batched = await benchBatchedFollows(mw);
  const floors = await pathFloors(mw, {
    verified: verifiedReceipt,
    optimistic: claimed[0]!.receipt,
    lane: await lane.getAddress(),
    follow: followReceipt!,
    followMean,
    publish: publishReceipts,
  });
  return {
    measuredAt: new Date().toISOString(),
    verifiedBuy,
    optimistic: { buy: Number(claimed[0]!.receipt.gasUsed), challenge, answer, finalize, finalizeTwo },
    hub: { publish, follows, followMean, amortized, batched },
    floors,
    profiles,
  };
}

/** Names for the world's contracts in a profile (a follower vault is "follower vault"). */
async function labelsOf(mw: MultiMarketWorld): Promise<Record<string, string>> {
  const named: [string, { getAddress(): Promise<string> }][] = [
    ["DecentralizedTrader", mw.trader],
    ["ModelRegistry", mw.registry],
    ["WindowLog", mw.windowLog],
    ["price feed", mw.world.priceFeed],
    ["sequencer feed", mw.world.sequencerFeed],
    ["Uniswap V3 pool", mw.world.pool],
    ["WETH", mw.world.weth],
    ["USDC", mw.world.usdc],
    ["SignalHub", mw.hub],
    ...mw.followers.map((f) => ["follower vault", f] as [string, typeof f]),
  ];
  const labels: Record<string, string> = {};
  for (const [name, contract] of named) labels[(await contract.getAddress()).toLowerCase()] = name;
  labels[(await mw.trader.verifierOf(0)).toLowerCase()] = "PolicyVerifier (Groth16)";
  return labels;
}

/** Public inputs of the K-market signal proof (SignalVerifier{K}). */
const SIGNAL_PUBLIC_INPUTS: Record<number, number> = { 1: 5, 2: 7, 4: 11 };

/**
 * Each path's floor, measured in the same world after the paths themselves (the probe's swaps
 * move the ETH pool): its intrinsic gas (21 000 + its calldata), the pairing check for its public
 * inputs, the pool's swap by the cheapest caller, the feed reads and the window check it must
 * make, and the storage it must create (a claim; a verified signal per market).
 */
async function pathFloors(
  mw: MultiMarketWorld,
  r: {
    verified: TransactionReceipt;
    optimistic: TransactionReceipt;
    lane: string;
    follow: TransactionReceipt;
    followMean: number;
    publish: Record<number, TransactionReceipt>;
  },
): Promise<PathFloor[]> {
  const provider = mw.owner.provider!;
  const [latestRound] = await mw.world.priceFeed.latestRoundData();
  const feedRead = await readInTrade(
    provider,
    await mw.world.priceFeed.getAddress(),
    mw.world.priceFeed.interface.encodeFunctionData("latestRoundData"),
  );
  const sequencerRead = await readInTrade(
    provider,
    await mw.world.sequencerFeed.getAddress(),
    mw.world.sequencerFeed.interface.encodeFunctionData("latestRoundData"),
  );
  const windowCheck = await readInTrade(
    provider,
    await mw.windowLog.getAddress(),
    mw.windowLog.interface.encodeFunctionData("commitmentOf", [latestRound]),
  );
  const swap = await swapFloor(
    mw.stranger,
    mw.world.pool,
    async (probe) => {
      await mw.world.usdc.mint(probe, parseUnits("20000", 6));
      await mw.world.weth.connect(mw.stranger).deposit({ value: parseEther("1") });
      await mw.world.weth.connect(mw.stranger).transfer(probe, parseEther("1"));
    },
    !mw.world.layout.baseIsToken0,
    10n ** 17n,
  );
  const intrinsic = async (receipt: TransactionReceipt) => (await gasAndIntrinsic(receipt)).intrinsic;
  const market = { "pool swap": swap, "price feed read": feedRead, "sequencer feed read": sequencerRead };
  const trader = await mw.trader.getAddress();
  const follower = (receipt: TransactionReceipt) => receipt.to!;
  // What every trade of a vault touches by the protocol's own rules, at its cheapest.
  const vaultState = {
    "agent's slot (nonce, position, period usage): read, rewritten": COLD_SLOT_REWRITE,
    "vault's usage slot (exposure, trades, notional): read, rewritten": COLD_SLOT_REWRITE,
    "policy and limit slots: read": 2 * COLD_SLOT,
  };
  const rows = [
    floorRow(
      "verified BUY",
      Number(r.verified.gasUsed),
      {
        "intrinsic + calldata": await intrinsic(r.verified),
        "pairing check (5 inputs)": pairingFloor(5),
        ...market,
        "window check": windowCheck,
      },
      {
        ...vaultState,
        "model approval (registry account, slot)": COLD_ACCOUNT + COLD_SLOT,
        "active verifier (slot, account)": COLD_SLOT + COLD_ACCOUNT,
        "the trade's events": logsGas(r.verified, [trader]),
      },
    ),
    floorRow(
      "optimistic BUY",
      Number(r.optimistic.gasUsed),
      {
        "intrinsic + calldata": await intrinsic(r.optimistic),
        ...market,
        "window check": windowCheck,
        "the claim (one new slot)": NEW_SLOT,
      },
      {
        ...vaultState,
        "model approval (registry account, slot)": COLD_ACCOUNT + COLD_SLOT,
        "active verifier slot (named in the claim)": COLD_SLOT,
        // the lane is the owner's to switch or turn off, so its address is a slot every such trade reads
        "lane (slot, account), agent's bond slot read and rewritten": COLD_SLOT + COLD_ACCOUNT + COLD_SLOT_REWRITE,
        "the trade's and the claim's events": logsGas(r.optimistic, [trader, r.lane]),
      },
    ),
    floorRow(
      "followSignal",
      r.followMean,
      {
        "intrinsic + calldata": await intrinsic(r.follow),
        ...market,
        // The follow reads the hub's verified signal and the vault's registry (one cold slot each).
        "hub signal read": COLD_ACCOUNT + COLD_SLOT,
        "registry approval read": COLD_ACCOUNT + COLD_SLOT,
      },
      {
        ...vaultState,
        "subscription slot (hub, last followed round): read, rewritten": COLD_SLOT_REWRITE,
        "publisher slot: read": COLD_SLOT,
        "the follow's event": logsGas(r.follow, [follower(r.follow)]),
      },
    ),
  ];
  for (const [k, receipt] of Object.entries(r.publish)) {
    const markets = Number(k);
    rows.push(
      floorRow(
        `publishSignal, K = ${markets}`,
        Number(receipt.gasUsed),
        {
          "intrinsic + calldata": await intrinsic(receipt),
          [`pairing check (${SIGNAL_PUBLIC_INPUTS[markets]} inputs)`]: pairingFloor(SIGNAL_PUBLIC_INPUTS[markets]!),
          [`${markets} feed read(s) and window check(s)`]: markets * (feedRead + windowCheck),
          [`${markets} verified signal(s) stored (one new slot each)`]: markets * NEW_SLOT,
        },
        {
          "publisher's nonce slot: read, rewritten": COLD_SLOT_REWRITE,
          // the owner lists markets, so each market's window log is a slot the publication reads
          [`${markets} market listing(s) (one slot each)`]: markets * COLD_SLOT,
          "model approval (registry account, slot)": COLD_ACCOUNT + COLD_SLOT,
          "verifier of K (slot, account)": COLD_SLOT + COLD_ACCOUNT,
          "the signals' events": logsGas(receipt, [await mw.hub.getAddress()]),
        },
      ),
    );
  }
  return rows;
}

/**
 * The hub's V·K follows through one FollowBatcher transaction per proof, for every K and V: eight
 * vaults per market (the world's, and more of the same kind), unmeasured K = 4 rounds that put every vault's slots in use, then one round per (K, V), alternating SELL and BUY so that no
 * vault runs into its cap or out of its position. Every follow must execute (a skipped one throws).
 */
async function benchBatchedFollows(mw: MultiMarketWorld): Promise<PathsGasFigures["hub"]["batched"]> {
  const perMarket = Math.max(...VAULTS);
  const vaults: DecentralizedTrader[][] = [[...mw.followers]];
  while (vaults[0]!.length < perMarket) vaults[0]!.push(await deployFollower(mw, mw.hub, parseEther("2")));
  for (const [i, options] of EXTRA_MARKETS.entries()) {
    const market = mw.markets[i + 1]!;
    const { windowLog } = await mw.hub.market(market.id);
    const list = [mw.extraFollowers[i]!];
    while (list.length < perMarket) list.push(await deployExtraFollower(mw, market.extra!, options, windowLog));
    vaults.push(list);
  }
  const batcher = await new FollowBatcher__factory(mw.stranger).deploy();
  // Two unmeasured rounds put every vault between its cap and nothing (BUY 20 %, then SELL 10 %);
  // the measured ones step 5 % of the cap in an order that takes every subset of vaults (the first
  // V of each market) at most one step either way, so none runs into its cap or out of its position.
  const order = [
    [Action.SELL, Action.BUY, Action.SELL, Action.BUY],
    [Action.BUY, Action.SELL, Action.BUY, Action.SELL],
    [Action.SELL, Action.BUY, Action.SELL, Action.BUY],
  ];
  const rounds: { k: SignalMarketCount; vaults: number; action: Action; sizeBps: bigint; measured: boolean }[] = [
    { k: 4, vaults: perMarket, action: Action.BUY, sizeBps: 2_000n, measured: false },
    { k: 4, vaults: perMarket, action: Action.SELL, sizeBps: 1_000n, measured: false },
    ...KS.flatMap((k, i) =>
      VAULTS.map((v, j) => ({ k, vaults: v, action: order[i]![j]!, sizeBps: 500n, measured: true })),
    ),
  ];
  const results: PathsGasFigures["hub"]["batched"] = [];
  for (const [n, round] of rounds.entries()) {
    const { action, sizeBps } = round;
    await freshRound(mw, action);
    const prover = await SignalProver.load(round.k);
    const markets = [];
    for (const market of mw.markets.slice(0, round.k)) {
      const { prices, roundId } = await readWindow(market.feed);
      markets.push({ prices, roundId, action, sizeBps });
    }
    const proof = await prover.prove({
      markets,
      thresholdBps: TEST_POLICY.thresholdBps,
      modelHash: TEST_MODEL_HASH,
      context: await mw.hub.expectedContext(mw.agent.address),
    });
    await prover.close();
    const ids = mw.markets.slice(0, round.k).map((m) => m.id);
    const publish = await gasOf(mw.hub.connect(mw.agent).publishSignal(ids, proof.solidityProof, proof.publicSignals));
    const follows = [];
    for (const [i, m] of proof.publicValues.markets.entries()) {
      for (const vault of vaults[i]!.slice(0, round.vaults)) {
        follows.push({
          vault: await vault.getAddress(),
          roundId: m.roundId,
          pricesCommitment: m.pricesCommitment,
          modelHash: TEST_MODEL_HASH,
        });
      }
    }
    const receipt = await receiptOf(batcher.connect(mw.stranger).followAll(follows));
    const skipped = receipt.logs
      .filter((log) => log.address === (batcher.target as string))
      .map((log) => batcher.interface.parseLog(log)!.args);
    if (skipped.length > 0) {
      const why = skipped.map(([vault, , reason]) => `${vault} (${reason})`).join(", ");
      throw new Error(`batched follows, round ${n}: ${skipped.length} of ${follows.length} skipped: ${why}`);
    }
    if (!round.measured) continue;
    const batch = Number(receipt.gasUsed);
    const trades = round.k * round.vaults;
    results.push({
      k: round.k,
      vaults: round.vaults,
      publish,
      batch,
      perTrade: Math.round((publish + batch) / trades),
    });
  }
  return results;
}

/** 2 % above each market's moving average: the band allows a SELL everywhere. */
const aboveOf = (initial: bigint) => (initial * 102n) / 100n;

/**
 * A new round on every market, 2 % under (BUY) or over (SELL) its initial price, pools moved
 * there, windows recorded.
 */
async function freshRound(mw: MultiMarketWorld, action: Action = Action.BUY): Promise<void> {
  const at = action === Action.BUY ? belowOf : aboveOf;
  await pushPrice(mw.world.priceFeed, at(PRICE_3000));
  await movePoolToPrice(mw.world, mw.stranger, at(PRICE_3000));
  for (const [i, market] of mw.markets.slice(1).entries()) {
    const price = at(EXTRA_MARKETS[i]!.initialPrice);
    await pushPrice(market.feed, price);
    await movePoolMarketToPrice(market.extra!, mw.stranger, price);
  }
  for (const market of mw.markets) {
    const { windowLog } = await mw.hub.market(market.id);
    await (await WindowLog__factory.connect(windowLog, mw.owner).record()).wait();
  }
}
