/**
 * What a chaos run (kill-loop, soak) concluded, in words: each reason it failed, or none. The
 * scripts print these as one line and exit 1 on any, so a failed run says why.
 */

/** The books both runs compare at the end (see booksOf in scripts/lib/agent-world.ts). */
export interface ChaosBooks {
  tradesOnChain: number;
  tradesJournaled: number;
  nonceAdvances: number;
  noNonceExecutedTwice: boolean;
  consistent: boolean;
}

export interface ChaosOutcome {
  cycles: number;
  books: ChaosBooks;
  /** kill-loop: times the agent exited on its own before it was killed. */
  crashes?: number;
  /** kill-loop: each self-exit's code and last stderr line, in order. */
  crashReasons?: string[];
  /** kill-loop: journal events whose checksum no longer matches. */
  eventsFailingTheirChecksum?: number;
}

/** Each reason the run failed; an empty list is a pass. */
export function chaosFailures(outcome: ChaosOutcome): string[] {
  const { books, cycles } = outcome;
  const reasons: string[] = [];
  if (!books.consistent) {
    reasons.push(
      `the books disagree: ${books.tradesOnChain} trades on chain, ${books.tradesJournaled} journaled as executed, ${books.nonceAdvances} nonce advances${books.noNonceExecutedTwice ? "" : ", and a nonce executed twice"}`,
    );
  }
  if (books.tradesOnChain === 0) {
    reasons.push(
      `no trade landed in ${cycles} cycles, and books that agree on nothing prove nothing: run more cycles (most of the stand-in's signals are refused or superseded)`,
    );
  }
  if ((outcome.crashes ?? 0) > 0) {
    reasons.push(
      `the agent exited on its own ${outcome.crashes} times before it was killed (a bug, whatever the books say)${outcome.crashReasons?.length ? `; first: ${outcome.crashReasons[0]}` : ""}`,
    );
  }
  if ((outcome.eventsFailingTheirChecksum ?? 0) > 0) {
    reasons.push(`${outcome.eventsFailingTheirChecksum} journal events fail their checksum`);
  }
  return reasons;
}

/** The run's last line: PASS with the figures, or FAIL with every reason. */
export function verdictLine(outcome: ChaosOutcome): string {
  const reasons = chaosFailures(outcome);
  const { books } = outcome;
  return reasons.length === 0
    ? `PASS: ${outcome.cycles} cycles, ${books.tradesOnChain} trades on chain = journaled = nonce advances`
    : `FAIL: ${reasons.join("; ")}`;
}

/** How a kill-loop life that ended before its kill ended, from its exit and its stderr. */
export interface SelfExitKind {
  /**
   * "refusal": exit 2 with the CLI's typed one-line error (`{"level":"error","error":…}` under
   * --json), an operator error the agent chose to stop on; "crash": anything else (a stack trace
   * and exit 1, a module that failed to load, a signal other than the loop's SIGKILL, exit 0).
   * Both fail the run: after a kill the agent must start again, not refuse.
   */
  kind: "refusal" | "crash";
  /** The typed error's name (a refusal) or the error class a stack trace names, when one does. */
  error?: string;
  /** What it said last: a refusal's message, or the last stderr line. */
  lastLine: string;
}

export function describeSelfExit(exitCode: number | null, signal: string | null, stderr: string): SelfExitKind {
  const lines = stderr
    .trim()
    .split("\n")
    .filter((line) => !/^Node\.js v\d/.test(line)); // the version Node prints after a stack trace
  if (exitCode === 2) {
    try {
      const line = JSON.parse(lines.at(-1) ?? "") as { level?: unknown; error?: unknown; message?: unknown };
      if (line.level === "error" && typeof line.error === "string" && typeof line.message === "string") {
        return { kind: "refusal", error: line.error, lastLine: line.message.slice(0, 500) };
      }
    } catch {
      // not the CLI's typed error line: a crash
    }
  }
  // An uncaught error: the line naming it ("SyntaxError: …", "Error [ERR_MODULE_NOT_FOUND]: …"),
  // with the next one when it ends in a colon (esbuild's "Transform failed with 1 error:").
  const at = lines.findIndex((line) => /^\w*Error\b( \[\w+\])?: /.test(line));
  if (at >= 0) {
    const named = lines[at]!.match(/^(\w*Error)\b(?: \[(\w+)\])?/)!;
    const text = lines[at]!.endsWith(":") && lines[at + 1] ? `${lines[at]} ${lines[at + 1]!.trim()}` : lines[at]!;
    return { kind: "crash", error: named[2] ?? named[1]!, lastLine: text.slice(0, 500) };
  }
  return { kind: "crash", ...(signal ? { error: signal } : {}), lastLine: (lines.at(-1) ?? "").slice(0, 500) };
}
