import type { AuditOutcome } from "./run-audit.ts";

/** A finding of any source, placed on the timeline by the trades it names. */
export interface TimelineFinding {
  source: "trade checks" | "optimistic claims" | "decision records" | "history";
  kind: string;
  severity: string;
  detail: string;
  agent?: string;
  txHashes: string[];
}

/**
 * Every finding of the audit in one list: failed trades (one finding per failing trade), the
 * optimistic claims', the disclosed records' and the history's. The page's count is this list's length.
 */
export function timelineFindings(outcome: AuditOutcome): TimelineFinding[] {
  const { report, records, history } = outcome;
  const tradeOf = (agent: string | undefined, nonce: bigint | undefined) =>
    report.trades.find((t) => t.agent.toLowerCase() === agent?.toLowerCase() && t.nonce === nonce)?.txHash;
  return [
    ...report.trades
      .filter((t) => !t.verified)
      .map((t) => ({
        source: "trade checks" as const,
        kind: "trade-fails-a-check",
        severity: "high",
        agent: t.agent,
        detail: t.checks
          .filter((c) => c.status === "fail")
          .map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ""}`)
          .join("; "),
        txHashes: [t.txHash],
      })),
    ...report.claimFindings.map((f) => ({
      source: "optimistic claims" as const,
      kind: f.kind,
      severity: f.severity,
      agent: f.agent,
      detail: f.detail,
      txHashes: [f.txHash],
    })),
    ...(records?.findings ?? []).map((f) => {
      const tx = tradeOf(f.agent, f.nonce);
      return {
        source: "decision records" as const,
        kind: f.kind,
        severity: f.severity,
        ...(f.agent ? { agent: f.agent } : {}),
        detail: f.detail,
        txHashes: tx ? [tx] : [],
      };
    }),
    ...history.map((f) => ({
      source: "history" as const,
      kind: f.kind,
      severity: f.severity,
      ...(f.agent ? { agent: f.agent } : {}),
      detail: f.detail,
      txHashes: f.evidence.txHashes,
    })),
  ];
}
