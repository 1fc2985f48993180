/**
 * README command 1's demo: the backtest runner (packages/agent/src/backtest/run-backtest.ts, the
 * same code path as `zkagent backtest`) over a seeded mean-reverting path, or over a price file
 * with --prices. Prints a per-tick table and a summary; writes a self-contained HTML report and
 * the figures as JSON.
 *
 * After the session, two scenes on the same chain (scenes/): one hub signal followed by three
 * vaults, and an optimistic trade beside a cheating claim that the challenger bot gets slashed.
 *
 *   pnpm demo [--ticks 60] [--seed 7] [--prices file] [--fast] [--mode llm+model|model|llm] [--model file.gguf] [--temperature 1] [--threads n] [--out demo-output] [--no-scenes]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import {
  WINDOW,
  TICK_TABLE_HEADER,
  generatedHistory,
  AgentError,
  readPriceHistory,
  renderReport,
  renderSummaryText,
  runBacktest,
  sessionSummary,
  tickRows,
  tickTableLine,
  tickTableRow,
  type DecisionMode,
  type PriceHistory,
} from "@zkagent/agent";
import { terminateSnarkjs } from "@zkagent/circuits";

import { scenesHtml, type DemoScenes } from "./report-html.ts";
import { runHubScene } from "./scenes/hub-scene.ts";
import { runOptimisticScene } from "./scenes/optimistic-scene.ts";

const USAGE = `usage: pnpm demo [options]

  --ticks n          oracle rounds to trade over (1..10000, default 60; with --prices, default all)
  --seed n           the price path's and the sampling's seed (default 7)
  --prices file      replay a price history instead of the generated path (CSV or JSON: see
                     zkagent backtest --help); the same runner as zkagent backtest
  --fast             audit every trade once at the end instead of after each tick (same trades)
  --mode m           llm+model (default: the tiny LLM advises, the shipped proven model decides),
                     model (the proven model alone) or llm (the LLM proposes; policy proven, model attested)
  --model file       a GGUF instead of the bundled tiny stand-in
  --temperature t    sampling temperature, 0..2 (default 1)
  --threads n        llama.cpp threads
  --out dir          where report.html and summary.json go (default demo-output)
  --no-scenes        skip the scenes after the session (the signal hub's, the optimistic lane's)
  --help             this text`;

/** An input mistake: one line and the usage, no stack trace, exit 2. */
function usageError(message: string): never {
  console.error(`demo: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      ticks: { type: "string" },
      prices: { type: "string" },
      fast: { type: "boolean", default: false },
      seed: { type: "string", default: "7" },
      model: { type: "string" },
      temperature: { type: "string", default: "1" },
      threads: { type: "string" },
      mode: { type: "string", default: "llm+model" },
      out: { type: "string", default: "demo-output" },
      "no-scenes": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
} catch (error) {
  usageError((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const ticks = values.ticks === undefined ? (values.prices ? Infinity : 60) : Number(values.ticks);
const seed = Number(values.seed);
const temperature = Number(values.temperature);
if (ticks !== Infinity && (!Number.isInteger(ticks) || ticks < 1 || ticks > 10_000))
  usageError(`--ticks must be an integer in 1..10000, got ${values.ticks}`);
if (!Number.isInteger(seed) || seed < 0) usageError(`--seed must be a non-negative integer, got ${values.seed}`);
if (!(temperature >= 0 && temperature <= 2)) usageError(`--temperature must be in 0..2, got ${values.temperature}`);
const mode = values.mode as DecisionMode;
if (!["llm", "model", "llm+model"].includes(mode)) usageError(`--mode must be llm, model or llm+model, got ${mode}`);
if (values.threads !== undefined && !(Number.isInteger(Number(values.threads)) && Number(values.threads) >= 1)) {
  usageError(`--threads must be a positive integer, got ${values.threads}`);
}

const started = performance.now();
const out = resolve(values.out);
let history: PriceHistory;
try {
  history = values.prices
    ? readPriceHistory(resolve(values.prices), WINDOW)
    : generatedHistory({ seed, length: WINDOW - 1 + ticks });
} catch (error) {
  if (!(error instanceof AgentError)) throw error;
  console.error(`${error.name}: ${error.message}`); // one line: the file, the line and the reason
  process.exit(2);
}
console.log(
  `zkagent demo: ${values.prices ? history.file : `seed ${seed}`}, ${ticks === Infinity ? history.points.length - (WINDOW - 1) : ticks} ticks, in-process Hardhat chain`,
);

let printedHeader = false;
const session = await runBacktest({
  history,
  ...(ticks === Infinity ? {} : { maxTicks: ticks }),
  temperature,
  seed,
  dataDir: join(out, "agent"),
  ...(values.model ? { modelPath: resolve(values.model) } : {}),
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  mode,
  fast: values.fast,
  onTick: ({ report }) => {
    if (!printedHeader) {
      const header = tickTableLine(TICK_TABLE_HEADER);
      console.log(`\n${header}\n${"-".repeat(header.length)}`);
      printedHeader = true;
    }
    console.log(tickTableRow(report));
  },
});

let scenes: DemoScenes | undefined;
if (!values["no-scenes"]) {
  const hub = await runHubScene(session.chain, session.modelPath);
  const optimistic = await runOptimisticScene(session.chain, session.modelPath);
  scenes = { hub, optimistic };
}

const rows = tickRows(session);
const summary = sessionSummary(session, rows, {
  kind: values.prices ? "backtest" : "demo",
  seed,
  modelLabel:
    mode === "llm"
      ? values.model
        ? session.modelPath
        : "bundled tiny stand-in (seeded weights)"
      : `proven decision model v1 (packages/agent/models)${mode === "llm+model" ? `, advised by ${values.model ? session.modelPath : "the bundled tiny stand-in"}` : ""}`,
  fast: values.fast,
  wallSeconds: (performance.now() - started) / 1000,
});
console.log(`\n${renderSummaryText(summary)}`);
if (scenes) printScenes(scenes, summary.meanGas);

mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "report.html"),
  renderReport(rows, summary, scenes ? scenesHtml(scenes, summary.meanGas, mode) : ""),
);
writeFileSync(
  join(out, "summary.json"),
  `${JSON.stringify({ summary, rows, ...(scenes ? { scenes } : {}) }, null, 2)}\n`,
);
console.log(`\nreport: ${join(out, "report.html")}\nfigures: ${join(out, "summary.json")}`);
await terminateSnarkjs();

function printScenes({ hub, optimistic }: DemoScenes, verifiedMeanGas: number): void {
  const gas = (n: number) => n.toLocaleString("en-US");
  console.log(`
one proof, many vaults (signal hub)
  signal                 ${hub.signal.action} ${hub.signal.sizeBps / 100} % of each cap at ${hub.priceUsd.toFixed(2)} USD (round ${hub.roundId}), proved in ${hub.proofMs.toFixed(0)} ms
  key                    ${hub.key}
  window recorded        ${gas(hub.windowRecordGas)} gas (a keeper, once per round)
  published once         ${gas(hub.publishGas)} gas (the only verification)`);
  for (const f of hub.follows) {
    console.log(
      `  follower, cap ${`${f.capEth} ETH`.padEnd(8)}${`${f.sizeEth} ETH for ${f.paidUsdc.toFixed(2)} USDC`.padEnd(32)}${gas(f.gas)} gas`,
    );
  }
  console.log(
    `  per trade              ${gas(hub.amortizedGasPerTrade)} gas amortised over ${hub.follows.length} vaults (record + publish + follows)${verifiedMeanGas ? ` vs ${gas(Math.round(verifiedMeanGas))} mean per verified trade in the session` : ""}`,
  );
  console.log("\nan optimistic trade challenged and resolved");
  for (const c of optimistic.claims) {
    const steps = Object.entries(c.gas)
      .map(([step, g]) => `${step} ${gas(g)}`)
      .join(", ");
    console.log(`  ${`${c.label} ${c.action} ${c.sizeEth} ETH`.padEnd(23)}bot: ${c.judgement}`);
    console.log(`  ${"".padEnd(23)}${c.fate}; gas ${steps}`);
  }
  const first = optimistic.bonds[0]!.bond;
  const last = optimistic.bonds.at(-1)!.bond;
  console.log(
    `  bond                   ${first.totalUsdc} USDC → ${last.totalUsdc} USDC${last.slashed ? " (slashed)" : ""}; vault +${optimistic.vaultCompensationUsdc} USDC; challenger ${optimistic.challengerUsdc.after - optimistic.challengerUsdc.before >= 0 ? "+" : ""}${(optimistic.challengerUsdc.after - optimistic.challengerUsdc.before).toFixed(2)} USDC; agent ${optimistic.agentAuthorizedAfter ? "still authorised" : "deauthorised"}`,
  );
}
