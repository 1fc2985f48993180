import { readFile } from "node:fs/promises";

import {
  BPS,
  bandFigures,
  defaultArtifactPaths,
  modelArtifactPaths,
  pricesCommitment,
  proofContext,
  unpackPublicValues,
  type PublicValues,
  verifyPolicyProof,
  WINDOW_SIZE,
  type Groth16Proof,
} from "@zkagent/circuits";
import { DecentralizedTrader__factory, ModelRegistry__factory } from "@zkagent/contracts/typechain";
import { Contract, Interface, keccak256, type Provider } from "ethers";

import { chainlinkFeed } from "../market/feed-abi.ts";
import { auditClaims, type AuditedClaim, type ClaimFinding, type OptimisticTrade } from "./audit-claims.ts";
import { pagedQuery, type LogPaging } from "./paged-logs.ts";
import { PlonkTradeProofs } from "./plonk-proof-of-trade.ts";
import { readFeedWindow } from "../market/read-window.ts";
import { withVerifierCurve } from "./verifier-curve.ts";

/** One check of one trade: passed, failed, or not possible here (and why). */
export interface Check {
  name: string;
  status: "ok" | "fail" | "skipped";
  detail?: string;
}

export interface AuditedTrade {
  txHash: string;
  blockNumber: number;
  agent: string;
  nonce: bigint;
  action: "BUY" | "SELL";
  size: bigint;
  roundId: bigint;
  latestPrice: bigint;
  modelHash: bigint;
  /** What the proof covered: the policy (attested model) or the model's forward pass too (proven). */
  modelKind: "attested" | "proven";
  /** What the pool took and gave, from the event. */
  amountIn: bigint;
  amountOut: bigint;
  /** The proof's public values, from the calldata (absent if it could not be read). */
  values?: PublicValues;
  /** How far the proven price sat inside the band's edge, in basis points of the edge (where the window was readable). */
  bandMarginBps?: number;
  checks: Check[];
  flags: string[];
  verified: boolean;
  /** Executed via executeOptimistic (no proof in calldata): its claim, as the lane tells it. */
  claim?: AuditedClaim;
  /** The verifier the trader accepted this trade's kind of proof from at the trade's block. */
  verifier?: string;
  /** When the proven round was published (the feed's updatedAt, seconds): the trade's place on a timeline. */
  roundUpdatedAt?: bigint;
  /** The window's moving average and policy band at the trade, in the feed's units (where the window was readable). */
  band?: { movingAverage: bigint; lower: bigint; upper: bigint };
}

/** One of the feed's rounds that a trade's window held. */
export interface AuditedRound {
  roundId: bigint;
  answer: bigint;
  updatedAt: bigint;
}

export interface AuditReport {
  trader: string;
  chainId: bigint;
  verifierCodeMatches: boolean | null;
  trades: AuditedTrade[];
  failures: number;
  /** The optimistic trades' claims: finalised unproven (low), slashed or a posted proof that fails (high), pending (info). */
  claimFindings: ClaimFinding[];
  /** The blocks read. */
  fromBlock: number;
  toBlock: number;
  /** The feed's rounds the trades' windows held, oldest first, and the feed's decimals: the price history of the report. */
  prices: AuditedRound[];
  feedDecimals: number;
}

export interface AuditOptions {
  provider: Provider;
  traderAddress: string;
  fromBlock?: number;
  /** Margin, in basis points of the band edge, under which a signal is flagged near-boundary. */
  nearBoundaryBps?: bigint;
  /** The compiled PolicyVerifier's runtime bytecode, to compare with the deployed verifier's. */
  expectedVerifierCode?: string;
  vkeyPath?: string;
  /** The proven-model circuit's verification key (default: the committed one). */
  modelVkeyPath?: string;
  /** The last block and the page size of log reads, and progress (default: to the latest block, 10 000 blocks a page). */
  paging?: LogPaging;
  /** Where the model registry's approvals are read from (default 0; the registry's deployment block on a real chain). */
  registryFromBlock?: number;
  /** Audit only this transaction's trades (the range then only needs to hold its block). */
  txHash?: string;
  /** Told after each trade is checked. */
  onTrade?: (done: number, total: number) => void;
}

/**
 * The trader's ABI before the on-chain window check, loss limits and model kinds: executeTrade
 * without an amount limit, TradeExecuted without the model's kind. Trades of such deployments are
 * audited too (as attested-model trades).
 */
const LEGACY_TRADER = new Interface([
  "event TradeExecuted(address indexed agent, uint256 indexed nonce, uint256 indexed modelHash, uint8 action, uint256 size, uint256 amountIn, uint256 amountOut, uint80 roundId, uint256 pricesCommitment)",
  "function executeTrade((uint256[2] a, uint256[2][2] b, uint256[2] c) proof, uint256[5] publicSignals, uint256 deadline)",
]);

