import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { InvalidArgumentError, Option, type Command } from "commander";

import { pathArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { writeJson } from "../cli-json.ts";
import type { DecisionMode } from "../cycle.ts";
import { fromInvocationDir } from "../invocation-dir.ts";
import { readPriceHistory } from "./price-history.ts";
import type { BacktestProgress } from "./run-backtest.ts";

interface BacktestFlags {
  prices: string;
  ticks?: number;
  mode: DecisionMode;
  model?: string;
  temperature: number;
  seed: number;
  threads?: number;
  prover: "auto" | "snarkjs" | "native";
  interval: number;
  out: string;
  state?: string;
  restart?: boolean;
  fast?: boolean;
  json?: boolean;
}

const HELP = `
Price files (CSV or JSON; one round per row, oldest first):
  CSV   a header naming price, close or answer, and optionally timestamp (or updatedAt, time,
        date) and roundId; or a bare column of closes. price and close are decimal USD (at most
        8 decimals); answer is Chainlink's integer with 8 decimals. Times are Unix seconds or
        ISO 8601 (UTC unless a zone is given).
  JSON  an array of prices, or of objects with those keys, or { "prices": [...] }.
  Refused with the file, the line and the reason: a row that does not parse, a price <= 0,
  duplicate or decreasing timestamps or round ids, fewer than 30 rows. Gaps are kept and counted.
  The first 30 rounds fill the first window; each later round is one tick.

Each tick: the round is pushed to the oracle at its time (the chain's clock follows the file's
timestamps; closes without times are --interval apart), the real Uniswap V3 pool is arbitraged to
it, and the agent runs its real cycle (inference, pre-check, Groth16 proof, executeTrade); each
executed trade is then audited from the chain.

Progress (tick, round time, ticks/s, ETA) goes to stderr. Every finished tick is saved to the
state file; after a crash or Ctrl-C, the same command resumes at the next tick (the finished ticks
are replayed on a new chain, each trade's signed transaction sent again byte for byte, and the
vault's books checked against the file). --restart starts over.

--fast skips only what cannot change a trade: the audit after each executed trade (one audit of
every trade runs at the end instead). The model, the pre-check, the proofs, the pool and the
oracle run exactly as without it.

Writes <out>/report.html (the demo's report with the backtest figures) and <out>/summary.json.
Example: zkagent backtest --prices scripts/demo/sample-prices.csv --out backtest-output`;

function temperatureArgument(value: string): number {
  const parsed = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !(parsed >= 0 && parsed <= 2)) {
    throw new InvalidArgumentError("Expected a number from 0 to 2.");
  }
  return parsed;
}

const duration = (seconds: number) =>
  !Number.isFinite(seconds)
    ? "?"
    : seconds >= 3600
      ? `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, "0")}m`
      : seconds >= 60
        ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
        : `${Math.round(seconds)}s`;

