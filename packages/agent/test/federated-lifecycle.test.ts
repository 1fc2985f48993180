import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { writeFileAtomic } from "../src/atomic-file.ts";
import { ConfigError, IllegalTransitionError, Journal } from "../src/index.ts";

const TX = `0x${"ab".repeat(32)}`;
const OTHER_TX = `0x${"cd".repeat(32)}`;
const CALL = {
  to: `0x${"11".repeat(20)}`,
  data: "0x1234",
  detail: { updateCommitment: "7", sampleCount: "100", updateFile: "u.json" },
};
const SIGNED = { txHash: TX, rawTx: "0xf8", accountNonce: 3 };
const RECEIPT = { gasUsed: 71_000n, blockNumber: 12 };

let journal: Journal;
beforeEach(() => {
  journal = Journal.open(join(mkdtempSync(join(tmpdir(), "zkagent-fl-lifecycle-")), "fl.sqlite"));
});
afterEach(() => journal.close());

/** The trail's length: an illegal move must not change it. */
const events = () => journal.records().length;

describe("the federated operator's sends in the journal (federated-lifecycle.ts, the only writer)", () => {
  it("moves one attempt prepared → signed → executed, and folds it back from the trail after a restart", () => {
    journal.federated.prepared("submit", 4n, CALL);
    journal.federated.signed("submit", 4n, SIGNED);
    journal.federated.confirmed("submit", 4n, TX, "executed", RECEIPT);
    const path = journal.path;
    journal.close();
    journal = Journal.open(path);
    const [attempt] = journal.federated.attempts("submit", 4n);
    expect(attempt).to.include({ state: "executed", txHash: TX, rawTx: "0xf8", gasUsed: "71000", blockNumber: 12 });
    expect(journal.federated.executed("submit", 4n)?.txHash).to.equal(TX);
    expect(journal.federated.open("submit", 4n)).to.equal(undefined);
  });

  it("refuses a second attempt while one is open and after one executed, writing nothing", () => {
    journal.federated.prepared("finalize", 1n, {
      ...CALL,
      detail: { newModel: "9", modelFile: "m.json", proveMs: [1, 2] },
    });
    const before = events();
    expect(() => journal.federated.prepared("finalize", 1n, CALL)).to.throw(
      IllegalTransitionError,
      /prepared \(a second attempt/,
    );
    expect(events()).to.equal(before);
    journal.federated.signed("finalize", 1n, SIGNED);
    journal.federated.confirmed("finalize", 1n, TX, "executed", RECEIPT);
    expect(() => journal.federated.prepared("finalize", 1n, CALL)).to.throw(
      IllegalTransitionError,
      /from executed to prepared/,
    );
    // another round, or the other step of the same round, is its own attempt
    journal.federated.prepared("finalize", 2n, CALL);
    journal.federated.prepared("submit", 1n, CALL);
  });

  it("refuses a confirmation by another transaction, a confirmation before signing and a step with nothing open", () => {
    expect(() => journal.federated.signed("submit", 0n, SIGNED)).to.throw(IllegalTransitionError, /no open attempt/);
    journal.federated.prepared("submit", 0n, CALL);
    expect(() => journal.federated.confirmed("submit", 0n, TX, "executed", RECEIPT)).to.throw(
      IllegalTransitionError,
      /from prepared to executed/,
    );
    journal.federated.signed("submit", 0n, SIGNED);
    const before = events();
    expect(() => journal.federated.confirmed("submit", 0n, OTHER_TX, "executed", RECEIPT)).to.throw(
      IllegalTransitionError,
      /another transaction/,
    );
    expect(events()).to.equal(before);
  });

  it("lets a new attempt start after one was abandoned (refused) or reverted, keeping both in the trail", () => {
    journal.federated.prepared("submit", 5n, CALL);
    journal.federated.abandoned("submit", 5n, "refused in simulation: SampleCountOutOfRange(5, 2001, 500, 2000)");
    journal.federated.prepared("submit", 5n, CALL);
    journal.federated.signed("submit", 5n, SIGNED);
    journal.federated.confirmed("submit", 5n, TX, "reverted", RECEIPT);
    journal.federated.prepared("submit", 5n, CALL);
    expect(journal.federated.attempts("submit", 5n).map((a) => a.state)).to.deep.equal([
      "abandoned",
      "reverted",
      "prepared",
    ]);
    expect(journal.federated.attempts("submit", 5n)[0]!.reason).to.match(/SampleCountOutOfRange/);
  });
});

describe("writeFileAtomic: the files an operator must keep", () => {
  it("writes the whole file with its mode, accepts the same bytes again and never replaces another file", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkagent-atomic-"));
    const path = join(dir, "update.json");
    writeFileAtomic(path, '{"salt":"1"}\n', { mode: 0o600, what: "federated update" });
    expect(readFileSync(path, "utf8")).to.equal('{"salt":"1"}\n');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    writeFileAtomic(path, '{"salt":"1"}\n', { mode: 0o600, what: "federated update" });
    expect(() => writeFileAtomic(path, '{"salt":"2"}\n', { what: "federated update" })).to.throw(
      ConfigError,
      /never overwritten/,
    );
    expect(readFileSync(path, "utf8")).to.equal('{"salt":"1"}\n');
    expect(existsSync(join(dir, `.update.json.${process.pid}.tmp`))).to.equal(false);
  });
});
