import { existsSync } from "node:fs";

import { JournalLockedError, type JournalHolder } from "../errors.ts";
import { sqlite, sqliteErrorCode, type DatabaseSync } from "./sqlite.ts";

const SQLITE_BUSY = 5;
/** How long a start waits for a lock that is only being probed (`zkagent status` holds it for microseconds). */
const PROBE_GRACE_MS = 2_000;

/**
 * The exclusive right to write one journal. It is an operating-system lock, not a row: a
 * companion SQLite file opened with locking_mode=EXCLUSIVE inside a transaction that is never
 * committed, so SQLite keeps its POSIX (or Windows) exclusive lock on the file for as long as this
 * process lives. The kernel drops the lock when the process ends, however it ends (SIGKILL and
 * power loss included), so a dead agent never blocks a restart, and no PID is ever guessed at
 * (a PID can be reused; a host name can be shared). It works across processes and between
 * connections of one process. It does not work on network file systems whose locks are unreliable
 * (NFS without a lock daemon): keep dataDir on a local disk.
 */
export class JournalLock {
  private constructor(private readonly db: DatabaseSync) {}

  /** Takes the lock, or throws JournalLockedError naming the holder (read from its run row in `storePath`). */
  static acquire(lockPath: string, describeHolder: () => JournalHolder | undefined, storePath: string): JournalLock {
    const { DatabaseSync } = sqlite();
    const db = new DatabaseSync(lockPath, { timeout: PROBE_GRACE_MS });
    try {
      db.exec("PRAGMA journal_mode = MEMORY"); // no -journal file beside the lock file
      db.exec("PRAGMA locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
    } catch (error) {
      db.close();
      if (sqliteErrorCode(error) === SQLITE_BUSY) throw new JournalLockedError(storePath, describeHolder());
      throw error;
    }
    return new JournalLock(db);
  }

  release(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * Whether some process holds the lock, asked without taking it: a read of the lock file needs a
 * shared lock, which an exclusive holder refuses. The probe lasts microseconds, and a start waits
 * PROBE_GRACE_MS for it, so probing never makes a start fail.
 */
export function lockHeld(lockPath: string): boolean | undefined {
  if (!existsSync(lockPath)) return undefined;
  const { DatabaseSync } = sqlite();
  const db = new DatabaseSync(lockPath, { readOnly: true, timeout: 0 });
  try {
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return false;
  } catch (error) {
    if (sqliteErrorCode(error) === SQLITE_BUSY) return true;
    throw error;
  } finally {
    db.close();
  }
}
