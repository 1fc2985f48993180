/**
 * The agent alone in its own process, for the memory benchmark (agent-memory.ts): nothing but the
 * agent's imports, `Agent.start` (model, prover, journal) and its ticks, against a chain in another
 * process. The parent moves the market and says when to tick, one line on stdin per tick ("tick"),
 * then "end"; this process answers one JSON line per tick and a last one with its memory figures.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** One point of the process's memory, from /proc/self/status (MB). */
export interface MemoryMark {
  stage: string;
  rssMb: number;
  /** The process's high-water mark so far (VmHWM). */
  peakMb: number;
  threads: number;
}

export interface ChildConfig {
  nodeUrl: string;
  traderAddress: string;
  dataDir: string;
  modelPath: string;
  mode: "llm" | "llm+model" | "model";
  prover: "auto" | "snarkjs" | "native";
  threads: number;
  /** Modes with the proven model: "hand-made" proves with handMadeModel() instead of the shipped model. */
  decisionModel?: "shipped" | "hand-made";
}

function mark(stage: string): MemoryMark {
  const status = readFileSync("/proc/self/status", "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return {
    stage,
    rssMb: Math.round(field("VmRSS") / 1024),
    peakMb: Math.round(field("VmHWM") / 1024),
    threads: field("Threads"),
  };
}

if (process.argv[2] === undefined) throw new Error("agent-memory-child: pass the ChildConfig as JSON");
const config = JSON.parse(process.argv[2]) as ChildConfig;
const marks: MemoryMark[] = [mark("node + tsx, nothing imported")];
const { Agent, rpcProvider } = await import("@zkagent/agent");
const { hardhatWallet } = await import("@zkagent/contracts/world");
const { handMadeModel } = await import("./hand-made-model.ts"); // @zkagent/circuits, which the agent imports anyway
marks.push(mark("the agent's imports"));
const provider = rpcProvider(config.nodeUrl, 31337, { timeoutMs: 5_000, pollingIntervalMs: 50 });
const agent = await Agent.start({
  wallet: hardhatWallet(1, provider),
  traderAddress: config.traderAddress,
  chainId: 31337n,
  dataDir: config.dataDir,
  modelPath: config.modelPath,
  mode: config.mode,
  ...(config.decisionModel === "hand-made" ? { decisionModel: handMadeModel() } : {}),
  prover: config.prover,
  threads: config.threads,
  temperature: 1,
  seed: 5,
  log: { info: () => {}, warn: () => {}, error: () => {} }, // keeps no lines: the heap is the agent's
  receiptPollMs: 25,
  onProgress: (step) => marks.push(mark(`start: ${step}`)),
});
let tick = 0;
let executed = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "end") break;
  const report = await agent.tick(tick++);
  const outcome = "skipped" in report ? "skipped" : (report.outcome ?? report.verdict);
  if (outcome === "executed") {
    executed++;
    if (executed === 1) marks.push(mark("after the first executed trade"));
  }
  process.stdout.write(`${JSON.stringify({ tick: tick - 1, outcome, rssMb: mark("").rssMb })}\n`);
}
marks.push(mark(`after ${tick} ticks`));
await agent.close();
provider.destroy();
process.stdout.write(
  `${JSON.stringify({ done: true, marks, executed, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
process.exit(0);
