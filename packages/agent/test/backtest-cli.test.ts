/**
 * `zkagent backtest` end to end, as an operator runs it (a child process): a short history through
 * the real cycle on an in-process chain, its report and figures, a resume from the state file,
 * and the refusals (a malformed file, another run's state file). Kept to a few ticks: each run
 * deploys a world and loads the model and the prover.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { meanRevertingPath } from "../src/backtest/generated-history.ts";

const CLI = join(import.meta.dirname, "../bin/zkagent.js");
/** The tiny model proposes (mode llm): no dependence on the proven model's training. */
const RUN = ["--mode", "llm", "--seed", "7"];
const dir = mkdtempSync(join(tmpdir(), "zkagent-backtest-"));

function zkagent(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * 29 hourly rounds of the sample's process (scripts/demo/generate-prices.ts), then a 4 % dip below
 * the band, a little further, and a recovery: the tiny model (mode llm, seed 7) buys twice and is
 * refused once by the pre-check.
 */
function dipHistory(): string {
  const path = meanRevertingPath({ seed: 31, length: 29, mean: 2500, volatility: 0.015 });
  const last = path.at(-1)!;
  const answers = [...path, (last * 96n) / 100n, (last * 955n) / 1000n, (last * 99n) / 100n];
  return ["roundId,answer,updatedAt", ...answers.map((a, i) => `${i + 1},${a},${1735689600 + 3600 * i}`)].join("\n");
}

interface Summary {
  ticks: number;
  timed: boolean;
  resumedTicks: number;
  figures: {
    executed: { buy: number; sell: number };
    refusedByRule: Record<string, number>;
    returnPct: number;
    turnover: number;
    feesUsd: number;
  };
  audit: { trades: number; verified: number; failures: number };
  finalPositionEth: number;
}

describe("zkagent backtest (the CLI, a short history through the real cycle)", function () {
  this.timeout(600_000);
  const prices = join(dir, "dip.csv");
  const out = join(dir, "out");
  let first: Summary;

  before(() => writeFileSync(prices, dipHistory()));

  it("replays each round after the first window: a trade proven, executed and audited; report and figures written", async () => {
    const run = await zkagent("backtest", "--prices", prices, "--out", out, ...RUN, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const document = JSON.parse(run.stdout) as { summary: Summary; report: string; stateFile: string };
    first = document.summary;
    expect(first.ticks).to.equal(3);
    expect(first.timed).to.equal(true);
    expect(first.figures.executed.buy).to.be.greaterThan(0);
    expect(Object.values(first.figures.refusedByRule).reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
    expect(first.audit).to.deep.equal({
      trades: first.figures.executed.buy + first.figures.executed.sell,
      verified: first.audit.trades,
      failures: 0,
    });
    expect(first.figures.feesUsd).to.be.greaterThan(0);
    const report = readFileSync(document.report, "utf8");
    expect(report).to.contain("zkagent backtest").and.contain("2025-01-02").and.contain("% of cap");
    // The state file: a header and one line per finished tick.
    expect(readFileSync(document.stateFile, "utf8").trim().split("\n")).to.have.length(4);
    // stderr holds only JSON lines (progress and notes).
    for (const line of run.stderr.trim().split("\n")) expect(() => JSON.parse(line) as unknown, line).not.to.throw();
  });

  it("resumes from the state file after a crash: the finished ticks replayed, the books the same", async () => {
    // A crash after tick 1 finished, in the middle of writing tick 2's line.
    const state = join(out, "backtest-state.jsonl");
    const lines = readFileSync(state, "utf8").split("\n");
    writeFileSync(state, `${lines.slice(0, 3).join("\n")}\n${lines[3]!.slice(0, 40)}`);
    const run = await zkagent("backtest", "--prices", prices, "--out", out, ...RUN, "--json");
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.contain("resumed: 2 finished ticks replayed");
    const resumed = (JSON.parse(run.stdout) as { summary: Summary }).summary;
    expect(resumed.resumedTicks).to.equal(2);
    expect(resumed.figures.executed).to.deep.equal(first.figures.executed);
    expect(resumed.finalPositionEth).to.equal(first.finalPositionEth);
    expect(resumed.audit.failures).to.equal(0);
  });

  it("refuses another run's state file, naming what differs, in one line (exit 2)", async () => {
    const run = await zkagent("backtest", "--prices", prices, "--out", out, "--mode", "llm", "--seed", "8");
    expect(run.status).to.equal(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines.at(-1)).to.match(
      /^BacktestStateError: .*backtest-state\.jsonl belongs to another run \(its seed differs\): .*--restart/,
    );
    expect(run.stderr).not.to.match(/^\s+at /m); // no stack trace
  });

  it("refuses a malformed file in one line naming the file, the line and the reason (exit 2)", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, dipHistory().replace(",1735693200\n", ",1735689600\n"));
    const run = await zkagent("backtest", "--prices", bad, "--out", join(dir, "bad-out"));
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal(
      `PriceHistoryError: ${bad} line 3: duplicate timestamp 2025-01-01T00:00:00Z (line 2 has it too): remove the duplicate row\n`,
    );
  });
});