/** One TradeExecuted log, of either ABI. */
interface TradeLog {
  transactionHash: string;
  blockNumber: number;
  index: number;
  args: {
    agent: string;
    nonce: bigint;
    modelHash: bigint;
    action: bigint;
    size: bigint;
    roundId: bigint;
    pricesCommitment: bigint;
    modelKind: bigint;
    amountIn: bigint;
    amountOut: bigint;
  };
}

/** Converts the contract's proof argument back to snarkjs's shape (pB's pairs swapped back). */
export function toSnarkjsProof(a: bigint[], b: bigint[][], c: bigint[]): Groth16Proof {
  const s = (v: bigint | undefined) => (v ?? 0n).toString();
  return {
    pi_a: [s(a[0]), s(a[1]), "1"],
    pi_b: [
      [s(b[0]?.[1]), s(b[0]?.[0])],
      [s(b[1]?.[1]), s(b[1]?.[0])],
      ["1", "0"],
    ],
    pi_c: [s(c[0]), s(c[1]), "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

/**
 * Re-verifies every trade a DecentralizedTrader executed, from the chain alone: each
 * `TradeExecuted` log and its transaction's calldata. Nothing here trusts the agent.
 */
export async function auditTrades(options: AuditOptions): Promise<AuditReport> {
  return withVerifierCurve(() => auditTradesWithCurve(options));
}

async function auditTradesWithCurve(options: AuditOptions): Promise<AuditReport> {
  const { provider, traderAddress } = options;
  const margin = options.nearBoundaryBps ?? 10n;
  const trader = DecentralizedTrader__factory.connect(traderAddress, provider);
  const { chainId } = await provider.getNetwork();
  const vkey = JSON.parse(await readFile(options.vkeyPath ?? defaultArtifactPaths.vkey, "utf8")) as unknown;
  const modelVkey = JSON.parse(await readFile(options.modelVkeyPath ?? modelArtifactPaths.vkey, "utf8")) as unknown;
  // A PLONK vault's verifier is a PlonkVerifierAdapter: its trades' proofs are in the adapter's submits.
  const plonkProofs = new PlonkTradeProofs(provider);
  const registry = ModelRegistry__factory.connect(await trader.modelRegistry(), provider);
  const feedAddress = await trader.priceFeed();
  const feed = chainlinkFeed(feedAddress, provider);
  const feedAtBlock = new Contract(
    feedAddress,
    [
      "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
      "function decimals() view returns (uint8)",
    ],
    provider,
  );

  let verifierCodeMatches: boolean | null = null;
  if (options.expectedVerifierCode) {
    const code = await provider.getCode(await trader.verifier());
    verifierCodeMatches = keccak256(code) === keccak256(options.expectedVerifierCode);
  }

  const fromBlock = options.fromBlock ?? 0;
  const toBlock = options.paging?.toBlock ?? (await provider.getBlockNumber());
  const registryFrom = Math.min(options.registryFromBlock ?? 0, fromBlock);
  const approvals = await pagedQuery(
    "ModelApproved",
    (from, to) => registry.queryFilter(registry.filters.ModelApproved(), from, to),
    registryFrom,
    toBlock,
    options.paging,
  );
  const revocations = await pagedQuery(
    "ModelRevoked",
    (from, to) => registry.queryFilter(registry.filters.ModelRevoked(), from, to),
    registryFrom,
    toBlock,
    options.paging,
  );
  const feedDecimals = Number(await (feedAtBlock.getFunction("decimals")() as Promise<bigint>));
  const rounds = new Map<bigint, AuditedRound>();
  const current = await pagedQuery(
    "TradeExecuted",
    (from, to) => trader.queryFilter(trader.filters.TradeExecuted(), from, to),
    fromBlock,
    toBlock,
    options.paging,
  );
  const legacyEvent = LEGACY_TRADER.getEvent("TradeExecuted")!;
  const legacy = await pagedQuery(
    "TradeExecuted (earlier ABI)",
    (from, to) =>
      provider.getLogs({ address: traderAddress, topics: [legacyEvent.topicHash], fromBlock: from, toBlock: to }),
    fromBlock,
    toBlock,
    options.paging,
  );
  const logs: TradeLog[] = [
    ...current.map((log) => ({
      transactionHash: log.transactionHash,
      blockNumber: log.blockNumber,
      index: log.index,
      args: log.args as unknown as TradeLog["args"],
    })),
    ...legacy.map((log) => {
      const parsed = LEGACY_TRADER.parseLog(log)!;
      return {
        transactionHash: log.transactionHash,
        blockNumber: log.blockNumber,
        index: log.index,
        args: { ...parsed.args.toObject(), modelKind: 0n } as TradeLog["args"],
      };
    }),
  ]
    .filter((log) => options.txHash === undefined || log.transactionHash.toLowerCase() === options.txHash.toLowerCase())
    .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const trades: AuditedTrade[] = [];
  const optimistic: OptimisticTrade[] = [];

  for (const log of logs) {
    options.onTrade?.(trades.length, logs.length);
    const checks: Check[] = [];
    const flags: string[] = [];
    const check = (name: string, ok: boolean, detail?: string) =>
      checks.push({ name, status: ok ? "ok" : "fail", ...(detail ? { detail } : {}) });
    const { agent, nonce, modelHash, action, size, roundId, pricesCommitment: committed } = log.args;
    // Filled in as the checks read them (the record of a trade whose calldata is unreadable has neither).
    const derived: Pick<AuditedTrade, "values" | "bandMarginBps" | "roundUpdatedAt" | "band"> = {};
    // Verifiers rotate (VerifierSet): the one active for the trade's kind at its block checked it.
    const atTrade = { blockTag: log.blockNumber };
    const verifierAtTrade =
      log.args.modelKind === 1n ? await trader.modelVerifier(atTrade) : await trader.verifier(atTrade);
    const record = (latestPrice: bigint): AuditedTrade => ({
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      agent,
      nonce,
      action: action === 1n ? "BUY" : "SELL",
      size,
      roundId,
      latestPrice,
      modelHash,
      modelKind: log.args.modelKind === 1n ? "proven" : "attested",
      amountIn: log.args.amountIn,
      amountOut: log.args.amountOut,
      ...derived,
      checks,
      flags,
      verified: checks.every((c) => c.status !== "fail"),
      verifier: verifierAtTrade,
    });

    const tx = await provider.getTransaction(log.transactionHash);
    const call = tx
      ? (trader.interface.parseTransaction({ data: tx.data }) ?? LEGACY_TRADER.parseTransaction({ data: tx.data }))
      : null;
    // executeTradeWithRecord carries the same proof and signals, then the record's hash;
    // executeOptimistic carries the signals only (its proof is the claim's: see auditClaims).
    const direct = ["executeTrade", "executeTradeWithRecord", "executeOptimistic"];
    if (!tx || !call || !direct.includes(call.name)) {
      check(
        "calldata",
        false,
        "the transaction is not a direct executeTrade, executeTradeWithRecord or executeOptimistic call (not auditable from calldata)",
      );
      trades.push(record(0n));
      continue;
    }
    const isOptimistic = call.name === "executeOptimistic";
    const [proofArg, signalsArg] = (isOptimistic ? [undefined, call.args[0]] : call.args) as unknown as [
      { a: bigint[]; b: bigint[][]; c: bigint[] } | undefined,
      bigint[],
    ];
    const signals = [...signalsArg].map(BigInt);
    const values = unpackPublicValues(signals);
    derived.values = values;

    // 1. The proof, against the committed verification key.
    // A proven model's proof is checked against the proven-model circuit's key.
    const proofKey = log.args.modelKind === 1n ? modelVkey : vkey;
    if (proofArg && (await plonkProofs.isAdapter(verifierAtTrade))) {
      const kind = log.args.modelKind === 1n ? "proven" : "attested";
      const { ok, detail } = await plonkProofs.verify(verifierAtTrade, signals, log.blockNumber, kind);
      check("proof verifies off-chain", ok, detail);
    } else if (proofArg) {
      const proof = toSnarkjsProof(
        [...proofArg.a],
        [...proofArg.b].map((p) => [...p]),
        [...proofArg.c],
      );
      check("proof verifies off-chain", await verifyPolicyProof(proofKey, proof, signals));
    } else {
      checks.push({
        name: "proof verifies off-chain",
        status: "skipped",
        detail: "optimistic trade: no proof in calldata (see its claim)",
      });
      optimistic.push({
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        agent,
        nonce,
        signals,
        modelKind: log.args.modelKind === 1n ? "proven" : "attested",
      });
    }
    // 2. The event says what the proof says.
    check(
      "event matches calldata",
      values.modelHash === modelHash &&
        values.roundId === roundId &&
        values.size === size &&
        BigInt(values.action) === action &&
        values.pricesCommitment === committed,
    );
    // 3. Bound to this chain, this trader, this agent and this nonce.
    check(
      "context binding",
      values.context === proofContext({ chainId, trader: traderAddress, agent, nonce }) &&
        tx.from.toLowerCase() === agent.toLowerCase(),
    );
    // 4. The model was approved before the trade's block and not revoked by then.
    const approvedAt = approvals.find((e) => e.args.modelHash === modelHash)?.blockNumber;
    const revokedAt = revocations.find((e) => e.args.modelHash === modelHash)?.blockNumber;
    const approvedThen =
      approvedAt !== undefined &&
      approvedAt <= log.blockNumber &&
      (revokedAt === undefined || revokedAt > log.blockNumber);
    check("model approved at that block", approvedThen);
    if (revokedAt !== undefined && revokedAt > log.blockNumber) flags.push(`model revoked later (block ${revokedAt})`);
    // 5. The committed round's answer is the proven price.
    try {
      const [, answer, , updatedAt] = await feed.getRoundData(roundId);
      derived.roundUpdatedAt = updatedAt;
      check(
        "oracle round answer",
        answer === values.latestPrice,
        `round ${roundId}: ${answer} vs proven ${values.latestPrice}`,
      );
    } catch (error) {
      checks.push({
        name: "oracle round answer",
        status: "skipped",
        detail: `round not readable: ${(error as Error).message}`,
      });
    }
    // 6. The round was the feed's latest when the trade was included: no newer round had been
    // published by the end of the previous block. (Traders since the on-chain window check refuse
    // a superseded round themselves; this judges trades made before it too. A newer round
    // published earlier in the trade's own block is not visible here.)
    try {
      const [latestBefore] = (await feedAtBlock.getFunction("latestRoundData")({
        blockTag: log.blockNumber - 1,
      })) as [bigint];
      check(
        "round was the feed's latest at inclusion",
        latestBefore <= roundId,
        latestBefore > roundId
          ? `round ${roundId} was superseded by round ${latestBefore} before block ${log.blockNumber}`
          : undefined,
      );
    } catch (error) {
      checks.push({
        name: "round was the feed's latest at inclusion",
        status: "skipped",
        detail: `the feed's state at block ${log.blockNumber - 1} is not readable (an archive node is needed): ${(error as Error).message}`,
      });
    }
    // 7. The committed window is the feed's 30 rounds ending there (where history is readable).
    try {
      const window = await readFeedWindow(feed, WINDOW_SIZE, { endingAt: roundId });
      check("window matches the feed's rounds", pricesCommitment(window.prices) === values.pricesCommitment);
      for (const round of window.rounds) rounds.set(round.roundId, round);
      const band = bandFigures(window.prices, values.thresholdBps);
      derived.band = {
        movingAverage: band.movingAverage,
        lower: band.lowerBand / BPS,
        upper: band.upperBand / BPS,
      };
      const edge = values.action === 1 ? band.lowerBand : band.upperBand;
      const distance = band.scaledPrice > edge ? band.scaledPrice - edge : edge - band.scaledPrice;
      if (edge > 0n) derived.bandMarginBps = Number((distance * BPS * 100n) / edge) / 100;
      if (edge > 0n && distance * BPS <= edge * margin) flags.push(`near the band edge (within ${margin} bps)`);
    } catch (error) {
      checks.push({
        name: "window matches the feed's rounds",
        status: "skipped",
        detail: `feed history not readable: ${(error as Error).message}`,
      });
    }

    trades.push(record(values.latestPrice));
  }
  if (logs.length > 0) options.onTrade?.(trades.length, logs.length);
  // The optimistic trades' claims: a posted proof re-verified, a slash or a bad proof fails the trade.
  const { claims, findings: claimFindings } = await auditClaims({
    provider,
    trades: optimistic,
    vkey,
    modelVkey,
    toSnarkjsProof,
    toBlock,
    ...(options.paging ? { paging: options.paging } : {}),
  });
  for (const trade of trades) {
    const claim = claims.get(trade.txHash);
    if (!claim) continue;
    trade.claim = claim;
    if (claim.verdict === "settled by proof") {
      trade.checks.push({
        name: "claim's posted proof verifies off-chain",
        status: claim.proofVerifies ? "ok" : "fail",
      });
    } else if (claim.verdict === "slashed") {
      trade.checks.push({ name: "claim proven", status: "fail", detail: "slashed: never proven when challenged" });
    } else {
      trade.flags.push(`claim ${claim.verdict}`);
    }
    trade.verified = trade.checks.every((c) => c.status !== "fail");
  }
  const failures = trades.filter((t) => !t.verified).length + (verifierCodeMatches === false ? 1 : 0);
  const prices = [...rounds.values()].sort((a, b) => (a.roundId < b.roundId ? -1 : a.roundId > b.roundId ? 1 : 0));
  return {
    trader: traderAddress,
    chainId,
    verifierCodeMatches,
    trades,
    failures,
    claimFindings,
    fromBlock,
    toBlock,
    prices,
    feedDecimals,
  };
}
