import { Action } from "@zkagent/circuits";

import type { Signal } from "../signal/parse-signal.ts";

/**
 * The hub signal an LLM signal proposes: its action, and its size as a fraction of a cap in basis
 * points, sizeBps = sizePct · 100 (HOLD: 0). The verified path trades floor(maxPosition ·
 * sizePct / 100) of the agent's own cap (tradeOf); a follower trades floor(cap · sizeBps / 10 000)
 * of its own (DecentralizedTrader._followSize), clamped to the room under its cap (BUY) or to its
 * position (SELL): the same fraction, so the agent's own vault following its signal trades what the
 * verified path would have, up to that clamp. A BUY or SELL of 0 % stays sizeBps 0, which the
 * signal rules refuse (HOLD ⇔ size 0) before anything is proven.
 */
export function hubSignalOf(signal: Signal): { action: Action; sizeBps: bigint } {
  if (signal.action === "HOLD") return { action: Action.HOLD, sizeBps: 0n };
  return { action: signal.action === "BUY" ? Action.BUY : Action.SELL, sizeBps: BigInt(signal.sizePct) * 100n };
}
