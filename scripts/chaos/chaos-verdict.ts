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