/** `zkagent backtest`: a price history replayed through the agent's real cycle on an in-process chain. */
export function registerBacktestCommand(program: Command): void {
  program
    .command("backtest")
    .description(
      "replay a price history through the real cycle (oracle rounds, Uniswap V3 pool, inference, proof, executeTrade, audit) on an in-process chain",
    )
    .addOption(
      new Option("--prices <file>", "the price history (CSV or JSON; see below)")
        .argParser(pathArgument)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option("--ticks <n>", "stop after n ticks (default: every round after the first window)").argParser(
        wholeNumberArgument(1),
      ),
    )
    .addOption(
      new Option("--mode <mode>", "how the agent decides").choices(["llm+model", "model", "llm"]).default("llm+model"),
    )
    .addOption(new Option("--model <file>", "a GGUF (default: the bundled tiny stand-in)").argParser(pathArgument))
    .addOption(
      new Option("--temperature <t>", "the LLM's sampling temperature, 0..2 (seeded: seed + tick)")
        .argParser(temperatureArgument)
        .default(1),
    )
    .addOption(new Option("--seed <n>", "the sampling seed").argParser(wholeNumberArgument(0)).default(7))
    .addOption(new Option("--threads <n>", "llama.cpp threads").argParser(wholeNumberArgument(1)))
    .addOption(
      new Option("--prover <prover>", "the Groth16 prover").choices(["auto", "snarkjs", "native"]).default("auto"),
    )
    .addOption(
      new Option("--interval <seconds>", "seconds between rounds of a file without timestamps")
        .argParser(wholeNumberArgument(1))
        .default(3600),
    )
    .addOption(
      new Option("--out <dir>", "where report.html and summary.json go")
        .argParser(pathArgument)
        .default("backtest-output"),
    )
    .addOption(
      new Option("--state <file>", "the resumable state file (default: <out>/backtest-state.jsonl)").argParser(
        pathArgument,
      ),
    )
    .option("--restart", "discard the state file's ticks and start over")
    .option("--fast", "audit every trade once at the end instead of after each tick (same trades)")
    .option("--json", "stdout: the summary as one JSON document; progress as JSON lines on stderr")
    .addHelpText("after", HELP)
    .action(async (flags: BacktestFlags) => {
      const started = performance.now();
      const out = fromInvocationDir(flags.out);
      const history = readPriceHistory(flags.prices, 30); // a PriceHistoryError before anything heavy loads
      // The runner loads Hardhat's EVM: only this command needs it.
      const [{ runBacktest, WINDOW }, report, { terminateSnarkjs }] = await Promise.all([
        import("./run-backtest.ts"),
        import("./session-report.ts"),
        import("@zkagent/circuits"),
      ]);
      const { renderReport } = await import("./report-html.ts");
      mkdirSync(out, { recursive: true });
      const stateFile = flags.state ?? join(out, "backtest-state.jsonl");
      const total = Math.min(flags.ticks ?? Infinity, history.points.length - (WINDOW - 1));
      const say = (message: string, fields: Record<string, unknown> = {}) =>
        process.stderr.write(
          flags.json ? `${JSON.stringify({ level: "info", message, ...fields })}\n` : `${message}\n`,
        );
      say(
        `backtest: ${history.file}, ${history.points.length} rounds, ${total} ticks${history.gaps.length ? `, ${history.gaps.length} gaps kept` : ""}; state ${stateFile}`,
      );

      let stopping = false;
      const stop = () => {
        stopping = true;
        say("stopping after the current tick (Ctrl-C again to kill; the finished ticks are saved)");
        process.once("SIGINT", () => process.exit(130));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);

      let lastLine = 0;
      const progress = (p: BacktestProgress) => {
        const rate = p.elapsedSeconds > 0 ? (p.done - resumed) / p.elapsedSeconds : 0;
        const time = new Date(p.roundTime * 1000).toISOString().replace(".000Z", "Z");
        const fields = {
          done: p.done,
          total: p.total,
          roundTime: time,
          ticksPerSecond: rate,
          etaSeconds: p.etaSeconds,
        };
        const text = `tick ${p.done}/${p.total}  ${history.timed ? time : `round time ${time}`}  ${rate.toFixed(2)} ticks/s  ETA ${duration(p.etaSeconds)}`;
        if (!flags.json && process.stderr.isTTY) {
          process.stderr.write(`\r${text}\u001b[K${p.done === p.total ? "\n" : ""}`);
        } else if (p.done === p.total || performance.now() - lastLine > 10_000) {
          lastLine = performance.now();
          say(text, fields);
        }
      };
      let resumed = 0;
      const result = await runBacktest({
        history,
        ...(flags.ticks === undefined ? {} : { maxTicks: flags.ticks }),
        mode: flags.mode,
        temperature: flags.temperature,
        seed: flags.seed,
        dataDir: join(out, "agent"),
        ...(flags.model ? { modelPath: flags.model } : {}),
        ...(flags.threads ? { threads: flags.threads } : {}),
        prover: flags.prover,
        intervalSeconds: flags.interval,
        stateFile,
        restart: Boolean(flags.restart),
        fast: Boolean(flags.fast),
        onResume: (ticks) => {
          resumed = ticks;
          say(`resumed: ${ticks} finished ticks replayed from ${stateFile}, books match; carrying on at tick ${ticks}`);
        },
        onTick: (_, p) => progress(p),
        shouldStop: () => stopping,
      });
      await terminateSnarkjs();
      if (result.ticks.length === 0) {
        say("interrupted before the first tick finished: nothing to report");
        process.exitCode = 130;
        return;
      }
      const rows = report.tickRows(result);
      const summary = report.sessionSummary(result, rows, {
        kind: "backtest",
        seed: flags.seed,
        modelLabel:
          flags.mode === "llm"
            ? (flags.model ?? "bundled tiny stand-in (seeded weights)")
            : `proven decision model v1${flags.mode === "llm+model" ? `, advised by ${flags.model ?? "the bundled tiny stand-in"}` : ""}`,
        fast: Boolean(flags.fast),
        wallSeconds: (performance.now() - started) / 1000,
      });
      const reportPath = join(out, "report.html");
      const summaryPath = join(out, "summary.json");
      writeFileSync(reportPath, renderReport(rows, summary));
      writeFileSync(summaryPath, `${JSON.stringify({ summary, rows }, null, 2)}\n`);
      if (result.interrupted) {
        say(
          `interrupted after tick ${result.ticks.length - 1} of ${total}: run the same command to resume (the report covers the finished ticks)`,
        );
        process.exitCode = 130;
      }
      if (flags.json) writeJson({ summary, report: reportPath, figures: summaryPath, stateFile });
      else
        process.stdout.write(
          `${report.renderSummaryText(summary)}\n\nreport: ${reportPath}\nfigures: ${summaryPath}\n`,
        );
      if (summary.audit.failures > 0) process.exitCode = 1;
    });
}
