import { Action } from "@zkagent/circuits";

import type { Signal } from "./parse-signal.ts";

/** The trade a signal proposes: size = floor(maxPosition · sizePct / 100). HOLD is size 0. */
export function tradeOf(signal: Signal, maxPosition: bigint): { action: Action; size: bigint } {
  if (signal.action === "HOLD") return { action: Action.HOLD, size: 0n };
  return {
    action: signal.action === "BUY" ? Action.BUY : Action.SELL,
    size: (maxPosition * BigInt(signal.sizePct)) / 100n,
  };
}
