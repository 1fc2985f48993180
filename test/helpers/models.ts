import { MODEL_FEATURES, MODEL_HIDDEN, type QuantizedModel } from "@zkagent/circuits";

/**
 * A hand-made model: hidden unit 0 reads the deviation from the MA inverted (−16 × feature 0),
 * the direction output follows it (BUY when the price is under the average), and the size output
 * is a constant 50 % of the room. Every other weight is zero.
 */
export function meanReversionModel(): QuantizedModel {
  const w1 = Array.from({ length: MODEL_HIDDEN }, () => Array<bigint>(MODEL_FEATURES).fill(0n));
  w1[0]![0] = -16n;
  const w2 = [Array<bigint>(MODEL_HIDDEN).fill(0n), Array<bigint>(MODEL_HIDDEN).fill(0n)];
  w2[0]![0] = 16n;
  return { w1, b1: Array<bigint>(MODEL_HIDDEN).fill(0n), w2, b2: [0n, 50n] };
}
