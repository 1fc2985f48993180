import { IllegalTransitionError, JournalError } from "../errors.ts";
import { insertEvent, type JournalRecord, type Stamp, type TradeEntry } from "./events.ts";
import { inTransaction, type DatabaseSync } from "./sqlite.ts";

/**
 * Where a trade stands. A trade is one proof for one trader nonce; a nonce whose transaction
 * reverted (or was refused, or whose proof was superseded) is proved again as a new trade.
 *
 *   proved ──► signed ──► executed ──► reorged ──► executed | reverted | abandoned
 *     │          ├──────► reverted        (the same signed bytes are sent again)
 *     │          └──────► abandoned
 *     ├──► abandoned   (never signed: a stop, or the simulation reverted)
 *     └──► superseded  (a newer oracle round landed before inclusion)
 */
export type TradeState = "proved" | "signed" | "executed" | "reverted" | "abandoned" | "superseded" | "reorged";

/** Every legal move. Anything else is an IllegalTransitionError and writes nothing. */
export const TRADE_TRANSITIONS: Readonly<Record<TradeState, readonly TradeState[]>> = {
  proved: ["signed", "abandoned", "superseded"],
  signed: ["executed", "reverted", "abandoned"],
  executed: ["reorged"],
  reorged: ["executed", "reverted", "abandoned"],
  reverted: [],
  abandoned: [],
  superseded: [],
};

/** States in which a trade still needs the agent: no second trade for its nonce until it leaves them. */
export const OPEN_STATES: readonly TradeState[] = ["proved", "signed", "reorged"];

/** The receipt of a mined transaction, reverted or not: what it cost and where. */
export interface MinedReceipt {
  gasUsed: bigint;
  blockNumber: number;
}

interface TradeRow {
  id: number;
  traderNonce: string;
  state: TradeState;
  txHash: string | null;
}

const stateAfter = (entry: TradeEntry): TradeState =>
  entry.kind === "confirmed" ? entry.status : entry.kind === "superseded" ? "superseded" : entry.kind;

/** A trader nonce as the journal stores it: a canonical decimal that fits SQLite's INTEGER exactly. */
function nonceOf(traderNonce: bigint | string): string {
  const nonce = BigInt(traderNonce);
  if (nonce < 0n || nonce > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new JournalError(`trader nonce ${traderNonce} is out of the journal's range (0 to 2^53 - 1)`);
  }
  return nonce.toString();
}

function assertMined(txHash: string, receipt: MinedReceipt): void {
  if (!Number.isSafeInteger(receipt.blockNumber) || receipt.blockNumber < 1 || receipt.gasUsed <= 0n) {
    throw new JournalError(
      `the outcome of ${txHash} needs its receipt (gas used ${receipt.gasUsed}, block ${receipt.blockNumber}): a mined transaction used gas in a block`,
    );
  }
}

/**
 * The only writer of a trade's state. Each method validates the move against TRADE_TRANSITIONS,
 * appends the event to the audit trail and updates the trade's row in one transaction: the trail
 * and the state cannot disagree, and an illegal move leaves both untouched. Outcomes are matched
 * by transaction hash, never by nonce alone.
 */
export class TradeLifecycle {
  constructor(private readonly db: DatabaseSync) {}

  /** A proof for `traderNonce` exists: a new trade. Refused while another trade for the nonce is open. */
  proved(traderNonce: bigint | string, publicSignals: readonly (bigint | string)[]): JournalRecord {
    return this.apply({ kind: "proved", traderNonce: nonceOf(traderNonce), publicSignals: publicSignals.map(String) });
  }

  /** The proof's transaction is signed; called before it is broadcast, so a crash after it loses nothing. */
  signed(send: { traderNonce: bigint | string; txHash: string; rawTx: string; accountNonce: number }): JournalRecord {
    return this.apply({ kind: "signed", ...send, traderNonce: nonceOf(send.traderNonce) });
  }

  /** The transaction was mined and the trade executed. */
  executed(txHash: string, receipt: MinedReceipt): JournalRecord {
    assertMined(txHash, receipt);
    return this.apply(this.confirmation(txHash, "executed", receipt));
  }

  /** The transaction was mined and reverted: it still cost gas in a block, which is kept. */
  reverted(txHash: string, receipt: MinedReceipt, reason?: string): JournalRecord {
    assertMined(txHash, receipt);
    return this.apply({ ...this.confirmation(txHash, "reverted", receipt), ...(reason ? { reason } : {}) });
  }

  /** The trade can never execute: by hash once signed, by nonce for a proof that was never signed. */
  abandoned(trade: { txHash: string } | { traderNonce: bigint | string }, reason: string): JournalRecord {
    if ("txHash" in trade) {
      const row = this.byHash(trade.txHash, "abandoned");
      return this.apply({ kind: "abandoned", traderNonce: row.traderNonce, txHash: trade.txHash, reason });
    }
    return this.apply({ kind: "abandoned", traderNonce: nonceOf(trade.traderNonce), reason });
  }

