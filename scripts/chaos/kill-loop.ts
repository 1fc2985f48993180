/**
 * Kill -9 at random points: runs the real `zkagent run` CLI (bundled once at the start from the
 * sources as they are, so every life runs the same code; see freezeAgent) against a local `hardhat node` while
 * new oracle rounds arrive, kills it with SIGKILL after a random 1.5–6 s (during start-up,
 * inference, proving, signing, broadcasting or waiting for a receipt; longer while lives end
 * before any cycle, as on a loaded machine; 25 such lives in a row fail the run), restarts it, and repeats
 * until the journal holds at least `--cycles` cycles. Then one clean `once` reconciles, and the
 * books are compared: trades on chain = trades journaled as executed = nonce advances, with
 * at most one execution per nonce. The cap is wide (20 ETH), the band narrow (5 bps) and the
 * market volatile so that trades do happen; a run with no trade fails. Prints the report and a
 * last line, PASS or FAIL with every reason (exit 1). A life that ends before its kill is a
 * self-exit, reported with what it was: a typed refusal (exit 2 and the CLI's error line) or a
 * crash (a stack trace, another signal, any other exit), its exit code or signal, how long it
 * lived and the end of its stderr; any self-exit fails the run. It writes the report to `--out`, or, for a
 * full run (200 cycles or more) without `--out`, to the committed scripts/chaos/kill-loop-report.json;
 * a shorter run never replaces that record unless `--out` names it.
 *
 * A new round comes every `--round-ms` (default 1 500 ms): the trader accepts a proof only over
 * the feed's latest round, so rounds faster than the agent proves and submits (about 1 s on a
 * busy 2-core machine) would supersede every compliant signal and nothing would trade.
 *
 *   tsx scripts/chaos/kill-loop.ts [--cycles 200] [--seed 3] [--round-ms 1500] [--out report.json]
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { JournalView, journalPath } from "@zkagent/agent";
import { seededRandom } from "@zkagent/circuits";
import { hardhatWallet, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { parseEther } from "ethers";

import { meanRevertingPath } from "../demo/price-path.ts";
import { AGENT_KEY, booksOf, deployAgentWorld } from "../lib/agent-world.ts";
import { startHardhatNode } from "../lib/hardhat-node.ts";
import { chaosFailures, describeSelfExit, verdictLine } from "./chaos-verdict.ts";
import { chaosFlags, reportDestination, wholeNumberFlag } from "./report-destination.ts";

const FULL_RUN_CYCLES = 200;
const COMMITTED_REPORT = join(import.meta.dirname, "kill-loop-report.json");
const flags = chaosFlags(
  "tsx scripts/chaos/kill-loop.ts [--cycles 200] [--seed 3] [--round-ms 1500] [--out report.json]",
  () => {
    const { values } = parseArgs({
      options: {
        cycles: { type: "string", default: String(FULL_RUN_CYCLES) },
        seed: { type: "string", default: "3" },
        "round-ms": { type: "string", default: "1500" },
        out: { type: "string" },
      },
    });
    return {
      cycles: wholeNumberFlag("cycles", values.cycles, 1),
      seed: wholeNumberFlag("seed", values.seed, 0),
      roundMs: wholeNumberFlag("round-ms", values["round-ms"], 100),
      // relative to the folder it was run from (pnpm runs scripts at the root; INIT_CWD is where it started)
      out: values.out === undefined ? undefined : resolve(process.env.INIT_CWD ?? ".", values.out),
    };
  },
);
const targetCycles = flags.cycles;
const roundMs = flags.roundMs;
const random = seededRandom(flags.seed);
const ROOT = resolve(import.meta.dirname, "../..");

/**
 * The agent under test, frozen: the CLI bundled once (packages/agent/scripts/build.ts) from the
 * sources as they are now, beside the shipped bundle so that its imports resolve alike, and removed
 * at the end. bin/zkagent.js would run the sources through tsx whenever the shipped bundle is older
 * than them, re-reading the work tree at every start: in a tree that others edit while the loop runs,
 * a start that read a file half-way through an edit died at import (exit 1) and was counted as the
 * agent's crash. Also names the code tested: the commit and the bundled sources that differ from it.
 */
