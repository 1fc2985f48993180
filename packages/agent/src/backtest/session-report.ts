import { formatEther } from "ethers";

import type { CycleReport } from "../cycle.ts";
import { backtestFigures, type BacktestFigures } from "./backtest-figures.ts";
import type { BacktestResult } from "./run-backtest.ts";
import { BACKTEST_POLICY } from "./run-backtest.ts";

/** One tick as the report, the table and summary.json show it. */
export interface TickRow {
  tick: number;
  /** The round's time (ISO 8601) when the history had timestamps; the replay's clock otherwise. */
  time: string;
  roundId: string;
  price: number;
  movingAverage: number;
  lower: number;
  upper: number;
  action: string;
  /** The trade's size in ETH, and as a share of the position cap and (SELL) of the position held before it. */
  sizeEth?: number;
  sizePctOfCap?: number;
  sizePctOfPosition?: number;
  verdict: string;
  /** What the proof of this tick's trade covers, and what is only attested. */
  proofCovers: string;
  /** The adviser's bias the proven model weighed. */
  advice?: number;
  rule?: string;
  reason?: string;
  outcome?: string;
  /** The agent's position after the tick, in ETH and in percent of the cap. */
  positionEth: number;
  positionPctOfCap: number;
  /** The vault's value after the tick at the round's price (USD). */
  vaultValueUsd: number;
  gasUsed?: number;
  txHash?: string;
  /** Witness and proof, ms. */
  proofMs?: number;
  feeUsd?: number;
  slippageUsd?: number;
  /** The audit of the trade from the chain: every check passed, or those that failed. */
  audit?: { verified: boolean; failedChecks: string[]; publicInputs?: Record<string, string> };
  timingsMs: Record<string, number | undefined>;
}

export interface SessionSummary {
  /** "demo" (generated path) or "backtest" (a price file). */
  kind: "demo" | "backtest";
  /** Where the prices came from. */
  source: string;
  /** Whether the history had timestamps (the report's axis shows dates) or not (tick numbers). */
  timed: boolean;
  firstRoundTime: string;
  lastRoundTime: string;
  gaps: number;
  ticks: number;
  seed: number;
  mode: string;
  model: string;
  /** What the proofs name, in the form the CLI prints it: the GGUF's hash (`zkagent model hash`) in mode llm, the proven model's commitment (`zkagent model commit`) otherwise. */
  modelHash: string;
  /** The GGUF's hash as `zkagent model hash` prints it (the adviser's in mode llm+model). */
  ggufHash?: string;
  policy: {
    maxPositionEth: number;
    thresholdBps: number;
    maxSlippageBps: number;
    maxOracleAgeSeconds: number;
    poolFeePct: number;
  };
  figures: BacktestFigures;
  finalPositionEth: number;
  vaultValueUsd: number;
  buyAndHoldUsd: number;
  startValueUsd: number;
  totalGas: number;
  meanGas: number;
  /** The keeper's window recordings: rounds recorded and their mean gas (not in the trades' gas). */
  windowRecording: { rounds: number; meanGas: number };
  meanProofMs: number;
  meanInferenceMs: number;
  audit: { trades: number; verified: number; failures: number };
  resumedTicks: number;
  fast: boolean;
  /** The whole command's wall time, and the session's alone (set-up, ticks and audit; not the demo's scenes). */
  wallSeconds: number;
  sessionSeconds: number;
  /** Ticks run (not resumed) per second of the session. */
  ticksPerSecond: number;
}

const usd = (p: bigint) => Number(p) / 1e8;
const eth = (wei: bigint) => Number(formatEther(wei));
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

/** `zkagent model hash`'s form: 0x and 62 hex digits (a sha256 shifted right by a byte). */
export const modelHashText = (hash: bigint) => `0x${hash.toString(16).padStart(62, "0")}`;
/** `zkagent model commit`'s hex form: 0x and 64 hex digits. */
export const commitmentText = (commitment: bigint) => `0x${commitment.toString(16).padStart(64, "0")}`;

function signalText(r: CycleReport): string {
  return r.action ?? "malformed";
}

