/** The demo's and the backtest's self-contained HTML report: inline SVG charts, no scripts, no external assets. */
import type { SessionSummary, TickRow } from "./session-report.ts";

const W = 960;
const PAD = { left: 64, right: 16, top: 16, bottom: 34 };
const STEPS = ["data", "inference", "precheck", "witness", "prove", "submit", "confirm"] as const;
const STEP_COLOURS: Record<(typeof STEPS)[number], string> = {
  data: "#8da0cb",
  inference: "#66c2a5",
  precheck: "#a6d854",
  witness: "#ffd92f",
  prove: "#fc8d62",
  submit: "#e78ac3",
  confirm: "#b3b3b3",
};

/** What each pre-check verdict, rule and outcome means (the table's names link here). */
export const RULES: Record<string, string> = {
  BAND: "the action contradicts the price's place against the band: BUY only below MA − threshold, SELL only above MA + threshold, HOLD inside (the proven model's BUY or SELL where the band says HOLD becomes HOLD, counted here)",
  POSITION_CAP: "the BUY would take the position past the vault's cap for this agent",
  NO_SHORT: "the SELL is larger than the position held (no short selling)",
  HOLD_SIZE: "HOLD must have size 0, and BUY or SELL a size above 0",
  RANGE: "a price, size or parameter outside what the circuit accepts (prices in (0, 2^64), amounts below 2^96)",
  ZERO_SIZE: "the proven model's size came out 0, so its decision is HOLD",
};
const VERDICTS: Record<string, string> = {
  compliant: "the signal passed the pre-check: it was proven and sent",
  hold: "HOLD: nothing to prove or send",
  malformed: "the LLM's output did not parse as a signal under the grammar: nothing proven or sent",
  unavailable: "the feed had no window the chain would accept (e.g. a phase change): the agent held and said why",
  refused: "the pre-check refused the signal (rule named): nothing proven or sent, so no gas",
  executed: "executeTrade verified the proof and swapped on Uniswap V3",
  reverted: "the transaction reverted on chain (limits, slippage bound or a stale round)",
  superseded: "a newer round landed before the trade: re-proved on the next",
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (n: number, digits = 2) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function scale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  return (v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]);
}

function axis(y: (v: number) => number, ticks: number[], label: (v: number) => string, width: number): string {
  return ticks
    .map(
      (t) =>
        `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${y(t)}" y2="${y(t)}" class="grid"/>` +
        `<text x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${label(t)}</text>`,
    )
    .join("");
}

function niceTicks(min: number, max: number, count = 5): number[] {
  const step = (max - min) / (count - 1 || 1);
  return Array.from({ length: count }, (_, i) => min + i * step);
}

/** The time axis: up to six labels, dates (the history's) or tick numbers. */
function timeAxis(rows: TickRow[], x: (tick: number) => number, height: number, timed: boolean): string {
  const count = Math.min(6, rows.length);
  const picks = Array.from({ length: count }, (_, i) => rows[Math.round((i * (rows.length - 1)) / (count - 1 || 1))]!);
  return picks
    .map((r, i) => {
      const anchor = i === 0 ? "start" : i === count - 1 ? "end" : "middle";
      const label = timed
        ? r.time
            .replace("T", " ")
            .replace(/:00Z$|Z$/, "")
            .replace(/ 00:00$/, "")
        : `tick ${r.tick}`;
      return `<line x1="${x(r.tick)}" x2="${x(r.tick)}" y1="${height - PAD.bottom}" y2="${height - PAD.bottom + 4}" class="axis"/><text x="${x(r.tick)}" y="${height - PAD.bottom + 16}" text-anchor="${anchor}">${esc(label)}</text>`;
    })
    .join("");
}

const when = (r: TickRow, timed: boolean) => (timed ? `${r.time}, tick ${r.tick}` : `tick ${r.tick}`);
const sizeText = (r: TickRow) =>
  r.sizeEth === undefined
    ? ""
    : ` ${fmt(r.sizeEth, 4)} ETH (${fmt(r.sizePctOfCap!, 1)} % of the cap${r.sizePctOfPosition === undefined ? "" : `, ${fmt(r.sizePctOfPosition, 1)} % of the position`})`;

