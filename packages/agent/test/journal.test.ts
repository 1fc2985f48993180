import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { expect } from "chai";

import {
  Journal,
  type ActivityEntry,
  JournalError,
  JournalLockedError,
  JournalView,
  type JournalEntry,
  type JournalRecord,
} from "../src/index.ts";
import { sealOf } from "../src/journal/events.ts";
import { sqlite, type DatabaseSync } from "../src/journal/sqlite.ts";

const HELPER = join(import.meta.dirname, "helpers/journal-process.ts");
const TX = `0x${"a1".repeat(32)}`;

/** A journal's store path in a fresh data directory, named as the agent names it. */
const freshStore = () => join(mkdtempSync(join(tmpdir(), "zkagent-journal-")), "journal-31337-0xtrader-0xagent.sqlite");

const cycle = (tick: number): ActivityEntry => ({
  kind: "cycle",
  tick,
  roundId: String(tick),
  latestPrice: "1",
  movingAverage: "1",
  signal: "",
  verdict: "hold",
  timingsMs: {},
});

/** Runs test/helpers/journal-process.ts as a separate OS process; `first` is its first line of output. */
function journalProcess(...args: string[]): { child: ChildProcess; first: Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, ["--import", "tsx", HELPER, ...args], {
    cwd: join(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(JSON.parse(out.slice(0, out.indexOf("\n"))) as Record<string, unknown>);
    });
    child.once("exit", (code) => reject(new Error(`journal process exited ${code} with no output: ${stderr}`)));
  });
  return { child, first };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

/** A JSON-lines journal exactly as zkagent wrote it before the SQLite store. */
function legacyLines(entries: JournalEntry[]): string {
  return entries
    .map((entry, seq) => {
      const record = { ...entry, seq, at: `2026-11-2${seq % 10}T00:00:00.000Z` };
      return `${JSON.stringify({ ...record, sha: sealOf(JSON.stringify(record)) })}\n`;
    })
    .join("");
}

