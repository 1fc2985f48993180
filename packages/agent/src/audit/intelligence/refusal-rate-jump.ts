import type { HistoryDecision, HistoryFinding } from "./history.ts";

/**
 * Refusal rates that jump: an agent's share of refused or malformed decisions over its last
 * `recent` decisions exceeds its earlier share by `jump` or more (with at least `minReference`
 * earlier decisions). A model or adviser that suddenly proposes what the policy forbids has
 * changed, or is probing the rule. Needs the disclosed refusal records (opt-in) or the journal.
 */
export function refusalRateJump(
  decisions: readonly HistoryDecision[],
  { recent = 20, minReference = 20, jump = 0.3 }: { recent?: number; minReference?: number; jump?: number } = {},
): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  const agents = new Set(decisions.map((d) => d.agent.toLowerCase()));
  const refusedShare = (ds: readonly HistoryDecision[]) =>
    ds.filter((d) => d.verdict === "refused" || d.verdict === "malformed").length / ds.length;
  for (const agent of agents) {
    const history = decisions.filter((d) => d.agent.toLowerCase() === agent).sort((a, b) => a.timestamp - b.timestamp);
    if (history.length < recent + minReference) continue;
    const before = refusedShare(history.slice(0, -recent));
    const now = refusedShare(history.slice(-recent));
    if (now - before >= jump) {
      findings.push({
        kind: "refusal-rate-jump",
        severity: "medium",
        agent,
        detail: `refusals rose from ${Math.round(before * 100)} % to ${Math.round(now * 100)} % over the last ${recent} decisions`,
        evidence: { txHashes: [], before, now, since: history.at(-recent)!.timestamp },
      });
    }
  }
  return findings;
}