/** The rows of a session's ticks. */
export function tickRows(result: BacktestResult): TickRow[] {
  const cap = BACKTEST_POLICY.maxPosition;
  return result.ticks.map(({ report: r, roundTime, vault, position, trade, audited }) => {
    const size = r.action && r.action !== "HOLD" ? (trade?.baseAmount ?? r.size) : undefined;
    return {
      tick: r.tick,
      time: iso(roundTime),
      roundId: r.roundId.toString(),
      price: usd(r.latestPrice),
      movingAverage: usd(r.movingAverage),
      lower: usd(r.lowerBand),
      upper: usd(r.upperBand),
      action: signalText(r),
      ...(size === undefined
        ? {}
        : {
            sizeEth: eth(size),
            sizePctOfCap: (Number(size) / Number(cap)) * 100,
            ...(r.action === "SELL" && r.position > 0n
              ? { sizePctOfPosition: (Number(size) / Number(r.position)) * 100 }
              : {}),
          }),
      verdict: r.verdict,
      proofCovers: r.proven ? "policy + model (proven); adviser attested" : "policy (proven); model attested",
      ...(r.advice === undefined ? {} : { advice: Number(r.advice) }),
      ...(r.rule ? { rule: r.rule } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.outcome ? { outcome: r.outcome } : {}),
      positionEth: eth(position),
      positionPctOfCap: (Number(position) / Number(cap)) * 100,
      vaultValueUsd: eth(vault.weth) * usd(r.latestPrice) + Number(vault.usdc) / 1e6,
      ...(r.gasUsed ? { gasUsed: Number(r.gasUsed) } : {}),
      ...(r.txHash ? { txHash: r.txHash } : {}),
      ...(r.timingsMs.prove === undefined ? {} : { proofMs: (r.timingsMs.prove ?? 0) + (r.timingsMs.witness ?? 0) }),
      ...(trade ? { feeUsd: trade.feeUsd, slippageUsd: trade.slippageUsd } : {}),
      ...(audited
        ? {
            audit: {
              verified: audited.verified,
              failedChecks: audited.failedChecks,
              ...(audited.publicInputs
                ? {
                    publicInputs: Object.fromEntries(
                      Object.entries(audited.publicInputs).map(([k, v]) => [
                        k,
                        ["pricesCommitment", "modelHash", "context"].includes(k) ? `0x${v.toString(16)}` : v.toString(),
                      ]),
                    ),
                  }
                : {}),
            },
          }
        : {}),
      timingsMs: r.timingsMs,
    };
  });
}

/** The summary of a session: the demo's figures and the usual backtest ones. */
export function sessionSummary(
  result: BacktestResult,
  rows: TickRow[],
  context: { kind: "demo" | "backtest"; seed: number; modelLabel: string; fast: boolean; wallSeconds: number },
): SessionSummary {
  const figures = backtestFigures(result.ticks, result.startVault);
  const executed = rows.filter((r) => r.outcome === "executed");
  const proved = rows.filter((r) => r.proofMs !== undefined);
  const totalGas = executed.reduce((s, r) => s + (r.gasUsed ?? 0), 0);
  const lastPrice = rows.at(-1)!.price;
  const holdValue = eth(result.startVault.weth) * lastPrice + Number(result.startVault.usdc) / 1e6;
  return {
    kind: context.kind,
    source: result.history.file,
    timed: result.history.timed,
    firstRoundTime: rows[0]!.time,
    lastRoundTime: rows.at(-1)!.time,
    gaps: result.history.gaps.length,
    ticks: rows.length,
    seed: context.seed,
    mode: result.mode,
    model: context.modelLabel,
    modelHash: result.mode === "llm" ? modelHashText(result.modelHash) : commitmentText(result.modelHash),
    ...(result.mode === "model" ? {} : { ggufHash: modelHashText(result.ggufHash) }),
    policy: {
      maxPositionEth: eth(BACKTEST_POLICY.maxPosition),
      thresholdBps: Number(BACKTEST_POLICY.thresholdBps),
      maxSlippageBps: Number(BACKTEST_POLICY.maxSlippageBps),
      maxOracleAgeSeconds: Number(BACKTEST_POLICY.maxOracleAge),
      poolFeePct: Number(BACKTEST_POLICY.poolFee) / 10_000,
    },
    figures,
    finalPositionEth: eth(result.finalPosition),
    vaultValueUsd: figures.finalValueUsd,
    buyAndHoldUsd: holdValue,
    startValueUsd: figures.startValueUsd,
    totalGas,
    meanGas: executed.length ? totalGas / executed.length : 0,
    windowRecording: {
      rounds: result.windowRecordings.rounds,
      meanGas: result.windowRecordings.rounds
        ? Number(result.windowRecordings.totalGas) / result.windowRecordings.rounds
        : 0,
    },
    meanProofMs: proved.length ? proved.reduce((s, r) => s + r.proofMs!, 0) / proved.length : 0,
    meanInferenceMs: rows.reduce((s, r) => s + (r.timingsMs.inference ?? 0), 0) / rows.length,
    audit: result.audit,
    resumedTicks: result.resumedTicks,
    fast: context.fast,
    wallSeconds: context.wallSeconds,
    sessionSeconds: result.sessionSeconds,
    ticksPerSecond: (rows.length - result.resumedTicks) / result.sessionSeconds,
  };
}