function priceChart(rows: TickRow[], timed: boolean): string {
  const H = 340;
  const values = rows.flatMap((r) => [r.price, r.lower, r.upper]);
  const [min, max] = [Math.min(...values) * 0.998, Math.max(...values) * 1.002];
  const x = scale([rows[0]!.tick, rows.at(-1)!.tick], [PAD.left, W - PAD.right]);
  const y = scale([min, max], [H - PAD.bottom, PAD.top]);
  const line = (f: (r: TickRow) => number) =>
    rows.map((r, i) => `${i ? "L" : "M"}${x(r.tick).toFixed(1)},${y(f(r)).toFixed(1)}`).join("");
  const band =
    rows.map((r, i) => `${i ? "L" : "M"}${x(r.tick).toFixed(1)},${y(r.upper).toFixed(1)}`).join("") +
    [...rows]
      .reverse()
      .map((r) => `L${x(r.tick).toFixed(1)},${y(r.lower).toFixed(1)}`)
      .join("") +
    "Z";
  const markers = rows
    .map((r) => {
      const cx = x(r.tick);
      const cy = y(r.price);
      const title = `<title>${esc(when(r, timed))}: ${r.action}${sizeText(r)} ${r.verdict}${r.rule ? ` (${r.rule})` : ""}${r.outcome ? `, ${r.outcome}` : ""} at ${fmt(r.price)} USD; position after ${fmt(r.positionEth, 4)} ETH${r.txHash ? `; tx ${r.txHash}` : ""}</title>`;
      if (r.outcome === "executed" && r.action === "BUY")
        return `<path d="M${cx},${cy - 9}l7,12h-14z" class="buy">${title}</path>`;
      if (r.outcome === "executed" && r.action === "SELL")
        return `<path d="M${cx},${cy + 9}l7,-12h-14z" class="sell">${title}</path>`;
      if (r.verdict === "refused")
        return `<g class="refused"><line x1="${cx - 4}" y1="${cy - 4}" x2="${cx + 4}" y2="${cy + 4}"/><line x1="${cx - 4}" y1="${cy + 4}" x2="${cx + 4}" y2="${cy - 4}"/>${title}</g>`;
      return "";
    })
    .join("");
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Price, moving average and band, with trades">
    ${axis(y, niceTicks(min, max), (v) => fmt(v, 0), W)}
    <path d="${band}" class="band"/>
    <path d="${line((r) => r.movingAverage)}" class="ma"/>
    <path d="${line((r) => r.price)}" class="price"/>
    ${markers}
    ${timeAxis(rows, x, H, timed)}
  </svg>`;
}

function positionChart(rows: TickRow[], cap: number, timed: boolean): string {
  const H = 180;
  const x = scale([rows[0]!.tick, rows.at(-1)!.tick], [PAD.left, W - PAD.right]);
  const y = scale([0, cap], [H - PAD.bottom, PAD.top]);
  const steps = rows
    .map(
      (r, i) =>
        `${i ? `H${x(r.tick).toFixed(1)}` : `M${x(r.tick).toFixed(1)},${y(r.positionEth).toFixed(1)}`}V${y(r.positionEth).toFixed(1)}`,
    )
    .join("");
  const slot = (W - PAD.left - PAD.right) / Math.max(1, rows.length - 1);
  // An invisible column per tick, so hovering anywhere names the tick's position.
  const hover = rows
    .map(
      (r) =>
        `<rect x="${(x(r.tick) - slot / 2).toFixed(1)}" y="${PAD.top}" width="${slot.toFixed(1)}" height="${H - PAD.top - PAD.bottom}" class="hover"><title>${esc(when(r, timed))}: position ${fmt(r.positionEth, 4)} ETH (${fmt(r.positionPctOfCap, 1)} % of the cap); vault ${fmt(r.vaultValueUsd)} USD</title></rect>`,
    )
    .join("");
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Position over time">
    ${axis(y, niceTicks(0, cap, 3), (v) => `${fmt(v, 1)} ETH`, W)}
    <line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(cap)}" y2="${y(cap)}" class="cap"/>
    <text x="${W - PAD.right}" y="${y(cap) - 4}" text-anchor="end" class="caplabel">cap ${fmt(cap, 1)} ETH</text>
    <path d="${steps}" class="position"/>
    ${hover}
    ${timeAxis(rows, x, H, timed)}
  </svg>`;
}

