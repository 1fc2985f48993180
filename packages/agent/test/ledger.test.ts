import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { Journal } from "../src/index.ts";

const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const mined = (blockNumber = 1) => ({ gasUsed: 21_000n, blockNumber });

let journal: Journal;
beforeEach(() => {
  journal = Journal.open(join(mkdtempSync(join(tmpdir(), "zkagent-ledger-")), "journal.sqlite"));
});
afterEach(() => journal.close());

/** A proof for `nonce` and its signed transaction `hash`. */
function signed(nonce: bigint, hash: string, accountNonce = 0) {
  journal.trades.proved(nonce, []);
  journal.trades.signed({ traderNonce: nonce, txHash: hash, rawTx: `0x02${hash.slice(2)}`, accountNonce });
}

describe("the journal's ledger (read from the trades table, not re-folded)", () => {
  it("a nonce whose first transaction reverted is signed again; the second stays open until it settles", () => {
    signed(0n, tx(0xa));
    journal.trades.reverted(tx(0xa), mined());
    signed(0n, tx(0xb), 1);
    const ledger = journal.ledger();
    expect(ledger.openSends.map((s) => s.txHash)).to.deep.equal([tx(0xb)]);
    expect(ledger.openProofs).to.have.length(0);
    expect(ledger.executed.size).to.equal(0);
    journal.trades.executed(tx(0xb), mined(2));
    expect(journal.ledger().executed.get("0")?.txHash).to.equal(tx(0xb));
  });

  it("a proof with no signed transaction is open until abandoned", () => {
    journal.trades.proved(3n, []);
    expect(journal.ledger().openProofs).to.deep.equal([{ trade: 0, traderNonce: "3" }]);
    journal.trades.abandoned({ traderNonce: 3n }, "simulation reverted");
    expect(journal.ledger().openProofs).to.have.length(0);
    expect(journal.hasOpenTrades()).to.equal(false);
  });

  it("a reorganisation reopens the executed trade's signed transaction", () => {
    signed(0n, tx(0xa));
    journal.trades.executed(tx(0xa), mined(7));
    expect(journal.ledger().executed.get("0")).to.deep.equal({ txHash: tx(0xa), blockNumber: 7 });
    journal.trades.reorged(tx(0xa));
    const reorged = journal.ledger();
    expect(reorged.executed.size).to.equal(0);
    expect(reorged.openSends.map((s) => [s.txHash, s.state])).to.deep.equal([[tx(0xa), "reorged"]]);
    journal.trades.executed(tx(0xa), mined(9)); // the same bytes, mined again
    expect(journal.ledger().executed.get("0")).to.deep.equal({ txHash: tx(0xa), blockNumber: 9 });
  });

  it("a transaction abandoned by hash (its account nonce taken) is no longer open", () => {
    signed(0n, tx(0xa));
    journal.trades.abandoned({ txHash: tx(0xa) }, "account nonce 0 was used");
    expect(journal.ledger().openSends).to.have.length(0);
  });

  it("finds the executed trades a reorganisation could have undone by index: those at or above the chain's nonce", () => {
    for (const n of [0n, 1n, 2n, 3n]) {
      signed(n, tx(Number(n) + 1));
      journal.trades.executed(tx(Number(n) + 1), mined(Number(n) + 1));
    }
    expect(journal.lastExecutedNonce()).to.equal(3n);
    expect([...journal.executedFrom(2n).keys()]).to.deep.equal(["2", "3"]);
    expect(journal.executedFrom(4n).size).to.equal(0);
  });

  it("counts for status without loading the trail: cycles, refusals, outages, open items, the last trades", () => {
    journal.append({
      kind: "cycle",
      tick: 0,
      roundId: "1",
      latestPrice: "1",
      movingAverage: "1",
      signal: "",
      verdict: "refused",
      rule: "BAND",
      timingsMs: {},
    });
    journal.append({ kind: "fault", message: "down" });
    signed(0n, tx(1));
    journal.trades.executed(tx(1), mined(5));
    signed(1n, tx(2), 1);
    const summary = journal.summary();
    expect(summary).to.deep.include({
      events: 7,
      cycles: 1,
      refusedByPolicy: 1,
      outages: 1,
      openSends: 1,
      openProofs: 0,
      executedTrades: 1,
    });
    expect(summary.lastTrades.map((r) => r.kind === "confirmed" && r.txHash)).to.deep.equal([tx(1)]);
  });
});
