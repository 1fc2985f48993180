/** The federated demo's report: a text table for stdout and a small self-contained HTML page. */
import type { FederatedSummary } from "./run-federated.ts";

const percent = (x: number) => `${(x * 100).toFixed(2)} %`;
const short = (h: string) => `${h.slice(0, 10)}…${h.slice(-4)}`;
const thousands = (n: number) => n.toLocaleString("en-US");

/** One row per model (the base, then each round's aggregate): accuracy, proof figures, lineage. */
export function federatedRows(summary: FederatedSummary): string[][] {
  const header = [
    "model",
    "commitment",
    "held-out acc.",
    "locals (min..max)",
    "prove c0 / c1",
    "verify gas c0 / c1",
    "finalize gas",
    "lineage",
  ];
  const rows = [
    header,
    [
      "base (shipped)",
      short(summary.base.model),
      percent(summary.base.accuracy.overall),
      "",
      "",
      "",
      "",
      "registered v1",
    ],
  ];
  for (const r of summary.rounds) {
    const locals = r.participants.map((p) => p.localAccuracy);
    rows.push([
      `round ${r.round}`,
      short(r.newModel),
      percent(r.accuracy.overall),
      `${percent(Math.min(...locals))}..${percent(Math.max(...locals))}`,
      r.chunks.map((c) => `${thousands(c.proveMs)} ms`).join(" / "),
      r.chunks.map((c) => thousands(c.verifyGas)).join(" / "),
      thousands(r.finalizeGas),
      `round ${r.lineage.roundId} of ${short(r.lineage.baseModel)}${r.alreadyRegistered ? " (= a registered model)" : ""}`,
    ]);
  }
  return rows;
}

export function renderFederatedTable(summary: FederatedSummary): string {
  const rows = federatedRows(summary);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  const first = summary.rounds[0];
  const notes = [
    `held-out: ${thousands(summary.heldOutWindows)} windows of the proven model's held-out paths (5 regimes), the circuit's integer forward pass against each window's label`,
    first
      ? `participants (round 1): ${first.participants.map((p) => `${p.operator} (${p.regimes.join("+")}, n = ${p.sampleCount})`).join(", ")}; each round brings new private paths`
      : "",
    first
      ? `circuit: ${first.chunks.map((c) => `chunk ${c.chunk} ${thousands(c.constraints)} constraints`).join(", ")}; prover ${summary.prover}; clip bound² ${summary.clipBoundSquared} per chunk; governor delay ${summary.governorDelaySeconds} s`
      : "",
    `local training: ${summary.localTraining.epochs} epochs, batch ${summary.localTraining.batchSize}, Adam lr ${summary.localTraining.learningRate}; whole run ${(summary.wallMs / 1000).toFixed(1)} s`,
  ].filter(Boolean);
  return [line(rows[0]!), ...rows.slice(1).map(line), "", ...notes].join("\n");
}

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** A self-contained page: the table, each round's participants, and the lineage. */
export function renderFederatedHtml(summary: FederatedSummary): string {
  const table = (rows: string[][]) =>
    `<table><thead><tr>${rows[0]!.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .slice(1)
      .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`)
      .join("")}</tbody></table>`;
  const rounds = summary.rounds
    .map((r) =>
      table([
        [
          `round ${r.round}: participant`,
          "regimes",
          "samples",
          "update commitment",
          "clipped",
          "local acc.",
          "submit gas",
        ],
        ...r.participants.map((p) => [
          p.operator,
          p.regimes.join(", "),
          thousands(p.sampleCount),
          short(p.updateCommitment),
          p.clipped ? "yes" : "no",
          percent(p.localAccuracy),
          thousands(p.submitGas),
        ]),
      ]),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zkagent federated rounds</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f4f4f4}pre{background:#f8f8f8;padding:1em}</style>
</head><body>
<h1>Federated training of the proven model</h1>
<p>Four operators train locally on private price regimes; each round's aggregate is proven (FedAvg of the committed
updates, each within the clip bound) and verified on chain, then approved through the time lock. Proven: the aggregation.
Not proven: that local training followed the code, and the sample counts (each operator's word).</p>
${table(federatedRows(summary))}
${rounds}
<pre>${escape(
    renderFederatedTable(summary)
      .split("\n")
      .slice(summary.rounds.length + 3)
      .join("\n"),
  )}</pre>
</body></html>
`;
}
