import type { HistoryFinding, HistoryTrade } from "./history.ts";

/**
 * Trades whose realised slippage sits at the bound: within `withinBps` of the policy's
 * `maxSlippageBps`. The pool filled at the worst price the vault allowed, which is what a
 * sandwich around the agent's transaction produces; several are a pattern.
 */
export function slippageAtBound(
  trades: readonly HistoryTrade[],
  { withinBps = 5, minTrades = 1 }: { withinBps?: number; minTrades?: number } = {},
): HistoryFinding[] {
  const atBound = trades.filter((t) => t.slippageBps >= t.maxSlippageBps - withinBps);
  if (atBound.length < minTrades) return [];
  return [
    {
      kind: "slippage-at-bound",
      severity: atBound.length >= 3 ? "high" : "medium",
      detail: `${atBound.length} trade(s) filled within ${withinBps} bps of the slippage bound (possible sandwiching)`,
      evidence: {
        txHashes: atBound.map((t) => t.txHash),
        slippageBps: atBound.map((t) => t.slippageBps),
      },
    },
  ];
}
