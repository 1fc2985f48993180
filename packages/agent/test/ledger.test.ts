import { expect } from "chai";

import { ledgerOf, type JournalRecord } from "../src/index.ts";

let seq = 0;
const at = "2026-11-21T00:00:00.000Z";
const r = (entry: Record<string, unknown>) => ({ ...entry, seq: seq++, at }) as unknown as JournalRecord;
const signed = (traderNonce: string, txHash: string, accountNonce = 0) =>
  r({ kind: "signed", traderNonce, txHash, rawTx: `0xraw${txHash}`, accountNonce });
const confirmed = (traderNonce: string, txHash: string, status: "executed" | "reverted", blockNumber = 1) =>
  r({ kind: "confirmed", traderNonce, txHash, status, gasUsed: "1", blockNumber });

describe("the journal's ledger", () => {
  it("a nonce whose first transaction reverted is signed again; the second stays open until it settles", () => {
    const records = [
      r({ kind: "proved", traderNonce: "0", publicSignals: [] }),
      signed("0", "0xa"),
      confirmed("0", "0xa", "reverted"),
      r({ kind: "proved", traderNonce: "0", publicSignals: [] }),
      signed("0", "0xb", 1),
    ];
    const ledger = ledgerOf(records);
    expect(ledger.openSends.map((s) => s.txHash)).to.deep.equal(["0xb"]);
    expect(ledger.openProofs).to.have.length(0);
    expect(ledger.executed.size).to.equal(0);
    expect(ledgerOf([...records, confirmed("0", "0xb", "executed")]).executed.get("0")?.txHash).to.equal("0xb");
  });

  it("a proof with no signed transaction is open until abandoned", () => {
    const proved = r({ kind: "proved", traderNonce: "3", publicSignals: [] });
    expect(ledgerOf([proved]).openProofs).to.deep.equal([proved]);
    const abandoned = r({ kind: "abandoned", traderNonce: "3", reason: "simulation reverted" });
    expect(ledgerOf([proved, abandoned]).openProofs).to.have.length(0);
  });

  it("a reorganisation reopens the executed trade's signed transaction", () => {
    const records = [signed("0", "0xa"), confirmed("0", "0xa", "executed", 7)];
    expect(ledgerOf(records).executed.get("0")).to.deep.equal({ txHash: "0xa", blockNumber: 7 });
    const reorged = ledgerOf([...records, r({ kind: "reorged", traderNonce: "0", txHash: "0xa" })]);
    expect(reorged.executed.size).to.equal(0);
    expect(reorged.openSends.map((s) => s.txHash)).to.deep.equal(["0xa"]);
  });

  it("a transaction abandoned by hash (its account nonce taken) is no longer open", () => {
    const records = [
      signed("0", "0xa"),
      r({ kind: "abandoned", traderNonce: "0", txHash: "0xa", reason: "account nonce 0 was used" }),
    ];
    expect(ledgerOf(records).openSends).to.have.length(0);
  });
});
