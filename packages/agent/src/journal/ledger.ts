import type { JournalRecord, StoredClaim, StoredProof } from "./events.ts";
import type { DatabaseSync } from "./sqlite.ts";
import { OPEN_CLAIM_STATES, type ClaimState } from "./trade-lifecycle.ts";

/** A proof with no signed transaction and no outcome (a stop between proving and signing). */
export interface OpenProof {
  trade: number;
  traderNonce: string;
}

/** A signed transaction with no outcome yet, or whose execution a reorganisation undid. */
export interface OpenSend {
  trade: number;
  traderNonce: string;
  txHash: string;
  rawTx: string;
  accountNonce: number;
  state: "signed" | "reorged";
}

/** What the journal says about the agent's trades. */
export interface Ledger {
  openProofs: OpenProof[];
  openSends: OpenSend[];
  /** Trader nonce → the transaction that executed it, as far as the journal knows. */
  executed: Map<string, { txHash: string; blockNumber: number }>;
}

/** Counts and the last trades, for `zkagent status`: index reads, nothing loaded whole. */
export interface JournalSummary {
  events: number;
  cycles: number;
  refusedByPolicy: number;
  outages: number;
  reorgedTrades: number;
  openProofs: number;
  openSends: number;
  executedTrades: number;
  lastTrades: JournalRecord[];
}

/**
 * The ledger is read from the trades table, which trade-lifecycle.ts keeps in step with the trail
 * in the same transaction as each event: a few indexed rows per tick, however long the trail.
 */
export function openTradesOf(db: DatabaseSync): Pick<Ledger, "openProofs" | "openSends"> {
  const openProofs: OpenProof[] = [];
  const openSends: OpenSend[] = [];
  const rows = db
    .prepare(
      "SELECT id, trader_nonce, state, tx_hash, raw_tx, account_nonce FROM trades WHERE state IN ('proved', 'signed', 'reorged') ORDER BY trader_nonce, id",
    )
    .all();
  for (const row of rows) {
    const traderNonce = String(row.trader_nonce);
    if (row.state === "proved") openProofs.push({ trade: Number(row.id), traderNonce });
    else
      openSends.push({
        trade: Number(row.id),
        traderNonce,
        txHash: String(row.tx_hash),
        rawTx: String(row.raw_tx),
        accountNonce: Number(row.account_nonce),
        state: row.state as OpenSend["state"],
      });
  }
  return { openProofs, openSends };
}

export function hasOpenTrades(db: DatabaseSync): boolean {
  return db.prepare("SELECT 1 FROM trades WHERE state IN ('proved', 'signed', 'reorged') LIMIT 1").get() !== undefined;
}

/** Executed trades at trader nonce `fromNonce` or above (all of them by default), by nonce. */
export function executedOf(db: DatabaseSync, fromNonce = 0n): Ledger["executed"] {
  const executed: Ledger["executed"] = new Map();
  const rows = db
    .prepare(
      "SELECT trader_nonce, tx_hash, block_number FROM trades WHERE state = 'executed' AND trader_nonce >= ? ORDER BY trader_nonce",
    )
    .all(fromNonce > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(fromNonce));
  for (const row of rows) {
    executed.set(String(row.trader_nonce), { txHash: String(row.tx_hash), blockNumber: Number(row.block_number) });
  }
  return executed;
}

/** The highest trader nonce the journal holds as executed, if any. */
export function lastExecutedNonce(db: DatabaseSync): bigint | undefined {
  const row = db.prepare("SELECT max(trader_nonce) AS nonce FROM trades WHERE state = 'executed'").get();
  return row?.nonce === null || row?.nonce === undefined ? undefined : BigInt(Number(row.nonce));
}

