import { Action, bandFigures, evaluateModel, MODEL_WINDOW, type QuantizedModel } from "@zkagent/circuits";

import { adviserSeries, exampleRounds } from "./examples.ts";
import { PRICE_DECIMALS, type PricePath, type Regime } from "./price-paths.ts";
import type { TrainingConfig } from "./training-config.ts";

/** What a strategy sees at a round: the window, its position and cap, the adviser's bias. */
export interface StrategyInput {
  window: bigint[];
  position: bigint;
  maxPosition: bigint;
  advice: number;
}

/** A strategy's trade at a round (size in base units; HOLD has size 0). */
export type Strategy = (input: StrategyInput, round: number) => { action: Action; size: bigint };

/** A strategy's results on a set of paths, in quote units (USD). */
export interface StrategyResult {
  /** Σ over paths of the final value (cash + position at the last price) − the starting value (0). */
  pnlQuote: number;
  /** pnlQuote as a percentage of Σ over paths of the cap's value at the first traded price. */
  pnlPercentOfCapValue: number;
  trades: number;
  buys: number;
  sells: number;
  /** The share of trades whose `horizon`-round forward return had the trade's sign (null: no trades). */
  hitRate: number | null;
  /** Σ |traded notional|, and the same in multiples of the cap's value. */
  turnoverQuote: number;
  turnoverInCaps: number;
  feesQuote: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100 + 0;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000 + 0;
const PRICE_UNIT = 10 ** PRICE_DECIMALS;

/**
 * Runs `strategy` on each path in a simple in-memory market: the position starts at 0 and cash at
 * 0 (cash may go negative: financing is free, so only the trades' quality shows), the strategy
 * trades at every round with a full window behind and `horizon` rounds ahead, fills at that
 * round's oracle price with a fee of feeBps on the notional, and the book is marked to the path's
 * last price.
 */
export function simulate(
  paths: readonly PricePath[],
  strategy: Strategy,
  config: TrainingConfig,
): { total: StrategyResult; byRegime: Partial<Record<Regime, StrategyResult>> } {
  const cap = BigInt(config.backtest.maxPositionBase);
  const baseUnit = Number(config.backtest.baseUnit);
  const fee = config.backtest.feeBps / 10_000;
  const { horizon } = config.data;
  type Tally = {
    pnl: number;
    capValue: number;
    buys: number;
    sells: number;
    hits: number;
    turnover: number;
    fees: number;
  };
  const tallies = new Map<Regime | "total", Tally>();
  const tally = (key: Regime | "total") => {
    if (!tallies.has(key)) tallies.set(key, { pnl: 0, capValue: 0, buys: 0, sells: 0, hits: 0, turnover: 0, fees: 0 });
    return tallies.get(key)!;
  };
  for (const path of paths) {
    const advice = adviserSeries(path, config.data);
    const rounds = exampleRounds(path, horizon);
    const price = (t: number) => Number(path.prices[t]!) / PRICE_UNIT;
    let position = 0n;
    let cash = 0;
    const result = {
      pnl: 0,
      capValue: (Number(cap) / baseUnit) * price(rounds[0]!),
      buys: 0,
      sells: 0,
      hits: 0,
      turnover: 0,
      fees: 0,
    };
    for (const t of rounds) {
      const window = path.prices.slice(t - MODEL_WINDOW + 1, t + 1);
      const { action, size } = strategy({ window, position, maxPosition: cap, advice: advice[t]! }, t);
      if (action === Action.HOLD || size === 0n) continue;
      const notional = (Number(size) / baseUnit) * price(t);
      const up = path.prices[t + horizon]! > path.prices[t]!;
      const down = path.prices[t + horizon]! < path.prices[t]!;
      if (action === Action.BUY) {
        position += size;
        cash -= notional;
        result.buys++;
        if (up) result.hits++;
      } else {
        position -= size;
        cash += notional;
        result.sells++;
        if (down) result.hits++;
      }
      cash -= notional * fee;
      result.turnover += notional;
      result.fees += notional * fee;
    }
    result.pnl = cash + (Number(position) / baseUnit) * price(path.prices.length - 1);
    for (const key of ["total", path.regime] as const) {
      const sum = tally(key);
      for (const field of Object.keys(sum) as (keyof Tally)[]) sum[field] += result[field];
    }
  }
  const summary = (sum: Tally): StrategyResult => {
    const trades = sum.buys + sum.sells;
    return {
      pnlQuote: round2(sum.pnl),
      pnlPercentOfCapValue: round4((100 * sum.pnl) / sum.capValue),
      trades,
      buys: sum.buys,
      sells: sum.sells,
      hitRate: trades === 0 ? null : round4(sum.hits / trades),
      turnoverQuote: round2(sum.turnover),
      turnoverInCaps: round4(sum.turnover / sum.capValue),
      feesQuote: round2(sum.fees),
    };
  };
  const byRegime: Partial<Record<Regime, StrategyResult>> = {};
  for (const [key, sum] of tallies) if (key !== "total") byRegime[key] = summary(sum);
  return { total: summary(tally("total")), byRegime };
}

/** The proven model as a strategy: evaluateModel (the circuit's arithmetic and the policy's clamp). */
export function modelStrategy(model: QuantizedModel, thresholdBps: number, adviceOverride?: number): Strategy {
  return ({ window, position, maxPosition, advice }) =>
    evaluateModel(model, {
      prices: window,
      position,
      maxPosition,
      advice: BigInt(adviceOverride ?? advice),
      thresholdBps: BigInt(thresholdBps),
    });
}

/** The plain band rule: BUY a fixed share of the room below the band, SELL that share of the position above it. */
export function bandRuleStrategy(thresholdBps: number, sizePercent: number): Strategy {
  return ({ window, position, maxPosition }) => {
    const { zone } = bandFigures(window, BigInt(thresholdBps));
    const room = zone === "BELOW" ? maxPosition - position : zone === "ABOVE" ? position : 0n;
    const size = (room * BigInt(sizePercent)) / 100n;
    if (size <= 0n) return { action: Action.HOLD, size: 0n };
    return { action: zone === "BELOW" ? Action.BUY : Action.SELL, size };
  };
}

/** Buy and hold: the whole cap at the first round, then nothing. */
export function buyAndHoldStrategy(): Strategy {
  return ({ position, maxPosition }) =>
    position === 0n ? { action: Action.BUY, size: maxPosition } : { action: Action.HOLD, size: 0n };
}
