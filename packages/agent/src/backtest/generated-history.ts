import { seededRandom } from "@zkagent/circuits";

import type { PriceHistory } from "./price-history.ts";

export interface PricePathOptions {
  seed: number;
  length: number;
  mean?: number;
  reversion?: number;
  volatility?: number;
}

/**
 * A seeded, mean-reverting ETH/USD path (a discrete Ornstein–Uhlenbeck process) in Chainlink's
 * 8 decimals: p' = p + θ(μ − p) + σ·μ·ε, with ε standard normal from a seeded generator, floored
 * at half the mean.
 */
export function meanRevertingPath({
  seed,
  length,
  mean = 3_000,
  reversion = 0.2,
  volatility = 0.012,
}: PricePathOptions): bigint[] {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const path: bigint[] = [];
  let price = mean;
  for (let i = 0; i < length; i++) {
    price = Math.max(mean * 0.5, price + reversion * (mean - price) + volatility * mean * normal());
    path.push(BigInt(Math.round(price * 1e8)));
  }
  return path;
}

/** A generated path as a history of closes (no timestamps: the replay spaces its rounds evenly). */
export function generatedHistory(options: PricePathOptions): PriceHistory {
  return {
    file: `generated (mean-reverting, seed ${options.seed})`,
    points: meanRevertingPath(options).map((price, i) => ({ price, line: i + 1 })),
    timed: false,
    gaps: [],
  };
}
