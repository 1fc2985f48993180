/**
 * The soak's memory curve as a picture and a table: RSS, its high-water mark and the heap after a
 * forced GC against cycles, from a soak report (default the committed scripts/chaos/soak-report.json).
 * Writes the SVG beside the report (`soak-rss.svg`) and prints the table (Markdown).
 *
 *   tsx scripts/chaos/soak-plot.ts [report.json] [--svg out.svg]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

interface SoakSample {
  cycle: number;
  rssMb: number;
  peakRssMb?: number;
  heapUsedMb: number;
  elapsedS?: number;
  load1?: number;
}

const { values, positionals } = parseArgs({ options: { svg: { type: "string" } }, allowPositionals: true });
const reportPath = resolve(positionals[0] ?? join(import.meta.dirname, "soak-report.json"));
const report = JSON.parse(readFileSync(reportPath, "utf8")) as { samples?: SoakSample[]; date?: string };
const samples = report.samples ?? [];
if (samples.length < 2) {
  console.error(`${reportPath}: fewer than two samples, nothing to plot`);
  process.exit(2);
}

const W = 640;
const H = 300;
const pad = { l: 56, r: 16, t: 36, b: 40 };
const maxX = Math.max(...samples.map((s) => s.cycle));
const maxY = Math.ceil(Math.max(...samples.map((s) => s.peakRssMb ?? s.rssMb), 400) / 100) * 100;
const x = (v: number) => pad.l + (v / maxX) * (W - pad.l - pad.r);
const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
const line = (pick: (s: SoakSample) => number | undefined, colour: string, dash = "") => {
  const points = samples.filter((s) => pick(s) !== undefined);
  const d = points.map((s, i) => `${i ? "L" : "M"}${x(s.cycle).toFixed(1)},${y(pick(s)!).toFixed(1)}`).join("");
  return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
};
const yTicks = Array.from({ length: maxY / 100 + 1 }, (_, i) => i * 100)
  .map(
    (v) =>
      `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
  )
  .join("");
const xTicks = [0, 0.25, 0.5, 0.75, 1]
  .map((f) => Math.round(f * maxX))
  .map((v) => `<text x="${x(v)}" y="${H - pad.b + 16}" text-anchor="middle">${v}</text>`)
  .join("");
const legend = [
  ["RSS", "#4a6fa5", ""],
  ["peak RSS (maxrss)", "#c0504d", "4 3"],
  ["heap after GC", "#9bbb59", ""],
]
  .map(
    ([label, colour, dash], i) =>
      `<line x1="${pad.l + 10 + i * 170}" x2="${pad.l + 34 + i * 170}" y1="${pad.t - 8}" y2="${pad.t - 8}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/><text x="${pad.l + 40 + i * 170}" y="${pad.t - 4}">${label}</text>`,
  )
  .join("");
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#333">
<rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="14" text-anchor="middle" font-size="13">Soak: the agent's memory against cycles (${report.date?.slice(0, 10) ?? ""})</text>
${yTicks}<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#999"/>
<line x1="${pad.l}" y1="${y(400)}" x2="${W - pad.r}" y2="${y(400)}" stroke="#c0504d" stroke-width="1"/><text x="${W - pad.r}" y="${y(400) - 4}" text-anchor="end" fill="#c0504d">400 MB</text>
${line((s) => s.rssMb, "#4a6fa5")}${line((s) => s.peakRssMb, "#c0504d", "4 3")}${line((s) => s.heapUsedMb, "#9bbb59")}
${legend}${xTicks}<text x="${W / 2}" y="${H - 6}" text-anchor="middle">cycle</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">MB</text></svg>
`;
const svgPath = resolve(values.svg ?? join(dirname(reportPath), "soak-rss.svg"));
writeFileSync(svgPath, svg);

// The table: every sample up to 12 rows, evenly spaced, always the first and the last.
const step = Math.max(1, Math.ceil((samples.length - 1) / 11));
const rows = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
const cell = (v: number | undefined) => (v === undefined ? "—" : String(v));
console.log("| cycle | RSS MB | peak RSS MB | heap after GC MB | elapsed | load (1 min) |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
for (const s of rows) {
  const elapsed = s.elapsedS === undefined ? "—" : `${Math.floor(s.elapsedS / 60)} min`;
  console.log(`| ${s.cycle} | ${s.rssMb} | ${cell(s.peakRssMb)} | ${s.heapUsedMb} | ${elapsed} | ${cell(s.load1)} |`);
}
console.error(`wrote ${svgPath}`);
