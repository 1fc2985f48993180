import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";

import { ConfigError } from "../errors.ts";

/** What an audit was asked to cover: a checkpoint serves only a run asked the same. */
export interface AuditScope {
  chainId: string;
  trader: string;
  /** As given (null: the default, which the checkpoint's own answers then resolve the same way). */
  fromBlock: number | null;
  toBlock: number | null;
  tx: string | null;
}

const FORMAT = "zkagent-audit-checkpoint";
const VERSION = 1;

/** A node's answer without its id: `{ result }` or `{ error }`. */
export type SavedAnswer = Record<string, unknown>;

/**
 * An audit's checkpoint: a JSON-lines file, its first line the scope, then one line per answer
 * the node gave (`[request, answer]`), written as each arrives. Reopening it with the same scope
 * loads every complete line, so an audit started again resumes where the last one stopped; a
 * line cut short by a crash is ignored (its request is asked again).
 */
export class AuditCheckpoint {
  readonly path: string;
  /** Answers loaded from an earlier run. */
  readonly resumedAnswers: number;
  readonly #answers = new Map<string, SavedAnswer>();
  #fd: number | undefined;

  private constructor(path: string, answers: Map<string, SavedAnswer>, fd: number) {
    this.path = path;
    this.#answers = answers;
    this.resumedAnswers = answers.size;
    this.#fd = fd;
  }

  /** Opens `path` for an audit of `scope`: resumes it if it exists, starts it if not. */
  static open(path: string, scope: AuditScope): AuditCheckpoint {
    const header = JSON.stringify({ format: FORMAT, version: VERSION, ...scope });
    const answers = new Map<string, SavedAnswer>();
    if (existsSync(path)) {
      const lines = readFileSync(path, "utf8").split("\n");
      const saved = parseLine(lines[0] ?? "") as (AuditScope & { format?: string; version?: number }) | undefined;
      if (saved?.format !== FORMAT || saved.version !== VERSION) {
        throw new ConfigError(`--checkpoint ${path}: not an audit checkpoint (delete it, or choose another file)`);
      }
      const differs = (Object.keys(scope) as (keyof AuditScope)[]).filter((k) => saved[k] !== scope[k]);
      if (differs.length > 0) {
        throw new ConfigError(
          `--checkpoint ${path} is of another audit (${differs.map((k) => `${k} ${String(saved[k])}, not ${String(scope[k])}`).join("; ")}): pass the same options to resume it, or delete it to start over`,
        );
      }
      for (const line of lines.slice(1)) {
        const entry = parseLine(line);
        if (Array.isArray(entry) && typeof entry[0] === "string") answers.set(entry[0], entry[1] as SavedAnswer);
      }
      const fd = openSync(path, "a");
      // A crash may have cut the last line short: start the next one on a line of its own.
      if (!readFileSync(path, "utf8").endsWith("\n")) writeSync(fd, "\n");
      return new AuditCheckpoint(path, answers, fd);
    }
    const fd = openSync(path, "wx");
    writeSync(fd, `${header}\n`);
    return new AuditCheckpoint(path, answers, fd);
  }

  /** The saved answer to a request, if an earlier run (or this one) received it. */
  answer(request: string): SavedAnswer | undefined {
    return this.#answers.get(request);
  }

  /** Saves an answer as it arrives (synchronously: a crash loses at most the line being written). */
  record(request: string, answer: SavedAnswer): void {
    this.#answers.set(request, answer);
    if (this.#fd !== undefined) writeSync(this.#fd, `${JSON.stringify([request, answer])}\n`);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
