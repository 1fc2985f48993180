/**
 * `pnpm bench [--quick] [--model file.gguf]`: measures, writes bench/results/<date>.json and
 * latest.json (machine, Node, date, raw samples, medians, p90), and regenerates
 * bench/BENCHMARKS.md and bench/plots/*.svg from them. Tests assert correctness; this measures.
 * `pnpm bench --only backends` measures the prover backends alone and merges them into latest.json;
 * `--only paths` the gas of every trade path beside its floor, `--only gas` the gas section (both
 * deterministic: they may run while the machine is busy), `--only federated` federated aggregation
 * for 2, 4 and 8 participants (constraints, prove time, peak RSS; the load average beside them);
 * `--only agent [--label text]` the agent cycle (per step, tick → receipt) and the agent's peak RSS,
 * in the demo's session and alone against a chain in another process, kept run after run in
 * latest.json's agentRssRuns so a change shows before and after. `--only proof-systems [--ptau file]`
 * Groth16 against PLONK for every shipped circuit (prove time, verify gas, proof and key sizes, peak
 * RSS; --ptau: a larger local phase 1 for the PLONK forms past the committed power 14).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, platform, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { ensureTinyModel } from "@zkagent/agent";
import { terminateSnarkjs } from "@zkagent/circuits";
import * as snarkjs from "snarkjs";

import { paths } from "../circuits/scripts/paths.ts";
import type { AgentCycleFigures } from "./items/agent-cycle.ts";
import { benchAgentMemory, type AgentMemoryFigures } from "./items/agent-memory.ts";
import { benchGrowth, type GrowthPoint } from "./items/circuit-growth.ts";
import { benchFederated, type FederatedFigures } from "./items/federated.ts";
import { benchGas, type GasFigures } from "./items/gas.ts";
import { benchInference, type InferenceFigures } from "./items/inference.ts";
import { benchModelCircuit, type ModelCircuitFigures } from "./items/model-circuit.ts";
import { benchProofLatency, type ProofLatency } from "./items/proof-latency.ts";
import { benchPathsGas, type PathsGasFigures } from "./items/paths-gas.ts";
import { benchProverBackends, type ProverBackendFigures } from "./items/prover-backends.ts";
import { benchProofSystems, type ProofSystemFigures } from "./items/proof-systems.ts";
import { backendsChart, federatedCharts, latencyChart, lineChart, pathsChart, renderMarkdown } from "./render.ts";

export interface BenchResults {
  quick: boolean;
  machine: { date: string; cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  proofLatency: ProofLatency;
  circuit: { constraints: number; publicInputs: number; ptauPower: number; setupMs: number };
  gas: GasFigures;
  agentCycle: AgentCycleFigures;
  growth: GrowthPoint[];
  modelCircuit: ModelCircuitFigures;
  growthSlope: number;
  windowAtPower: Record<number, number>;
  inference: InferenceFigures[];
  /** snarkjs warm, the native backend and the snarkjs CLI side by side (absent from older runs). */
  proverBackends?: ProverBackendFigures;
  /** Today's verified path, the optimistic path and the signal hub side by side (absent from older runs). */
  pathsGas?: PathsGasFigures;
  /** Federated aggregation for 2, 4 and 8 participants (absent from older runs). */
  federated?: FederatedFigures;
  /** The agent alone in its process against a chain in another, per mode and backend (absent from older runs). */
  agentMemory?: AgentMemoryFigures;
  /** Groth16 against PLONK for every shipped circuit (absent from older runs). */
  proofSystems?: ProofSystemFigures;
  /** Peak RSS as measured run after run (before / after a change), newest last (absent from older runs). */
  agentRssRuns?: AgentRssRun[];
}

/** One measurement of the agent's peak RSS, kept beside earlier ones so a change shows as before / after. */
export interface AgentRssRun {
  date: string;
  /** What was measured, e.g. "before: …" or "after: …" (--label). */
  label: string;
  commit: string;
  prover: string;
  /** The demo's session: the agent with the in-process chain, the market and the per-trade audit. */
  sessionPeakRssMb: number;
  /** The agent alone, against a chain in another process. */
  alone: { mode: string; prover: string; peakRssMb: number }[];
  loadAverage: number[];
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    model: { type: "string" },
    only: { type: "string" },
    label: { type: "string" },
    ptau: { type: "string" },
  },
});
const quick = values.quick;
const here = import.meta.dirname;
const tmp = join(here, "tmp");
mkdirSync(tmp, { recursive: true });
const step = (name: string) => console.log(`\n[bench] ${new Date().toISOString().slice(11, 19)} ${name}`);

