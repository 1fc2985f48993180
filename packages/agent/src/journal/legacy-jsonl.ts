import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { JournalError } from "../errors.ts";
import { sealOf, type JournalRecord } from "./events.ts";

/** A JSON-lines journal as zkagent wrote it before the SQLite store, checked line by line. */
export interface LegacyJournal {
  records: { record: JournalRecord; sha: string }[];
  /** A partial last line (a crash mid-append) was left out; the file itself is not touched. */
  tornLastLine: boolean;
  /** sha256 of the whole file: an import is finished only for the very file it read. */
  fileHash: string;
}

/**
 * Reads a JSON-lines journal with the checks it was written for: each line carries the checksum
 * of its JSON; a torn last line is left out; a bad line anywhere else means the file was edited or
 * the disk lied, which is an error, never guessed around. Read-only: the file is never written.
 */
export function readLegacyJournal(path: string): LegacyJournal {
  const bytes = readFileSync(path);
  const text = bytes.toString("utf8");
  const lines = text.split("\n");
  const records: LegacyJournal["records"] = [];
  let tornLastLine = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const isLast = i === lines.length - 1;
    if (line === "") {
      if (!isLast) throw new JournalError(`journal ${path}: empty line ${i + 1}; the file was edited or is corrupt`);
      continue;
    }
    const parsed = parseLine(line);
    if (!parsed || (isLast && !text.endsWith("\n"))) {
      if (isLast) {
        tornLastLine = true;
        break;
      }
      throw new JournalError(`journal ${path}: line ${i + 1} fails its checksum; the file was edited or is corrupt`);
    }
    if (parsed.record.seq !== records.length) {
      throw new JournalError(`journal ${path}: line ${i + 1} has seq ${parsed.record.seq}, expected ${records.length}`);
    }
    records.push(parsed);
  }
  return { records, tornLastLine, fileHash: createHash("sha256").update(bytes).digest("hex") };
}

function parseLine(line: string): { record: JournalRecord; sha: string } | null {
  try {
    const { sha, ...record } = JSON.parse(line) as JournalRecord & { sha?: string };
    return sha !== undefined && sha === sealOf(JSON.stringify(record))
      ? { record: record as JournalRecord, sha }
      : null;
  } catch {
    return null;
  }
}
