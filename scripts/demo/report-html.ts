/** The demo's self-contained HTML report: inline SVG charts, no scripts, no external assets. */
import type { HubSceneResult } from "./scenes/hub-scene.ts";
import type { OptimisticSceneResult } from "./scenes/optimistic-scene.ts";

export interface TickRow {
  tick: number;
  price: number;
  movingAverage: number;
  lower: number;
  upper: number;
  action: string;
  verdict: string;
  /** What the proof of this tick's trade covers, and what is only attested. */
  proofCovers: string;
  /** The adviser's bias the proven model weighed. */
  advice?: number;
  rule?: string;
  outcome?: string;
  positionEth: number;
  gasUsed?: number;
  txHash?: string;
  timingsMs: Record<string, number | undefined>;
}

export interface DemoSummary {
  ticks: number;
  seed: number;
  mode: string;
  model: string;
  modelHash: string;
  executed: { buy: number; sell: number };
  refusedByRule: Record<string, number>;
  holds: number;
  revertedOnChain: number;
  finalPositionEth: number;
  vaultValueUsd: number;
  buyAndHoldUsd: number;
  startValueUsd: number;
  totalGas: number;
  meanGas: number;
  meanProofMs: number;
  meanInferenceMs: number;
  wallSeconds: number;
}

/** The scenes that follow the session on the same chain (absent with --no-scenes). */
export interface DemoScenes {
  hub: HubSceneResult;
  optimistic: OptimisticSceneResult;
}

const W = 960;
const PAD = { left: 64, right: 16, top: 16, bottom: 28 };
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

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
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

function priceChart(rows: TickRow[]): string {
  const H = 320;
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
      const title = `<title>tick ${r.tick}: ${r.action} ${r.verdict}${r.rule ? ` (${r.rule})` : ""}${r.outcome ? `, ${r.outcome}` : ""} at ${fmt(r.price)} USD</title>`;
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
    <text x="${PAD.left}" y="${H - 6}">tick ${rows[0]!.tick}</text><text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">tick ${rows.at(-1)!.tick}</text>
  </svg>`;
}

function positionChart(rows: TickRow[], cap: number): string {
  const H = 160;
  const x = scale([rows[0]!.tick, rows.at(-1)!.tick], [PAD.left, W - PAD.right]);
  const y = scale([0, cap], [H - PAD.bottom, PAD.top]);
  const steps = rows
    .map(
      (r, i) =>
        `${i ? `H${x(r.tick).toFixed(1)}` : `M${x(r.tick).toFixed(1)},${y(r.positionEth).toFixed(1)}`}V${y(r.positionEth).toFixed(1)}`,
    )
    .join("");
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Position over time">
    ${axis(y, niceTicks(0, cap, 3), (v) => `${fmt(v, 1)} ETH`, W)}
    <line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(cap)}" y2="${y(cap)}" class="cap"/>
    <text x="${W - PAD.right}" y="${y(cap) - 4}" text-anchor="end" class="caplabel">cap ${fmt(cap, 1)} ETH</text>
    <path d="${steps}" class="position"/>
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

const short = (hex: string) => `<code title="${esc(hex)}">${esc(hex.slice(0, 10))}…</code>`;
const gas = (n: number) => fmt(n, 0);

function hubSection(hub: HubSceneResult, verifiedMeanGas: number, mode: string): string {
  const follows = hub.follows
    .map(
      (f) =>
        `<tr><td>${short(f.vault)}</td><td>${fmt(f.capEth, 0)} ETH</td><td>${fmt(f.sizeEth, 3)} ETH</td><td>${fmt(f.paidUsdc)}</td><td>${gas(f.gas)}</td><td>${short(f.txHash)}</td></tr>`,
    )
    .join("");
  const saving = verifiedMeanGas
    ? `window record, publication and follows over ${hub.follows.length} trades; the session's verified trades (mode ${esc(mode)}): ${gas(verifiedMeanGas)} mean`
    : "the session executed no verified trade to compare with";
  return `<h2>One proof, many vaults: the signal hub</h2>
<p class="note">The agent proved one signal for the ETH/USD market with the one-market signal circuit (${fmt(hub.proofMs, 0)} ms): <b>${hub.signal.action} ${fmt(hub.signal.sizeBps / 100, 0)} % of the cap</b> at ${fmt(hub.priceUsd)} USD, round ${esc(hub.roundId)}, over the feed's window, from the attested model <code>${esc(hub.modelHash.slice(0, 18))}…</code>. The SignalHub verified it once with the generated SignalVerifier1 and cached it under key ${short(hub.key)}. Three vaults subscribed to the agent followed it with <code>followSignal</code> (sent by a keeper): no second proof, each sized against its own cap and checked against its own limits on chain. Each follow is that vault's first, so its storage slots are new.</p>
<div class="cards">
<div class="card">published once<b>${gas(hub.publishGas)}</b>gas, the one verification; the round's window recorded by a keeper: ${gas(hub.windowRecordGas)}</div>
<div class="card">followers<b>${hub.follows.length}</b>${hub.follows.map((f) => `${fmt(f.sizeEth, 2)} ETH`).join(" · ")}</div>
<div class="card">gas per trade, amortised<b>${gas(hub.amortizedGasPerTrade)}</b>${saving}</div>
<div class="card">scene<b>${fmt(hub.wallSeconds, 1)} s</b>deploy, prove, publish, follow</div>
</div>
<table class="scene"><thead><tr><th>vault</th><th>cap</th><th>executed</th><th>USDC paid</th><th>follow gas</th><th>tx</th></tr></thead><tbody>${follows}</tbody></table>`;
}

