/**
 * The audit as a self-contained HTML page (inline SVG and CSS, no scripts, no external assets),
 * drawn the way the demo's report is: the feed's price with the policy band, each trade on it,
 * and below on the same time axis every finding at the trades it rests on.
 */
import type { AuditedTrade } from "./audit-trades.ts";
import { timelineFindings, type TimelineFinding } from "./audit-findings.ts";
import type { AuditOutcome } from "./run-audit.ts";

const W = 960;
const PAD = { left: 72, right: 16, top: 16, bottom: 28 };
/** Trades named in a finding's row (a disclosure gap may name every trade; the timeline shows them all). */
const SHOWN_HASHES = 8;
const SEVERITY_ORDER = ["high", "medium", "low", "info"];
const SEVERITY_COLOUR: Record<string, string> = { high: "#d73027", medium: "#fc8d59", low: "#e6c229", info: "#9aa3b2" };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (n: number, digits = 2) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const date = (seconds: number) => new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 16);

function scale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  return (v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]);
}

interface Point {
  t: number;
  price: number;
}

interface BandPoint {
  t: number;
  movingAverage: number;
  lower: number;
  upper: number;
}

/**
 * The band at every round that closes a full window of the rounds read, with the threshold of the
 * trade in force then (the last trade at or before the round, else the first), so the band is
 * drawn between trades too, not only at them.
 */
function bandSeries(outcome: AuditOutcome, unit: number): BandPoint[] {
  const { prices, trades } = outcome.report;
  const thresholds = trades
    .filter((t) => t.values)
    .map((t) => ({ roundId: t.roundId, thresholdBps: Number(t.values!.thresholdBps) }))
    .sort((a, b) => (a.roundId < b.roundId ? -1 : 1));
  if (thresholds.length === 0) return [];
  const points: BandPoint[] = [];
  for (let i = 29; i < prices.length; i++) {
    const window = prices.slice(i - 29, i + 1);
    if (window[29]!.roundId - window[0]!.roundId !== 29n) continue; // not 30 consecutive rounds
    const threshold = [...thresholds].reverse().find((x) => x.roundId <= prices[i]!.roundId) ?? thresholds[0]!;
    const movingAverage = window.reduce((sum, r) => sum + Number(r.answer), 0) / 30 / unit;
    points.push({
      t: Number(prices[i]!.updatedAt),
      movingAverage,
      lower: (movingAverage * (10_000 - threshold.thresholdBps)) / 10_000,
      upper: (movingAverage * (10_000 + threshold.thresholdBps)) / 10_000,
    });
  }
  return points;
}

function timeAxis(x: (t: number) => number, [t0, t1]: [number, number], height: number): string {
  const ticks = t0 === t1 ? [t0] : Array.from({ length: 5 }, (_, i) => t0 + ((t1 - t0) * i) / 4);
  return ticks
    .map(
      (t, i) =>
        `<text x="${x(t).toFixed(1)}" y="${height - 8}" text-anchor="${i === 0 ? "start" : i === ticks.length - 1 ? "end" : "middle"}">${date(t)}</text>`,
    )
    .join("");
}