function reportBackends(figures: ProverBackendFigures): void {
  if (!figures.native.available) console.log(`native backend unavailable: ${figures.native.reason}`);
  for (const c of figures.circuits) {
    console.log(
      `${c.circuit}: snarkjs warm ${c.snarkjsWarm.median} ms, native ${c.native?.median ?? "—"} ms, CLI ${c.snarkjsCli.median} ms (native ${c.ratios.nativeVsWarm ?? "—"}× warm, ${c.ratios.nativeVsCli ?? "—"}× CLI)`,
    );
  }
}

function reportPaths(figures: PathsGasFigures): void {
  const k4v2 = figures.hub.amortized.find((a) => a.k === 4 && a.vaults === 2)?.perTrade;
  console.log(
    `verified BUY ${figures.verifiedBuy}, optimistic BUY ${figures.optimistic.buy}, follow ${figures.hub.followMean}, publish ${JSON.stringify(figures.hub.publish)}, per trade at K=4 V=2: ${k4v2}`,
  );
}

if (values.only === "paths") {
  step("gas of the three paths (verified, optimistic, signal hub)");
  const pathsGas = await benchPathsGas();
  reportPaths(pathsGas);
  const resultsDir = join(here, "results");
  writeFileSync(
    join(resultsDir, `${pathsGas.measuredAt.replace(/[:.]/g, "-")}-paths.json`),
    `${JSON.stringify(pathsGas, null, 2)}\n`,
  );
  // The other items stay as their last full run measured them; this section states its own date.
  const latestPath = join(resultsDir, "latest.json");
  const latest = { ...(JSON.parse(readFileSync(latestPath, "utf8")) as BenchResults), pathsGas };
  writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
  writeFileSync(join(here, "plots/paths-gas.svg"), pathsChart(pathsGas));
  writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(latest));
  process.exit(0);
}

if (values.only === "proof-systems") {
  // --ptau: a larger local phase 1 for the PLONK forms past the committed power 14
  step("proof systems: Groth16 and PLONK for every shipped circuit");
  const proofSystems = await benchProofSystems(quick ? 0 : 3, values.ptau);
  for (const r of proofSystems.rows) {
    console.log(
      `${r.circuit} ${r.system}: ${r.constraints} constraints, prove ${r.proveMs ?? "—"} ms, verify ${r.verifyGas ?? "—"} gas`,
    );
  }
  const resultsDir = join(here, "results");
  const stamp = proofSystems.measuredAt.replace(/[:.]/g, "-");
  writeFileSync(
    join(resultsDir, `${stamp}-proof-systems${quick ? "-quick" : ""}.json`),
    `${JSON.stringify(proofSystems, null, 2)}\n`,
  );
  if (!quick) {
    // The other items stay as their last full run measured them; this section states its own date.
    const latestPath = join(resultsDir, "latest.json");
    const latest = { ...(JSON.parse(readFileSync(latestPath, "utf8")) as BenchResults), proofSystems };
    writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
    writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(latest));
  }
  process.exit(0);
}

if (values.only === "federated") {
  step(
    "federated aggregation, P = 2, 4, 8 (every chunk layout compiled, the fewest chunks that fit power 14 measured)",
  );
  const federated = await benchFederated([2, 4, 8], quick ? 1 : 3);
  const resultsDir = join(here, "results");
  const stamp = federated.measuredAt.replace(/[:.]/g, "-");
  writeFileSync(
    join(resultsDir, `${stamp}-federated${quick ? "-quick" : ""}.json`),
    `${JSON.stringify(federated, null, 2)}\n`,
  );
  if (!quick) {
    // The other items stay as their last full run measured them; this section states its own date.
    const latestPath = join(resultsDir, "latest.json");
    const latest = { ...(JSON.parse(readFileSync(latestPath, "utf8")) as BenchResults), federated };
    writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
    const charts = federatedCharts(federated);
    writeFileSync(join(here, "plots/federated-constraints.svg"), charts.constraints);
    writeFileSync(join(here, "plots/federated-prove.svg"), charts.prove);
    writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(latest));
  }
  process.exit(0);
}