function freezeAgent(): { cli: string; code: { commit: string; uncommittedSources: string[] } } {
  const cli = join(ROOT, `packages/agent/dist/kill-loop-${process.pid}.js`);
  const built = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "packages/agent/scripts/build.ts"), "--out", cli],
    { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
  );
  if (built.status !== 0) {
    process.stderr.write(`kill-loop: the agent's bundle did not build:\n${built.stderr}`);
    process.exit(1);
  }
  const sources = (JSON.parse(readFileSync(`${cli}.inputs.json`, "utf8")) as string[]).map((source) =>
    relative(ROOT, resolve(dirname(cli), source)),
  );
  const git = (args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const commit = git(["rev-parse", "HEAD"]);
  const uncommittedSources = git(["status", "--porcelain", "--", ...sources])
    .split("\n")
    .filter(Boolean)
    .map((line) => line.slice(3));
  return { cli, code: { commit, uncommittedSources } };
}
const { cli: CLI, code: agentCode } = freezeAgent();
process.once("exit", () => {
  rmSync(CLI, { force: true });
  rmSync(`${CLI}.inputs.json`, { force: true });
});
// A wide cap and a narrow band, so that many of the stand-in's signals comply and trades happen.
const POLICY = {
  maxPosition: parseEther("20"),
  thresholdBps: 5n,
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};

/** A life lasts 1.5 s plus a random share of this window (widened while lives add no cycle). */
const LIFE_WINDOW_MS = 4_500;
const MAX_LIFE_WINDOW_MS = 120_000;
/** Lives in a row without a new cycle before the run gives up, saying so. */
const STALLED_LIVES = 25;

/** A run that cannot reach its books: one FAIL line, exit 1, the node stopped. */
class RunFailed extends Error {}