function priceChart(outcome: AuditOutcome, timed: AuditedTrade[], domain: [number, number]): string {
  const H = 340;
  const unit = 10 ** outcome.report.feedDecimals;
  const points: Point[] = outcome.report.prices.map((r) => ({
    t: Number(r.updatedAt),
    price: Number(r.answer) / unit,
  }));
  const band = bandSeries(outcome, unit);
  const tradePrice = (t: AuditedTrade) => Number(t.latestPrice) / unit;
  const values = [
    ...points.map((p) => p.price),
    ...band.flatMap((b) => [b.lower, b.upper]),
    ...timed.flatMap((t) => [
      tradePrice(t),
      ...(t.band ? [Number(t.band.lower) / unit, Number(t.band.upper) / unit] : []),
    ]),
  ];
  const [min, max] = [Math.min(...values) * 0.995, Math.max(...values) * 1.005];
  const x = scale(domain, [PAD.left, W - PAD.right]);
  const y = scale([min, max], [H - PAD.bottom, PAD.top]);
  const path = <T>(rows: T[], tx: (r: T) => number, ty: (r: T) => number) =>
    rows.map((r, i) => `${i ? "L" : "M"}${x(tx(r)).toFixed(1)},${y(ty(r)).toFixed(1)}`).join("");
  const bandPath =
    band.length > 0
      ? `${path(
          band,
          (b) => b.t,
          (b) => b.upper,
        )}${[...band]
          .reverse()
          .map((b) => `L${x(b.t).toFixed(1)},${y(b.lower).toFixed(1)}`)
          .join("")}Z`
      : "";
  // Too few rounds for a band line (one transaction's audit): each trade's own band, as a bar.
  const tradeBands = timed
    .filter((t) => t.band)
    .map(
      (t) =>
        `<rect x="${(x(Number(t.roundUpdatedAt)) - 10).toFixed(1)}" width="20" y="${y(Number(t.band!.upper) / unit).toFixed(1)}" height="${(y(Number(t.band!.lower) / unit) - y(Number(t.band!.upper) / unit)).toFixed(1)}" class="band"/>`,
    )
    .join("");
  const grid = Array.from({ length: 5 }, (_, i) => min + ((max - min) * i) / 4)
    .map(
      (v) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>` +
        `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v, v < 10 ? 4 : 2)}</text>`,
    )
    .join("");
  const markers = timed
    .map((t) => {
      const [cx, cy] = [x(Number(t.roundUpdatedAt)), y(tradePrice(t))];
      const title = `<title>${t.action} ${fmt(Number(t.size) / 1e18, 4)} at ${fmt(tradePrice(t))} (round ${t.roundId}), block ${t.blockNumber}, agent ${t.agent} nonce ${t.nonce}: ${t.verified ? "verified" : "FAILS a check"}${t.flags.length ? `; ${t.flags.join("; ")}` : ""}\n${t.txHash}</title>`;
      const shape =
        t.action === "BUY"
          ? `<path d="M${cx.toFixed(1)},${(cy - 8).toFixed(1)}l6,10h-12z" class="trade buy${t.verified ? "" : " failed"}">${title}</path>`
          : `<path d="M${cx.toFixed(1)},${(cy + 8).toFixed(1)}l6,-10h-12z" class="trade sell${t.verified ? "" : " failed"}">${title}</path>`;
      return t.verified
        ? shape
        : `${shape}<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="9" class="failring"/>`;
    })
    .join("");
  return `<svg class="chart" id="price-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Oracle price, moving average and policy band, with every audited trade">
    ${grid}
    ${band.length > 1 ? `<path d="${bandPath}" class="band"/>` : tradeBands}
    ${
      band.length > 0
        ? `<path d="${path(
            band,
            (b) => b.t,
            (b) => b.movingAverage,
          )}" class="ma"/>`
        : ""
    }
    <path d="${path(
      points,
      (p) => p.t,
      (p) => p.price,
    )}" class="price"/>
    ${markers}
    ${timeAxis(x, domain, H)}
  </svg>`;
}

function findingsChart(
  findings: TimelineFinding[],
  timeOf: Map<string, number>,
  domain: [number, number],
): { svg: string; placed: number } {
  const kinds = [...new Set(findings.map((f) => `${f.source}: ${f.kind}`))];
  const ROW = 22;
  const H = PAD.top + Math.max(1, kinds.length) * ROW + PAD.bottom;
  const x = scale(domain, [PAD.left + 150, W - PAD.right]);
  let placed = 0;
  const rows = kinds
    .map((label, row) => {
      const cy = PAD.top + row * ROW + ROW / 2;
      const dots = findings
        .filter((f) => `${f.source}: ${f.kind}` === label)
        .map((f) => {
          const times = f.txHashes.map((h) => timeOf.get(h)).filter((t): t is number => t !== undefined);
          if (times.length === 0) return "";
          placed++;
          const title = `<title>${esc(`${f.severity} ${f.kind}${f.agent ? ` (${f.agent})` : ""}: ${f.detail}`)}</title>`;
          const span =
            times.length > 1
              ? `<line x1="${x(Math.min(...times)).toFixed(1)}" x2="${x(Math.max(...times)).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="${SEVERITY_COLOUR[f.severity] ?? "#999"}" class="span"/>`
              : "";
          return `<g class="finding ${esc(f.severity)}">${span}${times.map((t) => `<circle cx="${x(t).toFixed(1)}" cy="${cy}" r="5" fill="${SEVERITY_COLOUR[f.severity] ?? "#999"}"/>`).join("")}${title}</g>`;
        })
        .join("");
      return `<line x1="${PAD.left + 150}" x2="${W - PAD.right}" y1="${cy}" y2="${cy}" class="grid"/><text x="${PAD.left + 142}" y="${cy + 4}" text-anchor="end">${esc(label)}</text>${dots}`;
    })
    .join("");
  const empty =
    kinds.length === 0
      ? `<text x="${W / 2}" y="${PAD.top + ROW / 2 + 4}" text-anchor="middle">no findings in this range</text>`
      : "";
  return {
    svg: `<svg class="chart" id="findings-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Findings on the timeline, at the trades they rest on">${rows}${empty}${timeAxis(x, domain, H)}</svg>`,
    placed,
  };
}

