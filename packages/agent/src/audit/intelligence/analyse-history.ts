import { disclosureGaps } from "./disclosure-gaps.ts";
import type { HistoryChange, HistoryDecision, HistoryFinding, HistoryTrade } from "./history.ts";
import { nearBoundaryStreak } from "./near-boundary-streak.ts";
import { refusalRateJump } from "./refusal-rate-jump.ts";
import { signalDrift } from "./signal-drift.ts";
import { sizesAtCap } from "./sizes-at-cap.ts";
import { slippageAtBound } from "./slippage-at-bound.ts";
import { tradeAfterChange } from "./trade-after-change.ts";

/** Every history analysis over one vault's trades, changes and (disclosed) decisions, with their defaults. */
export function analyseHistory(history: {
  trades: readonly HistoryTrade[];
  changes?: readonly HistoryChange[];
  decisions?: readonly HistoryDecision[];
}): HistoryFinding[] {
  return [
    ...nearBoundaryStreak(history.trades),
    ...sizesAtCap(history.trades),
    ...tradeAfterChange(history.trades, history.changes ?? []),
    ...signalDrift(history.trades),
    ...refusalRateJump(history.decisions ?? []),
    ...slippageAtBound(history.trades),
    ...disclosureGaps(history.trades),
  ];
}