function timingChart(rows: TickRow[]): string {
  const H = 220;
  const totals = rows.map((r) => STEPS.reduce((s, k) => s + (r.timingsMs[k] ?? 0), 0));
  const max = Math.max(...totals, 1);
  const y = scale([0, max], [H - PAD.bottom, PAD.top]);
  const slot = (W - PAD.left - PAD.right) / rows.length;
  const bars = rows
    .map((r, i) => {
      let base = 0;
      return STEPS.map((k) => {
        const ms = r.timingsMs[k] ?? 0;
        if (ms <= 0) return "";
        const rect = `<rect x="${(PAD.left + i * slot + 1).toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" y="${y(base + ms).toFixed(1)}" height="${(y(base) - y(base + ms)).toFixed(1)}" fill="${STEP_COLOURS[k]}"><title>tick ${r.tick} ${k}: ${fmt(ms, 1)} ms</title></rect>`;
        base += ms;
        return rect;
      }).join("");
    })
    .join("");
  const legend = STEPS.map(
    (k, i) =>
      `<rect x="${PAD.left + i * 110}" y="0" width="10" height="10" fill="${STEP_COLOURS[k]}"/><text x="${PAD.left + i * 110 + 14}" y="9">${k}</text>`,
  ).join("");
  return `<svg viewBox="0 0 ${W} ${H + 16}" role="img" aria-label="Per-cycle timing breakdown">
    <g transform="translate(0,${H + 4})">${legend}</g>
    ${axis(y, niceTicks(0, max, 4), (v) => `${fmt(v, 0)} ms`, W)}
    ${bars}
  </svg>`;
}

const ruleRef = (rule: string) => `<a href="#rule-${esc(rule)}" title="${esc(RULES[rule] ?? rule)}">${esc(rule)}</a>`;

/** The proof and transaction of a tick, in a row that opens under it. */
function detailsOf(r: TickRow): string {
  if (!r.txHash && !r.reason) return "";
  const items = [
    `round ${esc(r.roundId)} at ${esc(r.time)}`,
    ...(r.txHash ? [`transaction <code>${esc(r.txHash)}</code>`] : []),
    ...(r.proofMs === undefined
      ? []
      : [`proof: Groth16, ${esc(r.proofCovers)}; witness + prove ${fmt(r.proofMs, 0)} ms`]),
    ...(r.advice === undefined ? [] : [`the adviser's bias ${r.advice} (a public input of the proof)`]),
    ...(r.gasUsed ? [`gas ${fmt(r.gasUsed, 0)}`] : []),
    ...(r.feeUsd === undefined
      ? []
      : [`pool fee ${fmt(r.feeUsd)} USD, slippage against the oracle ${fmt(r.slippageUsd!)} USD`]),
    ...(r.audit
      ? [
          r.audit.verified
            ? "audit: the proof, its window and the binding re-verified from the chain"
            : `audit FAILED: ${esc(r.audit.failedChecks.join(", "))}`,
        ]
      : []),
    ...(r.audit?.publicInputs
      ? [
          `the proof's public inputs: ${Object.entries(r.audit.publicInputs)
            .map(([k, v]) => `${esc(k)} <code>${esc(v)}</code>`)
            .join(", ")}`,
        ]
      : []),
    ...(r.reason ? [`why: ${esc(r.reason)}`] : []),
  ];
  return `<details><summary>${r.txHash ? `<code>${esc(r.txHash.slice(0, 10))}…</code>` : "why"}</summary><ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul></details>`;
}

function glossary(summary: SessionSummary): string {
  const p = summary.policy;
  const rules = Object.entries(RULES)
    .map(([rule, text]) => `<dt id="rule-${rule}">${rule}</dt><dd>${esc(text)}</dd>`)
    .join("");
  const verdicts = Object.entries(VERDICTS)
    .map(([name, text]) => `<dt>${name}</dt><dd>${esc(text)}</dd>`)
    .join("");
  return `<h2>The policy and the rules</h2>
<p class="note">The vault's policy, public and checked in every proof: the agent's position stays within <b>${fmt(p.maxPositionEth, 1)} ETH</b> (the cap: sizes are shown in ETH and as a percentage of this cap, SELLs also of the position they sell from), it trades only when the latest price is more than <b>${fmt(p.thresholdBps / 100, 1)} %</b> from the 30-round moving average (the band), each swap's price within <b>${fmt(p.maxSlippageBps / 100, 1)} %</b> of the oracle's (the slippage bound), on a round at most ${fmt(p.maxOracleAgeSeconds / 60, 0)} minutes old, in the ${fmt(p.poolFeePct, 2)} % Uniswap V3 pool. The pre-check applies the same rules before anything is proven; a refusal names the rule:</p>
<dl class="rules">${rules}</dl><dl class="rules">${verdicts}</dl>`;
}

