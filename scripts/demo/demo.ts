/**
 * README command 1's demo (see session.ts for what runs). Prints a per-tick table and a summary;
 * writes a self-contained HTML report and the figures as JSON.
 *
 * After the session, two scenes on the same chain (scenes/): one hub signal followed by three
 * vaults, and an optimistic trade beside a cheating claim that the challenger bot gets slashed.
 *
 *   pnpm demo [--ticks 60] [--seed 7] [--mode llm+model|model|llm] [--model file.gguf] [--temperature 1] [--threads n] [--out demo-output] [--no-scenes]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import type { DecisionMode } from "@zkagent/agent";
import { terminateSnarkjs } from "@zkagent/circuits";
import { formatEther, formatUnits } from "ethers";

import { renderReport, type DemoScenes, type DemoSummary, type TickRow } from "./report-html.ts";
import { runHubScene } from "./scenes/hub-scene.ts";
import { runOptimisticScene } from "./scenes/optimistic-scene.ts";
import { DEMO_POLICY, START_USDC, START_WETH, WINDOW, runSession } from "./session.ts";

const USAGE = `usage: pnpm demo [options]

  --ticks n          oracle rounds to trade over (1..10000, default 60)
  --seed n           the price path's and the sampling's seed (default 7)
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
      ticks: { type: "string", default: "60" },
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
const ticks = Number(values.ticks);
const seed = Number(values.seed);
const temperature = Number(values.temperature);
if (!Number.isInteger(ticks) || ticks < 1 || ticks > 10_000)
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
console.log(`zkagent demo: ${ticks} ticks, seed ${seed}, in-process Hardhat chain`);

const usd = (p: bigint) => Number(p) / 1e8;
const header = ["tick", "price", "MA", "band", "signal", "pre-check", "proof ms", "gas", "tx"];
const widths = [4, 9, 9, 11, 10, 20, 8, 7, 12];
const row = (cells: string[]) =>
  cells.map((c, i) => (i >= 4 && i <= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
let printedHeader = false;

const session = await runSession({
  ticks,
  seed,
  temperature,
  dataDir: join(out, "agent"),
  ...(values.model ? { modelPath: resolve(values.model) } : {}),
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  mode,
  onTick: (r) => {
    if (!printedHeader) {
      console.log(`\n${row(header)}\n${"-".repeat(row(header).length)}`);
      printedHeader = true;
    }
    const verdict = r.verdict === "refused" ? `refused ${r.rule}` : r.outcome === "reverted" ? "reverted" : r.verdict;
    const signal = r.proven
      ? `${r.action} a${r.advice}`
      : r.action
        ? `${r.action}${r.signal && r.action !== "HOLD" ? ` ${r.signal.sizePct}%` : ""}`
        : "malformed";
    console.log(
      row([
        String(r.tick),
        usd(r.latestPrice).toFixed(2),
        usd(r.movingAverage).toFixed(2),
        `${usd(r.lowerBand).toFixed(0)}–${usd(r.upperBand).toFixed(0)}`,
        signal,
        verdict,
        r.timingsMs.prove ? r.timingsMs.prove.toFixed(0) : "",
        r.gasUsed ? String(r.gasUsed) : "",
        r.txHash ? `${r.txHash.slice(0, 10)}…` : "",
      ]),
    );
  },
});

let scenes: DemoScenes | undefined;
if (!values["no-scenes"]) {
  const hub = await runHubScene(session.chain, session.modelPath);
  const optimistic = await runOptimisticScene(session.chain, session.modelPath);
  scenes = { hub, optimistic };
}

const rows: TickRow[] = session.reports.map((r) => ({
  tick: r.tick,
  price: usd(r.latestPrice),
  movingAverage: usd(r.movingAverage),
  lower: usd(r.lowerBand),
  upper: usd(r.upperBand),
  action: r.action ?? "—",
  verdict: r.verdict,
  proofCovers: r.proven ? "policy + model (proven); adviser attested" : "policy (proven); model attested",
  ...(r.advice === undefined ? {} : { advice: Number(r.advice) }),
  ...(r.rule ? { rule: r.rule } : {}),
  ...(r.outcome ? { outcome: r.outcome } : {}),
  positionEth: Number(formatEther(r.positionAfter ?? r.position)),
  ...(r.gasUsed ? { gasUsed: Number(r.gasUsed) } : {}),
  ...(r.txHash ? { txHash: r.txHash } : {}),
  timingsMs: r.timingsMs,
}));
const finalPrice = usd(session.path.at(-1)!);
const executed = rows.filter((r) => r.outcome === "executed");
const proved = rows.filter((r) => r.timingsMs.prove !== undefined);
const refusedByRule: Record<string, number> = {};
for (const r of rows) if (r.verdict === "refused") refusedByRule[r.rule!] = (refusedByRule[r.rule!] ?? 0) + 1;
const totalGas = executed.reduce((s, r) => s + (r.gasUsed ?? 0), 0);
const holdings = (weth: bigint, usdc: bigint, price: number) =>
  Number(formatEther(weth)) * price + Number(formatUnits(usdc, 6));
const summary: DemoSummary = {
  ticks,
  seed,
  mode,
  model:
    mode === "llm"
      ? values.model
        ? session.modelPath
        : "bundled tiny stand-in (seeded weights)"
      : `proven decision model v1 (packages/agent/models)${mode === "llm+model" ? `, advised by ${values.model ? session.modelPath : "the bundled tiny stand-in"}` : ""}`,
  modelHash: `0x${session.modelHash.toString(16)}`,
  executed: {
    buy: executed.filter((r) => r.action === "BUY").length,
    sell: executed.filter((r) => r.action === "SELL").length,
  },
  refusedByRule,
  holds: rows.filter((r) => r.verdict === "hold").length,
  revertedOnChain: rows.filter((r) => r.outcome === "reverted").length,
  finalPositionEth: Number(formatEther(session.finalPosition)),
  vaultValueUsd: holdings(session.vault.weth, session.vault.usdc, finalPrice),
  buyAndHoldUsd: holdings(START_WETH, START_USDC, finalPrice),
  startValueUsd: holdings(START_WETH, START_USDC, usd(session.path[WINDOW - 1]!)),
  totalGas,
  meanGas: executed.length ? totalGas / executed.length : 0,
  meanProofMs: proved.length
    ? proved.reduce((s, r) => s + (r.timingsMs.prove ?? 0) + (r.timingsMs.witness ?? 0), 0) / proved.length
    : 0,
  meanInferenceMs: rows.reduce((s, r) => s + (r.timingsMs.inference ?? 0), 0) / rows.length,
  wallSeconds: (performance.now() - started) / 1000,
};

const refusedText =
  Object.entries(refusedByRule)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(", ") || "none";
console.log(`
summary
  trades executed        ${summary.executed.buy + summary.executed.sell} (${summary.executed.buy} BUY, ${summary.executed.sell} SELL), ${summary.revertedOnChain} reverted on-chain
  refused by the policy  ${Object.values(refusedByRule).reduce((a, b) => a + b, 0)} (${refusedText}); ${summary.holds} HOLD
  position               ${summary.finalPositionEth.toFixed(4)} ETH (cap ${formatEther(DEMO_POLICY.maxPosition)} ETH)
  vault value            ${summary.vaultValueUsd.toFixed(2)} USD vs ${summary.buyAndHoldUsd.toFixed(2)} USD holding the initial vault
  gas                    ${totalGas} total, ${summary.meanGas.toFixed(0)} mean per trade
  proof (witness+prove)  ${summary.meanProofMs.toFixed(0)} ms mean over ${proved.length} proofs; inference ${summary.meanInferenceMs.toFixed(1)} ms mean
  wall time              ${summary.wallSeconds.toFixed(1)} s`);

if (scenes) printScenes(scenes, summary.meanGas);

mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "report.html"),
  renderReport(rows, summary, Number(formatEther(DEMO_POLICY.maxPosition)), scenes),
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
