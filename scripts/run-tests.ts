/**
 * README command 2: runs every suite in turn, streams its output, and ends
 * with one line `N passed, N failed` added up from each runner's own summary
 * (mocha's "N passing / N failing / N pending", the circuit check's verdict).
 * Exits non-zero if any suite fails or prints no result.
 *
 *   tsx scripts/run-tests.ts [--only name,name]
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

function run(suite: Suite): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = [...pnpm, ...suite.pnpmArgs];
    const child = spawn(cmd!, args, { env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    const collect = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on("data", collect(process.stdout));
    child.stderr.on("data", collect(process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const { values } = parseArgs({ options: { only: { type: "string" } } });
const selected = values.only ? suites.filter((s) => values.only!.split(",").includes(s.name)) : suites;
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const problems: string[] = [];

for (const suite of selected) {
  console.log(`\n=== ${suite.name}: pnpm ${suite.pnpmArgs.join(" ")}`);
  const started = Date.now();
  const { code, output } = await run(suite);
  const tally = tallyOf(output);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
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
  console.log(
    `=== ${suite.name}: ${tally ? `${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped` : "no result"} (exit ${code}, ${seconds} s)`,
  );
}

for (const problem of problems) console.error(`problem: ${problem}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
