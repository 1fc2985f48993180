import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { AgentError, Journal } from "../src/index.ts";

const path = () => join(mkdtempSync(join(tmpdir(), "zkagent-journal-")), "journal.jsonl");

describe("the journal (fsync'd append-only log)", () => {
  it("reads back what was appended, in order, after a reopen", () => {
    const file = path();
    const journal = Journal.open(file);
    journal.append({ kind: "proved", traderNonce: "0", publicSignals: ["1"] });
    journal.append({ kind: "abandoned", traderNonce: "0", reason: "test" });
    journal.close();
    const reopened = Journal.open(file);
    expect(reopened.records().map((r) => [r.seq, r.kind])).to.deep.equal([
      [0, "proved"],
      [1, "abandoned"],
    ]);
    reopened.append({ kind: "fault", message: "after reopen" });
    reopened.close();
    expect(Journal.open(file).records()).to.have.length(3);
  });

  it("cuts a torn last line (a crash mid-append) and keeps everything before it", () => {
    const file = path();
    const journal = Journal.open(file);
    journal.append({ kind: "proved", traderNonce: "7", publicSignals: [] });
    journal.close();
    appendFileSync(file, '{"kind":"signed","traderNonce":"7","txHa'); // the crash
    const reopened = Journal.open(file);
    expect(reopened.repairedTornLine).to.equal(true);
    expect(reopened.records().map((r) => r.kind)).to.deep.equal(["proved"]);
    reopened.append({ kind: "abandoned", traderNonce: "7", reason: "after the crash" });
    reopened.close();
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).to.have.length(2);
    expect(
      Journal.open(file)
        .records()
        .map((r) => r.kind),
    ).to.deep.equal(["proved", "abandoned"]);
  });

  it("refuses a journal whose earlier line was edited", () => {
    const file = path();
    const journal = Journal.open(file);
    journal.append({ kind: "proved", traderNonce: "1", publicSignals: [] });
    journal.append({ kind: "proved", traderNonce: "2", publicSignals: [] });
    journal.close();
    writeFileSync(file, readFileSync(file, "utf8").replace('"traderNonce":"1"', '"traderNonce":"9"'));
    expect(() => Journal.open(file)).to.throw(AgentError, /line 1 fails its checksum/);
  });
});
