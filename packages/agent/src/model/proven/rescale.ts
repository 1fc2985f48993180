import { HIDDEN_CLIP, MODEL_FEATURES, MODEL_HIDDEN } from "@zkagent/circuits";

import { B1_AT, W1_AT, W2_AT } from "./float-model.ts";
import { WEIGHT_MAX } from "./sgd.ts";

// Local copies of imported constants: a runner that loads this file as CommonJS (mocha does) turns every
// imported binding into a getter call, which made the hot loops four times slower.
const FEATURES = MODEL_FEATURES;
const HIDDEN = MODEL_HIDDEN;
const W1_START = W1_AT;
const B1_START = B1_AT;
const W2_START = W2_AT;

const H_CLIP = Number(HIDDEN_CLIP);
const LIMIT = WEIGHT_MAX + 0.4; // rounds to at most 127
/** No unit is scaled up more than this (a unit that never activates would otherwise grow without bound). */
const MAX_SCALE = 64;

/**
 * Rescales each hidden unit j by α_j > 0 — its row of W1 and b1 times α_j, its column of W2
 * divided by α_j — which leaves the float model's function unchanged wherever the unit stays
 * below the clip at 127 (the clip at 0 commutes with a positive scale). α_j is the largest scale
 * that keeps the unit's weights in int8 and its activation at most `headroom` × 127 on `sample`:
 * the activation then uses as much of [0, 127] as it can, so the floor of the circuit's rescale
 * (one activation unit) is as small as possible next to it, and each output weight, now small,
 * moves the output in fine steps. What this costs — output weights of a few units, coarse in
 * relative terms — is what quantization-aware fine-tuning (quantization-aware.ts) then trains
 * the float model to absorb.
 */
export function rescaleToRange(
  params: Float64Array,
  sample: readonly { features: readonly number[] }[],
  headroom: number,
): Float64Array {
  const out = Float64Array.from(params);
  for (let j = 0; j < HIDDEN; j++) {
    const row = W1_START + j * FEATURES;
    let largest = Math.abs(params[B1_START + j]!);
    for (let i = 0; i < FEATURES; i++) largest = Math.max(largest, Math.abs(params[row + i]!));
    let highest = 0;
    for (const { features } of sample) {
      let sum = 0;
      for (let i = 0; i < FEATURES; i++) sum += params[row + i]! * features[i]!;
      highest = Math.max(highest, sum / 16 + params[B1_START + j]!);
    }
    let alpha = MAX_SCALE;
    if (largest > 0) alpha = Math.min(alpha, LIMIT / largest);
    if (highest > 0) alpha = Math.min(alpha, (headroom * H_CLIP) / highest);
    for (let i = 0; i < FEATURES; i++) out[row + i] = alpha * params[row + i]!;
    out[B1_START + j] = alpha * params[B1_START + j]!;
    out[W2_START + j] = params[W2_START + j]! / alpha;
    out[W2_START + HIDDEN + j] = params[W2_START + HIDDEN + j]! / alpha;
  }
  return out;
}
