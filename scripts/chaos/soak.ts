/**
 * Soak: the agent's own run loop (`runAgent`, as `zkagent run` uses it) for `--cycles` cycles
 * against a `hardhat node`, through the fault-injecting proxy, while a market moves the feed and
 * the pool. A small share of cycles meet a random RPC fault. Every `--sample-every` cycles it
 * records the process's RSS, heap (after a forced GC) and active handles by type, so a leak shows
 * as a trend rather than a guess. At the end the books must agree, and a trade must have landed.
 * Prints the report and a last line, PASS or FAIL with every reason (exit 1). It writes the report
 * to `--out`, or, for a full run (1 000 cycles or more) without `--out`, to the committed
 * scripts/chaos/soak-report.json; a shorter run never replaces that record unless `--out` names it.
 * `--max-minutes` stops the run after that long (the cycles run so far are the run, and the report
 * says the budget stopped it), for a machine where the cycles asked for do not fit; every sample
 * also rewrites `<report>.partial.json`, so a run killed before its end still leaves its curve.
 *
 *   tsx scripts/chaos/soak.ts [--cycles 1000] [--max-minutes m] [--sample-every 100] [--fault-rate 0.03] [--seed 5] [--out report.json]
 */
import { writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { Agent, rpcProvider, runAgent, type Logger } from "@zkagent/agent";
import { seededRandom } from "@zkagent/circuits";
import { hardhatWallet, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { parseEther } from "ethers";

import { meanRevertingPath } from "../demo/price-path.ts";
import { booksOf, deployAgentWorld } from "../lib/agent-world.ts";
import { startHardhatNode } from "../lib/hardhat-node.ts";
import { RpcFaultProxy, type Fault } from "../lib/rpc-fault-proxy.ts";
import { chaosFailures, verdictLine } from "./chaos-verdict.ts";
import { chaosFlags, fractionFlag, reportDestination, wholeNumberFlag } from "./report-destination.ts";

const FULL_RUN_CYCLES = 1000;
const COMMITTED_REPORT = join(import.meta.dirname, "soak-report.json");
const flags = chaosFlags(
  "tsx scripts/chaos/soak.ts [--cycles 1000] [--max-minutes m] [--sample-every 100] [--fault-rate 0.03] [--seed 5] [--out report.json]",
  () => {
    const { values } = parseArgs({
      options: {
        cycles: { type: "string", default: String(FULL_RUN_CYCLES) },
        "max-minutes": { type: "string" },
        "sample-every": { type: "string", default: "100" },
        "fault-rate": { type: "string", default: "0.03" },
        seed: { type: "string", default: "5" },
        out: { type: "string" },
      },
    });
    return {
      cycles: wholeNumberFlag("cycles", values.cycles, 1),
      maxMinutes:
        values["max-minutes"] === undefined ? undefined : wholeNumberFlag("max-minutes", values["max-minutes"], 1),
      sampleEvery: wholeNumberFlag("sample-every", values["sample-every"], 1),
      faultRate: fractionFlag("fault-rate", values["fault-rate"]),
      seed: wholeNumberFlag("seed", values.seed, 0),
      // relative to the folder it was run from (pnpm runs scripts at the root; INIT_CWD is where it started)
      out: values.out === undefined ? undefined : resolve(process.env.INIT_CWD ?? ".", values.out),
    };
  },
);
const { cycles, sampleEvery, faultRate } = flags;
const random = seededRandom(flags.seed);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Sample {
  cycle: number;
  rssMb: number;
  /** The process's high-water mark so far (getrusage's maxrss). */
  peakRssMb: number;
  heapUsedMb: number;
  externalMb: number;
  handles: Record<string, number>;
  /** Seconds since the loop started, and the machine's 1-minute load average then. */
  elapsedS: number;
  load1: number;
}

function sample(cycle: number): Sample {
  gc();
  const memory = process.memoryUsage();
  const handles: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1;
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    cycle,
    rssMb: mb(memory.rss),
    peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    heapUsedMb: mb(memory.heapUsed),
    externalMb: mb(memory.external),
    handles,
    elapsedS: Math.round((Date.now() - loopStarted) / 1000),
    load1: Math.round(loadavg()[0]! * 100) / 100,
  };
}
let loopStarted = Date.now();

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const FAULTS: { fault: Fault; method?: string }[] = [
  { fault: { kind: "http", status: 429 } },
  { fault: { kind: "http", status: 503 } },
  { fault: { kind: "drop" } },
  { fault: { kind: "drop-after-forward" }, method: "eth_sendRawTransaction" },
  { fault: { kind: "stall", ms: 1_500, forward: false } },
  { fault: { kind: "rpc-error", code: -32005, message: "rate limit" }, method: "eth_call" },
];

const path = meanRevertingPath({
  seed: flags.seed,
  length: 29 + cycles * 2,
  volatility: 0.02,
  reversion: 0.3,
});
const node = await startHardhatNode();
const aw = await deployAgentWorld(node.url, {
  policy: {
    maxPosition: parseEther("2"),
    thresholdBps: 30n,
    maxSlippageBps: 100n,
    maxOracleAge: 3600n,
    poolFee: 3000n,
  },
  vaultWeth: "2",
  vaultUsdc: "100000",
  prices: path.slice(0, 29),
});
aw.provider.pollingInterval = 25; // the market's receipts (automine: they are there at once)
const proxy = await RpcFaultProxy.start(node.url, { record: false });
const provider = rpcProvider(proxy.url, 31337, { timeoutMs: 1_000, pollingIntervalMs: 100 });
// Counts log lines by level and keeps none: the soak measures the agent's heap, not a log buffer.
const lineCounts: Record<string, number> = {};
const count = (level: string) => () => void (lineCounts[level] = (lineCounts[level] ?? 0) + 1);
const log: Logger = { info: count("info"), warn: count("warn"), error: count("error") };
const agent = await Agent.start({
  wallet: hardhatWallet(1, provider),
  traderAddress: aw.traderAddress,
  chainId: 31337n,
  dataDir: aw.dataDir,
  threads: 1,
  temperature: 1,
  seed: flags.seed,
  log,
  retry: { retries: 8, baseDelayMs: 100, maxDelayMs: 1_000 },
  confirmTimeoutMs: 5_000,
  receiptPollMs: 100,
});

// The market: a new round (and an arbitrage back to it) as soon as the agent has seen the last.
let round = 29;
let pushed = Promise.resolve();
const arbitrageur = hardhatWallet(2, aw.provider);
const nextRound = async () => {
  const price = path[round++]!;
  // The pool first, then the round: the agent ticks on the round and finds the pool already there.
  await movePoolToPrice(aw.world, arbitrageur, price);
  await pushPrice(aw.world.priceFeed, price);
};
await nextRound();

loopStarted = Date.now();
const samples: Sample[] = [sample(0)];
const verdicts: Record<string, number> = {};
let injected = 0;
const started = Date.now();
const loadBefore = loadavg();
const budgetMs = flags.maxMinutes === undefined ? Number.POSITIVE_INFINITY : flags.maxMinutes * 60_000;
let stoppedByBudget = false;
// Rewritten at every sample: a run stopped before its end (a kill, the machine's time) keeps its curve.
const partialPath = flags.out
  ? `${flags.out.replace(/\.json$/, "")}.partial.json`
  : join(tmpdir(), "zkagent-soak.partial.json");
console.log(`samples also go to ${partialPath} as the run goes`);
const summary = await runAgent(agent, {
  ticks: cycles,
  intervalMs: 20,
  log,
  shouldStop: () => (stoppedByBudget ||= Date.now() - started > budgetMs),
  onTick: (result) => {
    const done = result.tick + 1;
    const key = "skipped" in result ? "skipped" : [result.verdict, result.outcome].filter(Boolean).join("/");
    verdicts[key] = (verdicts[key] ?? 0) + 1;
    if (done % sampleEvery === 0) {
      samples.push(sample(done));
      const last = samples.at(-1)!;
      process.stdout.write(
        `cycle ${done}/${cycles}: rss ${last.rssMb} MB, heap ${last.heapUsedMb} MB, handles ${Object.values(last.handles).reduce((a, b) => a + b, 0)}, ${((Date.now() - started) / done).toFixed(0)} ms/cycle, load ${last.load1}\n`,
      );
      writeFileSync(
        partialPath,
        `${JSON.stringify({ partial: true, cyclesAsked: cycles, verdicts, samples }, null, 2)}\n`,
      );
    }
    if (random() < faultRate) {
      const { fault, method } = FAULTS[Math.floor(random() * FAULTS.length)]!;
      proxy.inject(fault, method ? { method } : {});
      injected++;
    }
    pushed = pushed.then(nextRound);
  },
});
await pushed;
const elapsedS = (Date.now() - started) / 1000;
const books = await booksOf(aw, agent.journal);
const journalRecords = agent.journal.summary().events; // read before close()
const unmet = proxy.armed;
await agent.close();
provider.destroy();
await proxy.close();
aw.provider.destroy();
await node.stop();

const warm = samples.filter((s) => s.cycle >= sampleEvery);
const handleCount = (s: Sample) => Object.values(s.handles).reduce((a, b) => a + b, 0);
const report = {
  date: new Date().toISOString(),
  cycles: summary.ticks,
  cyclesAsked: cycles,
  ...(stoppedByBudget
    ? { stoppedBy: `the --max-minutes ${flags.maxMinutes} budget, after ${summary.ticks} of ${cycles} cycles` }
    : {}),
  // The machine is shared: its load average (1 / 5 / 15 min) before and after the loop.
  loadAverage: {
    before: loadBefore.map((v) => Math.round(v * 100) / 100),
    after: loadavg().map((v) => Math.round(v * 100) / 100),
  },
  elapsedS: Math.round(elapsedS),
  msPerCycle: Math.round((elapsedS * 1000) / summary.ticks),
  verdicts,
  failedTicks: summary.failedTicks,
  failureEpisodes: summary.failureEpisodes,
  faultsInjected: injected - unmet,
  faultEpisodesReported: agent.faults.reported.length,
  logLines: lineCounts,
  rssMb: { start: samples[0]!.rssMb, warm: warm[0]?.rssMb, end: samples.at(-1)!.rssMb },
  peakRssMb: samples.at(-1)!.peakRssMb,
  heapUsedMb: { start: samples[0]!.heapUsedMb, warm: warm[0]?.heapUsedMb, end: samples.at(-1)!.heapUsedMb },
  // Growth per 1 000 cycles after warm-up, by least squares over the samples.
  rssSlopeMbPer1000: Math.round(slope(warm.map((s) => [s.cycle, s.rssMb])) * 1000 * 10) / 10,
  heapSlopeMbPer1000: Math.round(slope(warm.map((s) => [s.cycle, s.heapUsedMb])) * 1000 * 10) / 10,
  // Warm-up opens the prover's worker ports; growth is counted from the first warm sample.
  handles: { start: samples[0]!.handles, warm: warm[0]?.handles, end: samples.at(-1)!.handles },
  handleGrowthAfterWarmUp: handleCount(samples.at(-1)!) - handleCount(warm[0] ?? samples[0]!),
  journalRecords,
  books,
  samples,
};
console.log(JSON.stringify({ ...report, samples: undefined }, null, 2));
const destination = reportDestination({
  out: flags.out,
  committed: COMMITTED_REPORT,
  cycles: summary.ticks, // a run the time budget stopped counts the cycles it ran
  fullRunCycles: FULL_RUN_CYCLES,
});
if ("write" in destination) {
  writeFileSync(destination.write, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`report written to ${destination.write}`);
} else {
  console.log(destination.skip);
}
const outcome = { cycles: summary.ticks, books };
console.log(verdictLine(outcome));
process.exitCode = chaosFailures(outcome).length === 0 ? 0 : 1;