if (values.only === "gas") {
  step("gas (verifier, trades, the BUY's parts, the window's recording)");
  const gas = await benchGas();
  console.log(`verifyProof ${gas.verifyProof}, BUY ${gas.executeTradeBuy}, SELL ${gas.executeTradeSell}`);
  const resultsDir = join(here, "results");
  writeFileSync(
    join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, "-")}-gas.json`),
    `${JSON.stringify(gas, null, 2)}\n`,
  );
  // The other items stay as their last full run measured them.
  const latestPath = join(resultsDir, "latest.json");
  const latest = { ...(JSON.parse(readFileSync(latestPath, "utf8")) as BenchResults), gas };
  writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
  writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(latest));
  process.exit(0);
}

/** The agent-cycle item in its own process, so its peak memory is the agent's (and its chain's) alone. */
function runAgentCycle(cycles: number): AgentCycleFigures {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(here, "items/agent-cycle-child.ts"), String(cycles)],
    { encoding: "utf8", cwd: join(here, "..") },
  );
  if (child.status !== 0) throw new Error(`agent-cycle benchmark failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as AgentCycleFigures;
}

const MEMORY_CONFIGS = [
  { mode: "llm", prover: "auto" },
  { mode: "llm+model", prover: "auto" },
  { mode: "llm", prover: "snarkjs" },
] as const;

function rssRun(agentCycle: AgentCycleFigures, agentMemory: AgentMemoryFigures): AgentRssRun {
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", cwd: here }).stdout.trim();
  // What ran was HEAD plus any uncommitted change to the agent, the prover or this bench: say so.
  const edited = spawnSync(
    "git",
    ["diff", "--quiet", "HEAD", "--", "packages/agent/src", "packages/prover-native", "circuits/src", "bench/items"],
    { cwd: join(here, "..") },
  ).status;
  return {
    date: agentMemory.measuredAt,
    label: values.label ?? "",
    commit: edited === 0 ? commit : `${commit} + uncommitted changes`,
    prover: agentCycle.prover ?? "auto",
    sessionPeakRssMb: agentCycle.peakRssMb,
    alone: agentMemory.runs.map((r) => ({ mode: r.mode, prover: r.prover, peakRssMb: r.peakRssMb })),
    loadAverage: agentCycle.loadAverage?.before ?? [],
  };
}

function reportAgent(agentCycle: AgentCycleFigures, agentMemory: AgentMemoryFigures): void {
  const p50 = (k: string) => agentCycle.executedSteps?.[k]?.median ?? "—";
  console.log(
    `session (in-process chain, ${agentCycle.prover}): peak RSS ${agentCycle.peakRssMb} MB; executed trade p50 ${agentCycle.executedCycleMs.median} ms (${agentCycle.executed} of ${agentCycle.cycles}): ${Object.keys(
      agentCycle.executedSteps ?? {},
    )
      .map((k) => `${k} ${p50(k)}`)
      .join(", ")}; load ${agentCycle.loadAverage?.before.join(" / ")}`,
  );
  for (const r of agentMemory.runs) console.log(`agent alone, ${r.mode}, ${r.prover}: peak RSS ${r.peakRssMb} MB`);
}

if (values.only === "agent") {
  const cycles = quick ? 3 : 50;
  step(`agent cycle (${cycles} cycles of the demo's session, own process)`);
  const agentCycle = runAgentCycle(cycles);
  const ticks = quick ? 3 : 30;
  step(`agent memory (alone, chain in another process: ${MEMORY_CONFIGS.length} configurations, ${ticks} ticks)`);
  const agentMemory = await benchAgentMemory([...MEMORY_CONFIGS], ticks);
  reportAgent(agentCycle, agentMemory);
  const resultsDir = join(here, "results");
  const run = rssRun(agentCycle, agentMemory);
  writeFileSync(
    join(resultsDir, `${agentMemory.measuredAt.replace(/[:.]/g, "-")}-agent${quick ? "-quick" : ""}.json`),
    `${JSON.stringify({ ...run, agentCycle, agentMemory }, null, 2)}\n`,
  );
  if (!quick) {
    // The other items stay as their last full run measured them; these sections state their own date.
    const latestPath = join(resultsDir, "latest.json");
    const previous = JSON.parse(readFileSync(latestPath, "utf8")) as BenchResults;
    const latest: BenchResults = {
      ...previous,
      agentCycle,
      agentMemory,
      agentRssRuns: [...(previous.agentRssRuns ?? []), run].slice(-6),
    };
    writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
    writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(latest));
  }
  process.exit(0);
}

