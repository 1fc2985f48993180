import type { JournalRecord, StoredClaim, StoredProof, StoredPublication } from "./events.ts";
import type { DatabaseSync } from "./sqlite.ts";
import { OPEN_CLAIM_STATES, type ClaimState, type TradeState } from "./trade-lifecycle.ts";

/** Layout 3 and later keep hub publications beside trades (an older journal, read-only, has only trades). */
const hasKinds = (db: DatabaseSync) => Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0) >= 3;
/** `AND kind = 'trade'` where publications can exist. */
const tradesOnly = (db: DatabaseSync) => (hasKinds(db) ? " AND kind = 'trade'" : "");

/** A proof with no signed transaction and no outcome (a stop between proving and signing). */
export interface OpenProof {
  trade: number;
  traderNonce: string;
  /** A hub publication's proof (its `traderNonce` is the publisher's hub nonce). */
  of?: "publication";
}

/** A signed transaction with no outcome yet, or whose execution a reorganisation undid. */
export interface OpenSend {
  trade: number;
  traderNonce: string;
  txHash: string;
  rawTx: string;
  accountNonce: number;
  state: "signed" | "reorged";
  /** A hub publication's send (its `traderNonce` is the publisher's hub nonce). */
  of?: "publication";
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
      `SELECT id, trader_nonce, state, tx_hash, raw_tx, account_nonce, ${hasKinds(db) ? "kind" : "'trade' AS kind"} FROM trades WHERE state IN ('proved', 'signed', 'reorged') ORDER BY trader_nonce, id`,
    )
    .all();
  for (const row of rows) {
    const traderNonce = String(row.trader_nonce);
    const of = row.kind === "publication" ? { of: "publication" as const } : {};
    if (row.state === "proved") openProofs.push({ trade: Number(row.id), traderNonce, ...of });
    else
      openSends.push({
        trade: Number(row.id),
        traderNonce,
        txHash: String(row.tx_hash),
        rawTx: String(row.raw_tx),
        accountNonce: Number(row.account_nonce),
        state: row.state as OpenSend["state"],
        ...of,
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
      `SELECT trader_nonce, tx_hash, block_number FROM trades WHERE state = 'executed' AND trader_nonce >= ?${tradesOnly(db)} ORDER BY trader_nonce`,
    )
    .all(fromNonce > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(fromNonce));
  for (const row of rows) {
    executed.set(String(row.trader_nonce), { txHash: String(row.tx_hash), blockNumber: Number(row.block_number) });
  }
  return executed;
}

/** The highest trader nonce the journal holds as executed, if any. */
export function lastExecutedNonce(db: DatabaseSync): bigint | undefined {
  const row = db
    .prepare(`SELECT max(trader_nonce) AS nonce FROM trades WHERE state = 'executed'${tradesOnly(db)}`)
    .get();
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
    executedTrades: count(`SELECT count(*) AS n FROM trades WHERE state = 'executed'${tradesOnly(db)}`),
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

/** A hub publication as the journal holds it (the hub path). */
export interface JournaledPublication {
  id: number;
  /** The publisher's hub nonce the proof was bound to. */
  hubNonce: string;
  /** "executed": published (the hub verified and cached it). */
  state: TradeState;
  txHash?: string;
  blockNumber?: number;
  gasUsed?: string;
  reason?: string;
  publication: StoredPublication;
}

function publicationOf(row: Record<string, unknown>): JournaledPublication {
  return {
    id: Number(row.id),
    hubNonce: String(row.trader_nonce),
    state: row.state as TradeState,
    ...(row.tx_hash === null ? {} : { txHash: String(row.tx_hash) }),
    ...(row.block_number === null ? {} : { blockNumber: Number(row.block_number) }),
    ...(row.gas_used === null ? {} : { gasUsed: String(row.gas_used) }),
    ...(row.reason === null ? {} : { reason: String(row.reason) }),
    publication: JSON.parse(String(row.publication)) as StoredPublication,
  };
}

const PUBLICATION_COLUMNS = "id, trader_nonce, state, tx_hash, block_number, gas_used, reason, publication";

/** The last `limit` publications, oldest first (none before layout 3). */
export function publicationsOf(db: DatabaseSync, limit = 10): JournaledPublication[] {
  if (!hasKinds(db)) return [];
  return db
    .prepare(`SELECT ${PUBLICATION_COLUMNS} FROM trades WHERE kind = 'publication' ORDER BY id DESC LIMIT ?`)
    .all(limit)
    .map(publicationOf)
    .reverse();
}

/** Published (executed) publications at hub nonce `fromNonce` or above: those a reorganisation could have undone. */
export function publishedFrom(db: DatabaseSync, fromNonce: bigint): JournaledPublication[] {
  if (!hasKinds(db)) return [];
  return db
    .prepare(
      `SELECT ${PUBLICATION_COLUMNS} FROM trades WHERE kind = 'publication' AND state = 'executed' AND trader_nonce >= ? ORDER BY trader_nonce`,
    )
    .all(fromNonce > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(fromNonce))
    .map(publicationOf);
}
