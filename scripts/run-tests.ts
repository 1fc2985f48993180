/**
 * README command 2: runs every suite and ends with one line `N passed, N failed, N skipped` added
 * up from each runner's own summary (mocha's "N passing / N failing / N pending", the circuit
 * check's verdict). Exits non-zero if any suite fails or prints no result.
 *
 * The suites run in two lanes at once (each lane's suites one after another): much of a suite's
 * time is spent waiting (child processes starting, nodes answering, retry back-offs), so two
 * lanes take far less than their sum even on two cores. No suite writes what another reads (the
 * circuit check compiles into a scratch directory of its own). A suite's output is held back
 * and printed whole when it ends, so two suites never interleave; `--serial` runs one suite at a
 * time and streams its output as it comes, as before.
 *
 *   tsx scripts/run-tests.ts [--only name,name] [--serial]
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** Every mocha test file under test/ except the fork suite's. */
function inProcessTestFiles(): string[] {
  return readdirSync("test", { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".test.ts") && !file.startsWith("fork/"))
    .map((file) => join("test", file))
    .sort();
}

/** One suite: a pnpm command whose output carries a mocha-style summary. */
interface Suite {
  name: string;
  pnpmArgs: string[];
}

// Re-enter the pnpm that started us (it need not be on PATH: `npx pnpm@10 test`).
const pnpm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["pnpm"];

const suites: Suite[] = [
  { name: "circuit-check", pnpmArgs: ["--filter", "@zkagent/circuits", "check"] },
  { name: "circuits", pnpmArgs: ["--filter", "@zkagent/circuits", "test"] },
  { name: "agent", pnpmArgs: ["--filter", "@zkagent/agent", "test"] },
  // test/ on the in-process chain (world, contracts, agent, faults, deploy). test/fork is left out
  // here, so nothing is counted as skipped: the fork suite below runs it where it means something.
  { name: "hardhat", pnpmArgs: ["exec", "hardhat", "test", "mocha", ...inProcessTestFiles()] },
  { name: "solidity", pnpmArgs: ["exec", "hardhat", "test", "solidity"] },
  { name: "fork", pnpmArgs: ["exec", "tsx", "scripts/fork-suite.ts"] },
];

/**
 * The two lanes, balanced by their suites' times on CI (2 cores): the hardhat suite, the longest,
 * with the Solidity tests (both Hardhat's own runners) in one; the circuit check, the circuit,
 * agent and fork suites in the other.
 */
const LANES: readonly (readonly string[])[] = [
  ["solidity", "hardhat"],
  ["circuit-check", "circuits", "agent", "fork"],
];

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

// strip ANSI colours before reading summaries
// eslint-disable-next-line no-control-regex -- ANSI colour escapes
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** Adds up every mocha-style summary in a suite's output. */
export function tallyOf(output: string): Tally | null {
  const text = plain(output);
  const count = (re: RegExp) => [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
  const passing = [...text.matchAll(/^\s*(\d+) passing/gm)];
  const checkPassed = /^circuit check passed\.$/m.test(text);
  const checkFailed = /^circuit check failed/m.test(text);
  if (passing.length === 0 && !checkPassed && !checkFailed) return null;
  return {
    passed: count(/^\s*(\d+) passing/gm) + (checkPassed ? 1 : 0),
    failed: count(/^\s*(\d+) failing/gm) + (checkFailed ? 1 : 0),
    skipped: count(/^\s*(\d+) pending/gm),
  };
}

/** The output held back so far of each suite still running (printed if the runner is stopped). */
const running = new Map<string, { output: string }>();

/** Runs one suite; with `stream`, its output goes out as it comes, else it is only collected. */
function run(suite: Suite, stream: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = [...pnpm, ...suite.pnpmArgs];
    const child = spawn(cmd!, args, { env: { ...process.env, FORCE_COLOR: "0" } });
    const held = { output: "" };
    running.set(suite.name, held);
    const collect = (stream: NodeJS.WriteStream | null) => (chunk: Buffer) => {
      held.output += chunk.toString();
      stream?.write(chunk);
    };
    // Held back, stderr is kept in place among stdout's lines (both go to stdout when printed).
    child.stdout.on("data", collect(stream ? process.stdout : null));
    child.stderr.on("data", collect(stream ? process.stderr : null));
    child.on("close", (code) => {
      running.delete(suite.name);
      resolve({ code: code ?? 1, output: held.output });
    });
  });
}

// Stopped (Ctrl-C, a CI time limit): what the running suites printed is not lost.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    for (const [name, { output }] of running)
      if (!streaming) process.stdout.write(`\n=== ${name}: stopped by ${signal}; its output so far:\n${output}\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });

const { values } = parseArgs({ options: { only: { type: "string" }, serial: { type: "boolean", default: false } } });
const only = values.only?.split(",");
const unknown = only?.filter((name) => !suites.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`--only: no suite ${unknown.join(", ")} (suites: ${suites.map((s) => s.name).join(", ")})`);
  process.exit(2);
}
const selected = (name: string) => !only || only.includes(name);
const byName = (name: string) => suites.find((s) => s.name === name)!;
const lanes: Suite[][] = values.serial
  ? [suites.filter((s) => selected(s.name))]
  : LANES.map((lane) => lane.filter(selected).map(byName)).filter((lane) => lane.length > 0);
const streaming = lanes.length === 1;

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const problems: string[] = [];
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

async function runLane(lane: Suite[]): Promise<void> {
  for (const suite of lane) {
    const header = `\n=== ${suite.name}: pnpm ${suite.pnpmArgs.join(" ")}`;
    if (streaming) console.log(header);
    else console.log(`=== ${suite.name}: started at ${clock()} (output when it ends)`);
    const suiteStarted = Date.now();
    const { code, output } = await run(suite, streaming);
    const tally = tallyOf(output);
    const seconds = ((Date.now() - suiteStarted) / 1000).toFixed(1);
    if (tally === null) {
      problems.push(`${suite.name}: printed no test result (exit ${code})`);
      total.failed += 1;
    } else {
      total.passed += tally.passed;
      total.failed += tally.failed;
      total.skipped += tally.skipped;
      if (code !== 0 && tally.failed === 0) {
        problems.push(`${suite.name}: exited ${code} with no failing test reported`);
        total.failed += 1;
      }
    }
    // One write: a whole suite, never interleaved with another lane's.
    const text = streaming ? "" : `${header}\n${output}${output.endsWith("\n") ? "" : "\n"}`;
    process.stdout.write(
      `${text}=== ${suite.name}: ${tally ? `${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped` : "no result"} (exit ${code}, ${seconds} s${streaming ? "" : `, ended at ${clock()}`})\n`,
    );
  }
}

await Promise.all(lanes.map(runLane));

for (const problem of problems) console.error(`problem: ${problem}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