describe("the journal (one SQLite store per agent, WAL, an exclusive lock)", function () {
  this.timeout(60_000);

  it("reads back every record in order, with its time, after a reopen", () => {
    const store = freshStore();
    const journal = Journal.open(store);
    journal.append(cycle(0));
    journal.trades.proved(0n, [1n, 2n]);
    journal.append({ kind: "fault", message: "RpcUnavailableError: down" });
    journal.close();
    const reopened = Journal.open(store);
    expect(reopened.records().map((r) => [r.seq, r.kind])).to.deep.equal([
      [0, "cycle"],
      [1, "proved"],
      [2, "fault"],
    ]);
    expect(reopened.records()[1]).to.deep.include({ traderNonce: "0", publicSignals: ["1", "2"] });
    expect(Date.parse(reopened.records()[2]!.at)).to.be.closeTo(Date.now(), 60_000);
    reopened.append(cycle(1));
    reopened.close();
    const view = JournalView.openReadOnly(store)!;
    expect(view.records()).to.have.length(4);
    expect(view.unsealedEvents()).to.deep.equal([]);
    view.close();
  });

  it("commits every write to disk before it returns: WAL with synchronous=FULL", () => {
    const journal = Journal.open(freshStore());
    expect(journal.durability()).to.deep.equal({ journalMode: "wal", synchronous: "full" });
    journal.close();
  });

  it("keeps every event: the database itself refuses to update or delete one", () => {
    const store = freshStore();
    const journal = Journal.open(store);
    journal.append(cycle(0));
    const raw = new (sqlite().DatabaseSync)(store);
    expect(() => raw.exec("UPDATE events SET body = '{}'")).to.throw(/append-only/);
    expect(() => raw.exec("DELETE FROM events")).to.throw(/append-only/);
    raw.close();
    expect(journal.records()).to.have.length(1);
    journal.close();
  });

  it("takes trade steps only through the lifecycle: append() refuses one", () => {
    const journal = Journal.open(freshStore());
    const step = { kind: "proved", traderNonce: "0", publicSignals: [] } as unknown as Parameters<Journal["append"]>[0];
    expect(() => journal.append(step)).to.throw(JournalError, /trade step: use journal.trades/);
    expect(journal.records()).to.have.length(0);
    journal.close();
  });

  describe("one writer", () => {
    it("refuses a second agent process on the same data directory, naming the first", async () => {
      const store = freshStore();
      const journal = Journal.open(store);
      try {
        const { child, first } = journalProcess("open", store);
        const answer = await first;
        await exited(child);
        expect(answer.error).to.equal("JournalLockedError");
        expect(answer.message).to.include(`journal ${store} is in use by another zkagent process`);
        expect(answer.message).to.include(`pid ${process.pid} on ${hostname()}`);
        expect(child.exitCode).to.equal(3);
      } finally {
        journal.close();
      }
      // Released on close: the next process opens it.
      const { child, first } = journalProcess("open", store);
      expect(await first).to.deep.equal({ opened: true });
      await exited(child);
    });

    it("refuses a second open in the same process too", () => {
      const store = freshStore();
      const journal = Journal.open(store);
      try {
        expect(() => Journal.open(store)).to.throw(JournalLockedError, /pid \d+ on /);
      } finally {
        journal.close();
      }
      Journal.open(store).close();
    });

    it("opens at once after its holder was killed with SIGKILL, and names the killed run", async () => {
      const store = freshStore();
      const { child, first } = journalProcess("hold", store);
      try {
        const answer = await first;
        // (a holder that failed to open prints its error instead: say which, rather than "did not throw" below)
        expect(answer, JSON.stringify(answer)).to.have.property("ready");
        const pid = answer.ready as number;
        expect(() => Journal.open(store)).to.throw(JournalLockedError, new RegExp(`pid ${pid} `));
        const view = JournalView.openReadOnly(store)!;
        expect(view.lockInfo()).to.deep.include({ held: true, uncleanStops: 0 });
        view.close();

        child.kill("SIGKILL");
        await exited(child);
        const started = Date.now();
        const journal = Journal.open(store); // no waiting for a timeout, no PID guessing: the kernel dropped the lock
        try {
          expect(Date.now() - started).to.be.below(1_000);
          expect(journal.previousUncleanRun).to.deep.include({ pid, host: hostname() });
          expect(journal.lockInfo()).to.deep.include({ held: true, uncleanStops: 1 });
        } finally {
          journal.close();
        }
        const after = JournalView.openReadOnly(store)!;
        expect(after.lockInfo()).to.deep.include({ held: false, uncleanStops: 1 });
        expect(after.lockInfo().lastRun).to.have.property("stoppedAt");
        after.close();
      } finally {
        // A failure above must not leave the holder alive: mocha would wait for it forever.
        child.kill("SIGKILL");
      }
    });
  });

  describe("read-only opens (zkagent status, audits)", () => {
    it("read while a runner process writes: never blocked, never a partial record, the store never shrinks", async () => {
      const store = freshStore();
      const cycles = 400;
      const { child, first } = journalProcess("write", store, String(cycles));
      let reads = 0;
      let lastCount = 0;
      let lastSize = 0;
      let finished = false;
      void first.then(() => (finished = true));
      while (!finished) {
        const view = JournalView.openReadOnly(store);
        if (view) {
          const records = view.records();
          expect(records.map((r) => r.seq)).to.deep.equal(records.map((_, i) => i));
          expect(records.length).to.be.at.least(lastCount);
          const summary = view.summary();
          expect(summary.cycles).to.be.at.least(records.filter((r) => r.kind === "cycle").length);
          // The connection itself refuses writes: status cannot damage the runner's journal.
          const db = (view as unknown as { db: DatabaseSync }).db;
          expect(() => db.exec("INSERT INTO meta (key, value) VALUES ('x', 'y')")).to.throw(/readonly|query_only/i);
          lastCount = records.length;
          view.close();
          reads++;
        }
        const size = existsSync(store) ? statSync(store).size : 0;
        expect(size).to.be.at.least(lastSize);
        lastSize = size;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(await first).to.deep.equal({ done: cycles });
      await exited(child);
      expect(reads, "reads overlapped the writes").to.be.greaterThan(3);

      const journal = Journal.open(store);
      try {
        const summary = journal.summary();
        expect(summary).to.deep.include({ cycles, executedTrades: cycles / 10, openSends: 0 });
        expect(journal.records()).to.have.length(cycles + (cycles / 10) * 3);
        expect(journal.unsealedEvents()).to.deep.equal([]);
      } finally {
        journal.close();
      }
      const raw = new (sqlite().DatabaseSync)(store, { readOnly: true });
      expect(raw.prepare("PRAGMA integrity_check").get()).to.deep.equal({ integrity_check: "ok" });
      raw.close();
    });

    it("reads a stopped agent's journal as a user who cannot write its data directory", async function () {
      const store = freshStore();
      const journal = Journal.open(store);
      for (let tick = 0; tick < 3; tick++) journal.append(cycle(tick));
      journal.close();
      const before = readFileSync(store);
      // Root may write anywhere: run the reader as an unprivileged user instead (util-linux setpriv).
      const asRoot = process.getuid?.() === 0;
      if (asRoot && spawnSync("setpriv", ["--version"]).status !== 0) this.skip();
      chmodSync(dirname(store), asRoot ? 0o755 : 0o555);
      chmodSync(store, 0o644);
      const read = [process.execPath, "--import", "tsx", HELPER, "read", store];
      const reader = spawnSync(
        asRoot ? "setpriv" : read[0]!,
        asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", ...read] : read.slice(1),
        { cwd: join(import.meta.dirname, ".."), encoding: "utf8" },
      );
      chmodSync(dirname(store), 0o700);
      expect(JSON.parse(reader.stdout.split("\n")[0]!), reader.stderr).to.deep.equal({ cycles: 3 });
      expect(readFileSync(store).equals(before), "the store is unchanged").to.equal(true);
    });

    it("has nothing to show for a data directory that never held a journal, and creates nothing", () => {
      const store = freshStore();
      expect(JournalView.openReadOnly(store)).to.equal(undefined);
      expect(existsSync(store)).to.equal(false);
    });
  });

  describe("the JSON-lines journal of earlier versions", () => {
    const legacyPathOf = (store: string) => store.replace(/\.sqlite$/, ".jsonl");
    const history: JournalEntry[] = [
      cycle(0),
      { kind: "proved", traderNonce: "0", publicSignals: ["7"] },
      { kind: "signed", traderNonce: "0", txHash: TX, rawTx: "0x02aa", accountNonce: 4 },
      { kind: "fault", message: "RpcUnavailableError: down" },
    ];

    it("is imported on first start with its checksums, kept renamed, and its open send recovered", () => {
      const store = freshStore();
      const legacy = legacyPathOf(store);
      const text = legacyLines(history);
      writeFileSync(legacy, `${text}{"kind":"cycle","tick":1,"rou`); // and a torn last line from a crash
      const journal = Journal.open(store);
      try {
        expect(journal.imported).to.deep.equal({
          from: legacy,
          renamedTo: `${legacy}.imported`,
          records: 4,
          tornLastLine: true,
        });
        expect(existsSync(legacy)).to.equal(false);
        expect(readFileSync(`${legacy}.imported`, "utf8")).to.equal(`${text}{"kind":"cycle","tick":1,"rou`);
        const imported = text
          .trim()
          .split("\n")
          .map((line) => {
            const { sha: _sha, ...record } = JSON.parse(line) as JournalRecord & { sha: string };
            return record;
          });
        expect(journal.records()).to.deep.equal(imported);
        expect(journal.unsealedEvents()).to.deep.equal([]);
        expect(journal.openTrades().openSends).to.deep.equal([
          { trade: 1, traderNonce: "0", txHash: TX, rawTx: "0x02aa", accountNonce: 4, state: "signed" },
        ]);
        expect(journal.importedFrom()).to.deep.include({ from: legacy, records: 4 });
        // New records follow the imported ones.
        expect(journal.append(cycle(1)).seq).to.equal(4);
      } finally {
        journal.close();
      }
      const again = Journal.open(store);
      expect(again.imported).to.equal(undefined);
      expect(again.records()).to.have.length(5);
      again.close();
    });

    it("refuses a JSON-lines journal whose earlier line was edited, and changes nothing", () => {
      const store = freshStore();
      const legacy = legacyPathOf(store);
      const edited = legacyLines(history).replace('"publicSignals":["7"]', '"publicSignals":["8"]');
      writeFileSync(legacy, edited);
      expect(() => Journal.open(store)).to.throw(JournalError, /line 2 fails its checksum/);
      expect(readFileSync(legacy, "utf8")).to.equal(edited);
      expect(existsSync(`${legacy}.imported`)).to.equal(false);
      writeFileSync(legacy, legacyLines(history)); // the operator restores the file
      const journal = Journal.open(store);
      expect(journal.records()).to.have.length(4);
      journal.close();
    });

    it("finishes an import a crash interrupted before the rename, for the same file only", () => {
      const store = freshStore();
      const legacy = legacyPathOf(store);
      writeFileSync(legacy, legacyLines(history));
      Journal.open(store).close();
      writeFileSync(legacy, legacyLines(history)); // as if the rename had not happened
      const journal = Journal.open(store);
      expect(journal.imported?.renamedTo).to.equal(`${legacy}.imported-2`);
      expect(journal.records()).to.have.length(4); // not imported twice
      journal.close();

      writeFileSync(legacy, legacyLines([...history, cycle(9)])); // an older zkagent ran again
      expect(() => Journal.open(store)).to.throw(JournalError, /differs from the JSON-lines journal already imported/);
      expect(existsSync(legacy)).to.equal(true);
    });

    it("is shown read-only before the import, from memory: nothing on disk changes", () => {
      const store = freshStore();
      const legacy = legacyPathOf(store);
      writeFileSync(legacy, legacyLines(history));
      const view = JournalView.openReadOnly(store)!;
      expect(view.pendingImport).to.equal(true);
      expect(view.summary()).to.deep.include({ cycles: 1, outages: 1, openSends: 1 });
      view.close();
      expect(existsSync(store)).to.equal(false);
      expect(readFileSync(legacy, "utf8")).to.equal(legacyLines(history));
    });
  });
});
