/**
 * The chaos scripts' verdict and report file (#20, item 10): a failed run says why in one line,
 * and a short run never replaces the committed report unless asked.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { expect } from "chai";

import { chaosFailures, describeSelfExit, verdictLine, type ChaosBooks } from "../../scripts/chaos/chaos-verdict.ts";
import { fractionFlag, reportDestination, wholeNumberFlag } from "../../scripts/chaos/report-destination.ts";

const AGREEING: ChaosBooks = {
  tradesOnChain: 10,
  tradesJournaled: 10,
  nonceAdvances: 10,
  noNonceExecutedTwice: true,
  consistent: true,
};
const COMMITTED = "/repo/scripts/chaos/kill-loop-report.json";

describe("chaos runs: the verdict and the report file", () => {
  describe("verdict", () => {
    it("passes agreeing books with trades, no crash and sealed events", () => {
      const outcome = { cycles: 200, books: AGREEING, crashes: 0, eventsFailingTheirChecksum: 0 };
      expect(chaosFailures(outcome)).to.deep.equal([]);
      expect(verdictLine(outcome)).to.equal("PASS: 200 cycles, 10 trades on chain = journaled = nonce advances");
    });

    it("a short run with no trade fails saying so (kill-loop --cycles 10)", () => {
      const none = { ...AGREEING, tradesOnChain: 0, tradesJournaled: 0, nonceAdvances: 0 };
      const line = verdictLine({ cycles: 10, books: none, crashes: 0 });
      expect(line).to.match(/^FAIL: no trade landed in 10 cycles/);
      expect(line).to.include("run more cycles");
      expect(line.split("\n")).to.have.length(1);
    });

    it("names every reason at once: disagreeing books, a nonce executed twice, crashes, broken checksums", () => {
      const books = { ...AGREEING, tradesJournaled: 9, noNonceExecutedTwice: false, consistent: false };
      const reasons = chaosFailures({ cycles: 200, books, crashes: 2, eventsFailingTheirChecksum: 1 });
      expect(reasons).to.deep.equal([
        "the books disagree: 10 trades on chain, 9 journaled as executed, 10 nonce advances, and a nonce executed twice",
        "the agent exited on its own 2 times before it was killed (a bug, whatever the books say)",
        "1 journal events fail their checksum",
      ]);
    });
  });

  describe("a self-exit's reason", () => {
    it("names the first self-exit's code and last stderr line, so a failed run says what the agent died of", () => {
      const reasons = chaosFailures({
        cycles: 200,
        books: AGREEING,
        crashes: 2,
        crashReasons: ['exit 2: {"level":"error","error":"RpcUnavailableError","message":"…"}', "exit 1: Error: boom"],
      });
      expect(reasons).to.deep.equal([
        'the agent exited on its own 2 times before it was killed (a bug, whatever the books say); first: exit 2: {"level":"error","error":"RpcUnavailableError","message":"…"}',
      ]);
    });
  });

  describe("what each self-exit was", () => {
    // Captured from `zkagent run` started through tsx from a copy of the sources caught mid-edit
    // (agent.ts saved with a new import before errors.ts had the export): how the kill loop's
    // lives died when other engineers edited the shared work tree under it.
    const IMPORT_MID_EDIT = [
      "packages/agent/src/agent.ts:1",
      'import { FollowKeeperError } from "./errors.ts";',
      "         ^",
      "SyntaxError: The requested module './errors.ts' does not provide an export named 'FollowKeeperError'",
      "    at ModuleJob._instantiate (node:internal/modules/esm/module_job:226:21)",
      "    at async file://packages/agent/bin/zkagent.js:15:3",
      "",
      "Node.js v22.23.3",
      "",
    ].join("\n");
    // The same with errors.ts read half-written: esbuild (through tsx) cannot transform it.
    const HALF_WRITTEN = [
      "node:internal/modules/run_main:123",
      "    triggerUncaughtException(",
      "    ^",
      "",
      "Error: Transform failed with 1 error:",
      'packages/agent/src/errors.ts:85:53: ERROR: Expected "*/" to terminate multi-line comment',
      "    at failureErrorWithLog (node_modules/.pnpm/esbuild@0.28.2/node_modules/esbuild/lib/main.js:1752:15)",
      "",
      "Node.js v22.23.3",
    ].join("\n");

    it("a stack trace is a crash, named by its error line, not by Node's version line", () => {
      expect(describeSelfExit(1, null, IMPORT_MID_EDIT)).to.deep.equal({
        kind: "crash",
        error: "SyntaxError",
        lastLine:
          "SyntaxError: The requested module './errors.ts' does not provide an export named 'FollowKeeperError'",
      });
      expect(describeSelfExit(1, null, HALF_WRITTEN)).to.deep.equal({
        kind: "crash",
        error: "Error",
        lastLine:
          'Error: Transform failed with 1 error: packages/agent/src/errors.ts:85:53: ERROR: Expected "*/" to terminate multi-line comment',
      });
      expect(
        describeSelfExit(1, null, "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/y.ts'\n    at f\n"),
      ).to.deep.equal({
        kind: "crash",
        error: "ERR_MODULE_NOT_FOUND",
        lastLine: "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/y.ts'",
      });
    });

    it("exit 2 with the CLI's typed --json error line is a refusal, named, and still reported", () => {
      const stderr =
        '{"level":"info","msg":"agent 0x7099 → trader 0x4a67"}\n{"level":"error","error":"JournalLockedError","message":"the journal is held by pid 7"}\n';
      expect(describeSelfExit(2, null, stderr)).to.deep.equal({
        kind: "refusal",
        error: "JournalLockedError",
        lastLine: "the journal is held by pid 7",
      });
      // exit 2 without that line (commander's usage error, say) is not a typed refusal
      expect(describeSelfExit(2, null, "error: unknown option '--x'\n").kind).to.equal("crash");
      // the typed line with another exit code is not the CLI's refusal either
      expect(describeSelfExit(1, null, stderr).kind).to.equal("crash");
    });

    it("a death by another signal than the loop's SIGKILL, or a silent exit, is a crash", () => {
      expect(describeSelfExit(null, "SIGSEGV", "")).to.deep.equal({ kind: "crash", error: "SIGSEGV", lastLine: "" });
      expect(describeSelfExit(0, null, '{"level":"info","msg":"tick 3 done"}\n')).to.deep.equal({
        kind: "crash",
        lastLine: '{"level":"info","msg":"tick 3 done"}',
      });
    });
  });

  describe("report file", () => {
    const full = { committed: COMMITTED, fullRunCycles: 200 };

    it("a full run without --out updates the committed report", () => {
      expect(reportDestination({ ...full, out: undefined, cycles: 200 })).to.deep.equal({ write: COMMITTED });
    });

    it("a short run without --out writes nothing and says how to keep it", () => {
      const destination = reportDestination({ ...full, out: undefined, cycles: 10 });
      expect(destination).to.deep.equal({
        skip: `report not written: a short run (--cycles 10, under 200) never replaces the committed ${COMMITTED}; pass --out <file> to keep it`,
      });
    });

    it("--out writes any run's report where it says, the committed path included", () => {
      expect(reportDestination({ ...full, out: "short.json", cycles: 10 })).to.deep.equal({
        write: "short.json",
      });
      expect(reportDestination({ ...full, out: COMMITTED, cycles: 10 })).to.deep.equal({ write: COMMITTED });
    });
  });

  describe("flags", () => {
    it("whole numbers and fractions are checked, with the flag named", () => {
      expect(wholeNumberFlag("cycles", "10", 1)).to.equal(10);
      expect(() => wholeNumberFlag("cycles", "abc", 1)).to.throw('--cycles "abc": expected a whole number, 1 or more');
      expect(() => wholeNumberFlag("cycles", "0", 1)).to.throw(/1 or more/);
      expect(fractionFlag("fault-rate", "0.03")).to.equal(0.03);
      expect(() => fractionFlag("fault-rate", "2")).to.throw('--fault-rate "2": expected a number from 0 to 1');
    });

    for (const script of ["kill-loop.ts", "soak.ts"]) {
      it(`${script} refuses a bad value in one line with its usage, exit 2, before starting a node`, () => {
        const result = spawnSync(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "../../scripts/chaos", script), "--cycles", "abc"],
          { encoding: "utf8", timeout: 60_000 },
        );
        expect(result.status, result.stderr).to.equal(2);
        expect(result.stderr).to.match(
          /^--cycles "abc": expected a whole number, 1 or more\nusage: tsx scripts\/chaos\//,
        );
        expect(result.stdout).to.equal("");
      });
    }
  });
});
