import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";

import { JournalError, type JournalHolder } from "../errors.ts";
import { FederatedLifecycle, type FederatedAttempt } from "../federated/federated-lifecycle.ts";
import { insertEvent, unsealedEvents, type ActivityEntry, type JournalRecord, type TradeEntry } from "./events.ts";
import { JournalLock, lockHeld } from "./journal-lock.ts";
import { readLegacyJournal } from "./legacy-jsonl.ts";
import {
  claimCountsOf,
  claimsOf,
  executedOf,
  hasOpenTrades,
  lastExecutedNonce,
  openTradesOf,
  publicationsOf,
  publishedFrom,
  summaryOf,
  unrecordedClaimsOf,
  type JournaledClaim,
  type JournaledPublication,
  type Ledger,
  type JournalSummary,
  type UnrecordedClaim,
} from "./ledger.ts";
import { assertKnownVersion, createSchema, prepareWritable, userVersion } from "./schema.ts";
import { inTransaction, sqlite, sqliteErrorCode, type DatabaseSync } from "./sqlite.ts";
import { TradeLifecycle, type ClaimState } from "./trade-lifecycle.ts";

export type {
  ActivityEntry,
  ClaimSettlement,
  JournalEntry,
  JournalRecord,
  StoredClaim,
  StoredProof,
  StoredPublication,
  TradeEntry,
} from "./events.ts";

/** Activity records (not trade steps): what `append` takes and an import copies as is. */
const ACTIVITY_KINDS: ReadonlySet<string> = new Set([
  "cycle",
  "fault",
  "governance-wait",
  "bond-hold",
  "bond",
  "hub-cached",
  "hub-follow",
  "hub-keeper",
  "stale-window",
  "quote",
]);

/** The files of one journal, all named after the store: `<name>.sqlite`, `<name>.lock`, `<name>.jsonl`. */
export interface JournalFiles {
  /** The SQLite database (with its `-wal` and `-shm` companions while in use). */
  store: string;
  /** Held exclusively by the one process that may write the store. */
  lock: string;
  /** The JSON-lines journal of earlier versions: imported on first start, then renamed `.imported`. */
  legacy: string;
}

export function journalFiles(store: string): JournalFiles {
  if (!store.endsWith(".sqlite")) throw new JournalError(`journal ${store}: the store's name must end in .sqlite`);
  const base = store.slice(0, -".sqlite".length);
  return { store, lock: `${base}.lock`, legacy: `${base}.jsonl` };
}

/** One start of an agent on this journal. */
export interface JournalRun extends JournalHolder {
  /** When it closed the journal; undefined for the running one, or one that was killed. */
  stoppedAt?: string;
}

/** What a first start did with a JSON-lines journal it found. */
export interface LegacyImport {
  from: string;
  renamedTo: string;
  records: number;
  tornLastLine: boolean;
}

/** Who holds the lock now, for `zkagent status`. */
export interface LockInfo {
  path: string;
  held: boolean | undefined;
  lastRun?: JournalRun;
  /** Earlier starts that never closed the journal (killed, crashed, power cut). */
  uncleanStops: number;
}

/**
 * A journal opened for reading: `zkagent status`, audits, tests. Read-only in SQLite itself
 * (and query_only), so it can never write to or truncate the store, and WAL mode lets it read
 * while the runner writes, seeing only committed transactions.
 */
export class JournalView {
  protected constructor(
    readonly files: JournalFiles,
    protected readonly db: DatabaseSync,
    /** Shown from a JSON-lines journal that the agent's next start will import (nothing on disk changed). */
    readonly pendingImport = false,
  ) {}

  get path(): string {
    return this.files.store;
  }

  /**
   * Opens the journal at `store` read-only; undefined if there is none. A JSON-lines journal not
   * yet imported is read (checked) into memory and shown as the store would hold it; the file is
   * not touched.
   */
  static openReadOnly(store: string): JournalView | undefined {
    const files = journalFiles(store);
    const { DatabaseSync } = sqlite();
    if (existsSync(files.store)) {
      const { db, version } = openStoreReadOnly(files.store);
      if (version > 0) {
        assertKnownVersion(version, files.store);
        return new JournalView(files, db);
      }
      db.close(); // created by a start that has not written its layout yet: nothing to show
    }
    if (!existsSync(files.legacy)) return undefined;
    const db = new DatabaseSync(":memory:");
    createSchema(db);
    importLegacy(db, files.legacy);
    db.exec("PRAGMA query_only = ON");
    return new JournalView(files, db, true);
  }

