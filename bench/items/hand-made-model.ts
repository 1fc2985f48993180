import { MODEL_FEATURES, MODEL_HIDDEN, type QuantizedModel } from "@zkagent/circuits";

/**
 * The contract tests' hand-made model (test/helpers/models.ts, repeated here so that this process
 * imports nothing the agent does not): BUY half the room when the price is under the average.
 * Same architecture as the shipped model, so the same circuit, prover and memory; the shipped
 * model holds on every window of the bench's market, and would prove nothing.
 */
export function handMadeModel(hidden = MODEL_HIDDEN, features = MODEL_FEATURES): QuantizedModel {
  const w1 = Array.from({ length: hidden }, () => Array<bigint>(features).fill(0n));
  w1[0]![0] = -16n;
  const w2 = [Array<bigint>(hidden).fill(0n), Array<bigint>(hidden).fill(0n)];
  w2[0]![0] = 16n;
  return { w1, b1: Array<bigint>(hidden).fill(0n), w2, b2: [0n, 50n] };
}
