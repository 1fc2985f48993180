import { unflattenWeights, type QuantizedModel } from "@zkagent/circuits";

import { refineRounding } from "./refine-rounding.ts";
import { rescaleForQuantization } from "./rescale.ts";
import { WEIGHT_MAX, WEIGHT_MIN } from "./sgd.ts";
import { lossScales } from "./train-model.ts";
import type { TrainingConfig } from "./training-config.ts";

/**
 * Float parameters → int8, by rounding (half up, as Math.round) and clipping to [-128, 127]. The
 * float model's units are the circuit's, so this is the whole quantization.
 */
export function roundParameters(params: Float64Array): Float64Array {
  return params.map((w) => {
    const r = Math.round(w);
    return (r < WEIGHT_MIN ? WEIGHT_MIN : r > WEIGHT_MAX ? WEIGHT_MAX : r) + 0; // + 0: no −0
  });
}

/** The quantized model the circuit and evaluateModel take. */
export function quantizeModel(params: Float64Array): QuantizedModel {
  return unflattenWeights([...roundParameters(params)].map((w) => BigInt(w)));
}

/** The int8 model as float parameters (exact), e.g. to evaluate it with the float code. */
export function parametersOf(model: QuantizedModel): Float64Array {
  return Float64Array.from([...model.w1.flat(), ...model.b1, ...model.w2.flat(), ...model.b2].map(Number));
}

/** What the quantization did, for the report. */
export interface QuantizationSteps {
  /** Weights the rounding refinement moved by one step, and its passes. */
  refinementMoves: number;
  refinementPasses: number;
}

/** Every `RESCALE_SAMPLE_STRIDE`-th training example chooses the hidden units' scales. */
const RESCALE_SAMPLE_STRIDE = 4;

/**
 * The int8 model of a trained float model: each hidden unit rescaled (function-preserving) to
 * where rounding hurts least, rounded, then the rounding refined weight by weight so that the
 * circuit's arithmetic reproduces the float model's outputs and actions on the training examples.
 */
export function quantizeTrained(
  float: Float64Array,
  examples: readonly { features: readonly number[] }[],
  config: TrainingConfig,
): { params: Float64Array; steps: QuantizationSteps } {
  const sample = examples.filter((_, i) => i % RESCALE_SAMPLE_STRIDE === 0);
  const rescaled = rescaleForQuantization(float, sample, lossScales(config));
  const { params, passes, moves } = refineRounding(
    float,
    roundParameters(rescaled),
    examples,
    config.quantization,
    config.quantization.refinementPasses,
  );
  return { params, steps: { refinementMoves: moves, refinementPasses: passes } };
}