const path = meanRevertingPath({ seed: flags.seed, length: 29 + 5_000, volatility: 0.03, reversion: 0.35 });
const node = await startHardhatNode();
const aw = await deployAgentWorld(node.url, {
  policy: POLICY,
  vaultWeth: "2",
  vaultUsdc: "300000",
  prices: path.slice(0, 29),
});
const { provider, world, traderAddress, agentAddress, dataDir } = aw;
try {
  const configPath = join(dataDir, "agent.json");
  // Each life samples from its own seeds: a restart starts again at tick 0, and the same seeds
  // would replay the same few signals.
  const writeConfig = (seed: number) =>
    writeFileSync(
      configPath,
      JSON.stringify({
        rpcUrl: node.url,
        chainId: 31337,
        traderAddress,
        dataDir,
        temperature: 1,
        seed,
        intervalSeconds: 0.1,
        rpcRetries: 3,
      }),
    );
  const journalFile = journalPath(dataDir, 31337n, traderAddress, agentAddress);
  const env = { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY };

  // The market: a new round and an arbitrage every `roundMs`, until stopped.
  let marketRunning = true;
  let arbitragesLost = 0;
  let tick = 29;
  const arbitrageur = hardhatWallet(2, provider);
  const market = (async () => {
    while (marketRunning) {
      const price = path[tick++ % path.length]!;
      try {
        await movePoolToPrice(world, arbitrageur, price);
      } catch {
        arbitragesLost++; // the agent's trade landed between reading the pool and the swap
      }
      await pushPrice(world.priceFeed, price);
      await new Promise((r) => setTimeout(r, roundMs));
    }
  })();

  // Read-only, as `zkagent status` reads it: never takes the lock, never writes.
  const cyclesSoFar = () => {
    const journal = JournalView.openReadOnly(journalFile);
    try {
      return journal?.summary().cycles ?? 0;
    } finally {
      journal?.close();
    }
  };

  let kills = 0;
  /** Each self-exit: its life, what it was, its exit code or signal and the end of its stderr (what it died of). */
  const crashReasons: {
    life: number;
    kind: "refusal" | "crash";
    error?: string;
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    aliveMs: number;
    lastLine: string;
    stderrTail: string;
  }[] = [];
  // Each life lasts 1.5 s + random × window. The window starts at 4.5 s; a life that adds no cycle
  // widens the next one by half (on a loaded machine start-up alone can outlast 6 s, and lives that
  // never reach a cycle would loop for ever), and a life that adds one resets it.
  let windowMs = LIFE_WINDOW_MS;
  let widestWindowMs = windowMs;
  let livesWithoutCycle = 0;
  for (let cycles = 0; cycles < targetCycles;) {
    writeConfig(1 + kills * 1_000);
    const child = spawn(process.execPath, [CLI, "run", "--config", configPath, "--json"], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderrTail = ""; // the last few kB: a self-exit's error is its last line
    child.stderr!.on("data", (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-4_096)));
    const stderrClosed = new Promise((r) => child.stderr!.once("close", r));
    const bornAt = Date.now();
    let exitedAt: number | undefined;
    const exited = new Promise<void>((r) =>
      child.once("exit", () => {
        exitedAt = Date.now();
        r();
      }),
    );
    const delay = 1_500 + random() * windowMs;
    await new Promise((r) => setTimeout(r, delay));
    const killedAt = Date.now();
    const beforeKill = exitedAt !== undefined;
    child.kill("SIGKILL");
    await exited;
    await stderrClosed;
    if (beforeKill || child.exitCode !== null || child.signalCode !== "SIGKILL") {
      // it died on its own before the kill
      const { kind, error, lastLine } = describeSelfExit(child.exitCode, child.signalCode, stderrTail);
      crashReasons.push({
        life: kills + 1,
        kind,
        ...(error ? { error } : {}),
        exitCode: child.exitCode,
        signal: child.signalCode,
        aliveMs: (exitedAt ?? killedAt) - bornAt,
        lastLine,
        stderrTail: stderrTail.slice(-1_500),
      });
    }
    kills++;
    const before = cycles;
    cycles = cyclesSoFar();
    if (cycles > before) {
      windowMs = LIFE_WINDOW_MS;
      livesWithoutCycle = 0;
    } else if (++livesWithoutCycle >= STALLED_LIVES) {
      marketRunning = false;
      await market;
      throw new RunFailed(
        `no cycle completed in ${STALLED_LIVES} lives in a row (the last ones up to ${Math.round((1_500 + windowMs) / 1000)} s long): the agent never got through start-up and a cycle before the kill; the machine's load average is ${loadavg()[0]!.toFixed(1)}`,
      );
    } else {
      windowMs = Math.min(windowMs * 1.5, MAX_LIFE_WINDOW_MS);
      widestWindowMs = Math.max(widestWindowMs, windowMs);
    }
    process.stdout.write(`\rkills ${kills}, cycles ${cycles}/${targetCycles}   `);
  }
  marketRunning = false;
  await market;

  // One clean start reconciles whatever the last kill left behind.
  writeConfig(1);
  const last = spawnSync(process.execPath, [CLI, "once", "--config", configPath], {
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (last.status !== 0) {
    throw new RunFailed(
      `the final reconcile (zkagent once) exited ${last.status}: ${last.stderr.trim().split("\n")[0]}`,
    );
  }

  const journal = JournalView.openReadOnly(journalFile)!;
  const records = journal.records();
  const books = await booksOf(aw, journal);
  // Starts that found the journal's previous holder killed: its lock died with it, and the start went on.
  const killedHolders = journal.lockInfo().uncleanStops;
  const unsealed = journal.unsealedEvents().length;
  journal.close();
  const report = {
    agentCode,
    kills,
    widestLifeMs: 1_500 + widestWindowMs,
    killedWhileHoldingTheJournal: killedHolders,
    eventsFailingTheirChecksum: unsealed,
    cycles: records.filter((r) => r.kind === "cycle").length,
    refusedByPolicy: records.filter((r) => r.kind === "cycle" && r.verdict === "refused").length,
    signed: records.filter((r) => r.kind === "signed").length,
    abandoned: records.filter((r) => r.kind === "abandoned").length,
    superseded: records.filter((r) => r.kind === "superseded").length,
    arbitragesLost,
    // Lives that ended before their kill, each with what it was (see describeSelfExit).
    selfExits: crashReasons.length,
    crashes: crashReasons.filter((c) => c.kind === "crash").length,
    refusals: crashReasons.filter((c) => c.kind === "refusal").length,
    selfExitDetails: crashReasons,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
    ...books,
  };
  console.log(`\n${JSON.stringify(report, null, 2)}`);
  const destination = reportDestination({
    out: flags.out,
    committed: COMMITTED_REPORT,
    cycles: targetCycles,
    fullRunCycles: FULL_RUN_CYCLES,
  });
  if ("write" in destination) {
    writeFileSync(destination.write, `${JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2)}\n`);
    console.log(`report written to ${destination.write}`);
  } else {
    console.log(destination.skip);
  }
  // Agreeing books prove nothing if nothing traded; a crash (the agent dying on its own) is a bug.
  const outcome = {
    cycles: report.cycles,
    books,
    crashes: crashReasons.length, // every self-exit fails the run, a refusal too
    crashReasons: crashReasons.map(
      (c) =>
        `life ${c.life}, exit ${c.exitCode ?? c.signal}, a ${c.kind}${c.error ? ` (${c.error})` : ""}: ${c.lastLine}`,
    ),
    eventsFailingTheirChecksum: unsealed,
  };
  console.log(verdictLine(outcome));
  process.exitCode = chaosFailures(outcome).length === 0 ? 0 : 1;
} catch (error) {
  if (!(error instanceof RunFailed)) throw error;
  console.log(`FAIL: ${error.message}`);
  process.exitCode = 1;
} finally {
  provider.destroy();
  await node.stop();
}
