import { IllegalTransitionError, JournalError } from "../errors.ts";
import {
  insertEvent,
  type ClaimSettlement,
  type JournalRecord,
  type Stamp,
  type StoredClaim,
  type StoredProof,
  type StoredPublication,
  type TradeEntry,
} from "./events.ts";
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
 *
 * A hub publication (publishSignal; the hub path) moves through the same states under its own
 * kind, keyed by the publisher's hub nonce: "executed" is "published" (the hub verified and cached
 * it), and a reorganisation that undoes it re-sends the same signed bytes.
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

/**
 * Where an optimistic trade's claim stands, once its trade executed (a second dimension of the same
 * trade row; a verified trade has none). A reorganisation that undoes the trade takes its claim
 * with it: the claim is opened again when the same bytes execute again.
 *
 *   (none) ──► open ──► challenged ──► proven | slashed
 *               ├─────► proven      (settled early with its proof)
 *               └─────► finalized   (unchallenged past the window: trusted economically, not proven)
 */
export type ClaimState = "open" | "challenged" | "proven" | "finalized" | "slashed";

/** Every legal move of a claim ("none": the executed trade has no claim recorded yet). */
export const CLAIM_TRANSITIONS: Readonly<Record<ClaimState | "none", readonly ClaimState[]>> = {
  none: ["open"],
  open: ["challenged", "proven", "finalized"],
  challenged: ["proven", "slashed"],
  proven: [],
  finalized: [],
  slashed: [],
};

/** Claims that still need the agent (an answer, a finalisation, a settlement). */
export const OPEN_CLAIM_STATES: readonly ClaimState[] = ["open", "challenged"];

/** States in which a trade still needs the agent: no second trade for its nonce until it leaves them. */
export const OPEN_STATES: readonly TradeState[] = ["proved", "signed", "reorged"];

/** The receipt of a mined transaction, reverted or not: what it cost and where. */
export interface MinedReceipt {
  gasUsed: bigint;
  blockNumber: number;
}

/** A row of the trades table: a trade, or a hub publication (its nonce the publisher's hub nonce). */
export type TradeKind = "trade" | "publication";

interface TradeRow {
  id: number;
  kind: TradeKind;
  traderNonce: string;
  state: TradeState;
  txHash: string | null;
  path: "verified" | "optimistic";
  claimId: string | null;
  claimState: ClaimState | null;
}

type ClaimEntry = Extract<TradeEntry, { kind: `claim-${string}` }>;
type StepEntry = Exclude<TradeEntry, ClaimEntry>;

const isClaimEntry = (entry: TradeEntry): entry is ClaimEntry => entry.kind.startsWith("claim-");

const stateAfter = (entry: StepEntry): TradeState =>
  entry.kind === "confirmed" ? entry.status : entry.kind === "superseded" ? "superseded" : entry.kind;

const claimStateAfter = (entry: ClaimEntry): ClaimState =>
  entry.kind === "claim-opened"
    ? "open"
    : entry.kind === "claim-challenged"
      ? "challenged"
      : entry.kind === "claim-slashed"
        ? "slashed"
        : entry.how;

const ROW_COLUMNS = "id, kind, trader_nonce, state, tx_hash, path, claim_id, claim_state";

/** The kind a step moves: a proof names it by its publication, later steps by `of`. */
const kindOf = (entry: StepEntry): TradeKind =>
  (entry.kind === "proved" ? entry.publication !== undefined : entry.of === "publication") ? "publication" : "trade";

