import type { Logger } from "../log.ts";

/** How far one step of an audit is: `done` of `total` `unit`s (blocks of a log scan, trades checked). */
export interface ProgressStep {
  what: string;
  done: number;
  total: number;
  unit: string;
}

/** Told of each step's advance; the audit's own code never writes to the terminal. */
export type ProgressSink = (step: ProgressStep) => void;

/**
 * Progress for an operator on stderr: on a terminal one line per step rewritten in place;
 * otherwise (a log file, a supervisor, --json) a logged line at most every `everyMs` per step and
 * one when it completes, so a long scan shows it is alive without flooding the log.
 */
export function stderrProgress(options: {
  terminal: boolean;
  log: Logger;
  out?: NodeJS.WritableStream;
  everyMs?: number;
  now?: () => number;
}): ProgressSink {
  const { terminal, log, out = process.stderr, everyMs = 5_000, now = Date.now } = options;
  const lastLine = new Map<string, number>();
  return ({ what, done, total, unit }) => {
    const complete = done >= total;
    const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
    if (terminal) {
      out.write(`\r\x1b[K${what}: ${done} of ${total} ${unit} (${percent} %)${complete ? "\n" : ""}`);
      return;
    }
    const previous = lastLine.get(what);
    if (!complete && previous !== undefined && now() - previous < everyMs) return;
    if (complete && previous === undefined && total <= 1) return; // a one-page step: nothing to watch
    lastLine.set(what, now());
    log.info(`audit: ${what}`, { done, total, unit, percent });
  };
}