  /**
   * Writes a consistent copy of the journal to `file` (a new SQLite store; a not-yet-imported
   * JSON-lines journal is copied as the store it would become). Nothing here is written: `zkagent
   * once --dry-run` runs its cycle on such a copy.
   */
  copyTo(file: string): void {
    // query_only refuses VACUUM INTO even though it writes another file; the store's connection is
    // read-only in SQLite itself (or an in-memory import), so lifting it for this one statement
    // cannot write the journal.
    this.db.exec("PRAGMA query_only = OFF");
    try {
      this.db.prepare("VACUUM INTO ?").run(file);
    } finally {
      this.db.exec("PRAGMA query_only = ON");
    }
  }

  /** The whole audit trail, oldest first. For tools and tests: the agent's tick never loads it. */
  records(): JournalRecord[] {
    return this.db
      .prepare("SELECT body FROM events ORDER BY seq")
      .all()
      .map((row) => JSON.parse(String(row.body)) as JournalRecord);
  }

  /** Open proofs, open sends and every executed trade. */
  ledger(): Ledger {
    return { ...openTradesOf(this.db), executed: executedOf(this.db) };
  }

  /** Open proofs and sends only: what recovery works through on every tick. */
  openTrades(): Pick<Ledger, "openProofs" | "openSends"> {
    return openTradesOf(this.db);
  }

  hasOpenTrades(): boolean {
    return hasOpenTrades(this.db);
  }

  /** Executed trades at `fromNonce` or above: those a reorganisation could have undone. */
  executedFrom(fromNonce: bigint): Ledger["executed"] {
    return executedOf(this.db, fromNonce);
  }

