import { HIDDEN_CLIP, MODEL_FEATURES, MODEL_HIDDEN, MODEL_OUTPUTS, WEIGHT_COUNT } from "@zkagent/circuits";

/**
 * @notice The float twin of the proven model's structure, for training: the same weights in the
 * same units, so that quantization is rounding and nothing else.
 * @dev The circuit (evaluate-model.ts) computes, with int8 weights W1, b1, W2, b2:
 *   h_j = clip(⌊(Σ_i W1[j][i]·x_i + 16·b1[j]) / 16⌋, 0, 127),   o_k = Σ_j W2[k][j]·h_j + 16·b2[k].
 * The float model keeps the parameters in those units (so A = W1/16, c = b1 are the hidden layer's
 * real slope and offset, and o is in the circuit's output units) and drops only the floor:
 *   h_j = clip(Σ_i W1[j][i]·x_i / 16 + b1[j], 0, 127),          o_k = Σ_j W2[k][j]·h_j + 16·b2[k].
 * Parameters are one Float64Array in commitment order (W1 row by row, b1, W2 row by row, b2), as
 * flattenWeights orders the int8 ones.
 */

// Local copies of imported constants: a runner that loads this file as CommonJS (mocha does) turns every
// imported binding into a getter call, which made the hot loops four times slower.
const FEATURES = MODEL_FEATURES;
const HIDDEN = MODEL_HIDDEN;

export const PARAMETER_COUNT = WEIGHT_COUNT;
/** Offsets of each tensor in the flat parameter vector. */
export const W1_AT = 0;
export const B1_AT = HIDDEN * FEATURES;
export const W2_AT = B1_AT + HIDDEN;
export const B2_AT = W2_AT + MODEL_OUTPUTS * HIDDEN;

const SCALE = 16;
const H_CLIP = Number(HIDDEN_CLIP);

/** What a forward pass computed, kept for the backward pass. */
export interface ForwardPass {
  /** Pre-activations (Σ W1·x / 16 + b1, or the floored integer in fixed-point mode). */
  pre: Float64Array;
  hidden: Float64Array;
  outputs: [number, number];
}

/**
 * The forward pass. With `fixedPoint` it is the circuit's exact integer arithmetic on the same
 * parameters (already integers): the floor of the rescale is applied, and since every value is an
 * integer below 2^53 the doubles hold it exactly.
 */
export function forward(
  params: Float64Array,
  x: readonly number[],
  fixedPoint = false,
  pass: ForwardPass = { pre: new Float64Array(HIDDEN), hidden: new Float64Array(HIDDEN), outputs: [0, 0] },
): ForwardPass {
  const { pre, hidden } = pass;
  for (let j = 0; j < HIDDEN; j++) {
    let sum = 0;
    const row = W1_AT + j * FEATURES;
    for (let i = 0; i < FEATURES; i++) sum += params[row + i]! * x[i]!;
    const p = fixedPoint ? Math.floor((sum + SCALE * params[B1_AT + j]!) / SCALE) : sum / SCALE + params[B1_AT + j]!;
    pre[j] = p;
    hidden[j] = p < 0 ? 0 : p > H_CLIP ? H_CLIP : p;
  }
  const output = (k: number) => {
    let o = SCALE * params[B2_AT + k]!;
    const row = W2_AT + k * HIDDEN;
    for (let j = 0; j < HIDDEN; j++) o += params[row + j]! * hidden[j]!;
    return o;
  };
  pass.outputs[0] = output(0);
  pass.outputs[1] = output(1);
  return pass;
}

/** A reusable forward pass (the training loop's hot path allocates nothing). */
const scratch: ForwardPass = {
  pre: new Float64Array(HIDDEN),
  hidden: new Float64Array(HIDDEN),
  outputs: [0, 0],
};

/** The loss's normalisation: each output's error is divided by its scale, the size error weighted. */
export interface LossScales {
  direction: number;
  size: number;
  sizeWeight: number;
}

/**
 * Adds one example's gradient of ((o₀ − t₀)/S₀)² + λ·((o₁ − t₁)/S₁)² to `gradient` (scaled by
 * `weight`) and returns that loss. Through the clip the gradient passes where 0 < pre < 127 (the
 * straight-through rule for the floor in fixed-point mode).
 */
export function accumulateGradient(
  params: Float64Array,
  x: readonly number[],
  targets: readonly [number, number],
  scales: LossScales,
  gradient: Float64Array,
  weight: number,
  fixedPoint = false,
): number {
  const { pre, hidden, outputs } = forward(params, x, fixedPoint, scratch);
  const e0 = (outputs[0] - targets[0]) / scales.direction;
  const e1 = (outputs[1] - targets[1]) / scales.size;
  const dDirection = (2 * weight * e0) / scales.direction;
  const dSize = (2 * weight * scales.sizeWeight * e1) / scales.size;
  for (let j = 0; j < HIDDEN; j++) {
    gradient[W2_AT + j]! += dDirection * hidden[j]!;
    gradient[W2_AT + HIDDEN + j]! += dSize * hidden[j]!;
  }
  gradient[B2_AT]! += SCALE * dDirection;
  gradient[B2_AT + 1]! += SCALE * dSize;
  for (let j = 0; j < HIDDEN; j++) {
    if (!(pre[j]! > 0 && pre[j]! < H_CLIP)) continue;
    const dPre = dDirection * params[W2_AT + j]! + dSize * params[W2_AT + HIDDEN + j]!;
    const row = W1_AT + j * FEATURES;
    for (let i = 0; i < FEATURES; i++) gradient[row + i]! += (dPre * x[i]!) / SCALE;
    gradient[B1_AT + j]! += dPre;
  }
  return e0 * e0 + scales.sizeWeight * e1 * e1;
}

/** The mean loss over a set of examples. */
export function meanLoss(
  params: Float64Array,
  examples: readonly { features: readonly number[]; targets: readonly [number, number] }[],
  scales: LossScales,
  fixedPoint = false,
): number {
  let sum = 0;
  for (const { features, targets } of examples) {
    const { outputs } = forward(params, features, fixedPoint, scratch);
    const e0 = (outputs[0] - targets[0]) / scales.direction;
    const e1 = (outputs[1] - targets[1]) / scales.size;
    sum += e0 * e0 + scales.sizeWeight * e1 * e1;
  }
  return sum / examples.length;
}
