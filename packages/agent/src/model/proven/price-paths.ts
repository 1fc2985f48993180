import { seededRandom } from "@zkagent/circuits";

/**
 * @notice Seeded synthetic price paths for training and evaluating the proven decision model.
 * @dev Note: reproducibility across machines. Every number here comes from the project's PRNG
 * (`seededRandom`, integer operations only) and +, −, ×, ÷ and Math.sqrt on doubles, which IEEE 754
 * rounds correctly, so they give the same bits on every platform. Math.exp, log, sin, cos and pow
 * with non-integer exponents are not correctly rounded and differ between engines and CPUs; none of
 * them is used, which is what lets a retraining reproduce the shipped model byte for byte. Normals
 * are sums of 12 uniforms − 6 (Irwin–Hall) rather than Box–Muller for the same reason.
 */

/** The market regimes the data covers, one per path. */
export const REGIMES = ["mean-reverting", "trending-up", "trending-down", "volatile", "gapped"] as const;
export type Regime = (typeof REGIMES)[number];

/** Chainlink USD feeds answer with 8 decimals. */
export const PRICE_DECIMALS = 8;
const PRICE_UNIT = 10 ** PRICE_DECIMALS;

/** A path of oracle answers, oldest first. */
export interface PricePath {
  regime: Regime;
  seed: number;
  /** 8-decimal integers, as a Chainlink feed answers. */
  prices: bigint[];
}

/** An approximately standard normal draw: Σ of 12 uniforms − 6 (mean 0, variance 1, tails cut at ±6). */
export function standardNormal(random: () => number): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += random();
  return sum - 6;
}

/** A uniform draw in [low, high). */
const uniform = (random: () => number, low: number, high: number) => low + (high - low) * random();

/**
 * The per-round simple return generator of each regime (per round ≈ one oracle update). Parameters
 * are drawn per path so that no two paths of a regime are alike.
 */
function returnsOf(regime: Regime, random: () => number): (price: number, start: number) => number {
  switch (regime) {
    case "mean-reverting": {
      // Ornstein–Uhlenbeck on the relative deviation from a fixed level: d ← (1 − κ)·d + σ·z.
      const kappa = uniform(random, 0.05, 0.15);
      const sigma = uniform(random, 0.003, 0.007);
      return (price, start) => {
        const deviation = price / start - 1;
        const next = deviation * (1 - kappa) + sigma * standardNormal(random);
        return (1 + next) / (1 + deviation) - 1;
      };
    }
    case "trending-up":
    case "trending-down": {
      const drift = uniform(random, 0.0008, 0.0025) * (regime === "trending-up" ? 1 : -1);
      const sigma = uniform(random, 0.004, 0.008);
      return () => drift + sigma * standardNormal(random);
    }
    case "volatile": {
      // GARCH(1, 1): σ²ₜ₊₁ = ω + α·r²ₜ + β·σ²ₜ, long-run σ between 0.8 % and 1.4 % a round.
      const longRun = uniform(random, 0.008, 0.014);
      const alpha = 0.1;
      const beta = 0.85;
      const omega = longRun * longRun * (1 - alpha - beta);
      let variance = longRun * longRun;
      return () => {
        const r = Math.sqrt(variance) * standardNormal(random);
        variance = omega + alpha * r * r + beta * variance;
        return r;
      };
    }
    case "gapped": {
      // A random walk with occasional jumps of 3–8 % either way.
      const sigma = uniform(random, 0.003, 0.006);
      const jumpChance = uniform(random, 0.01, 0.03);
      return () => {
        const r = sigma * standardNormal(random);
        if (random() >= jumpChance) return r;
        const jump = uniform(random, 0.03, 0.08);
        return r + (random() < 0.5 ? -jump : jump);
      };
    }
  }
}

/**
 * A path of `length` oracle answers in `regime`, starting near $3,000, from `seed` alone: the same
 * (regime, seed, length) gives the same prices on every machine.
 */
export function generatePricePath(regime: Regime, seed: number, length: number): PricePath {
  const random = seededRandom(seed);
  const start = uniform(random, 2_700, 3_300);
  const nextReturn = returnsOf(regime, random);
  const prices: bigint[] = [];
  let price = start;
  for (let t = 0; t < length; t++) {
    prices.push(BigInt(Math.round(price * PRICE_UNIT)));
    // No return below −50 % a round: prices stay positive whatever the draw.
    price *= 1 + Math.max(-0.5, nextReturn(price, start));
  }
  return { regime, seed, prices };
}

/** The seed of path `index` in a set seeded by `setSeed` (distinct, well spread, a uint32). */
export function pathSeed(setSeed: number, index: number): number {
  return (setSeed + index * 0x9e3779b9) >>> 0;
}

/** `perRegime` paths of each regime, in regime order, their seeds derived from `setSeed`. */
export function generatePathSet(setSeed: number, perRegime: number, length: number): PricePath[] {
  const paths: PricePath[] = [];
  REGIMES.forEach((regime, r) => {
    for (let i = 0; i < perRegime; i++) {
      paths.push(generatePricePath(regime, pathSeed(setSeed, r * perRegime + i), length));
    }
  });
  return paths;
}