/** The per-tick line the demo prints (and the backtest without --json, on a terminal). */
export const TICK_TABLE_HEADER = ["tick", "price", "MA", "band", "signal", "pre-check", "proof ms", "gas", "tx"];
const WIDTHS = [4, 9, 9, 11, 10, 20, 8, 7, 12];
export function tickTableLine(cells: string[]): string {
  return cells.map((c, i) => (i >= 4 && i <= 5 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!))).join("  ");
}
export function tickTableRow(r: CycleReport): string {
  const verdict = r.verdict === "refused" ? `refused ${r.rule}` : r.outcome === "reverted" ? "reverted" : r.verdict;
  const signal = r.proven
    ? `${r.action} a${r.advice}`
    : r.action
      ? `${r.action}${r.signal && r.action !== "HOLD" ? ` ${r.signal.sizePct}%` : ""}`
      : "malformed";
  return tickTableLine([
    String(r.tick),
    usd(r.latestPrice).toFixed(2),
    usd(r.movingAverage).toFixed(2),
    `${usd(r.lowerBand).toFixed(0)}–${usd(r.upperBand).toFixed(0)}`,
    signal,
    verdict,
    r.timingsMs.prove ? r.timingsMs.prove.toFixed(0) : "",
    r.gasUsed ? String(r.gasUsed) : "",
    r.txHash ? `${r.txHash.slice(0, 10)}…` : "",
  ]);
}

/** The summary's text, as the demo and the backtest print it. */
export function renderSummaryText(s: SessionSummary): string {
  const f = s.figures;
  const refused =
    Object.entries(f.refusedByRule)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(", ") || "none";
  const pct = (n: number) => `${n >= 0 ? "+" : ""}${n.toFixed(2)} %`;
  return `summary (${s.source}, ${s.ticks} ticks${s.timed ? `, ${s.firstRoundTime} to ${s.lastRoundTime}` : ""}${s.resumedTicks ? `, ${s.resumedTicks} resumed from the state file` : ""})
  trades executed        ${f.executed.buy + f.executed.sell} (${f.executed.buy} BUY, ${f.executed.sell} SELL), ${f.revertedOnChain} reverted on-chain
  refused by the policy  ${Object.values(f.refusedByRule).reduce((a, b) => a + b, 0)} (${refused}); ${f.holds} HOLD
  position               ${s.finalPositionEth.toFixed(4)} ETH (cap ${s.policy.maxPositionEth} ETH)
  vault value            ${s.vaultValueUsd.toFixed(2)} USD vs ${s.buyAndHoldUsd.toFixed(2)} USD holding the initial vault
  return                 ${pct(f.returnPct)} vs buy-and-hold ${pct(f.buyAndHoldPct)}; max drawdown ${f.maxDrawdownPct.toFixed(2)} % (buy-and-hold ${f.buyAndHoldMaxDrawdownPct.toFixed(2)} %)
  turnover               ${f.turnover.toFixed(2)}x the starting value (${f.tradedUsd.toFixed(2)} USD traded); fees ${f.feesUsd.toFixed(2)} USD, slippage ${f.slippageUsd.toFixed(2)} USD
  audit                  ${s.audit.verified} of ${s.audit.trades} trades re-verified from the chain${s.audit.failures ? `, ${s.audit.failures} FAILED` : ""}${s.fast ? " (at the end: --fast)" : ""}
  gas                    ${s.totalGas} total, ${s.meanGas.toFixed(0)} mean per trade; a keeper recorded ${s.windowRecording.rounds} rounds' windows, ${s.windowRecording.meanGas.toFixed(0)} gas mean (once per round for every vault on the feed)
  proof (witness+prove)  ${s.meanProofMs.toFixed(0)} ms mean; inference ${s.meanInferenceMs.toFixed(1)} ms mean
  model                  ${s.model}; proofs name ${s.modelHash}
  wall time              ${s.wallSeconds.toFixed(1)} s; the session ${s.sessionSeconds.toFixed(1)} s, ${s.ticksPerSecond.toFixed(2)} ticks/s (set-up and audit included)`;
}
