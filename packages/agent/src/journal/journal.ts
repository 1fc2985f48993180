import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

import { AgentError } from "../errors.ts";

/** What one cycle left behind, step by step; the chain stays the source of truth. */
export type JournalEntry =
  | {
      kind: "cycle";
      tick: number;
      roundId: string;
      latestPrice: string;
      movingAverage: string;
      signal: string;
      verdict: "hold" | "compliant" | "refused" | "malformed" | "unavailable";
      rule?: string;
      reason?: string;
      timingsMs: Record<string, number>;
    }
  | { kind: "proved"; traderNonce: string; publicSignals: string[] }
  | { kind: "signed"; traderNonce: string; txHash: string; rawTx: string; accountNonce: number }
  | {
      kind: "confirmed";
      traderNonce: string;
      txHash: string;
      status: "executed" | "reverted";
      gasUsed: string;
      blockNumber: number;
      reason?: string;
    }
  /** A proof or signed transaction that can never execute (`txHash` when one was signed). */
  | { kind: "abandoned"; traderNonce: string; reason: string; txHash?: string }
  /** An executed trade that a chain reorganisation removed; its signed bytes are sent again. */
  | { kind: "reorged"; traderNonce: string; txHash: string }
  | { kind: "fault"; message: string };

export type JournalRecord = JournalEntry & { seq: number; at: string };

const seal = (body: string) => createHash("sha256").update(body).digest("hex").slice(0, 16);

/**
 * An append-only, fsync'd JSON-lines log. Each line carries a hash of itself; a torn last line
 * (a crash mid-write) fails its hash and is cut off on open. A bad line anywhere else means the
 * file was edited or the disk lied: that is an error, not something to guess around.
 */
export class Journal {
  private constructor(
    private readonly fd: number,
    readonly path: string,
    private readonly loaded: JournalRecord[],
    private size: number,
    readonly repairedTornLine: boolean,
  ) {}

  static open(path: string): Journal {
    mkdirSync(dirname(path), { recursive: true });
    const records: JournalRecord[] = [];
    let validBytes = 0;
    let torn = false;
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        const isLast = i === lines.length - 1;
        if (line === "") {
          if (!isLast) throw new AgentError(`journal ${path}: empty line ${i + 1}; the file was edited or is corrupt`);
          continue;
        }
        const record = parseLine(line);
        if (!record || (isLast && !text.endsWith("\n"))) {
          if (isLast) {
            torn = true; // a crash mid-append: drop the partial line
            break;
          }
          throw new AgentError(`journal ${path}: line ${i + 1} fails its checksum; the file was edited or is corrupt`);
        }
        records.push(record);
        validBytes += Buffer.byteLength(line) + 1;
      }
    }
    const fd = openSync(path, existsSync(path) ? "r+" : "w+");
    if (torn) {
      ftruncateSync(fd, validBytes);
      fsyncSync(fd);
    }
    return new Journal(fd, path, records, validBytes, torn);
  }

  /** Every record on disk, oldest first (including those appended since open). */
  records(): readonly JournalRecord[] {
    return this.loaded;
  }

  /** Appends one record and fsyncs before returning: after this, a crash cannot lose it. */
  append(entry: JournalEntry): JournalRecord {
    const record = { ...entry, seq: this.loaded.length, at: new Date().toISOString() } as JournalRecord;
    const body = JSON.stringify(record);
    const line = `${JSON.stringify({ ...record, sha: seal(body) })}\n`;
    const bytes = Buffer.from(line);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
    }
    fsyncSync(this.fd);
    this.size += bytes.length;
    this.loaded.push(record);
    return record;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function parseLine(line: string): JournalRecord | null {
  try {
    const { sha, ...record } = JSON.parse(line) as JournalRecord & { sha?: string };
    return sha === seal(JSON.stringify(record)) ? (record as JournalRecord) : null;
  } catch {
    return null;
  }
}
