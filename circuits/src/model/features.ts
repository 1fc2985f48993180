import { InvalidPolicyInputError } from "../errors.ts";
import { ADVICE_LIMIT, FEATURE_CLIP, MODEL_FEATURES, MODEL_WINDOW } from "./model-spec.ts";

/** ⌊a / b⌋ for b > 0, rounding toward −∞ as the circuit's pinned division does. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

const clip = (v: bigint, low: bigint, high: bigint) => (v < low ? low : v > high ? high : v);
const clipFeature = (v: bigint) => clip(v, -FEATURE_CLIP, FEATURE_CLIP);

/** The names of the eight features, in input order (for reports and `model inspect`). */
export const FEATURE_NAMES = [
  "deviation from MA (0.1 %)",
  "return over 1 round (0.1 %)",
  "return over 5 rounds (0.1 %)",
  "return over 10 rounds (0.1 %)",
  "return over the window (0.1 %)",
  "mean squared 1-round return ((0.1 %)²)",
  "position (% of the cap)",
  "adviser's bias (-100..100)",
] as const;

/** What the features read: the window, the agent's position and cap, and the adviser's bias. */
export interface FeatureInput {
  prices: readonly bigint[];
  position: bigint;
  maxPosition: bigint;
  advice: bigint;
}

/**
 * The model's inputs, with the circuit's exact integer arithmetic (all divisions floor, every
 * feature clipped to [-127, 127]); MA = ⌊Σ prices / 30⌋ as in the policy:
 *   0 ⌊(p29 − MA)·1000 / MA⌋          4 ⌊(p29 − p0)·1000 / p0⌋
 *   1 ⌊(p29 − p28)·1000 / p28⌋        5 ⌊Σ_{i≥1} (p_i − p_{i−1})²·10^6 / (29·MA²)⌋
 *   2 ⌊(p29 − p24)·1000 / p24⌋        6 ⌊position·100 / maxPosition⌋
 *   3 ⌊(p29 − p19)·1000 / p19⌋        7 advice
 */
export function extractFeatures({ prices, position, maxPosition, advice }: FeatureInput): bigint[] {
  if (prices.length !== MODEL_WINDOW) {
    throw new InvalidPolicyInputError("prices", `expected ${MODEL_WINDOW} prices, got ${prices.length}`);
  }
  if (prices.some((p) => p <= 0n)) throw new InvalidPolicyInputError("prices", "every price must be positive");
  if (maxPosition <= 0n) throw new InvalidPolicyInputError("maxPosition", "must be positive");
  if (advice < -ADVICE_LIMIT || advice > ADVICE_LIMIT) {
    throw new InvalidPolicyInputError("advice", `must be in [-${ADVICE_LIMIT}, ${ADVICE_LIMIT}], got ${advice}`);
  }
  const last = prices[MODEL_WINDOW - 1]!;
  const average = prices.reduce((a, b) => a + b, 0n) / BigInt(MODEL_WINDOW);
  const relative = (base: bigint) => clipFeature(floorDiv((last - base) * 1000n, base));
  let squares = 0n;
  for (let i = 1; i < MODEL_WINDOW; i++) squares += (prices[i]! - prices[i - 1]!) ** 2n;
  const features = [
    relative(average),
    relative(prices[MODEL_WINDOW - 2]!),
    relative(prices[MODEL_WINDOW - 6]!),
    relative(prices[MODEL_WINDOW - 11]!),
    relative(prices[0]!),
    clipFeature((squares * 1_000_000n) / (BigInt(MODEL_WINDOW - 1) * average * average)),
    clipFeature((position * 100n) / maxPosition),
    advice,
  ];
  if (features.length !== MODEL_FEATURES) throw new Error("feature count drifted from the spec");
  return features;
}
