/**
 * @notice Stochastic gradient descent with Adam's per-weight step sizes, on float64, hand-written.
 * @dev Why not a library: tensor libraries run float32 kernels whose summation order depends on
 * the CPU's vector width and threads, and use exp/log whose results differ between platforms, so
 * their training does not reproduce bit for bit. This is ~40 lines of +, −, ×, ÷ and Math.sqrt
 * (correctly rounded by IEEE 754), in a fixed order. Adam rather than a single learning rate
 * because the features differ ~100× in scale (a 1-round return of a few tenths of a percent
 * against a position of 0–100 % and advice of ±100); β powers are running products, not Math.pow.
 */

/** int8: every parameter stays representable, so quantization never saturates. */
export const WEIGHT_MIN = -128;
export const WEIGHT_MAX = 127;

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** Adam's moment estimates and the running powers of β. */
export interface OptimizerState {
  firstMoment: Float64Array;
  secondMoment: Float64Array;
  beta1Power: number;
  beta2Power: number;
}

export function createOptimizerState(size: number): OptimizerState {
  return { firstMoment: new Float64Array(size), secondMoment: new Float64Array(size), beta1Power: 1, beta2Power: 1 };
}

/**
 * One step: params ← clip(params − lr · m̂ / (√v̂ + ε), −128, 127), in place. `learningRate` is
 * in weight units (about the largest move of one weight in one step).
 */
export function sgdStep(
  params: Float64Array,
  gradient: Float64Array,
  state: OptimizerState,
  learningRate: number,
): void {
  state.beta1Power *= BETA1;
  state.beta2Power *= BETA2;
  for (let i = 0; i < params.length; i++) {
    const g = gradient[i]!;
    const m = (state.firstMoment[i] = BETA1 * state.firstMoment[i]! + (1 - BETA1) * g);
    const v = (state.secondMoment[i] = BETA2 * state.secondMoment[i]! + (1 - BETA2) * g * g);
    const step = (learningRate * (m / (1 - state.beta1Power))) / (Math.sqrt(v / (1 - state.beta2Power)) + EPSILON);
    const next = params[i]! - step;
    params[i] = next < WEIGHT_MIN ? WEIGHT_MIN : next > WEIGHT_MAX ? WEIGHT_MAX : next;
  }
}

/** Fisher–Yates with the given PRNG: a deterministic example order. */
export function shuffledIndices(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