function optimisticSection(o: OptimisticSceneResult): string {
  const claims = o.claims
    .map(
      (c) =>
        `<tr class="${c.fate.includes("slashed") ? "bad" : "ok"}"><td>${c.label}</td><td>${c.action} ${fmt(c.sizeEth, 2)} ETH at ${fmt(c.priceUsd)}</td><td>${esc(c.judgement)}</td><td>${esc(c.fate)}</td><td>${Object.entries(
          c.gas,
        )
          .map(([step, g]) => `${step} ${gas(g)}`)
          .join("<br>")}</td></tr>`,
    )
    .join("");
  const bonds = o.bonds
    .map(
      (b) =>
        `<tr><td>${esc(b.step)}</td><td>${fmt(b.bond.totalUsdc)}</td><td>${fmt(b.bond.lockedUsdc)}</td><td>${b.bond.pending}</td><td>${b.bond.slashed ? "yes" : ""}</td></tr>`,
    )
    .join("");
  const challengerNet = o.challengerUsdc.after - o.challengerUsdc.before;
  return `<h2>An optimistic trade challenged and resolved</h2>
<p class="note">A vault with an OptimisticLane (challenge window ${fmt(o.laneParameters.challengeWindowSeconds / 60, 0)} min, response window ${fmt(o.laneParameters.responseWindowSeconds / 60, 0)} min, challenge bond ${fmt(o.laneParameters.challengeBondUsdc, 0)} USDC, challenger's reward ${fmt(o.laneParameters.slashRewardUsdc, 0)} USDC); the agent bonded ${fmt(o.bonds[0]!.bond.totalUsdc, 0)} USDC for it (${gas(o.depositBondGas)} gas). It traded twice with <code>executeOptimistic</code>, which swaps without verifying: an honest BUY whose proof it made and kept, and a cheating BUY while the band said HOLD (public signals written by hand: no proof can exist). Before each, a keeper recorded the round's window (<code>windowRecord</code>: once per round, whichever path trades on it). The challenger bot (<code>watchClaims</code>) re-checked both from public data and challenged the cheat only; the agent settled the honest claim early with its proof; after the response window (time travel on the in-process chain) the bot slashed the silent cheater.</p>
<table class="scene"><thead><tr><th>claim</th><th>trade</th><th>the bot's verdict</th><th>fate</th><th>gas</th></tr></thead><tbody>${claims}</tbody></table>
<h3>The agent's bond for this vault (USDC)</h3>
<table class="scene"><thead><tr><th>after</th><th>total</th><th>locked</th><th>pending claims</th><th>slashed</th></tr></thead><tbody>${bonds}</tbody></table>
<p class="note">The vault received ${fmt(o.vaultCompensationUsdc)} USDC of the slashed bond; the challenger ${challengerNet >= 0 ? "gained" : "lost"} ${fmt(Math.abs(challengerNet))} USDC net (its bond back and the reward); the agent is ${o.agentAuthorizedAfter ? "still authorised" : "no longer authorised"} on the vault. Scene: ${fmt(o.wallSeconds, 1)} s.</p>`;
}