if (values.only !== undefined) {
  if (values.only !== "backends") {
    console.error(
      `--only takes "backends", "paths", "gas", "federated", "proof-systems" or "agent", not ${JSON.stringify(values.only)}`,
    );
    process.exit(2);
  }
  step("prover backends (policy and proven-model circuits)");
  const proverBackends = await benchProverBackends(quick ? 1 : 15, quick ? 1 : 5);
  reportBackends(proverBackends);
  const resultsDir = join(here, "results");
  const stamp = proverBackends.measuredAt.replace(/[:.]/g, "-");
  writeFileSync(
    join(resultsDir, `${stamp}-backends${quick ? "-quick" : ""}.json`),
    `${JSON.stringify(proverBackends, null, 2)}\n`,
  );
  if (!quick) {
    // The other items stay as their last full run measured them; this section states its own date.
    const latestPath = join(resultsDir, "latest.json");
    const latest = { ...(JSON.parse(readFileSync(latestPath, "utf8")) as BenchResults), proverBackends };
    writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
    writeFileSync(join(here, "plots/prover-backends.svg"), backendsChart(proverBackends));
    writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(latest));
  }
  process.exit(0);
}

step(`proof latency (${quick ? 1 : 15} alternating pairs)`);
const proofLatency = await benchProofLatency(quick ? 1 : 15);
console.log(
  `ours ${proofLatency.ours.total.median} ms, snarkjs CLI ${proofLatency.snarkjsCli.median} ms, ratio ${proofLatency.ratio}×`,
);

step(`prover backends (${quick ? 1 : 15} rounds, policy and proven-model circuits)`);
const proverBackends = await benchProverBackends(quick ? 1 : 15, quick ? 1 : 5);
reportBackends(proverBackends);

step("circuit: constraints and setup");
const info = await snarkjs.r1cs.info(paths.r1cs);
const setupStart = performance.now();
await snarkjs.zKey.newZKey(paths.r1cs, paths.ptau, join(tmp, "setup.zkey"));
const circuit = {
  constraints: info.nConstraints,
  publicInputs: info.nPubInputs,
  ptauPower: Math.ceil(Math.log2(info.nConstraints + info.nPubInputs + 1)),
  setupMs: Math.round(performance.now() - setupStart),
};
await terminateSnarkjs();

step("gas");
const gas = await benchGas();
console.log(`verifier ${gas.verifyProof}, BUY ${gas.executeTradeBuy}, SELL ${gas.executeTradeSell}`);

step("gas of the three paths (verified, optimistic, signal hub)");
const pathsGas = await benchPathsGas();
reportPaths(pathsGas);

const cycles = quick ? 3 : 50;
step(`agent cycle (${cycles} cycles, own process)`);
const agentCycle = runAgentCycle(cycles);
const memoryTicks = quick ? 3 : 30;
step(`agent memory (alone, chain in another process: ${MEMORY_CONFIGS.length} configurations, ${memoryTicks} ticks)`);
const agentMemory = await benchAgentMemory([...MEMORY_CONFIGS], memoryTicks);
reportAgent(agentCycle, agentMemory);

const windows = quick ? [30] : [30, 60, 120];
step(`growth (N = ${windows.join(", ")})`);
const growth = await benchGrowth(windows, quick ? 1 : 5, tmp);
await terminateSnarkjs();
const known =
  growth.length > 1
    ? growth
    : [
        { windowSize: 30, constraints: circuit.constraints },
        { windowSize: 60, constraints: 7399 },
      ];