/**
 * The report of a demo or a backtest. `extraSections` is HTML appended after the session (the
 * demo's scenes).
 */
export function renderReport(rows: TickRow[], summary: SessionSummary, extraSections = ""): string {
  const f = summary.figures;
  const cap = summary.policy.maxPositionEth;
  const refused =
    Object.entries(f.refusedByRule)
      .map(([rule, n]) => `${ruleRef(rule)} ${n}`)
      .join(", ") || "none";
  const table = rows
    .map(
      (r) =>
        `<tr class="${r.outcome === "executed" ? "ok" : r.verdict === "refused" ? "no" : ""}"><td>${summary.timed ? `<span title="tick ${r.tick}">${esc(r.time.replace("T", " ").replace("Z", ""))}</span>` : r.tick}</td><td>${fmt(r.price)}</td><td>${fmt(r.lower)} – ${fmt(r.upper)}</td><td>${esc(r.action)}${r.sizeEth === undefined ? "" : ` ${fmt(r.sizeEth, 3)} ETH<br><small>${fmt(r.sizePctOfCap!, 0)} % of cap${r.sizePctOfPosition === undefined ? "" : `, ${fmt(r.sizePctOfPosition, 0)} % of position`}</small>`}</td><td><span title="${esc(VERDICTS[r.verdict] ?? "")}">${esc(r.verdict)}</span>${r.rule ? ` (${ruleRef(r.rule)})` : ""}${r.outcome && r.outcome !== "executed" ? `, ${esc(r.outcome)}` : ""}</td><td>${fmt(r.positionEth, 3)}<br><small>${fmt(r.positionPctOfCap, 0)} % of cap</small></td><td>${r.proofMs === undefined ? "" : fmt(r.proofMs, 0)}</td><td>${r.gasUsed ? fmt(r.gasUsed, 0) : ""}</td><td class="details">${detailsOf(r)}</td></tr>`,
    )
    .join("");
  const pnl = summary.vaultValueUsd - summary.buyAndHoldUsd;
  const pct = (n: number) => `${n >= 0 ? "+" : ""}${fmt(n)} %`;
  const title =
    summary.kind === "demo"
      ? `zkagent demo — ${summary.ticks} ticks, seed ${summary.seed}`
      : `zkagent backtest — ${summary.source}, ${summary.ticks} ticks`;
  const what =
    summary.kind === "demo"
      ? `${summary.ticks} ticks of a seeded mean-reverting ETH/USD path (seed ${summary.seed})`
      : `${summary.ticks} ticks replayed from <code>${esc(summary.source)}</code>${summary.timed ? `, ${esc(summary.firstRoundTime)} to ${esc(summary.lastRoundTime)} (the chain's clock follows the history's timestamps)` : " (closes without timestamps: one round an hour on the chain's clock)"}${summary.gaps ? `; ${summary.gaps} gaps in the history kept as they are` : ""}${summary.resumedTicks ? `; ${summary.resumedTicks} ticks resumed from the state file` : ""}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;max-width:1000px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.note{color:#5b6475;margin:0 0 16px}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin-bottom:10px}
.card{border:1px solid #dde2ea;border-radius:8px;padding:10px 12px}.card b{display:block;font-size:20px}
svg{width:100%;height:auto;font-size:11px;fill:#5b6475}.grid{stroke:#eef1f5}.axis{stroke:#9aa3b2}.band{fill:#dbe7f7;stroke:none}
.ma{fill:none;stroke:#4a6fa5;stroke-width:1.5;stroke-dasharray:4 3}.price{fill:none;stroke:#1d2330;stroke-width:1.8}
.buy{fill:#1a9850}.sell{fill:#d73027}.refused line{stroke:#9aa3b2;stroke-width:1.5}.hover{fill:transparent}.hover:hover{fill:#7b329422}
.position{fill:none;stroke:#7b3294;stroke-width:2}.cap{stroke:#d73027;stroke-dasharray:5 4}.caplabel{fill:#d73027}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{padding:3px 6px;border-bottom:1px solid #eef1f5;text-align:right;vertical-align:top}
th{background:#f6f8fb}td:nth-child(4),td:nth-child(5),td.details,th:nth-child(4),th:nth-child(5){text-align:left}tr.ok{background:#eef8f0}tr.no{color:#7a8291}tr.bad{background:#fdeeee}table.scene td,table.scene th{text-align:left;vertical-align:top}
td.details ul{margin:4px 0;padding-left:16px;text-align:left}td.details code{word-break:break-all}small{color:#7a8291}
dl.rules{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}dl.rules dt{font-weight:600}dl.rules dd{margin:0;color:#5b6475}
.legend span{margin-right:14px}.sw{display:inline-block;width:12px;height:3px;vertical-align:middle;margin-right:4px}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="note">${what}, on an in-process Hardhat chain with real Uniswap V3 bytecode and Chainlink's MockV3Aggregator. Each tick: an oracle round, the pool arbitraged to it, then the agent's real cycle: model inference → policy pre-check → Groth16 proof → <code>executeTrade</code> → audit from the chain. The model is <b>${esc(summary.model)}</b>; the proofs name <code>${esc(summary.modelHash)}</code> (${summary.mode === "llm" ? "the GGUF's hash, as <code>zkagent model hash</code> prints it" : "the proven model's commitment, as <code>zkagent model commit</code> prints it"})${summary.ggufHash && summary.mode !== "llm" ? `; the adviser's GGUF is <code>${esc(summary.ggufHash)}</code> (<code>zkagent model hash</code>)` : ""}. The bundled models are seeded stand-ins, not trading brains.</p>
<div class="cards">
<div class="card">trades executed<b>${f.executed.buy + f.executed.sell}</b>${f.executed.buy} BUY · ${f.executed.sell} SELL · ${f.revertedOnChain} reverted</div>
<div class="card">refused by the policy<b>${Object.values(f.refusedByRule).reduce((a, b) => a + b, 0)}</b>${refused}</div>
<div class="card">vault vs buy-and-hold<b>${pnl >= 0 ? "+" : ""}${fmt(pnl)} USD</b>${fmt(summary.vaultValueUsd)} vs ${fmt(summary.buyAndHoldUsd)}</div>
<div class="card">gas per trade · proof<b>${fmt(summary.meanGas, 0)}</b>mean proof ${fmt(summary.meanProofMs, 0)} ms; a keeper's window recording ${fmt(summary.windowRecording.meanGas, 0)} gas a round</div>
<div class="card">return<b>${pct(f.returnPct)}</b>buy-and-hold ${pct(f.buyAndHoldPct)}</div>
<div class="card">max drawdown<b>${fmt(f.maxDrawdownPct)} %</b>buy-and-hold ${fmt(f.buyAndHoldMaxDrawdownPct)} %</div>
<div class="card">turnover<b>${fmt(f.turnover)}×</b>${fmt(f.tradedUsd)} USD traded over a ${fmt(f.startValueUsd)} USD start</div>
<div class="card">fees · slippage<b>${fmt(f.feesUsd)} USD</b>pool fees; ${fmt(f.slippageUsd)} USD slippage against the oracle</div>
</div>
<p class="note">Audit: ${summary.audit.verified} of ${summary.audit.trades} executed trades re-verified from the chain (proof, window, binding)${summary.audit.failures ? `, <b>${summary.audit.failures} failed</b>` : ""}${summary.fast ? ", in one pass at the end (--fast)" : ", each right after its tick"}.</p>
<h2>Price, 30-round moving average and policy band</h2>
<p class="legend"><span><i class="sw" style="background:#1d2330"></i>oracle price</span><span><i class="sw" style="background:#4a6fa5"></i>moving average</span><span><i class="sw" style="background:#dbe7f7;height:10px"></i>band (no trade inside)</span><span style="color:#1a9850">▲ BUY executed</span><span style="color:#d73027">▼ SELL executed</span><span style="color:#9aa3b2">✕ refused by the pre-check</span> (hover a mark for the trade)</p>
${priceChart(rows, summary.timed)}
<h2>Position after each tick (ETH; hover for the tick)</h2>
${positionChart(rows, cap, summary.timed)}
<h2>Per-cycle timing</h2>
${timingChart(rows)}
${glossary(summary)}
<h2>Every tick</h2>
<table><thead><tr><th>${summary.timed ? "round time (UTC)" : "tick"}</th><th>price</th><th>band</th><th>signal, size</th><th>pre-check</th><th>position ETH</th><th>proof ms</th><th>gas</th><th>transaction and proof</th></tr></thead><tbody>${table}</tbody></table>
${extraSections}
<p class="note">Generated by <code>${summary.kind === "demo" ? "pnpm demo" : "zkagent backtest"}</code> in ${fmt(summary.wallSeconds, 1)} s. Mean inference ${fmt(summary.meanInferenceMs, 1)} ms per signal.</p>
</body></html>
`;
}
