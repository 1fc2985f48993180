import { poseidon7 } from "poseidon-lite";

import { InvalidPolicyInputError } from "../errors.ts";
import {
  BYTES_PER_LIMB,
  MODEL_ARCHITECTURE_ID,
  MODEL_FEATURES,
  MODEL_HIDDEN,
  MODEL_OUTPUTS,
  WEIGHT_COUNT,
  WEIGHT_LIMBS,
  type QuantizedModel,
} from "./model-spec.ts";

/** Every weight and bias in commitment order: W1 row by row, b1, W2 row by row, b2. */
export function flattenWeights(model: QuantizedModel): bigint[] {
  const shape = (name: string, rows: readonly (readonly bigint[])[], count: number, width: number) => {
    if (rows.length !== count || rows.some((r) => r.length !== width)) {
      throw new InvalidPolicyInputError(name, `expected ${count} × ${width} values`);
    }
  };
  shape("w1", model.w1, MODEL_HIDDEN, MODEL_FEATURES);
  shape("b1", [model.b1], 1, MODEL_HIDDEN);
  shape("w2", model.w2, MODEL_OUTPUTS, MODEL_HIDDEN);
  shape("b2", [model.b2], 1, MODEL_OUTPUTS);
  const flat = [...model.w1.flat(), ...model.b1, ...model.w2.flat(), ...model.b2];
  flat.forEach((w, i) => {
    if (typeof w !== "bigint" || w < -128n || w > 127n) {
      throw new InvalidPolicyInputError(`weights[${i}]`, `must be an int8 in [-128, 127], got ${String(w)}`);
    }
  });
  return flat;
}

/** The inverse of {@link flattenWeights}. */
export function unflattenWeights(flat: readonly bigint[]): QuantizedModel {
  if (flat.length !== WEIGHT_COUNT) throw new InvalidPolicyInputError("weights", `expected ${WEIGHT_COUNT} values`);
  let at = 0;
  const take = (n: number) => flat.slice(at, (at += n));
  const rows = (count: number, width: number) => Array.from({ length: count }, () => take(width));
  const w1 = rows(MODEL_HIDDEN, MODEL_FEATURES);
  const b1 = take(MODEL_HIDDEN);
  const w2 = rows(MODEL_OUTPUTS, MODEL_HIDDEN);
  const b2 = take(MODEL_OUTPUTS);
  return { w1, b1, w2, b2 };
}

/**
 * The weights packed as the circuit takes them: byte = w + 128, 31 bytes per field element,
 * little-endian (the first weight in the lowest byte of the first limb).
 */
export function packWeights(model: QuantizedModel): bigint[] {
  const bytes = flattenWeights(model).map((w) => w + 128n);
  const limbs: bigint[] = [];
  for (let l = 0; l < WEIGHT_LIMBS; l++) {
    let limb = 0n;
    for (let t = 0; t < BYTES_PER_LIMB; t++) limb |= (bytes[l * BYTES_PER_LIMB + t] ?? 0n) << BigInt(8 * t);
    limbs.push(limb);
  }
  return limbs;
}

/**
 * The model's identity: Poseidon(architecture id, six weight limbs). This is the `modelHash` a
 * governor registers as a proven model; a proof with other weights (or another architecture)
 * commits to another value and cannot match it.
 */
export function modelCommitment(model: QuantizedModel): bigint {
  const limbs = packWeights(model);
  if (limbs.length !== 6) throw new Error("the commitment's arity drifted from the spec");
  return poseidon7([MODEL_ARCHITECTURE_ID, ...limbs]);
}
