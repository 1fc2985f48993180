import { Action } from "@zkagent/circuits";

import type { Signal } from "./parse-signal.ts";

/**
 * The trade a signal proposes on the verified and optimistic paths, sized as the proven model's
 * circuit sizes its own (evaluate-model.ts): a BUY is sizePct of the room left under the cap,
 * floor((maxPosition − position) · sizePct / 100); a SELL is sizePct of the position,
 * floor(position · sizePct / 100). Sizing both by the cap made a SELL larger than a small position
 * an avoidable NO_SHORT refusal, and a BUY past the room an avoidable CAP one. A size of 0 (a SELL
 * with nothing held, a BUY with no room, sizePct 0) is a HOLD, as the proven model's is: there is
 * nothing to trade. (The hub path sizes by the cap instead: a fraction of each follower's cap.)
 */
export function tradeOf(
  signal: Signal,
  book: { position: bigint; maxPosition: bigint },
): { action: Action; size: bigint } {
  if (signal.action === "HOLD") return { action: Action.HOLD, size: 0n };
  const pct = BigInt(signal.sizePct);
  const room = book.maxPosition > book.position ? book.maxPosition - book.position : 0n;
  const [action, size] =
    signal.action === "SELL" ? [Action.SELL, (book.position * pct) / 100n] : [Action.BUY, (room * pct) / 100n];
  return size === 0n ? { action: Action.HOLD, size: 0n } : { action, size };
}

/**
 * The sizing of decision records v1 (agents before the room-or-position rule): a percent of the
 * cap for either side, floor(maxPosition · sizePct / 100), and a size of 0 still a BUY or SELL.
 * Kept so an auditor checks an old record under the rule it was made with.
 */
export function tradeOfByCap(signal: Signal, maxPosition: bigint): { action: Action; size: bigint } {
  if (signal.action === "HOLD") return { action: Action.HOLD, size: 0n };
  return {
    action: signal.action === "BUY" ? Action.BUY : Action.SELL,
    size: (maxPosition * BigInt(signal.sizePct)) / 100n,
  };
}