  /** How many ticks waited for a scheduled governance change, and the last such record. */
  governanceWaits(): { ticks: number; last?: JournalRecord } {
    const ticks = Number(this.db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'governance-wait'").get()!.n);
    const row = this.db
      .prepare("SELECT body FROM events WHERE kind = 'governance-wait' ORDER BY seq DESC LIMIT 1")
      .get();
    return { ticks, ...(row ? { last: JSON.parse(String(row.body)) as JournalRecord } : {}) };
  }

  lastExecutedNonce(): bigint | undefined {
    return lastExecutedNonce(this.db);
  }

  /** A journal of layout 1 (an earlier zkagent, read-only) has no optimistic columns: nothing to show. */
  private get hasClaims(): boolean {
    return userVersion(this.db) >= 2;
  }

  /** Optimistic claims in `states` (default: open and challenged), oldest first. */
  claims(states?: readonly ClaimState[]): JournaledClaim[] {
    return this.hasClaims ? claimsOf(this.db, states) : [];
  }

  /** Executed optimistic trades whose claim is not recorded yet (a stop between the receipt and the record). */
  unrecordedClaims(): UnrecordedClaim[] {
    return this.hasClaims ? unrecordedClaimsOf(this.db) : [];
  }

  /** Claims by state, for `zkagent status`. */
  claimCounts(): Record<ClaimState, number> {
    return this.hasClaims ? claimCountsOf(this.db) : { open: 0, challenged: 0, proven: 0, finalized: 0, slashed: 0 };
  }

  /** The hub path's last `limit` publications (oldest first) and their states. */
  publications(limit = 10): JournaledPublication[] {
    return publicationsOf(this.db, limit);
  }

  /** Published publications at hub nonce `fromNonce` or above (what a reorganisation could have undone). */
  publishedFrom(fromNonce: bigint): JournaledPublication[] {
    return publishedFrom(this.db, fromNonce);
  }

  /** The last record of `kind` (the last bond observation, the last bond hold, the last cache hit or follow), if any. */
  last(kind: "bond" | "bond-hold" | "hub-cached" | "hub-follow" | "hub-keeper"): JournalRecord | undefined {
    const row = this.db.prepare("SELECT body FROM events WHERE kind = ? ORDER BY seq DESC LIMIT 1").get(kind);
    return row ? (JSON.parse(String(row.body)) as JournalRecord) : undefined;
  }

  /** How many ticks held for want of bond. */
  bondHolds(): number {
    return Number(this.db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'bond-hold'").get()!.n);
  }

  summary(): JournalSummary {
    return summaryOf(this.db);
  }

  /** The JSON-lines journal this store was started from, if any. */
  importedFrom(): { from: string; records: number; at: string } | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'legacy_import'").get();
    if (!row) return undefined;
    const { records, at } = JSON.parse(String(row.value)) as { records: number; at: string };
    return { from: this.files.legacy, records, at };
  }

  /** A federated operator's sends, read-only (`zkagent fl status`). */
  federatedAttempts(): FederatedAttempt[] {
    return new FederatedLifecycle(this.db).attempts();
  }

  /** Every start on this journal, oldest first. */
  runs(): JournalRun[] {
    return this.db
      .prepare("SELECT pid, host, started_at, stopped_at FROM runs ORDER BY id")
      .all()
      .map((row) => ({
        pid: Number(row.pid),
        host: String(row.host),
        startedAt: String(row.started_at),
        ...(row.stopped_at === null ? {} : { stoppedAt: String(row.stopped_at) }),
      }));
  }

  /** The lock as seen from outside: held or not (asked of the operating system), and by whom. */
  lockInfo(): LockInfo {
    const runs = this.runs();
    const held = lockHeld(this.files.lock);
    const lastRun = runs.at(-1);
    const unclean = runs.filter((run) => run.stoppedAt === undefined).length;
    return {
      path: this.files.lock,
      held,
      ...(lastRun ? { lastRun } : {}),
      uncleanStops: unclean - (held && lastRun?.stoppedAt === undefined ? 1 : 0),
    };
  }

  /** How this connection commits: "wal" and "full" for the runner (see schema.ts for why). */
  durability(): { journalMode: string; synchronous: string } {
    const journalMode = String(this.db.prepare("PRAGMA journal_mode").get()?.journal_mode);
    const level = Number(this.db.prepare("PRAGMA synchronous").get()?.synchronous);
    return { journalMode, synchronous: ["off", "normal", "full", "extra"][level] ?? String(level) };
  }

  /** The seq of every event whose checksum or place does not match its JSON (none for a sound trail). */
  unsealedEvents(): number[] {
    return unsealedEvents(this.db);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * The agent's journal: one SQLite database per (chain, trader, agent) in the data directory, the
 * durable record of every cycle and of each trade's lifecycle. Exactly one process may hold it
 * (JournalLock); a second start is refused with JournalLockedError naming the first.
 *
 * Trade steps are written through `trades` (trade-lifecycle.ts, which validates each move);
 * `append` takes only what is not a trade step (a cycle's verdict, a fault).
 */
export class Journal extends JournalView {
  readonly trades: TradeLifecycle;
  /** A federated operator's sends (`zkagent fl submit | aggregate`), in their own journal file. */
  readonly federated: FederatedLifecycle;

  private constructor(
    files: JournalFiles,
    db: DatabaseSync,
    private readonly lock: JournalLock,
    private readonly runId: number,
    /** The JSON-lines journal this start imported, if it found one. */
    readonly imported: LegacyImport | undefined,
    /** The previous start, if it never closed the journal (killed, crashed): its lock died with it. */
    readonly previousUncleanRun: JournalRun | undefined,
  ) {
    super(files, db);
    this.trades = new TradeLifecycle(db);
    this.federated = new FederatedLifecycle(db);
  }

  /** Takes the lock, opens (or creates) the store, and imports a JSON-lines journal found beside it. */
  static open(store: string): Journal {
    const files = journalFiles(store);
    mkdirSync(dirname(store), { recursive: true });
    const lock = JournalLock.acquire(files.lock, () => currentHolder(files.store), files.store);
    let db: DatabaseSync | undefined;
    try {
      const { DatabaseSync } = sqlite();
      db = new DatabaseSync(files.store, { timeout: 5_000 });
      prepareWritable(db, files.store);
      const imported = finishLegacyImport(db, files);
      const writable = db;
      const { previous, runId } = inTransaction(writable, () => {
        const row = writable
          .prepare("SELECT pid, host, started_at FROM runs WHERE stopped_at IS NULL ORDER BY id DESC LIMIT 1")
          .get();
        const started = writable
          .prepare("INSERT INTO runs (pid, host, started_at) VALUES (?, ?, ?)")
          .run(process.pid, hostname(), new Date().toISOString());
        return {
          previous: row && { pid: Number(row.pid), host: String(row.host), startedAt: String(row.started_at) },
          runId: Number(started.lastInsertRowid),
        };
      });
      return new Journal(files, db, lock, runId, imported, previous);
    } catch (error) {
      db?.close();
      lock.release();
      throw error;
    }
  }

  /** Appends a cycle's verdict or a fault; committed (fsync'd) before it returns. */
  append(entry: ActivityEntry): JournalRecord {
    if (!ACTIVITY_KINDS.has(entry.kind)) {
      throw new JournalError(
        `journal: a ${(entry as { kind: string }).kind} record is a trade step: use journal.trades`,
      );
    }
    return inTransaction(this.db, () => insertEvent(this.db, entry, null));
  }

  /** Marks this run stopped, closes the store and releases the lock. */
  override close(): void {
    if (!this.db.isOpen) return;
    try {
      this.db.prepare("UPDATE runs SET stopped_at = ? WHERE id = ?").run(new Date().toISOString(), this.runId);
    } finally {
      super.close();
      this.lock.release();
    }
  }
}

/** The newest start that has not closed the journal: the holder, while the lock is held. */
function currentHolder(store: string): JournalHolder | undefined {
  if (!existsSync(store)) return undefined;
  try {
    const view = JournalView.openReadOnly(store);
    try {
      const run = view?.runs().at(-1);
      return run && run.stoppedAt === undefined
        ? { pid: run.pid, host: run.host, startedAt: run.startedAt }
        : undefined;
    } finally {
      view?.close();
    }
  } catch {
    return undefined; // the holder is still writing its first transaction
  }
}

/**
 * Opens a journal's SQLite store read-only, with its layout version. A WAL store needs its
 * `-shm` index, which SQLite creates beside the store; a user who may read the data directory
 * but not write it (a monitoring account running `zkagent status`) gets SQLITE_READONLY there.
 * Then, if the write-ahead log is absent or empty, the store file alone holds every committed
 * record (and no agent is writing: a running one keeps its log), so it is read as immutable;
 * otherwise the records still in the log cannot be read without that index, and the error says so.
 */
function openStoreReadOnly(file: string): { db: DatabaseSync; version: number } {
  const { DatabaseSync } = sqlite();
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5_000 });
  try {
    db.exec("PRAGMA query_only = ON");
    return { db, version: userVersion(db) };
  } catch (error) {
    db.close();
    if (((sqliteErrorCode(error) ?? 0) & 0xff) !== 8) throw error; // not SQLITE_READONLY
    const wal = `${file}-wal`;
    if (existsSync(wal) && statSync(wal).size > 0) {
      throw new JournalError(
        `cannot read ${file} read-only: its write-ahead log ${wal} holds records that SQLite reads through an index it must create in ${dirname(file)}, which this user cannot write; run as the agent's user, or after the agent has stopped`,
      );
    }
    const immutable = new DatabaseSync(new URL(`${pathToFileURL(file).href}?immutable=1`), { readOnly: true });
    immutable.exec("PRAGMA query_only = ON");
    return { db: immutable, version: userVersion(immutable) };
  }
}

/** Replays a JSON-lines journal into `db` (the caller's transaction): activity as is, trade steps through the lifecycle. */
function importLegacy(
  db: DatabaseSync,
  legacyPath: string,
): { records: number; tornLastLine: boolean; fileHash: string } {
  const legacy = readLegacyJournal(legacyPath);
  const trades = new TradeLifecycle(db);
  const run = () => {
    for (const { record, sha } of legacy.records) {
      const stamp = { seq: record.seq, at: record.at, sha };
      if (ACTIVITY_KINDS.has(record.kind)) insertEvent(db, record, null, stamp);
      else trades.apply(record as TradeEntry, stamp);
    }
  };
  if (db.isTransaction) run();
  else inTransaction(db, run);
  return { records: legacy.records.length, tornLastLine: legacy.tornLastLine, fileHash: legacy.fileHash };
}

/**
 * On a start, a JSON-lines journal beside the store is imported once, in one transaction with its
 * checksums verified (an edited line refuses the import and leaves everything as it was), then
 * renamed `.imported` so an operator loses nothing. A crash between the commit and the rename is
 * finished on the next start, for the same file only: a JSON-lines journal that differs from the
 * one imported (an older zkagent ran again) is refused, not silently set aside.
 */
function finishLegacyImport(db: DatabaseSync, files: JournalFiles): LegacyImport | undefined {
  if (!existsSync(files.legacy)) return undefined;
  const done = db.prepare("SELECT value FROM meta WHERE key = 'legacy_import'").get();
  let summary: { records: number; tornLastLine: boolean; fileHash: string };
  if (done) {
    summary = JSON.parse(String(done.value)) as typeof summary;
    const fileHash = createHash("sha256").update(readFileSync(files.legacy)).digest("hex");
    if (fileHash !== summary.fileHash) {
      throw new JournalError(
        `journal ${files.legacy} differs from the JSON-lines journal already imported into ${files.store} (was an older zkagent run on this dataDir?): move it aside and import it by hand, or remove it if it holds nothing`,
      );
    }
  } else {
    if (db.prepare("SELECT 1 FROM events LIMIT 1").get()) {
      throw new JournalError(
        `journal ${files.legacy} was never imported, but ${files.store} already has records: move one of them aside`,
      );
    }
    summary = inTransaction(db, () => {
      const result = importLegacy(db, files.legacy);
      db.prepare("INSERT INTO meta (key, value) VALUES ('legacy_import', ?)").run(
        JSON.stringify({ ...result, at: new Date().toISOString() }),
      );
      return result;
    });
  }
  let renamedTo = `${files.legacy}.imported`;
  for (let n = 2; existsSync(renamedTo); n++) renamedTo = `${files.legacy}.imported-${n}`;
  renameSync(files.legacy, renamedTo);
  return { from: files.legacy, renamedTo, records: summary.records, tornLastLine: summary.tornLastLine };
}
