import type { CycleReport } from "../cycle.ts";

/** What an executed trade paid, valued at the oracle's price of its round (USD). */
export interface TradeCost {
  action: "BUY" | "SELL";
  /** The ETH bought or sold. */
  baseAmount: bigint;
  /** The USDC paid or received (6 decimals). */
  quoteAmount: bigint;
  /** The trade's value at the oracle price. */
  notionalUsd: number;
  /** The pool's fee (its tier × what went in). */
  feeUsd: number;
  /** What the trade lost against the oracle price beyond the fee: price impact and the pool's lag (negative: it did better). */
  slippageUsd: number;
}

/** One tick of the replay, as the report and the figures read it. */
export interface BacktestTick {
  report: CycleReport;
  /** When the round was published (Unix seconds): the history's timestamp, or the replay's clock for closes without times. */
  roundTime: number;
  /** The vault's holdings after the tick (WETH 18 decimals, USDC 6). */
  vault: { weth: bigint; usdc: bigint };
  /** The agent's position after the tick (WETH). */
  position: bigint;
  trade?: TradeCost;
  /** The executed trade's signed transaction, replayed byte for byte when a run resumes. */
  rawTransaction?: string;
  /** The audit of this tick's trade (per tick; with --fast, at the end only), with the proof's public inputs read from the calldata. */
  audited?: { verified: boolean; failedChecks: string[]; publicInputs?: Record<string, bigint> };
}

export interface BacktestFigures {
  ticks: number;
  startValueUsd: number;
  finalValueUsd: number;
  /** The vault's return over the run, and holding the initial vault untouched (buy and hold), in percent. */
  returnPct: number;
  buyAndHoldPct: number;
  /** The largest fall of the vault's value from a previous high, in percent of that high. */
  maxDrawdownPct: number;
  /** Buy and hold's, for comparison. */
  buyAndHoldMaxDrawdownPct: number;
  /** Everything traded (at the oracle price) over the starting value: 1.0 = the vault's value once. */
  turnover: number;
  tradedUsd: number;
  feesUsd: number;
  slippageUsd: number;
  executed: { buy: number; sell: number };
  refusedByRule: Record<string, number>;
  holds: number;
  revertedOnChain: number;
}

const usd = (price: bigint) => Number(price) / 1e8;
const valueOf = (vault: { weth: bigint; usdc: bigint }, price: bigint) =>
  (Number(vault.weth) / 1e18) * usd(price) + Number(vault.usdc) / 1e6;

function maxDrawdown(values: number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const value of values) {
    peak = Math.max(peak, value);
    if (peak > 0) worst = Math.max(worst, (peak - value) / peak);
  }
  return worst * 100;
}

/**
 * A trade's cost from what the pool took and gave (TradeExecuted's amountIn and amountOut) and
 * the oracle price it was proven at; `poolFee` in hundredths of a bip (3000 = 0.3 %).
 */
export function tradeCost(
  action: "BUY" | "SELL",
  amountIn: bigint,
  amountOut: bigint,
  oraclePrice: bigint,
  poolFee: number,
): TradeCost {
  const price = usd(oraclePrice);
  const feeShare = poolFee / 1e6;
  if (action === "BUY") {
    const paid = Number(amountIn) / 1e6;
    const gotValue = (Number(amountOut) / 1e18) * price;
    const fee = paid * feeShare;
    return {
      action,
      baseAmount: amountOut,
      quoteAmount: amountIn,
      notionalUsd: gotValue,
      feeUsd: fee,
      slippageUsd: paid - gotValue - fee,
    };
  }
  const soldValue = (Number(amountIn) / 1e18) * price;
  const received = Number(amountOut) / 1e6;
  const fee = soldValue * feeShare;
  return {
    action,
    baseAmount: amountIn,
    quoteAmount: amountOut,
    notionalUsd: soldValue,
    feeUsd: fee,
    slippageUsd: soldValue - received - fee,
  };
}

/** The usual backtest figures over a replay that started with `startVault`. */
export function backtestFigures(ticks: BacktestTick[], startVault: { weth: bigint; usdc: bigint }): BacktestFigures {
  if (ticks.length === 0) throw new RangeError("backtestFigures: no ticks");
  const prices = ticks.map((t) => t.report.latestPrice);
  const values = ticks.map((t, i) => valueOf(t.vault, prices[i]!));
  const holdValues = prices.map((p) => valueOf(startVault, p));
  const startValueUsd = valueOf(startVault, prices[0]!);
  const finalValueUsd = values.at(-1)!;
  const trades = ticks.flatMap((t) => (t.trade ? [t.trade] : []));
  const tradedUsd = trades.reduce((s, t) => s + t.notionalUsd, 0);
  const refusedByRule: Record<string, number> = {};
  for (const { report } of ticks) {
    if (report.verdict === "refused") refusedByRule[report.rule!] = (refusedByRule[report.rule!] ?? 0) + 1;
  }
  const executed = ticks.filter((t) => t.report.outcome === "executed");
  return {
    ticks: ticks.length,
    startValueUsd,
    finalValueUsd,
    returnPct: (finalValueUsd / startValueUsd - 1) * 100,
    buyAndHoldPct: (holdValues.at(-1)! / startValueUsd - 1) * 100,
    maxDrawdownPct: maxDrawdown([startValueUsd, ...values]),
    buyAndHoldMaxDrawdownPct: maxDrawdown([startValueUsd, ...holdValues]),
    turnover: tradedUsd / startValueUsd,
    tradedUsd,
    feesUsd: trades.reduce((s, t) => s + t.feeUsd, 0),
    slippageUsd: trades.reduce((s, t) => s + t.slippageUsd, 0),
    executed: {
      buy: executed.filter((t) => t.report.action === "BUY").length,
      sell: executed.filter((t) => t.report.action === "SELL").length,
    },
    refusedByRule,
    holds: ticks.filter((t) => t.report.verdict === "hold").length,
    revertedOnChain: ticks.filter((t) => t.report.outcome === "reverted").length,
  };
}
