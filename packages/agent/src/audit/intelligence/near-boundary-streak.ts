import { tradesByAgent, type HistoryFinding, type HistoryTrade } from "./history.ts";

/**
 * Repeated near-boundary signals: among an agent's `window` consecutive trades, at least
 * `minCount` sat within `marginBps` of the band edge. One is chance; a streak suggests an agent
 * steering its inputs (a window choice, an adviser) to just clear the rule.
 */
export function nearBoundaryStreak(
  trades: readonly HistoryTrade[],
  { marginBps = 10, window = 10, minCount = 3 }: { marginBps?: number; window?: number; minCount?: number } = {},
): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  for (const [agent, history] of tradesByAgent(trades)) {
    for (let end = 0; end < history.length; end++) {
      const slice = history.slice(Math.max(0, end - window + 1), end + 1);
      const near = slice.filter((t) => t.bandMarginBps <= marginBps);
      if (near.length >= minCount && history[end]!.bandMarginBps <= marginBps) {
        findings.push({
          kind: "near-boundary-streak",
          severity: "medium",
          agent,
          detail: `${near.length} of ${slice.length} consecutive trades within ${marginBps} bps of the band edge`,
          evidence: { txHashes: near.map((t) => t.txHash), marginsBps: near.map((t) => t.bandMarginBps) },
        });
        end += window - 1; // one finding per streak, not one per trade in it
      }
    }
  }
  return findings;
}