/** The audit of `outcome` as one HTML document. */
export function renderAuditHtml(outcome: AuditOutcome): string {
  const { report, records } = outcome;
  const findings = timelineFindings(outcome).sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  );
  const timed = report.trades.filter((t) => t.roundUpdatedAt !== undefined);
  const timeOf = new Map(timed.map((t) => [t.txHash, Number(t.roundUpdatedAt)]));
  const times = [...report.prices.map((r) => Number(r.updatedAt)), ...timeOf.values()];
  const domain: [number, number] = times.length > 0 ? [Math.min(...times), Math.max(...times)] : [0, 1];
  const buys = report.trades.filter((t) => t.action === "BUY").length;
  const failing = report.trades.filter((t) => !t.verified).length;
  const bySeverity = SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(" · ");
  const findingsPlot = findingsChart(findings, timeOf, domain);
  const unplaced = findings.length - findingsPlot.placed;
  const unit = 10 ** report.feedDecimals;
  const findingRows = findings
    .map(
      (f) =>
        `<tr class="${esc(f.severity)}"><td><span class="sev" style="background:${SEVERITY_COLOUR[f.severity] ?? "#999"}"></span>${esc(f.severity)}</td><td>${esc(f.source)}</td><td>${esc(f.kind)}</td><td>${f.agent ? `<code title="${esc(f.agent)}">${esc(f.agent.slice(0, 10))}…</code>` : ""}</td><td class="left">${esc(f.detail)}</td><td>${f.txHashes
          .slice(0, SHOWN_HASHES)
          .map((h) => `<code title="${esc(h)}">${esc(h.slice(0, 10))}…</code>`)
          .join(
            " ",
          )}${f.txHashes.length > SHOWN_HASHES ? ` and ${f.txHashes.length - SHOWN_HASHES} more` : ""}</td></tr>`,
    )
    .join("");
  const tradeRows = report.trades
    .map((t) => {
      const failed = t.checks.filter((c) => c.status === "fail").map((c) => `FAIL ${c.name}`);
      const skipped = t.checks.filter((c) => c.status === "skipped").map((c) => `skipped ${c.name}`);
      return `<tr class="${t.verified ? "" : "bad"}"><td>${t.blockNumber}</td><td>${t.roundUpdatedAt === undefined ? "" : date(Number(t.roundUpdatedAt))}</td><td><code title="${esc(t.agent)}">${esc(t.agent.slice(0, 10))}…</code></td><td>${t.nonce}</td><td>${t.action}</td><td>${fmt(Number(t.size) / 1e18, 4)}</td><td>${fmt(Number(t.latestPrice) / unit)}</td><td>${t.band ? `${fmt(Number(t.band.lower) / unit)} – ${fmt(Number(t.band.upper) / unit)}` : ""}</td><td>${t.bandMarginBps === undefined ? "" : fmt(t.bandMarginBps, 2)}</td><td>${t.modelKind}</td><td>${t.verified ? "yes" : "<b>NO</b>"}</td><td class="left">${esc([...failed, ...t.flags, ...skipped].join("; "))}</td><td><code title="${esc(t.txHash)}">${esc(t.txHash.slice(0, 10))}…</code></td></tr>`;
    })
    .join("");
  const verifier =
    report.verifierCodeMatches === null
      ? "not checked"
      : report.verifierCodeMatches
        ? "matches the committed PolicyVerifier"
        : "<b>differs</b> from the committed PolicyVerifier";
  const disclosure = records
    ? `<div class="card">decision records<b>${records.opened.length}</b>opened with the view keys; ${records.committed} trades committed one, ${records.notCommitted} did not</div>`
    : `<div class="card">decision records<b>—</b>not opened (no view key given)</div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zkagent audit — ${esc(report.trader)} on chain ${report.chainId}, blocks ${report.fromBlock}..${report.toBlock}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;max-width:1000px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.note{color:#5b6475;margin:0 0 16px}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}
.card{border:1px solid #dde2ea;border-radius:8px;padding:10px 12px}.card b{display:block;font-size:20px}
svg{width:100%;height:auto;font-size:11px;fill:#5b6475}.grid{stroke:#eef1f5}.band{fill:#dbe7f7;stroke:none}
.ma{fill:none;stroke:#4a6fa5;stroke-width:1.5;stroke-dasharray:4 3}.price{fill:none;stroke:#1d2330;stroke-width:1.6}
.buy{fill:#1a9850}.sell{fill:#d73027}.failring{fill:none;stroke:#d73027;stroke-width:2}.span{stroke-width:3;opacity:.45}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{padding:3px 6px;border-bottom:1px solid #eef1f5;text-align:right;vertical-align:top}
th{background:#f6f8fb}td.left,th.left{text-align:left}tr.bad{background:#fdeeee}tr.high td:first-child{font-weight:600}
.sev{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
.legend span{margin-right:14px}.sw{display:inline-block;width:12px;height:3px;vertical-align:middle;margin-right:4px}
</style></head><body>
<h1>zkagent audit</h1>
<p class="note">Trader <code>${esc(report.trader)}</code> on chain ${report.chainId}, blocks ${report.fromBlock} to ${report.toBlock} (start: ${esc(outcome.start.source)}, ${esc(outcome.start.detail)}). Every trade re-verified from the chain alone: its proof against the committed verification key, the event against the calldata, the binding to chain, trader, agent and nonce, the model's approval at the block, the oracle round and the 30-round window. Findings are for a human to look at; only failed checks and unfaithful records fail the audit. Verifier code: ${verifier}.</p>
<div class="cards">
<div class="card">trades audited<b id="trade-count">${report.trades.length}</b>${buys} BUY · ${report.trades.length - buys} SELL</div>
<div class="card">failing a check<b id="failing-count">${failing}</b>${report.failures} failures in all</div>
<div class="card">findings<b id="finding-count" data-findings="${findings.length}">${findings.length}</b>${bySeverity || "nothing to look at"}</div>
${disclosure}
</div>
<h2>Oracle price, 30-round moving average and policy band, with every trade</h2>
<p class="legend"><span><i class="sw" style="background:#1d2330"></i>oracle price (the rounds the trades' windows held)</span><span><i class="sw" style="background:#4a6fa5"></i>moving average</span><span><i class="sw" style="background:#dbe7f7;height:10px"></i>band (no trade inside)</span><span style="color:#1a9850">▲ BUY</span><span style="color:#d73027">▼ SELL</span><span style="color:#d73027">◯ fails a check</span></p>
${timed.length > 0 || report.prices.length > 0 ? priceChart(outcome, timed, domain) : `<p class="note">No trade in this range.</p>`}
<h2>Findings on the timeline</h2>
<p class="legend">${SEVERITY_ORDER.map((s) => `<span><i class="sev" style="background:${SEVERITY_COLOUR[s]}"></i>${s}</span>`).join("")}<span>a line joins the trades one finding rests on${unplaced > 0 ? `; ${unplaced} finding(s) name no trade and are listed below only` : ""}</span></p>
${findingsPlot.svg}
<h2>Findings</h2>
${findings.length > 0 ? `<table id="findings"><thead><tr><th>severity</th><th>source</th><th>kind</th><th>agent</th><th class="left">evidence</th><th>trades</th></tr></thead><tbody>${findingRows}</tbody></table>` : `<p class="note">Nothing to look at.</p>`}
<h2>Every trade</h2>
<table id="trades"><thead><tr><th>block</th><th>round time (UTC)</th><th>agent</th><th>nonce</th><th>action</th><th>size</th><th>price</th><th>band</th><th>margin (bps)</th><th>model</th><th>verified</th><th class="left">failed checks, flags, skipped</th><th>tx</th></tr></thead><tbody>${tradeRows}</tbody></table>
<p class="note">Generated by <code>zkagent audit --html</code>${outcome.historySkipped ? `; the history analysis was skipped: ${esc(outcome.historySkipped)}` : ""}. The node answered ${outcome.answers.fromNode} requests; ${outcome.answers.reused} repeated ones were answered from this audit's own record${outcome.resumed ? ` (${outcome.resumed} from the checkpoint of an earlier run)` : ""}.</p>
</body></html>
`;
}
