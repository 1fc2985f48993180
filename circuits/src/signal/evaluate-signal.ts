import { InvalidPolicyInputError, type SignalRule } from "../errors.ts";
import { bandFigures, type BandFigures } from "../evaluate-policy.ts";
import {
  ACTION_NAMES,
  Action,
  MAX_PRICE_EXCLUSIVE,
  MAX_THRESHOLD_BPS_EXCLUSIVE,
  WINDOW_SIZE,
} from "../policy-constants.ts";
import { MAX_SIZE_BPS } from "./signal-values.ts";

/** One market's part of a signal: its private window and the public action and size. */
export interface MarketSignalStatement {
  prices: readonly bigint[];
  action: Action;
  /** A fraction of each following vault's cap, in basis points (0 for HOLD, at most 10 000). */
  sizeBps: bigint;
}

/** Everything the signal rules read: K markets under one policy (the band threshold). */
export interface SignalStatement {
  markets: readonly MarketSignalStatement[];
  thresholdBps: bigint;
}

export type SignalVerdict =
  | { compliant: true; markets: BandFigures[] }
  | { compliant: false; market: number; rule: SignalRule; reason: string; figures?: BandFigures };

/** Rejects input that is not a signal statement at all (shape and type), naming the field. */
export function assertWellFormedSignal(statement: SignalStatement, windowSize = WINDOW_SIZE, markets?: number): void {
  if (!Array.isArray(statement.markets) || statement.markets.length === 0) {
    throw new InvalidPolicyInputError("markets", "expected a non-empty array of markets");
  }
  if (markets !== undefined && statement.markets.length !== markets) {
    throw new InvalidPolicyInputError(
      "markets",
      `this circuit proves exactly ${markets} market(s), got ${statement.markets.length}`,
    );
  }
  if (typeof statement.thresholdBps !== "bigint") {
    throw new InvalidPolicyInputError("thresholdBps", `must be a bigint integer, got ${typeof statement.thresholdBps}`);
  }
  statement.markets.forEach((market, k) => {
    const at = `markets[${k}]`;
    if (!Array.isArray(market.prices) || market.prices.length !== windowSize) {
      throw new InvalidPolicyInputError(
        `${at}.prices`,
        `expected exactly ${windowSize} prices (the window), got ${Array.isArray(market.prices) ? market.prices.length : typeof market.prices}`,
      );
    }
    (market.prices as readonly unknown[]).forEach((price, i) => {
      if (typeof price !== "bigint")
        throw new InvalidPolicyInputError(`${at}.prices[${i}]`, `must be a bigint integer, got ${typeof price}`);
    });
    if (typeof market.sizeBps !== "bigint") {
      throw new InvalidPolicyInputError(`${at}.sizeBps`, `must be a bigint integer, got ${typeof market.sizeBps}`);
    }
    if (![Action.HOLD, Action.BUY, Action.SELL].includes(market.action)) {
      throw new InvalidPolicyInputError(
        `${at}.action`,
        `must be 0 (HOLD), 1 (BUY) or 2 (SELL), got ${String(market.action)}`,
      );
    }
  });
}

/**
 * Decides a signal with the same integer arithmetic as signal.circom (the band is policy v1's,
 * {@link bandFigures}) and names the first market and rule that fail. Compliant here ⇔ the circuit
 * has a witness (seeded agreement in circuits/test/signal.test.ts). The cap, position and no-short
 * rules are not here: they depend on each vault, and the hub's followers check them on-chain.
 */
export function evaluateSignal(statement: SignalStatement, windowSize = WINDOW_SIZE): SignalVerdict {
  assertWellFormedSignal(statement, windowSize);
  const { thresholdBps } = statement;
  if (thresholdBps < 0n || thresholdBps >= MAX_THRESHOLD_BPS_EXCLUSIVE) {
    return {
      compliant: false,
      market: 0,
      rule: "RANGE",
      reason: `thresholdBps = ${thresholdBps} is outside [0, 10000)`,
    };
  }
  const figures: BandFigures[] = [];
  for (const [k, { prices, action, sizeBps }] of statement.markets.entries()) {
    const refuse = (rule: SignalRule, reason: string, band?: BandFigures): SignalVerdict => ({
      compliant: false,
      market: k,
      rule,
      reason,
      ...(band ? { figures: band } : {}),
    });
    // Rule 1: ranges.
    const badPrice = prices.findIndex((p) => p <= 0n || p >= MAX_PRICE_EXCLUSIVE);
    if (badPrice >= 0) return refuse("RANGE", `prices[${badPrice}] = ${prices[badPrice]} is outside (0, 2^64)`);
    if (sizeBps < 0n) return refuse("RANGE", `sizeBps = ${sizeBps} is negative`);

    const band = bandFigures(prices, thresholdBps);
    const name = ACTION_NAMES[action];
    // Rule 4: HOLD iff sizeBps = 0.
    if ((action === Action.HOLD) !== (sizeBps === 0n)) {
      return refuse(
        "HOLD_SIZE",
        action === Action.HOLD ? `HOLD with sizeBps ${sizeBps} (must be 0)` : `${name} with sizeBps 0`,
        band,
      );
    }
    // Rule 5: at most the whole cap.
    if (sizeBps > MAX_SIZE_BPS) return refuse("SIZE_BPS", `sizeBps ${sizeBps} exceeds ${MAX_SIZE_BPS}`, band);
    // Rule 3: the action agrees with the band.
    if (action === Action.BUY && band.zone !== "BELOW") {
      return refuse(
        "BAND",
        `BUY needs latest price below MA·(1 − ${thresholdBps} bps); latest ${band.latestPrice}, MA ${band.movingAverage} (${band.zone})`,
        band,
      );
    }
    if (action === Action.SELL && band.zone !== "ABOVE") {
      return refuse(
        "BAND",
        `SELL needs latest price above MA·(1 + ${thresholdBps} bps); latest ${band.latestPrice}, MA ${band.movingAverage} (${band.zone})`,
        band,
      );
    }
    figures.push(band);
  }
  return { compliant: true, markets: figures };
}
