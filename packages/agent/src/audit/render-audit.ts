import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import type { RecordAudit } from "./audit-records.ts";
import type { HistoryFinding } from "./intelligence/history.ts";
import type { AuditReport } from "./audit-trades.ts";

const ARTIFACT = new URL(
  "../../../../artifacts/packages/contracts/src/generated/PolicyVerifier.sol/PolicyVerifier.json",
  import.meta.url,
);

/** The compiled PolicyVerifier's runtime code, when this checkout has built it. */
export async function compiledVerifierCode(): Promise<{ expectedVerifierCode?: string }> {
  try {
    const artifact = JSON.parse(await readFile(fileURLToPath(ARTIFACT), "utf8")) as { deployedBytecode: string };
    return { expectedVerifierCode: artifact.deployedBytecode };
  } catch {
    return {};
  }
}

/** The audit as a table an operator can read. */
export function renderAudit(report: AuditReport): string {
  const lines = [
    `trader ${report.trader} on chain ${report.chainId}`,
    `verifier code matches the committed PolicyVerifier: ${report.verifierCodeMatches === null ? "not checked (build the contracts first)" : report.verifierCodeMatches ? "yes" : "NO"}`,
    "",
    ["block", "agent", "nonce", "action", "size (ETH)", "round", "verified", "flags / failed checks"].join("\t"),
  ];
  for (const t of report.trades) {
    const failed = t.checks
      .filter((c) => c.status === "fail")
      .map((c) => `FAIL ${c.name}${c.detail ? ` (${c.detail})` : ""}`);
    const skipped = t.checks.filter((c) => c.status === "skipped").map((c) => `skipped ${c.name}`);
    lines.push(
      [
        t.blockNumber,
        `${t.agent.slice(0, 8)}…`,
        t.nonce,
        t.action,
        (Number(t.size) / 1e18).toFixed(4),
        t.roundId,
        t.verified ? "yes" : "NO",
        [...failed, ...t.flags, ...skipped].join("; "),
      ].join("\t"),
    );
  }
  lines.push("", `${report.trades.length} trades, ${report.failures} failing`);
  const optimistic = report.trades.filter((t) => t.claim);
  if (optimistic.length > 0) {
    lines.push("", `optimistic trades (no proof in calldata): ${optimistic.length}`);
    lines.push(["block", "agent", "nonce", "claim", "posted proof"].join("\t"));
    for (const t of optimistic) {
      const proof = t.claim!.proofVerifies === undefined ? "—" : t.claim!.proofVerifies ? "verifies" : "FAILS";
      lines.push([t.blockNumber, `${t.agent.slice(0, 8)}…`, t.nonce, t.claim!.verdict, proof].join("\t"));
    }
    for (const f of report.claimFindings.filter((f) => f.severity !== "info")) {
      lines.push(`${f.severity}\t${f.kind}\tnonce ${f.nonce} of ${f.agent.slice(0, 8)}…: ${f.detail}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The disclosure audit: what was opened, and each finding with its evidence. */
export function renderRecordAudit(audit: RecordAudit): string {
  const lines = [
    "",
    `decision records: ${audit.committed} trades committed one, ${audit.notCommitted} did not; ${audit.opened.length} records opened with the view keys (${(audit.timingsMs.total / 1000).toFixed(1)} s)`,
  ];
  if (audit.findings.length > 0)
    lines.push("", ["severity", "finding", "agent", "nonce", "record", "detail"].join("\t"));
  for (const f of audit.findings) {
    lines.push(
      [
        f.severity,
        f.kind,
        f.agent ? `${f.agent.slice(0, 8)}…` : "",
        f.nonce ?? "",
        f.recordHash ? `${f.recordHash.slice(0, 10)}…` : "",
        f.detail,
      ].join("\t"),
    );
  }
  const counted = (severity: string) => audit.findings.filter((f) => f.severity === severity).length;
  lines.push("", `${counted("high")} high, ${counted("medium")} medium, ${counted("info")} for information`);
  return `${lines.join("\n")}\n`;
}

/** The history analyses' findings: for a human to look at, with the trades they rest on. */
export function renderHistoryFindings(findings: readonly HistoryFinding[]): string {
  const lines = ["", `history: ${findings.length === 0 ? "nothing to look at" : `${findings.length} finding(s)`}`];
  for (const f of findings) {
    const trades =
      f.evidence.txHashes.length > 0 ? ` [${f.evidence.txHashes.map((h) => `${h.slice(0, 10)}…`).join(", ")}]` : "";
    lines.push(`${f.severity}\t${f.kind}\t${f.agent ? `${f.agent.slice(0, 8)}… ` : ""}${f.detail}${trades}`);
  }
  return `${lines.join("\n")}\n`;
}