  /** A newer oracle round landed before inclusion (nothing was sent); the next round proves afresh. */
  superseded(traderNonce: bigint | string, reason: string): JournalRecord {
    return this.apply({ kind: "superseded", traderNonce: nonceOf(traderNonce), reason });
  }

  /** An executed trade is no longer on chain; its signed transaction is open again (the same bytes are re-sent). */
  reorged(txHash: string): JournalRecord {
    const row = this.byHash(txHash, "reorged");
    return this.apply({ kind: "reorged", traderNonce: row.traderNonce, txHash });
  }

  /**
   * Applies one lifecycle event: the single place where a trade's state changes. `stamp` keeps an
   * imported record's place, time and checksum.
   */
  apply(entry: TradeEntry, stamp?: Stamp): JournalRecord {
    const run = () => {
      const to = stateAfter(entry);
      if (entry.kind === "proved") {
        const open = this.openFor(entry.traderNonce);
        if (open) throw new IllegalTransitionError(describe(open), open.state, "proved (a second proof for the nonce)");
        const record = insertEvent(this.db, entry, "new", stamp);
        this.db
          .prepare("INSERT INTO trades (id, trader_nonce, state, updated) VALUES (?, ?, 'proved', ?)")
          .run(record.seq, Number(entry.traderNonce), record.seq);
        return record;
      }
      const row =
        "txHash" in entry && entry.kind !== "signed" && entry.txHash !== undefined
          ? this.byHash(entry.txHash, to)
          : this.openFor(entry.traderNonce);
      if (!row) throw new IllegalTransitionError(`trader nonce ${entry.traderNonce}`, "no open proof", to);
      if (!TRADE_TRANSITIONS[row.state].includes(to)) throw new IllegalTransitionError(describe(row), row.state, to);
      if (to === "executed") {
        const other = this.db
          .prepare("SELECT id FROM trades WHERE trader_nonce = ? AND state = 'executed' AND id != ?")
          .get(Number(row.traderNonce), row.id);
        if (other)
          throw new IllegalTransitionError(
            describe(row),
            row.state,
            `executed (trade #${other.id} executed the nonce)`,
          );
      }
      const record = insertEvent(this.db, entry, row.id, stamp);
      const update = this.db.prepare(
        `UPDATE trades SET state = :state, updated = :seq,
           tx_hash = coalesce(:txHash, tx_hash), raw_tx = coalesce(:rawTx, raw_tx),
           account_nonce = coalesce(:accountNonce, account_nonce),
           gas_used = :gasUsed, block_number = :blockNumber, reason = :reason
         WHERE id = :id`,
      );
      update.run({
        id: row.id,
        state: to,
        seq: record.seq,
        txHash: entry.kind === "signed" ? entry.txHash : null,
        rawTx: entry.kind === "signed" ? entry.rawTx : null,
        accountNonce: entry.kind === "signed" ? entry.accountNonce : null,
        gasUsed: entry.kind === "confirmed" ? entry.gasUsed : null,
        blockNumber: entry.kind === "confirmed" ? entry.blockNumber : null,
        reason: "reason" in entry && entry.reason !== undefined ? entry.reason : null,
      });
      return record;
    };
    return this.db.isTransaction ? run() : inTransaction(this.db, run);
  }

  private confirmation(txHash: string, status: "executed" | "reverted", receipt: MinedReceipt) {
    const row = this.byHash(txHash, status);
    return {
      kind: "confirmed" as const,
      traderNonce: row.traderNonce,
      txHash,
      status,
      gasUsed: receipt.gasUsed.toString(),
      blockNumber: receipt.blockNumber,
    };
  }

  private byHash(txHash: string, to: string): TradeRow {
    const row = this.db.prepare("SELECT id, trader_nonce, state, tx_hash FROM trades WHERE tx_hash = ?").get(txHash);
    if (!row) throw new IllegalTransitionError(`transaction ${txHash}`, "never signed", to);
    return rowOf(row);
  }

  private openFor(traderNonce: string): TradeRow | undefined {
    const row = this.db
      .prepare(
        "SELECT id, trader_nonce, state, tx_hash FROM trades WHERE trader_nonce = ? AND state IN ('proved', 'signed', 'reorged')",
      )
      .get(Number(traderNonce));
    return row ? rowOf(row) : undefined;
  }
}

function rowOf(row: Record<string, unknown>): TradeRow {
  return {
    id: Number(row.id),
    traderNonce: String(row.trader_nonce),
    state: row.state as TradeState,
    txHash: row.tx_hash === null ? null : String(row.tx_hash),
  };
}

const describe = (row: TradeRow) =>
  `trade #${row.id} (trader nonce ${row.traderNonce}${row.txHash ? `, tx ${row.txHash}` : ""})`;