const slope = (known.at(-1)!.constraints - known[0]!.constraints) / (known.at(-1)!.windowSize - known[0]!.windowSize);
const intercept = known[0]!.constraints - slope * known[0]!.windowSize;
const windowAtPower = Object.fromEntries(
  [13, 14, 15].map((power) => [power, Math.floor((2 ** power - 6 - intercept) / slope)]),
);

const modelConfigs = quick
  ? [{ n: 30, hidden: 16 }]
  : [
      { n: 30, hidden: 8 },
      { n: 30, hidden: 16 },
      { n: 30, hidden: 32 },
      { n: 60, hidden: 16 },
    ];
step(`proven-model circuit (shipped vs policy, then ${modelConfigs.length} shapes)`);
const modelCircuit = await benchModelCircuit(modelConfigs, quick ? 0 : 3, quick ? 1 : 10);
console.log(
  `model ${modelCircuit.shipped.model.median} ms vs policy ${modelCircuit.shipped.policy.median} ms (${modelCircuit.shipped.ratio}×)`,
);

step("inference");
const tiny = ensureTinyModel(tmp);
const inference = await benchInference(tiny, "tiny stand-in", [1, 2], quick ? 1 : 20);
if (values.model) inference.push(...(await benchInference(values.model, values.model, [1, 2], quick ? 1 : 10)));

const results: BenchResults = {
  quick,
  machine: {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${process.arch}`,
  },
  proofLatency,
  circuit,
  gas,
  agentCycle,
  growth,
  modelCircuit,
  growthSlope: slope,
  windowAtPower,
  inference,
  proverBackends,
  pathsGas,
  agentMemory,
  agentRssRuns: [
    ...((quick ? undefined : (JSON.parse(readFileSync(join(here, "results/latest.json"), "utf8")) as BenchResults))
      ?.agentRssRuns ?? []),
    rssRun(agentCycle, agentMemory),
  ].slice(-6),
};

const resultsDir = join(here, "results");
mkdirSync(resultsDir, { recursive: true });
const json = `${JSON.stringify(results, null, 2)}\n`;
writeFileSync(join(resultsDir, `${results.machine.date.replace(/[:.]/g, "-")}${quick ? "-quick" : ""}.json`), json);
writeFileSync(join(resultsDir, quick ? "latest-quick.json" : "latest.json"), json);
if (!quick) {
  mkdirSync(join(here, "plots"), { recursive: true });
  writeFileSync(join(here, "plots/paths-gas.svg"), pathsChart(pathsGas));
  writeFileSync(
    join(here, "plots/proof-latency.svg"),
    latencyChart(proofLatency.ours.total.median, proofLatency.snarkjsCli.median),
  );
  writeFileSync(
    join(here, "plots/growth-constraints.svg"),
    lineChart(
      "Constraints against window size",
      growth.map((g) => ({ x: g.windowSize, y: g.constraints })),
      "window N",
      "constraints",
    ),
  );
  writeFileSync(
    join(here, "plots/growth-prove.svg"),
    lineChart(
      "Prove time against window size",
      growth.map((g) => ({ x: g.windowSize, y: g.proveMedianMs })),
      "window N",
      "median prove ms",
    ),
  );
  const byHidden = modelCircuit.growth.filter((g) => g.windowSize === 30);
  writeFileSync(
    join(here, "plots/model-constraints.svg"),
    lineChart(
      "Proven-model circuit: constraints against hidden width (N = 30)",
      byHidden.map((g) => ({ x: g.hidden, y: g.constraints })),
      "hidden units",
      "constraints",
    ),
  );
  writeFileSync(
    join(here, "plots/model-prove.svg"),
    lineChart(
      "Proven-model circuit: prove time against hidden width (N = 30)",
      byHidden.map((g) => ({ x: g.hidden, y: g.proveMedianMs })),
      "hidden units",
      "median prove ms",
    ),
  );
  writeFileSync(join(here, "plots/prover-backends.svg"), backendsChart(proverBackends));
  writeFileSync(join(here, "BENCHMARKS.md"), renderMarkdown(results));
}
console.log(
  `\n[bench] done: ${join(resultsDir, quick ? "latest-quick.json" : "latest.json")}${quick ? "" : ", bench/BENCHMARKS.md, bench/plots/"}`,
);
