import { unflattenWeights, type QuantizedModel } from "@zkagent/circuits";

import { WEIGHT_MAX, WEIGHT_MIN } from "./sgd.ts";

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
