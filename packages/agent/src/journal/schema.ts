import { JournalError } from "../errors.ts";
import { inTransaction, type DatabaseSync } from "./sqlite.ts";

/** The layout below; a journal written by a newer zkagent (a higher version) is refused, not guessed at. */
export const SCHEMA_VERSION = 3;

/**
 * events: the audit trail, every record ever written with its time, append-only (triggers refuse
 *   UPDATE and DELETE); `body` is the record's JSON and `sha` its checksum, as the JSON-lines
 *   journal sealed each line.
 * trades: one row per trade (per proof), its current lifecycle state, kept in step with the
 *   events by trade-lifecycle.ts in the same transaction: the ledger is read from here by index,
 *   never re-folded from the trail. The partial unique indexes make "one open trade per nonce"
 *   and "one execution per nonce" hold in the database itself.
 * runs: one row per agent start (pid, host, time; `stopped_at` when it closed cleanly), which
 *   names the holder of the lock to a second process and to `zkagent status`.
 * meta: facts about the journal itself (the JSON-lines import).
 *
 * Version 2 adds the optimistic path to `trades` (see OPTIMISTIC_DDL); version 3 the hub path's
 * publications (see PUBLICATION_DDL).
 */
const DDL = `
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  trade INTEGER,
  verdict TEXT,
  body TEXT NOT NULL,
  sha TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_kind ON events (kind, verdict);
CREATE INDEX events_by_trade ON events (trade) WHERE trade IS NOT NULL;
CREATE TRIGGER events_keep_updates BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the journal''s events are append-only'); END;
CREATE TRIGGER events_keep_deletes BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the journal''s events are append-only'); END;

CREATE TABLE trades (
  id INTEGER PRIMARY KEY,
  trader_nonce INTEGER NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('proved', 'signed', 'executed', 'reverted', 'abandoned', 'superseded', 'reorged')),
  tx_hash TEXT UNIQUE,
  raw_tx TEXT,
  account_nonce INTEGER,
  gas_used TEXT,
  block_number INTEGER,
  reason TEXT,
  updated INTEGER NOT NULL
) STRICT;
CREATE INDEX trades_by_state ON trades (state, trader_nonce);
CREATE UNIQUE INDEX trades_one_open_per_nonce ON trades (trader_nonce)
  WHERE state IN ('proved', 'signed', 'reorged');
CREATE UNIQUE INDEX trades_one_execution_per_nonce ON trades (trader_nonce) WHERE state = 'executed';

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_at TEXT NOT NULL,
  stopped_at TEXT
) STRICT;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
`;

/**
 * Version 2: a trade's path, and for optimistic trades the proof kept to answer a challenge and
 * the claim the lane opened, with its state (see CLAIM_TRANSITIONS in trade-lifecycle.ts). One
 * claim per trade row; a claim id is never on two rows.
 */
const OPTIMISTIC_DDL = `
ALTER TABLE trades ADD COLUMN path TEXT NOT NULL DEFAULT 'verified' CHECK (path IN ('verified', 'optimistic'));
ALTER TABLE trades ADD COLUMN proof TEXT;
ALTER TABLE trades ADD COLUMN claim_id TEXT;
ALTER TABLE trades ADD COLUMN claim TEXT;
ALTER TABLE trades ADD COLUMN claim_state TEXT
  CHECK (claim_state IS NULL OR claim_state IN ('open', 'challenged', 'proven', 'finalized', 'slashed'));
ALTER TABLE trades ADD COLUMN response_deadline INTEGER;
CREATE UNIQUE INDEX trades_one_claim ON trades (claim_id) WHERE claim_id IS NOT NULL;
CREATE INDEX trades_by_claim_state ON trades (claim_state) WHERE claim_state IS NOT NULL;
CREATE INDEX trades_unclaimed ON trades (path, state) WHERE path = 'optimistic';
`;

/**
 * Version 3: hub publications (publishSignal) are rows of `trades` with `kind` 'publication',
 * moved by the same lifecycle (proved → signed → executed …), their `trader_nonce` the publisher's
 * hub nonce and `publication` what they state (StoredPublication). The per-nonce unique indexes
 * are rebuilt per kind: a trade and a publication may share a nonce, two trades (or two
 * publications) may not.
 */
const PUBLICATION_DDL = `
ALTER TABLE trades ADD COLUMN kind TEXT NOT NULL DEFAULT 'trade' CHECK (kind IN ('trade', 'publication'));
ALTER TABLE trades ADD COLUMN publication TEXT;
DROP INDEX trades_one_open_per_nonce;
DROP INDEX trades_one_execution_per_nonce;
CREATE UNIQUE INDEX trades_one_open_per_nonce ON trades (kind, trader_nonce)
  WHERE state IN ('proved', 'signed', 'reorged');
CREATE UNIQUE INDEX trades_one_execution_per_nonce ON trades (kind, trader_nonce) WHERE state = 'executed';
CREATE INDEX trades_publications ON trades (kind, id) WHERE kind = 'publication';
`;

/** Each step from version n to n + 1, in one transaction with the version bump. */
const MIGRATIONS: Record<number, string> = { 1: OPTIMISTIC_DDL, 2: PUBLICATION_DDL };

function migrate(db: DatabaseSync, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    inTransaction(db, () => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

/**
 * The runner's connection. WAL: readers (`zkagent status`, audits) never block the writer and
 * never see a half-written transaction. synchronous=FULL: every commit is fsync'd to the WAL
 * before it returns, so the signed transaction is on disk before it is broadcast, power loss
 * included (NORMAL would only survive a process crash: a power cut could roll back the last
 * commits, i.e. forget a transaction that was already broadcast).
 */
export function prepareWritable(db: DatabaseSync, path: string): void {
  const mode = db.prepare("PRAGMA journal_mode = WAL").get()?.journal_mode;
  if (mode !== "wal") throw new JournalError(`journal ${path}: cannot switch to WAL mode (got ${String(mode)})`);
  db.exec("PRAGMA synchronous = FULL");
  const version = userVersion(db);
  if (version === 0) {
    inTransaction(db, () => {
      db.exec(DDL);
      db.exec("PRAGMA user_version = 1");
    });
    migrate(db, 1);
  } else {
    assertKnownVersion(version, path);
    migrate(db, version); // a journal of an earlier zkagent gains the new columns, keeping every row
  }
}

/** Creates the schema in a scratch database (an in-memory view of a JSON-lines journal). */
export function createSchema(db: DatabaseSync): void {
  db.exec(DDL);
  db.exec("PRAGMA user_version = 1");
  migrate(db, 1);
}

export function userVersion(db: DatabaseSync): number {
  return Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
}

export function assertKnownVersion(version: number, path: string): void {
  if (version > SCHEMA_VERSION) {
    throw new JournalError(
      `journal ${path} has layout ${version}, newer than this zkagent's (${SCHEMA_VERSION}): run the zkagent that wrote it`,
    );
  }
}
