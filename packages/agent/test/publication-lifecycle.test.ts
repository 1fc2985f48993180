import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { IllegalTransitionError, Journal, JournalView, reconcile, type StoredPublication } from "../src/index.ts";

const TX = `0x${"ab".repeat(32)}`;
const TRADE_TX = `0x${"cd".repeat(32)}`;
const RECEIPT = { gasUsed: 301_000n, blockNumber: 9 };
const SIGNALS = ["11", "12", "13", "14", "15"];
const PUBLICATION: StoredPublication = {
  hub: "0x0000000000000000000000000000000000000009",
  marketIds: ["0"],
  thresholdBps: "100",
  modelHash: "42",
  markets: [
    {
      key: `0x${"4b".repeat(32)}`,
      feed: "0x0000000000000000000000000000000000000008",
      roundId: "30",
      pricesCommitment: "77",
      action: 1,
      sizeBps: "5000",
    },
  ],
};

let store: string;
let journal: Journal;
beforeEach(() => {
  store = join(mkdtempSync(join(tmpdir(), "zkagent-publications-")), "journal.sqlite");
  journal = Journal.open(store);
});
afterEach(() => journal.close());

describe("hub publications in the trade lifecycle (their own kind, keyed by the hub nonce)", () => {
  it("moves a publication proved → signed → executed, each later step marked of: publication", () => {
    journal.trades.publicationProved(0n, SIGNALS, PUBLICATION);
    journal.trades.signed({ traderNonce: 0n, txHash: TX, rawTx: "0x02", accountNonce: 3, of: "publication" });
    journal.trades.executed(TX, RECEIPT);
    const [proved, signed, confirmed] = journal.records();
    expect(proved).to.deep.include({ kind: "proved", traderNonce: "0", publication: PUBLICATION });
    expect(signed).to.include({ kind: "signed", of: "publication" });
    expect(confirmed).to.include({ kind: "confirmed", status: "executed", of: "publication" });
    expect(journal.publications()).to.deep.equal([
      {
        id: 0,
        hubNonce: "0",
        state: "executed",
        txHash: TX,
        blockNumber: 9,
        gasUsed: "301000",
        publication: PUBLICATION,
      },
    ]);
    // a publication is not a trade: the trade ledger does not count it
    expect(journal.summary().executedTrades).to.equal(0);
    expect(journal.lastExecutedNonce()).to.equal(undefined);
  });

  it("keeps a trade and a publication at the same nonce apart, and refuses a second open publication for a hub nonce", () => {
    journal.trades.proved(0n, SIGNALS);
    journal.trades.publicationProved(0n, SIGNALS, PUBLICATION);
    expect(() => journal.trades.publicationProved(0n, SIGNALS, PUBLICATION)).to.throw(IllegalTransitionError);
    journal.trades.signed({ traderNonce: 0n, txHash: TX, rawTx: "0x02", accountNonce: 3, of: "publication" });
    journal.trades.signed({ traderNonce: 0n, txHash: TRADE_TX, rawTx: "0x03", accountNonce: 4 });
    expect(journal.openTrades().openSends.map((s) => [s.txHash, s.of])).to.deep.equal([
      [TRADE_TX, undefined],
      [TX, "publication"],
    ]);
    journal.trades.executed(TRADE_TX, RECEIPT);
    journal.trades.executed(TX, RECEIPT);
    expect(journal.summary().executedTrades).to.equal(1);
    expect(journal.publishedFrom(0n).map((p) => p.txHash)).to.deep.equal([TX]);
  });

  it("abandons a publication proved but never signed at recovery, by its kind", async () => {
    journal.trades.publicationProved(2n, SIGNALS, PUBLICATION);
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {}, debug: () => {} };
    await reconcile(journal, {} as never, log as never);
    expect(journal.publications()[0]).to.include({ state: "abandoned" });
    expect(journal.records().at(-1)).to.include({ kind: "abandoned", of: "publication" });
    expect(warnings[0]).to.match(/publication for hub nonce 2 was never sent/);
  });

  it("journals the hub path's cache hits and own-vault follows as activity", () => {
    journal.append({ kind: "hub-cached", tick: 1, roundId: "30", keys: ["0x01"], verifiedAt: ["1700000000"] });
    journal.append({
      kind: "hub-follow",
      tick: 1,
      roundId: "30",
      key: "0x01",
      status: "refused",
      reason: "NothingToFollow",
    });
    expect(journal.last("hub-cached")).to.include({ roundId: "30" });
    expect(journal.last("hub-follow")).to.include({ status: "refused" });
  });

  it("a journal of layout 2 gains publications at the next start, keeping its trades", () => {
    journal.trades.proved(0n, SIGNALS);
    journal.close();
    const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as typeof import("node:sqlite");
    const old = new DatabaseSync(store);
    old.exec(`DROP INDEX trades_publications; DROP INDEX trades_one_open_per_nonce; DROP INDEX trades_one_execution_per_nonce;
      ALTER TABLE trades DROP COLUMN publication; ALTER TABLE trades DROP COLUMN kind;
      CREATE UNIQUE INDEX trades_one_open_per_nonce ON trades (trader_nonce) WHERE state IN ('proved', 'signed', 'reorged');
      CREATE UNIQUE INDEX trades_one_execution_per_nonce ON trades (trader_nonce) WHERE state = 'executed';
      PRAGMA user_version = 2;`);
    old.close();
    const view = JournalView.openReadOnly(store)!;
    expect(view.publications()).to.deep.equal([]); // read-only: shown as it is, not migrated
    expect(view.ledger().openProofs).to.deep.equal([{ trade: 0, traderNonce: "0" }]);
    view.close();
    journal = Journal.open(store);
    expect(journal.ledger().openProofs).to.deep.equal([{ trade: 0, traderNonce: "0" }]);
    journal.trades.publicationProved(0n, SIGNALS, PUBLICATION);
    expect(journal.publications()).to.have.length(1);
  });
});
