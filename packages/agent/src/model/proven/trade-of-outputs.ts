import { Action, DIRECTION_MARGIN, MODEL_SCALE, type BandZone } from "@zkagent/circuits";

/**
 * The trade the model's two outputs make, as evaluate-model.ts decides it after the outputs: the
 * direction against the margin, the size percent of the room, then the policy's clamp (a BUY only
 * below the band, a SELL only above it, size 0 → HOLD). It takes outputs as numbers so that the
 * float model's (real-valued) outputs go through the very same rule as the circuit's.
 */
export function tradeOfOutputs(
  outputs: readonly [number, number],
  position: bigint,
  maxPosition: bigint,
  zone: BandZone,
): { modelAction: Action; sizePercent: number; action: Action; size: bigint } {
  const margin = Number(DIRECTION_MARGIN);
  const modelAction: Action = outputs[0] > margin ? Action.BUY : outputs[0] < -margin ? Action.SELL : Action.HOLD;
  const sizePercent = Math.min(100, Math.max(1, Math.floor(outputs[1] / Number(MODEL_SCALE))));
  const held = { modelAction, sizePercent, action: Action.HOLD, size: 0n };
  if (modelAction === Action.HOLD) return held;
  if ((modelAction === Action.BUY && zone !== "BELOW") || (modelAction === Action.SELL && zone !== "ABOVE"))
    return held;
  const room = modelAction === Action.BUY ? (maxPosition > position ? maxPosition - position : 0n) : position;
  const size = (room * BigInt(sizePercent)) / 100n;
  return size === 0n ? held : { modelAction, sizePercent, action: modelAction, size };
}
