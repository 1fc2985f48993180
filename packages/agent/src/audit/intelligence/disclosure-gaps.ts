import { tradesByAgent, type HistoryFinding, type HistoryTrade } from "./history.ts";

/**
 * Gaps in disclosure records: an agent that committed decision records for some trades and not
 * for others (high: it chose which decisions auditors see), or for none at all (info: disclosure
 * may simply be off for it).
 */
export function disclosureGaps(trades: readonly HistoryTrade[]): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  for (const [agent, history] of tradesByAgent(trades)) {
    const missing = history.filter((t) => !t.recordCommitted);
    if (missing.length === 0) continue;
    const some = missing.length < history.length;
    findings.push({
      kind: "disclosure-gap",
      severity: some ? "high" : "info",
      agent,
      detail: some
        ? `${missing.length} of ${history.length} trades committed no decision record, the first at nonce ${missing[0]!.nonce}`
        : `none of its ${history.length} trades committed a decision record`,
      evidence: { txHashes: missing.map((t) => t.txHash) },
    });
  }
  return findings;
}