export function summaryOf(db: DatabaseSync, lastTrades = 10): JournalSummary {
  const count = (sql: string, ...args: string[]) => Number(db.prepare(sql).get(...args)!.n);
  const byKind = (kind: string) => count("SELECT count(*) AS n FROM events WHERE kind = ?", kind);
  const inState = (...states: string[]) =>
    count(`SELECT count(*) AS n FROM trades WHERE state IN (${states.map(() => "?").join(", ")})`, ...states);
  return {
    events: count("SELECT count(*) AS n FROM events"),
    cycles: byKind("cycle"),
    refusedByPolicy: count("SELECT count(*) AS n FROM events WHERE kind = 'cycle' AND verdict = 'refused'"),
    outages: byKind("fault"),
    reorgedTrades: byKind("reorged"),
    openProofs: inState("proved"),
    openSends: inState("signed", "reorged"),
    executedTrades: inState("executed"),
    lastTrades: db
      .prepare("SELECT body FROM events WHERE kind = 'confirmed' ORDER BY seq DESC LIMIT ?")
      .all(lastTrades)
      .map((row) => JSON.parse(String(row.body)) as JournalRecord)
      .reverse(),
  };
}

/** An optimistic trade's claim as the journal holds it, with what answering it needs. */
export interface JournaledClaim {
  trade: number;
  traderNonce: string;
  txHash: string;
  claimId: string;
  claim: StoredClaim;
  state: ClaimState;
  /** When a challenge must be answered by (seconds), once challenged. */
  responseDeadline?: number;
  proof: StoredProof;
  publicSignals: string[];
}

/** An optimistic trade that executed but whose claim the journal has not recorded (a stop in between). */
export interface UnrecordedClaim {
  trade: number;
  traderNonce: string;
  txHash: string;
}

const CLAIM_COLUMNS = "id, trader_nonce, tx_hash, claim_id, claim, claim_state, response_deadline, proof";

function claimOf(row: Record<string, unknown>): JournaledClaim {
  const stored = JSON.parse(String(row.proof)) as { proof: StoredProof; publicSignals: string[] };
  return {
    trade: Number(row.id),
    traderNonce: String(row.trader_nonce),
    txHash: String(row.tx_hash),
    claimId: String(row.claim_id),
    claim: JSON.parse(String(row.claim)) as StoredClaim,
    state: row.claim_state as ClaimState,
    ...(row.response_deadline === null ? {} : { responseDeadline: Number(row.response_deadline) }),
    proof: stored.proof,
    publicSignals: stored.publicSignals,
  };
}

/** Claims in `states` (default: the open ones), oldest trade first. */
export function claimsOf(db: DatabaseSync, states: readonly ClaimState[] = OPEN_CLAIM_STATES): JournaledClaim[] {
  return db
    .prepare(
      `SELECT ${CLAIM_COLUMNS} FROM trades WHERE claim_state IN (${states.map(() => "?").join(", ")}) ORDER BY trader_nonce`,
    )
    .all(...states)
    .map(claimOf);
}

/** Executed optimistic trades with no claim recorded yet. */
export function unrecordedClaimsOf(db: DatabaseSync): UnrecordedClaim[] {
  return db
    .prepare(
      "SELECT id, trader_nonce, tx_hash FROM trades WHERE path = 'optimistic' AND state = 'executed' AND claim_state IS NULL ORDER BY trader_nonce",
    )
    .all()
    .map((row) => ({ trade: Number(row.id), traderNonce: String(row.trader_nonce), txHash: String(row.tx_hash) }));
}

/** How many claims the journal holds in each state. */
export function claimCountsOf(db: DatabaseSync): Record<ClaimState, number> {
  const counts: Record<ClaimState, number> = { open: 0, challenged: 0, proven: 0, finalized: 0, slashed: 0 };
  for (const row of db
    .prepare("SELECT claim_state, count(*) AS n FROM trades WHERE claim_state IS NOT NULL GROUP BY claim_state")
    .all()) {
    counts[row.claim_state as ClaimState] = Number(row.n);
  }
  return counts;
}
