import type { HistoryChange, HistoryFinding, HistoryTrade } from "./history.ts";

/**
 * Trading right after a policy or model change: a trade within `withinSeconds` after a change
 * (a policy loosened, a model approved, an agent authorised) may exploit it before anyone looked.
 * One finding per change, listing the trades that followed it.
 */
export function tradeAfterChange(
  trades: readonly HistoryTrade[],
  changes: readonly HistoryChange[],
  { withinSeconds = 3_600 }: { withinSeconds?: number } = {},
): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  for (const change of changes) {
    const after = trades.filter(
      (t) =>
        (t.blockNumber > change.blockNumber ||
          (t.blockNumber === change.blockNumber && t.timestamp >= change.timestamp)) &&
        t.timestamp - change.timestamp <= withinSeconds,
    );
    if (after.length === 0) continue;
    const first = Math.min(...after.map((t) => t.timestamp - change.timestamp));
    findings.push({
      kind: "trade-after-change",
      severity: change.kind === "model" || change.kind === "policy" ? "medium" : "info",
      detail: `${after.length} trade(s) within ${withinSeconds} s of a ${change.kind} change (${change.detail}), the first ${first} s after it`,
      evidence: { txHashes: after.map((t) => t.txHash), change, firstAfterSeconds: first },
    });
  }
  return findings;
}
