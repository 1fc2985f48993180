import { bandFigures } from "../evaluate-policy.ts";
import { Action } from "../policy-constants.ts";
import { extractFeatures, floorDiv, type FeatureInput } from "./features.ts";
import { flattenWeights } from "./model-commitment.ts";
import {
  DIRECTION_MARGIN,
  HIDDEN_CLIP,
  MODEL_FEATURES,
  MODEL_HIDDEN,
  MODEL_SCALE,
  type QuantizedModel,
} from "./model-spec.ts";

const clip = (v: bigint, low: bigint, high: bigint) => (v < low ? low : v > high ? high : v);

/** What the model computed and what the policy let through. */
export interface ModelDecision {
  features: bigint[];
  hidden: bigint[];
  /** o_0 (direction) and o_1 (size), in output units. */
  outputs: [bigint, bigint];
  /** The model's own trade before the policy. */
  modelAction: Action;
  sizePercent: bigint;
  modelSize: bigint;
  /** The executed trade: the policy applied to the model's trade (HOLD has size 0). */
  action: Action;
  size: bigint;
  /** Why the policy turned the model's trade into HOLD, if it did. */
  heldBecause?: "BAND" | "ZERO_SIZE";
}

export interface ModelStatement extends FeatureInput {
  thresholdBps: bigint;
}

/**
 * The proven model's decision with the circuit's exact integer arithmetic (model-spec.ts):
 * features → hidden layer → outputs → the model's trade → the policy's clamp. Equal to the
 * circuit's on every input (checked on ≥ 500 seeded cases in circuits/test).
 */
export function evaluateModel(model: QuantizedModel, statement: ModelStatement): ModelDecision {
  flattenWeights(model); // shape and int8 range
  const features = extractFeatures(statement);
  const hidden: bigint[] = [];
  for (let j = 0; j < MODEL_HIDDEN; j++) {
    let pre = MODEL_SCALE * model.b1[j]!;
    for (let i = 0; i < MODEL_FEATURES; i++) pre += model.w1[j]![i]! * features[i]!;
    hidden.push(clip(floorDiv(pre, MODEL_SCALE), 0n, HIDDEN_CLIP));
  }
  const output = (k: number) => {
    let o = MODEL_SCALE * model.b2[k]!;
    for (let j = 0; j < MODEL_HIDDEN; j++) o += model.w2[k]![j]! * hidden[j]!;
    return o;
  };
  const outputs: [bigint, bigint] = [output(0), output(1)];
  const modelAction: Action =
    outputs[0] > DIRECTION_MARGIN ? Action.BUY : outputs[0] < -DIRECTION_MARGIN ? Action.SELL : Action.HOLD;
  const sizePercent = clip(floorDiv(outputs[1], MODEL_SCALE), 1n, 100n);
  const { position, maxPosition } = statement;
  const room = modelAction === Action.BUY ? (maxPosition > position ? maxPosition - position : 0n) : position;
  const modelSize = modelAction === Action.HOLD ? 0n : (room * sizePercent) / 100n;

  const decision: ModelDecision = {
    features,
    hidden,
    outputs,
    modelAction,
    sizePercent,
    modelSize,
    action: Action.HOLD,
    size: 0n,
  };
  if (modelAction === Action.HOLD) return decision;
  const zone = bandFigures(statement.prices, statement.thresholdBps).zone;
  if ((modelAction === Action.BUY && zone !== "BELOW") || (modelAction === Action.SELL && zone !== "ABOVE")) {
    return { ...decision, heldBecause: "BAND" };
  }
  if (modelSize === 0n) return { ...decision, heldBecause: "ZERO_SIZE" };
  return { ...decision, action: modelAction, size: modelSize };
}