/** `of: "publication"` on a publication's later steps, nothing on a trade's. */
const ofKind = (kind: TradeKind) => (kind === "publication" ? { of: "publication" as const } : {});

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

  /**
   * A proof for `traderNonce` exists: a new trade. Refused while another trade for the nonce is
   * open. On the optimistic path the proof itself is kept (before anything is sent, so no claim can
   * exist without the proof that answers it).
   */
  proved(
    traderNonce: bigint | string,
    publicSignals: readonly (bigint | string)[],
    optimistic?: { proof: StoredProof },
  ): JournalRecord {
    return this.apply({
      kind: "proved",
      traderNonce: nonceOf(traderNonce),
      publicSignals: publicSignals.map(String),
      ...(optimistic ? { path: "optimistic" as const, proof: optimistic.proof } : {}),
    });
  }

  /**
   * Hub path: a signal proof bound to the publisher's `hubNonce` exists: a new publication, what it
   * states kept beside it. Refused while another publication for the hub nonce is open.
   */
  publicationProved(
    hubNonce: bigint | string,
    publicSignals: readonly (bigint | string)[],
    publication: StoredPublication,
  ): JournalRecord {
    return this.apply({
      kind: "proved",
      traderNonce: nonceOf(hubNonce),
      publicSignals: publicSignals.map(String),
      publication,
    });
  }

  /** The lane opened the claim of the optimistic trade executed by `txHash` (from its ClaimOpened log). */
  claimOpened(txHash: string, claimId: string, claim: StoredClaim): JournalRecord {
    const row = this.byHash(txHash, "claim open");
    return this.apply({ kind: "claim-opened", traderNonce: row.traderNonce, txHash, claimId, claim });
  }

  /** Someone challenged the claim; the agent must prove it by `responseDeadline` (seconds). */
  claimChallenged(claimId: string, challenger: string, responseDeadline: bigint): JournalRecord {
    const row = this.byClaim(claimId, "challenged");
    return this.apply({
      kind: "claim-challenged",
      traderNonce: row.traderNonce,
      claimId,
      challenger,
      responseDeadline: responseDeadline.toString(),
    });
  }

  /** The claim was proven or finalised on the lane. */
  claimSettled(
    claimId: string,
    how: ClaimSettlement,
    details: { settledBy?: string; challengeBondWon?: bigint } = {},
  ): JournalRecord {
    const row = this.byClaim(claimId, how);
    return this.apply({
      kind: "claim-settled",
      traderNonce: row.traderNonce,
      claimId,
      how,
      ...(details.settledBy ? { settledBy: details.settledBy } : {}),
      ...(details.challengeBondWon === undefined ? {} : { challengeBondWon: details.challengeBondWon.toString() }),
    });
  }

  /** The claim was challenged and not proven in time: the agent's bond for this vault is gone. */
  claimSlashed(claimId: string, settledBy?: string): JournalRecord {
    const row = this.byClaim(claimId, "slashed");
    return this.apply({
      kind: "claim-slashed",
      traderNonce: row.traderNonce,
      claimId,
      ...(settledBy ? { settledBy } : {}),
    });
  }

  /** The proof's transaction is signed; called before it is broadcast, so a crash after it loses nothing. */
  signed(send: {
    traderNonce: bigint | string;
    txHash: string;
    rawTx: string;
    accountNonce: number;
    of?: "publication";
  }): JournalRecord {
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
  abandoned(
    trade: { txHash: string } | { traderNonce: bigint | string; of?: "publication" },
    reason: string,
  ): JournalRecord {
    if ("txHash" in trade) {
      const row = this.byHash(trade.txHash, "abandoned");
      return this.apply({
        kind: "abandoned",
        traderNonce: row.traderNonce,
        txHash: trade.txHash,
        reason,
        ...ofKind(row.kind),
      });
    }
    return this.apply({
      kind: "abandoned",
      traderNonce: nonceOf(trade.traderNonce),
      reason,
      ...(trade.of ? { of: trade.of } : {}),
    });
  }

  /** A newer oracle round landed before inclusion (nothing was sent); the next round proves afresh. */
  superseded(traderNonce: bigint | string, reason: string, of?: "publication"): JournalRecord {
    return this.apply({ kind: "superseded", traderNonce: nonceOf(traderNonce), reason, ...(of ? { of } : {}) });
  }

  /** An executed trade is no longer on chain; its signed transaction is open again (the same bytes are re-sent). */
  reorged(txHash: string): JournalRecord {
    const row = this.byHash(txHash, "reorged");
    return this.apply({ kind: "reorged", traderNonce: row.traderNonce, txHash, ...ofKind(row.kind) });
  }

  /**
   * Applies one lifecycle event: the single place where a trade's state changes. `stamp` keeps an
   * imported record's place, time and checksum.
   */
  apply(entry: TradeEntry, stamp?: Stamp): JournalRecord {
    const run = () => {
      if (isClaimEntry(entry)) return this.applyClaim(entry, stamp);
      const to = stateAfter(entry);
      const kind = kindOf(entry);
      if (entry.kind === "proved") {
        const open = this.openFor(entry.traderNonce, kind);
        if (open) throw new IllegalTransitionError(describe(open), open.state, "proved (a second proof for the nonce)");
        if (entry.path === "optimistic" && !entry.proof) {
          throw new JournalError(`an optimistic trade for nonce ${entry.traderNonce} needs its proof journaled`);
        }
        const record = insertEvent(this.db, entry, "new", stamp);
        this.db
          .prepare(
            "INSERT INTO trades (id, trader_nonce, state, updated, path, proof, kind, publication) VALUES (?, ?, 'proved', ?, ?, ?, ?, ?)",
          )
          .run(
            record.seq,
            Number(entry.traderNonce),
            record.seq,
            entry.path ?? "verified",
            entry.proof ? JSON.stringify({ proof: entry.proof, publicSignals: entry.publicSignals }) : null,
            kind,
            entry.publication ? JSON.stringify(entry.publication) : null,
          );
        return record;
      }
      const row =
        "txHash" in entry && entry.kind !== "signed" && entry.txHash !== undefined
          ? this.byHash(entry.txHash, to)
          : this.openFor(entry.traderNonce, kind);
      if (!row) throw new IllegalTransitionError(`trader nonce ${entry.traderNonce}`, "no open proof", to);
      if (!TRADE_TRANSITIONS[row.state].includes(to)) throw new IllegalTransitionError(describe(row), row.state, to);
      if (to === "executed") {
        const other = this.db
          .prepare("SELECT id FROM trades WHERE kind = ? AND trader_nonce = ? AND state = 'executed' AND id != ?")
          .get(row.kind, Number(row.traderNonce), row.id);
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
      if (to === "reorged" && row.claimState !== null) {
        // the claim left the chain with the trade; it is opened again when the same bytes execute
        this.db
          .prepare("UPDATE trades SET claim = NULL, claim_state = NULL, response_deadline = NULL WHERE id = ?")
          .run(row.id);
      }
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

  /** A claim step: validated against CLAIM_TRANSITIONS, written with its event in one transaction. */
  private applyClaim(entry: ClaimEntry, stamp?: Stamp): JournalRecord {
    const to = claimStateAfter(entry);
    const row =
      entry.kind === "claim-opened" ? this.byHash(entry.txHash, "claim open") : this.byClaim(entry.claimId, to);
    const from = row.claimState ?? "none";
    if (row.path !== "optimistic" || row.state !== "executed") {
      throw new IllegalTransitionError(describe(row), `${row.path} trade ${row.state}`, `claim ${to}`);
    }
    if (!CLAIM_TRANSITIONS[from].includes(to))
      throw new IllegalTransitionError(describe(row), `claim ${from}`, `claim ${to}`);
    const record = insertEvent(this.db, entry, row.id, stamp);
    this.db
      .prepare(
        `UPDATE trades SET claim_state = :to, updated = :seq,
           claim_id = coalesce(:claimId, claim_id), claim = coalesce(:claim, claim),
           response_deadline = coalesce(:responseDeadline, response_deadline)
         WHERE id = :id`,
      )
      .run({
        id: row.id,
        to,
        seq: record.seq,
        claimId: entry.kind === "claim-opened" ? entry.claimId : null,
        claim: entry.kind === "claim-opened" ? JSON.stringify(entry.claim) : null,
        responseDeadline: entry.kind === "claim-challenged" ? Number(entry.responseDeadline) : null,
      });
    return record;
  }

  private byClaim(claimId: string, to: string): TradeRow {
    const row = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM trades WHERE claim_id = ?`).get(claimId);
    if (!row) throw new IllegalTransitionError(`claim ${claimId}`, "never opened", `claim ${to}`);
    return rowOf(row);
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
      ...ofKind(row.kind),
    };
  }

  private byHash(txHash: string, to: string): TradeRow {
    const row = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM trades WHERE tx_hash = ?`).get(txHash);
    if (!row) throw new IllegalTransitionError(`transaction ${txHash}`, "never signed", to);
    return rowOf(row);
  }

  private openFor(traderNonce: string, kind: TradeKind): TradeRow | undefined {
    const row = this.db
      .prepare(
        `SELECT ${ROW_COLUMNS} FROM trades WHERE kind = ? AND trader_nonce = ? AND state IN ('proved', 'signed', 'reorged')`,
      )
      .get(kind, Number(traderNonce));
    return row ? rowOf(row) : undefined;
  }
}

function rowOf(row: Record<string, unknown>): TradeRow {
  return {
    id: Number(row.id),
    kind: row.kind === "publication" ? "publication" : "trade",
    traderNonce: String(row.trader_nonce),
    state: row.state as TradeState,
    txHash: row.tx_hash === null ? null : String(row.tx_hash),
    path: row.path === "optimistic" ? "optimistic" : "verified",
    claimId: row.claim_id === null || row.claim_id === undefined ? null : String(row.claim_id),
    claimState: (row.claim_state ?? null) as ClaimState | null,
  };
}

const describe = (row: TradeRow) =>
  row.kind === "publication"
    ? `publication #${row.id} (hub nonce ${row.traderNonce}${row.txHash ? `, tx ${row.txHash}` : ""})`
    : `trade #${row.id} (trader nonce ${row.traderNonce}${row.txHash ? `, tx ${row.txHash}` : ""})`;
