import { createRequire } from "node:module";
import type * as NodeSqlite from "node:sqlite";

export type { DatabaseSync, StatementSync } from "node:sqlite";

const require = createRequire(import.meta.url);
let loaded: typeof NodeSqlite | undefined;

/**
 * Node's built-in SQLite (`node:sqlite`, no download, no native build), loaded on first use so a
 * command that never opens a journal (`--help`, `model hash`) never loads it. Node 22 announces it
 * with an ExperimentalWarning on stderr; the project pins its Node version, so that one warning is
 * held back here (any other warning still prints).
 */
export function sqlite(): typeof NodeSqlite {
  if (loaded) return loaded;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (String(typeof warning === "string" ? warning : warning.message).startsWith("SQLite is an experimental")) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    loaded = require("node:sqlite") as typeof NodeSqlite;
  } finally {
    process.emitWarning = emitWarning;
  }
  return loaded;
}

/** SQLite's own result code of a failed call (5 = SQLITE_BUSY, 8 = SQLITE_READONLY, ...), if it is one. */
export function sqliteErrorCode(error: unknown): number | undefined {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === "number" ? errcode : undefined;
}

/** Runs `body` in one write transaction (BEGIN IMMEDIATE): all of it is committed, or none. */
export function inTransaction<T>(db: NodeSqlite.DatabaseSync, body: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
