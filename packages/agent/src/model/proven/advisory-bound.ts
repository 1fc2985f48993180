import {
  Action,
  ADVICE_LIMIT,
  bandFigures,
  MODEL_FEATURES,
  MODEL_HIDDEN,
  type QuantizedModel,
} from "@zkagent/circuits";

import type { Example } from "./examples.ts";
import { forward, W1_AT, W2_AT, type ForwardPass } from "./float-model.ts";
import { parametersOf } from "./quantize.ts";
import { tradeOfOutputs } from "./trade-of-outputs.ts";

/** How far the adviser's bias alone can move the proven model's trade. */
export interface AdvisoryBound {
  /** Advice values swept on every window (all integers in this range). */
  adviceRange: [number, number];
  windows: number;
  /** Over windows, the largest (and mean) spread of the executed trade as a signed % of the cap (BUY +, SELL −). */
  maxSizeChangePercentOfCap: number;
  meanSizeChangePercentOfCap: number;
  /** Windows where some advice changes the executed action, or the model's own action (before the policy). */
  executedActionFlipFraction: number;
  modelActionFlipFraction: number;
  /** W1[j][7]: each hidden unit's weight on the advice feature (int8, /16 in the hidden layer). */
  adviceWeights: number[];
  /**
   * An analytic bound, all units active: |∂o₀/∂advice| ≤ Σ_j |W2[0][j]·W1[j][7]|/16; times the
   * advice range (200) it bounds how far advice can move o₀, to compare with the margin 64.
   */
  maxDirectionSwing: number;
  /** The same for the size output, in size percent (o₁/16). */
  maxSizePercentSwing: number;
}

/** The adviser's bias is the last feature (features.ts). */
const ADVICE_FEATURE = MODEL_FEATURES - 1;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000 + 0;

/**
 * Sweeps the advice over −100…100 on every window (its position and features otherwise fixed)
 * and measures the executed trade, in the circuit's arithmetic (forward in fixed-point mode, the
 * policy's clamp by tradeOfOutputs; both checked against evaluateModel by the report).
 */
export function advisoryBound(
  model: QuantizedModel,
  examples: readonly Example[],
  maxPosition: bigint,
  thresholdBps: bigint,
): AdvisoryBound {
  const params = parametersOf(model);
  const limit = Number(ADVICE_LIMIT);
  let maxChange = 0;
  let sumChange = 0;
  let executedFlips = 0;
  let modelFlips = 0;
  const pass: ForwardPass = {
    pre: new Float64Array(MODEL_HIDDEN),
    hidden: new Float64Array(MODEL_HIDDEN),
    outputs: [0, 0],
  };
  for (const { window, position, features } of examples) {
    const { zone } = bandFigures(window, thresholdBps);
    const x = [...features];
    let low = Infinity;
    let high = -Infinity;
    const executed = new Set<Action>();
    const own = new Set<Action>();
    for (let advice = -limit; advice <= limit; advice++) {
      x[ADVICE_FEATURE] = advice;
      const trade = tradeOfOutputs(forward(params, x, true, pass).outputs, position, maxPosition, zone);
      const percent = Number((trade.size * 1_000_000n) / maxPosition) / 10_000;
      const signed = trade.action === Action.SELL ? -percent : percent;
      low = Math.min(low, signed);
      high = Math.max(high, signed);
      executed.add(trade.action);
      own.add(trade.modelAction);
    }
    maxChange = Math.max(maxChange, high - low);
    sumChange += high - low;
    if (executed.size > 1) executedFlips++;
    if (own.size > 1) modelFlips++;
  }
  const adviceWeights = Array.from(
    { length: MODEL_HIDDEN },
    (_, j) => params[W1_AT + j * MODEL_FEATURES + ADVICE_FEATURE]!,
  );
  const slope = (k: number) =>
    adviceWeights.reduce((sum, w, j) => sum + Math.abs(params[W2_AT + k * MODEL_HIDDEN + j]! * w), 0) / 16;
  return {
    adviceRange: [-limit, limit],
    windows: examples.length,
    maxSizeChangePercentOfCap: round4(maxChange),
    meanSizeChangePercentOfCap: round4(sumChange / examples.length),
    executedActionFlipFraction: round4(executedFlips / examples.length),
    modelActionFlipFraction: round4(modelFlips / examples.length),
    adviceWeights,
    maxDirectionSwing: round4(2 * limit * slope(0)),
    maxSizePercentSwing: round4((2 * limit * slope(1)) / 16),
  };
}