export function renderReport(rows: TickRow[], summary: DemoSummary, cap: number, scenes?: DemoScenes): string {
  const refused =
    Object.entries(summary.refusedByRule)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(", ") || "none";
  const table = rows
    .map(
      (r) =>
        `<tr class="${r.outcome === "executed" ? "ok" : r.verdict === "refused" ? "no" : ""}"><td>${r.tick}</td><td>${fmt(r.price)}</td><td>${fmt(r.movingAverage)}</td><td>${fmt(r.lower)} – ${fmt(r.upper)}</td><td>${esc(r.action)}</td><td>${esc(r.verdict)}${r.rule ? ` (${esc(r.rule)})` : ""}</td><td>${r.timingsMs.prove ? `${fmt(r.timingsMs.prove, 0)}` : ""}</td><td>${r.timingsMs.prove ? esc(r.proofCovers) : ""}${r.advice === undefined ? "" : ` (bias ${r.advice})`}</td><td>${r.gasUsed ?? ""}</td><td>${r.txHash ? `<code>${r.txHash.slice(0, 10)}…</code>` : ""}</td></tr>`,
    )
    .join("");
  const pnl = summary.vaultValueUsd - summary.buyAndHoldUsd;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zkagent demo — ${summary.ticks} ticks, seed ${summary.seed}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;max-width:1000px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.note{color:#5b6475;margin:0 0 16px}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}
.card{border:1px solid #dde2ea;border-radius:8px;padding:10px 12px}.card b{display:block;font-size:20px}
svg{width:100%;height:auto;font-size:11px;fill:#5b6475}.grid{stroke:#eef1f5}.band{fill:#dbe7f7;stroke:none}
.ma{fill:none;stroke:#4a6fa5;stroke-width:1.5;stroke-dasharray:4 3}.price{fill:none;stroke:#1d2330;stroke-width:1.8}
.buy{fill:#1a9850}.sell{fill:#d73027}.refused line{stroke:#9aa3b2;stroke-width:1.5}
.position{fill:none;stroke:#7b3294;stroke-width:2}.cap{stroke:#d73027;stroke-dasharray:5 4}.caplabel{fill:#d73027}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{padding:3px 6px;border-bottom:1px solid #eef1f5;text-align:right}
th{background:#f6f8fb}td:nth-child(5),td:nth-child(6),th:nth-child(5),th:nth-child(6){text-align:left}tr.ok{background:#eef8f0}tr.no{color:#7a8291}tr.bad{background:#fdeeee}table.scene td,table.scene th{text-align:left;vertical-align:top}
.legend span{margin-right:14px}.sw{display:inline-block;width:12px;height:3px;vertical-align:middle;margin-right:4px}
</style></head><body>
<h1>zkagent demo</h1>
<p class="note">${summary.ticks} ticks of a seeded mean-reverting ETH/USD path (seed ${summary.seed}) on an in-process Hardhat chain with real Uniswap V3 bytecode and Chainlink's MockV3Aggregator. Each tick: model inference → policy pre-check → Groth16 proof → <code>executeTrade</code>. The model is <b>${esc(summary.model)}</b> (modelHash <code>${summary.modelHash.slice(0, 18)}…</code>): a seeded stand-in that exercises the real GGUF loading and inference path, not a trading brain. Proofs show policy compliance over committed oracle data; that this model produced each signal is the agent's attestation.</p>
<div class="cards">
<div class="card">trades executed<b>${summary.executed.buy + summary.executed.sell}</b>${summary.executed.buy} BUY · ${summary.executed.sell} SELL</div>
<div class="card">refused by the policy<b>${Object.values(summary.refusedByRule).reduce((a, b) => a + b, 0)}</b>${esc(refused)}</div>
<div class="card">vault vs buy-and-hold<b>${pnl >= 0 ? "+" : ""}${fmt(pnl)} USD</b>${fmt(summary.vaultValueUsd)} vs ${fmt(summary.buyAndHoldUsd)}</div>
<div class="card">gas per trade · proof<b>${fmt(summary.meanGas, 0)}</b>mean proof ${fmt(summary.meanProofMs, 0)} ms</div>
</div>
<h2>Price, 30-round moving average and policy band</h2>
<p class="legend"><span><i class="sw" style="background:#1d2330"></i>oracle price</span><span><i class="sw" style="background:#4a6fa5"></i>moving average</span><span><i class="sw" style="background:#dbe7f7;height:10px"></i>band (no trade inside)</span><span style="color:#1a9850">▲ BUY executed</span><span style="color:#d73027">▼ SELL executed</span><span style="color:#9aa3b2">✕ refused by the pre-check</span></p>
${priceChart(rows)}
<h2>Position</h2>
${positionChart(rows, cap)}
<h2>Per-cycle timing</h2>
${timingChart(rows)}
<h2>Every tick</h2>
<table><thead><tr><th>tick</th><th>price</th><th>MA</th><th>band</th><th>signal</th><th>pre-check</th><th>proof ms</th><th>the proof covers</th><th>gas</th><th>tx</th></tr></thead><tbody>${table}</tbody></table>
${scenes ? `${hubSection(scenes.hub, summary.meanGas, summary.mode)}\n${optimisticSection(scenes.optimistic)}` : ""}
<p class="note">Generated by <code>pnpm demo</code> in ${fmt(summary.wallSeconds, 1)} s. Mean inference ${fmt(summary.meanInferenceMs, 1)} ms per signal; ${summary.revertedOnChain} transactions reverted on-chain.</p>
</body></html>
`;
}
