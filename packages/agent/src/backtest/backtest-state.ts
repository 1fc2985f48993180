import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from "node:fs";

import { AgentError } from "../errors.ts";
import type { BacktestTick } from "./backtest-figures.ts";

/** A state file that cannot be resumed from (another run's, or damaged before its last line). */
export class BacktestStateError extends AgentError {
  override readonly name = "BacktestStateError";
}

/** What makes two runs the same run: a state file resumes only the run that wrote it. */
export interface RunFingerprint {
  /** sha256 of the replayed rounds (price and time of each). */
  prices: string;
  mode: string;
  seed: number;
  temperature: number;
  /** The GGUF's modelHash and the proven model's commitment (hex). */
  model: string;
  intervalSeconds: number;
}

const VERSION = 1;

/** bigints survive JSON as "123n" strings (no field of a tick is such a string otherwise). */
const encode = (value: unknown) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v.toString()}n` : v));
const decode = (text: string): unknown =>
  JSON.parse(text, (_, v: unknown) => (typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));

/**
 * A replay's completed ticks, one JSON line each after a header naming the run, appended and
 * flushed to disk (fsync) as each tick ends. A crash leaves at most a partial last line, which is
 * not a completed tick and is dropped on reading: a resumed run redoes that tick from its start.
 */
export class BacktestState {
  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /**
   * Opens `path` for `fingerprint`: the ticks it already holds (none for a new file), or a
   * BacktestStateError if another run wrote it. `restart` discards what it holds.
   */
  static open(
    path: string,
    fingerprint: RunFingerprint,
    restart = false,
  ): { state: BacktestState; completed: BacktestTick[] } {
    if (restart) rmSync(path, { force: true });
    let completed: BacktestTick[] = [];
    if (existsSync(path)) {
      const lines = readFileSync(path, "utf8").split("\n");
      const whole = lines.slice(0, -1); // after the last newline: nothing, or a partial line
      let header: { version?: number; fingerprint?: RunFingerprint } | undefined;
      try {
        header = decode(whole[0] ?? "") as typeof header;
      } catch {
        header = undefined;
      }
      if (!header || header.version !== VERSION || !header.fingerprint) {
        throw new BacktestStateError(
          `${path} is not a backtest state file this version wrote: remove it, or pass --restart`,
        );
      }
      const differs = (Object.keys(fingerprint) as (keyof RunFingerprint)[]).filter(
        (key) => header.fingerprint![key] !== fingerprint[key],
      );
      if (differs.length > 0) {
        throw new BacktestStateError(
          `${path} belongs to another run (its ${differs.join(", ")} differ${differs.length === 1 ? "s" : ""}): pass the same prices and options to resume it, --restart to start over, or --state <file> for a new one`,
        );
      }
      completed = whole.slice(1).map((line, i) => {
        try {
          return (decode(line) as { tick: BacktestTick }).tick;
        } catch {
          throw new BacktestStateError(`${path} line ${i + 2} is damaged: remove the file, or pass --restart`);
        }
      });
      completed.forEach((tick, i) => {
        if (tick.report.tick !== i) {
          throw new BacktestStateError(`${path} line ${i + 2} holds tick ${tick.report.tick} where tick ${i} belongs`);
        }
      });
      // Cut a partial last line away (nothing before it is rewritten), so appends start on a line of their own.
      truncateSync(path, Buffer.byteLength(whole.map((l) => `${l}\n`).join("")));
      const fd = openSync(path, "a");
      return { state: new BacktestState(path, fd), completed };
    }
    const fd = openSync(path, "w");
    writeSync(fd, `${encode({ version: VERSION, kind: "zkagent-backtest-state", fingerprint })}\n`);
    fsyncSync(fd);
    return { state: new BacktestState(path, fd), completed };
  }

  /** Records a completed tick (on disk when this returns). */
  append(tick: BacktestTick): void {
    writeSync(this.fd, `${encode({ tick })}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
