import { DIRECTION_MARGIN, HIDDEN_CLIP, MODEL_FEATURES, MODEL_HIDDEN, MODEL_OUTPUTS } from "@zkagent/circuits";

import { B1_AT, B2_AT, forward, PARAMETER_COUNT, W1_AT, W2_AT } from "./float-model.ts";
import { WEIGHT_MAX, WEIGHT_MIN } from "./sgd.ts";

// Local copies of imported constants: a runner that loads this file as CommonJS (mocha does) turns every
// imported binding into a getter call, which made the hot loops four times slower.
const FEATURES = MODEL_FEATURES;
const HIDDEN = MODEL_HIDDEN;
const OUTPUTS = MODEL_OUTPUTS;
const W1_START = W1_AT;
const B1_START = B1_AT;
const W2_START = W2_AT;
const B2_START = B2_AT;
const PARAMETERS = PARAMETER_COUNT;

const H_CLIP = Number(HIDDEN_CLIP);
const MARGIN = Number(DIRECTION_MARGIN);

const actionOf = (o: number) => (o > MARGIN ? 1 : o < -MARGIN ? 2 : 0);

/** The scales of the refinement's objective (see {@link refineRounding}). */
export interface RoundingObjective {
  /** An error of this many output units in o₀ costs as much as one changed action. */
  directionTolerance: number;
  /** And this many in o₁. */
  sizeTolerance: number;
}

/**
 * Chooses the int8 weights so that the circuit's arithmetic reproduces the float model: starting
 * from the rounded weights, moves one weight by ±1 at a time, keeping a move when it lowers
 *   #(examples whose action changes) + Σ ((o₀ − o₀ᶠ)/tol₀)² + Σ ((o₁ − o₁ᶠ)/tol₁)²
 * on the given (training) examples, where oᶠ are the float model's outputs and o the circuit's
 * (floors included); passes over all weights in commitment order until one changes nothing or
 * `maxPasses` is reached. Deterministic: a fixed order, exact integer arithmetic. (AdaRound-like,
 * greedy rather than relaxed.)
 */
export function refineRounding(
  float: Float64Array,
  rounded: Float64Array,
  examples: readonly { features: readonly number[] }[],
  objective: RoundingObjective,
  maxPasses: number,
): { params: Float64Array; passes: number; moves: number } {
  const params = Float64Array.from(rounded);
  const count = examples.length;
  const targets = examples.map(({ features }) => [...forward(float, features).outputs]);
  const targetActions = targets.map((o) => actionOf(o[0]!));
  // Running integer state: each unit's pre-floor sum S = Σ W1·x + 16·b1, activation, outputs.
  const sums = Array.from({ length: HIDDEN }, () => new Float64Array(count));
  const hidden = Array.from({ length: HIDDEN }, () => new Float64Array(count));
  const outputs = Array.from({ length: OUTPUTS }, () => new Float64Array(count));
  const activation = (s: number) => Math.min(H_CLIP, Math.max(0, Math.floor(s / 16)));
  examples.forEach(({ features }, n) => {
    for (let j = 0; j < HIDDEN; j++) {
      let s = 16 * params[B1_START + j]!;
      for (let i = 0; i < FEATURES; i++) s += params[W1_START + j * FEATURES + i]! * features[i]!;
      sums[j]![n] = s;
      hidden[j]![n] = activation(s);
    }
    for (let k = 0; k < OUTPUTS; k++) {
      let o = 16 * params[B2_START + k]!;
      for (let j = 0; j < HIDDEN; j++) o += params[W2_START + k * HIDDEN + j]! * hidden[j]![n]!;
      outputs[k]![n] = o;
    }
  });
  const cost = (n: number, o0: number, o1: number) => {
    const e0 = (o0 - targets[n]![0]!) / objective.directionTolerance;
    const e1 = (o1 - targets[n]![1]!) / objective.sizeTolerance;
    return (actionOf(o0) === targetActions[n] ? 0 : 1) + e0 * e0 + e1 * e1;
  };

  let moves = 0;
  let passes = 0;
  while (passes < maxPasses) {
    passes++;
    let changed = false;
    for (let p = 0; p < PARAMETERS; p++) {
      for (const delta of [1, -1]) {
        const value = params[p]! + delta;
        if (value < WEIGHT_MIN || value > WEIGHT_MAX) continue;
        // The new outputs of example n under the move, without committing it.
        let gain = 0;
        const newHidden = new Float64Array(count);
        let unit = -1;
        if (p < W2_START) {
          unit = p < B1_START ? Math.floor((p - W1_START) / FEATURES) : p - B1_START;
          const feature = p < B1_START ? (p - W1_START) % FEATURES : -1;
          const v0 = params[W2_START + unit]!;
          const v1 = params[W2_START + HIDDEN + unit]!;
          for (let n = 0; n < count; n++) {
            const step = feature < 0 ? 16 * delta : delta * examples[n]!.features[feature]!;
            const h = activation(sums[unit]![n]! + step);
            newHidden[n] = h;
            const dh = h - hidden[unit]![n]!;
            if (dh === 0) continue;
            const o0 = outputs[0]![n]!;
            const o1 = outputs[1]![n]!;
            gain += cost(n, o0, o1) - cost(n, o0 + v0 * dh, o1 + v1 * dh);
          }
        } else {
          const k = p < B2_START ? Math.floor((p - W2_START) / HIDDEN) : p - B2_START;
          const j = p < B2_START ? (p - W2_START) % HIDDEN : -1;
          for (let n = 0; n < count; n++) {
            const d = j < 0 ? 16 * delta : delta * hidden[j]![n]!;
            if (d === 0) continue;
            const o0 = outputs[0]![n]!;
            const o1 = outputs[1]![n]!;
            gain += k === 0 ? cost(n, o0, o1) - cost(n, o0 + d, o1) : cost(n, o0, o1) - cost(n, o0, o1 + d);
          }
        }
        if (!(gain > 1e-9)) continue;
        // Commit the move.
        params[p] = value;
        moves++;
        changed = true;
        for (let n = 0; n < count; n++) {
          if (unit >= 0) {
            const step = p < B1_START ? delta * examples[n]!.features[(p - W1_START) % FEATURES]! : 16 * delta;
            sums[unit]![n]! += step;
            const dh = newHidden[n]! - hidden[unit]![n]!;
            hidden[unit]![n] = newHidden[n]!;
            outputs[0]![n]! += params[W2_START + unit]! * dh;
            outputs[1]![n]! += params[W2_START + HIDDEN + unit]! * dh;
          } else if (p < B2_START) {
            const k = Math.floor((p - W2_START) / HIDDEN);
            outputs[k]![n]! += delta * hidden[(p - W2_START) % HIDDEN]![n]!;
          } else {
            outputs[p - B2_START]![n]! += 16 * delta;
          }
        }
        break; // at most one move per weight and pass
      }
    }
    if (!changed) break;
  }
  return { params, passes, moves };
}
