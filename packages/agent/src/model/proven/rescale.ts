import { HIDDEN_CLIP, MODEL_FEATURES, MODEL_HIDDEN } from "@zkagent/circuits";

import { B1_AT, W1_AT, W2_AT, type LossScales } from "./float-model.ts";
import { WEIGHT_MAX, WEIGHT_MIN } from "./sgd.ts";

// Local copies of imported constants: a runner that loads this file as CommonJS (mocha does) turns every
// imported binding into a getter call, which made the hot loops four times slower.
const FEATURES = MODEL_FEATURES;
const HIDDEN = MODEL_HIDDEN;
const W1_START = W1_AT;
const B1_START = B1_AT;
const W2_START = W2_AT;

const H_CLIP = Number(HIDDEN_CLIP);
const LIMIT = WEIGHT_MAX + 0.5; // rounds to at most 127

/**
 * Rescales each hidden unit j by α_j > 0 — its row of W1 and b1 times α_j, its column of W2
 * divided by α_j — which leaves the float model's function unchanged wherever the unit stays
 * below the clip at 127 (the clip at 0 commutes with a positive scale). Only the rounding changes:
 * α_j is chosen, unit by unit, to minimise the squared output error that rounding the unit's
 * weights and flooring its activation cause on `sample`, among scales that keep the weights in
 * int8 and the unit below 127 on the sample. Candidates are 1/4 · 1.02^m, powers by repeated
 * multiplication (no Math.pow).
 */
export function rescaleForQuantization(
  params: Float64Array,
  sample: readonly { features: readonly number[] }[],
  scales: LossScales,
): Float64Array {
  const out = Float64Array.from(params);
  for (let j = 0; j < HIDDEN; j++) {
    const row = W1_START + j * FEATURES;
    const pre = sample.map(({ features }) => {
      let sum = 0;
      for (let i = 0; i < FEATURES; i++) sum += params[row + i]! * features[i]!;
      return sum / 16 + params[B1_START + j]!;
    });
    let largest = Math.abs(params[B1_START + j]!);
    for (let i = 0; i < FEATURES; i++) largest = Math.max(largest, Math.abs(params[row + i]!));
    const highest = pre.reduce((a, b) => Math.max(a, b), 0);
    const w2 = [params[W2_START + j]!, params[W2_START + HIDDEN + j]!];
    let best = 1;
    let bestError = Infinity;
    for (let alpha = 0.25; alpha <= 16; alpha *= 1.02) {
      if (alpha * largest > LIMIT || alpha * highest > H_CLIP) break;
      const w1 = Array.from({ length: FEATURES }, (_, i) => Math.round(alpha * params[row + i]!));
      const b1 = Math.round(alpha * params[B1_START + j]!);
      const v = w2.map((w) => Math.round(w / alpha));
      if (v.some((w) => w < WEIGHT_MIN || w > WEIGHT_MAX)) continue;
      let error = 0;
      sample.forEach(({ features }, n) => {
        let sum = 16 * b1;
        for (let i = 0; i < FEATURES; i++) sum += w1[i]! * features[i]!;
        const q = Math.min(H_CLIP, Math.max(0, Math.floor(sum / 16)));
        const h = Math.min(H_CLIP, Math.max(0, pre[n]!));
        const e0 = (v[0]! * q - w2[0]! * h) / scales.direction;
        const e1 = (v[1]! * q - w2[1]! * h) / scales.size;
        error += e0 * e0 + scales.sizeWeight * e1 * e1;
      });
      if (error < bestError) {
        bestError = error;
        best = alpha;
      }
    }
    for (let i = 0; i < FEATURES; i++) out[row + i] = best * params[row + i]!;
    out[B1_START + j] = best * params[B1_START + j]!;
    out[W2_START + j] = w2[0]! / best;
    out[W2_START + HIDDEN + j] = w2[1]! / best;
  }
  return out;
}
