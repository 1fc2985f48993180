import { InvalidPolicyInputError, type PolicyRule } from "./errors.ts";
import {
  ACTION_NAMES,
  Action,
  BPS,
  MAX_AMOUNT_EXCLUSIVE,
  MAX_PRICE_EXCLUSIVE,
  MAX_THRESHOLD_BPS_EXCLUSIVE,
  WINDOW_SIZE,
} from "./policy-constants.ts";

/** Everything the policy rules read: the private window plus the public policy, position and trade. */
export interface PolicyStatement {
  prices: readonly bigint[];
  maxPosition: bigint;
  thresholdBps: bigint;
  position: bigint;
  action: Action;
  size: bigint;
}

/** Where the latest price sits against the MA band. */
export type BandZone = "BELOW" | "INSIDE" | "ABOVE";

/** The band arithmetic of rules 2 and 3, exactly as the circuit does it. */
export interface BandFigures {
  movingAverage: bigint;
  latestPrice: bigint;
  /** latestPrice·10^4 */
  scaledPrice: bigint;
  /** MA·(10^4 − thresholdBps) */
  lowerBand: bigint;
  /** MA·(10^4 + thresholdBps) */
  upperBand: bigint;
  zone: BandZone;
  /** (latest − MA)·10^4 / MA, truncated toward zero: for prompts and logs, not a rule. */
  deviationBps: bigint;
}

export type PolicyVerdict =
  ({ compliant: true } & BandFigures) | ({ compliant: false; rule: PolicyRule; reason: string } & Partial<BandFigures>);

/** Rejects input that is not a policy statement at all (shape and type), naming the field. */
export function assertWellFormed(statement: PolicyStatement, windowSize = WINDOW_SIZE): void {
  if (!Array.isArray(statement.prices) || statement.prices.length !== windowSize) {
    throw new InvalidPolicyInputError(
      "prices",
      `expected exactly ${windowSize} prices (the policy window), got ${Array.isArray(statement.prices) ? statement.prices.length : typeof statement.prices}`,
    );
  }
  statement.prices.forEach((price, i) => {
    if (typeof price !== "bigint")
      throw new InvalidPolicyInputError(`prices[${i}]`, `must be a bigint integer, got ${typeof price}`);
  });
  for (const field of ["maxPosition", "thresholdBps", "position", "size"] as const) {
    if (typeof statement[field] !== "bigint") {
      throw new InvalidPolicyInputError(field, `must be a bigint integer, got ${typeof statement[field]}`);
    }
  }
  if (![Action.HOLD, Action.BUY, Action.SELL].includes(statement.action)) {
    throw new InvalidPolicyInputError(
      "action",
      `must be 0 (HOLD), 1 (BUY) or 2 (SELL), got ${String(statement.action)}`,
    );
  }
}

/** Rule 2 and the band of rule 3, for a window already known to be in range. */
export function bandFigures(prices: readonly bigint[], thresholdBps: bigint): BandFigures {
  const sum = prices.reduce((acc, p) => acc + p, 0n);
  const movingAverage = sum / BigInt(prices.length);
  const latestPrice = prices[prices.length - 1]!;
  const scaledPrice = latestPrice * BPS;
  const lowerBand = movingAverage * (BPS - thresholdBps);
  const upperBand = movingAverage * (BPS + thresholdBps);
  const zone: BandZone = scaledPrice < lowerBand ? "BELOW" : scaledPrice > upperBand ? "ABOVE" : "INSIDE";
  const deviationBps = movingAverage === 0n ? 0n : ((latestPrice - movingAverage) * BPS) / movingAverage;
  return { movingAverage, latestPrice, scaledPrice, lowerBand, upperBand, zone, deviationBps };
}

function violation(rule: PolicyRule, reason: string, figures?: BandFigures): PolicyVerdict {
  return { compliant: false, rule, reason, ...figures };
}

/**
 * Decides policy v1 with the same integer arithmetic as policy.circom and
 * names the first rule that fails. Compliant here ⇔ the circuit has a witness
 * (checked on ≥ 500 seeded cases in circuits/test). Throws
 * {@link InvalidPolicyInputError} for input that is not a statement at all.
 */
export function evaluatePolicy(statement: PolicyStatement, windowSize = WINDOW_SIZE): PolicyVerdict {
  assertWellFormed(statement, windowSize);
  const { prices, maxPosition, thresholdBps, position, action, size } = statement;

  // Rule 1: ranges.
  const badPrice = prices.findIndex((p) => p <= 0n || p >= MAX_PRICE_EXCLUSIVE);
  if (badPrice >= 0) return violation("RANGE", `prices[${badPrice}] = ${prices[badPrice]} is outside (0, 2^64)`);
  for (const [name, value] of [
    ["maxPosition", maxPosition],
    ["position", position],
    ["size", size],
  ] as const) {
    if (value < 0n || value >= MAX_AMOUNT_EXCLUSIVE)
      return violation("RANGE", `${name} = ${value} is outside [0, 2^96)`);
  }
  if (thresholdBps < 0n || thresholdBps >= MAX_THRESHOLD_BPS_EXCLUSIVE) {
    return violation("RANGE", `thresholdBps = ${thresholdBps} is outside [0, 10000)`);
  }

  const figures = bandFigures(prices, thresholdBps);
  const name = ACTION_NAMES[action];

  // Rule 4: HOLD iff size = 0.
  if ((action === Action.HOLD) !== (size === 0n)) {
    return violation(
      "HOLD_SIZE",
      action === Action.HOLD ? `HOLD with size ${size} (must be 0)` : `${name} with size 0`,
      figures,
    );
  }
  // Rule 3: the action agrees with the band.
  if (action === Action.BUY && figures.zone !== "BELOW") {
    return violation(
      "BAND",
      `BUY needs latest price below MA·(1 − ${thresholdBps} bps); latest ${figures.latestPrice}, MA ${figures.movingAverage} (${figures.zone})`,
      figures,
    );
  }
  if (action === Action.SELL && figures.zone !== "ABOVE") {
    return violation(
      "BAND",
      `SELL needs latest price above MA·(1 + ${thresholdBps} bps); latest ${figures.latestPrice}, MA ${figures.movingAverage} (${figures.zone})`,
      figures,
    );
  }
  // Rule 5: position cap.
  if (action === Action.BUY && position + size > maxPosition) {
    return violation("POSITION_CAP", `position ${position} + size ${size} exceeds maxPosition ${maxPosition}`, figures);
  }
  // Rule 6: no short selling.
  if (action === Action.SELL && size > position) {
    return violation("NO_SHORT", `SELL size ${size} exceeds position ${position}`, figures);
  }
  return { compliant: true, ...figures };
}
