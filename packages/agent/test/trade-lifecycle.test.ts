import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { TransactionReceipt } from "ethers";

import {
  IllegalTransitionError,
  Journal,
  JournalError,
  memoryLogger,
  reconcile,
  TRADE_TRANSITIONS,
  TradeRevertedError,
  type TradeState,
  type TraderClient,
} from "../src/index.ts";

const TX = `0x${"ab".repeat(32)}`;
const OTHER_TX = `0x${"cd".repeat(32)}`;
const RECEIPT = { gasUsed: 48_213n, blockNumber: 1_234 };

let journal: Journal;
beforeEach(() => {
  journal = Journal.open(join(mkdtempSync(join(tmpdir(), "zkagent-lifecycle-")), "journal.sqlite"));
});
afterEach(() => journal.close());

/** Drives a fresh trade for nonce 0 into `state` by legal steps. */
function tradeIn(state: TradeState): void {
  const { trades } = journal;
  trades.proved(0n, []);
  if (state === "proved") return;
  if (state === "abandoned") return void trades.abandoned({ traderNonce: 0n }, "test");
  if (state === "superseded") return void trades.superseded(0n, "RoundSuperseded(1, 2)");
  trades.signed({ traderNonce: 0n, txHash: TX, rawTx: "0x02", accountNonce: 0 });
  if (state === "signed") return;
  if (state === "reverted") return void trades.reverted(TX, RECEIPT, "Paused()");
  trades.executed(TX, RECEIPT);
  if (state === "reorged") trades.reorged(TX);
}

/** Asks the lifecycle to move the trade (nonce 0, TX once signed) to `to`. */
function moveTo(to: TradeState): void {
  const { trades } = journal;
  if (to === "proved") trades.proved(0n, []);
  else if (to === "signed") trades.signed({ traderNonce: 0n, txHash: OTHER_TX, rawTx: "0x02", accountNonce: 1 });
  else if (to === "executed") trades.executed(TX, RECEIPT);
  else if (to === "reverted") trades.reverted(TX, RECEIPT);
  else if (to === "abandoned") trades.abandoned({ txHash: TX }, "test");
  else if (to === "superseded") trades.superseded(0n, "test");
  else trades.reorged(TX);
}

const STATES = Object.keys(TRADE_TRANSITIONS) as TradeState[];

describe("a trade's lifecycle (one module validates every move)", () => {
  describe("refuses every move the lifecycle does not allow, and writes nothing", () => {
    for (const from of STATES) {
      for (const to of STATES) {
        if (TRADE_TRANSITIONS[from].includes(to)) continue;
        // A new proof after a settled trade is a new trade, not a move of the old one.
        if (to === "proved" && ["executed", "reverted", "abandoned", "superseded"].includes(from)) continue;
        // Abandoning a proof by nonce (it has no hash yet) is the legal path from proved.
        if (from === "proved" && to === "abandoned") continue;
        it(`${from} → ${to}`, () => {
          tradeIn(from);
          const before = journal.records().length;
          const error = (() => {
            try {
              moveTo(to);
            } catch (e) {
              return e;
            }
          })();
          expect(error, `${from} → ${to} was allowed`).to.be.instanceOf(IllegalTransitionError);
          expect(journal.records()).to.have.length(before);
        });
      }
    }
  });

  it("names the trade, its state and the refused move", () => {
    tradeIn("executed");
    expect(() => journal.trades.reverted(TX, RECEIPT)).to.throw(
      IllegalTransitionError,
      `journal: trade #0 (trader nonce 0, tx ${TX}) cannot go from executed to reverted; nothing was written`,
    );
  });

  it("refuses to settle, abandon or reorg a transaction that was never signed", () => {
    expect(() => journal.trades.executed(TX, RECEIPT)).to.throw(IllegalTransitionError, /never signed/);
    expect(() => journal.trades.abandoned({ txHash: TX }, "x")).to.throw(IllegalTransitionError, /never signed/);
    expect(() => journal.trades.reorged(TX)).to.throw(IllegalTransitionError, /never signed/);
    expect(() => journal.trades.signed({ traderNonce: 5n, txHash: TX, rawTx: "0x02", accountNonce: 0 })).to.throw(
      IllegalTransitionError,
      /trader nonce 5 cannot go from no open proof to signed/,
    );
  });

  it("refuses a second execution of a nonce, even by another trade", () => {
    tradeIn("executed");
    journal.trades.reorged(TX);
    journal.trades.abandoned({ txHash: TX }, "account nonce taken");
    journal.trades.proved(0n, []);
    journal.trades.signed({ traderNonce: 0n, txHash: OTHER_TX, rawTx: "0x02", accountNonce: 1 });
    journal.trades.executed(OTHER_TX, RECEIPT); // legal: the first was abandoned, not executed
    expect(journal.ledger().executed.get("0")?.txHash).to.equal(OTHER_TX);
  });

  it("proves a nonce again once its trade reverted, was refused or was superseded", () => {
    for (const end of ["reverted", "abandoned", "superseded"] as const) {
      journal.close();
      journal = Journal.open(join(mkdtempSync(join(tmpdir(), "zkagent-lifecycle-")), "journal.sqlite"));
      tradeIn(end);
      expect(() => journal.trades.proved(0n, []), end).not.to.throw();
    }
  });

  describe("a mined revert keeps its receipt", () => {
    it("journals the gas used and the block of a reverted transaction", () => {
      tradeIn("signed");
      const record = journal.trades.reverted(TX, RECEIPT, "Paused()");
      expect(record).to.deep.include({
        kind: "confirmed",
        status: "reverted",
        txHash: TX,
        gasUsed: "48213",
        blockNumber: 1_234,
        reason: "Paused()",
      });
      expect(journal.summary().lastTrades.at(-1)).to.deep.include({ gasUsed: "48213", blockNumber: 1_234 });
    });

    it("refuses an outcome with no real receipt (gas 0, block 0)", () => {
      tradeIn("signed");
      expect(() => journal.trades.reverted(TX, { gasUsed: 0n, blockNumber: 0 })).to.throw(
        JournalError,
        /needs its receipt/,
      );
      expect(journal.openTrades().openSends).to.have.length(1);
    });

    it("recovery keeps the receipt of a revert it finds on chain", async () => {
      tradeIn("signed");
      const receipt = { status: 0, gasUsed: 61_000n, blockNumber: 88 } as unknown as TransactionReceipt;
      const client = {
        receipt: async () => null,
        minedAccountNonce: async () => 0,
        submit: async () => "sent" as const,
        confirm: async (txHash: string) => {
          throw new TradeRevertedError("reverted on-chain", txHash, false, receipt);
        },
      } as unknown as TraderClient;
      expect(await reconcile(journal, client, memoryLogger())).to.equal(0);
      expect(journal.records().at(-1)).to.deep.include({
        kind: "confirmed",
        status: "reverted",
        gasUsed: "61000",
        blockNumber: 88,
      });
    });

    it("recovery leaves a revert without a receipt open, to read the receipt next tick", async () => {
      tradeIn("signed");
      const client = {
        receipt: async () => null,
        minedAccountNonce: async () => 0,
        submit: async () => "sent" as const,
        confirm: async () => {
          throw new TradeRevertedError("reverted", TX);
        },
      } as unknown as TraderClient;
      await reconcile(journal, client, memoryLogger());
      expect(journal.openTrades().openSends.map((s) => s.txHash)).to.deep.equal([TX]);
    });
  });
});
