import { createHash } from "node:crypto";

import type { FederatedEntry } from "../federated/federated-entries.ts";
import type { DatabaseSync } from "./sqlite.ts";

/** What a cycle did, whatever happened to a trade: the audit trail's other half. */
export type ActivityEntry =
  | {
      kind: "cycle";
      tick: number;
      roundId: string;
      latestPrice: string;
      movingAverage: string;
      signal: string;
      verdict: "hold" | "compliant" | "refused" | "malformed" | "unavailable";
      rule?: string;
      reason?: string;
      timingsMs: Record<string, number>;
    }
  | { kind: "fault"; message: string }
  /** A tick on which the agent proved nothing because a scheduled governance change could land first. */
  | {
      kind: "governance-wait";
      tick: number;
      roundId: string;
      reason: string;
      changes: { id: string; readyAt: string; calls: string[] }[];
    }
  /** Optimistic path: a tick on which the agent proved and sent nothing because its free bond (or the lane's claim cap) could not cover the claim. */
  | {
      kind: "bond-hold";
      tick: number;
      roundId: string;
      traderNonce: string;
      action: string;
      size: string;
      worstLoss: string;
      required: string;
      free: string;
      pending: number;
      reason: string;
    }
  /**
   * A window not proven over (nothing proven or sent): its round is no longer the feed's latest, or
   * is too old to land before the policy's maxOracleAge (less the margin). `stage` "window": found
   * as the window was read, before inference; "before-proof": found after the decision, before proving.
   */
  | {
      kind: "stale-window";
      tick: number;
      roundId: string;
      stage: "window" | "before-proof";
      ageSeconds: string;
      maxOracleAge: string;
      marginSeconds: string;
      latestRoundId?: string;
      reason: string;
    }
  /**
   * A trade whose swap, quoted on the vault's pool before proving, broke the oracle bound the
   * trader enforces (the most a BUY may pay, the least a SELL must get): `resized` to the largest
   * size whose quote fits (proven as that size), or `skipped` (nothing proven or sent). A quote
   * that fits is not journaled: the trade goes on as decided.
   */
  | {
      kind: "quote";
      tick: number;
      roundId: string;
      action: "BUY" | "SELL";
      size: string;
      /** The quoter's answer for `size`: what the BUY would pay or the SELL get; absent if the pool cannot fill it. */
      quoted?: string;
      bound: string;
      outcome: "resized" | "skipped";
      resizedTo?: string;
      resizedQuote?: string;
      resizedBound?: string;
      /** Quoter calls made. */
      quotes: number;
      reason: string;
    }
  /** Optimistic path: the agent's bond account as the lane reported it, written when it changed. */
  | { kind: "bond"; total: string; locked: string; pending: number; withdrawable: string; slashed: boolean }
  /** Hub path: the hub already holds a verified signal under every key of this round's signal; nothing proven or sent. */
  | { kind: "hub-cached"; tick: number; roundId: string; keys: string[]; verifiedAt: string[] }
  /**
   * Hub path: the agent called followSignal on its own vault (`executed`, `reverted`), or did not
   * (`refused`: the simulation's reason, nothing sent). Not a lifecycle step: the vault follows a
   * round at most once (RoundAlreadyFollowed), so a re-sent or lost follow cannot trade twice.
   */
  | {
      kind: "hub-follow";
      tick: number;
      roundId: string;
      key: string;
      status: "executed" | "reverted" | "refused";
      txHash?: string;
      size?: string;
      reason?: string;
    }
  /**
   * Hub path, keeper (config `hub.keeper`): one FollowBatcher transaction executed this round's
   * signal for the vaults in `followed`; `skipped` were left out (a simulated refusal, nothing
   * sent for them) or skipped in the batch; `refused`: every due vault would refuse, nothing sent.
   * Not a lifecycle step, for the same reason as hub-follow.
   */
  | {
      kind: "hub-keeper";
      tick: number;
      roundId: string;
      status: "executed" | "reverted" | "refused";
      txHash?: string;
      followed: string[];
      skipped: { vault: string; reason: string }[];
      gasUsed?: string;
      reason?: string;
    };

/** A Groth16 proof as the contracts take it (pB's pairs already swapped), decimal strings. */
export interface StoredProof {
  a: [string, string];
  b: [[string, string], [string, string]];
  c: [string, string];
}

/** A claim's fields as the lane hashes them (OptimisticLane.Claim), decimal strings. */
export interface StoredClaim {
  trader: string;
  agent: string;
  nonce: string;
  signalsHash: string;
  verifier: string;
  worstLoss: string;
  challengeDeadline: string;
}

/**
 * What a hub publication states (SignalHub.publishSignal), decimal strings: the markets and, per
 * market, the key the hub caches its signal under (SignalHub.keyOf) and the signal itself.
 */
export interface StoredPublication {
  hub: string;
  marketIds: string[];
  thresholdBps: string;
  modelHash: string;
  markets: {
    key: string;
    feed: string;
    roundId: string;
    pricesCommitment: string;
    action: number;
    sizeBps: string;
  }[];
}

/** How a claim left the open states. */
export type ClaimSettlement = "proven" | "finalized";

/** One step of a trade's lifecycle (see trade-lifecycle.ts, the only writer of these). */
export type TradeEntry =
  /**
   * `path` "optimistic": sent with executeOptimistic; the proof is kept to answer a challenge.
   * `publication`: a hub signal (publishSignal), not a trade; its `traderNonce` is the publisher's
   * hub nonce, and every later step of it carries `of: "publication"`.
   */
  | {
      kind: "proved";
      traderNonce: string;
      publicSignals: string[];
      path?: "optimistic";
      proof?: StoredProof;
      publication?: StoredPublication;
    }
  | { kind: "signed"; traderNonce: string; txHash: string; rawTx: string; accountNonce: number; of?: "publication" }
  | {
      kind: "confirmed";
      traderNonce: string;
      txHash: string;
      status: "executed" | "reverted";
      gasUsed: string;
      blockNumber: number;
      reason?: string;
      of?: "publication";
    }
  /** A proof or signed transaction that can never execute (`txHash` when one was signed). */
  | { kind: "abandoned"; traderNonce: string; reason: string; txHash?: string; of?: "publication" }
  /** A newer oracle round landed between proving and inclusion; the next round is proved afresh. */
  | { kind: "superseded"; traderNonce: string; reason: string; of?: "publication" }
  /** An executed trade that a chain reorganisation removed; its signed bytes are sent again. */
  | { kind: "reorged"; traderNonce: string; txHash: string; of?: "publication" }
  /** An executed optimistic trade's claim, as its ClaimOpened log says (`txHash`: the trade). */
  | { kind: "claim-opened"; traderNonce: string; txHash: string; claimId: string; claim: StoredClaim }
  | { kind: "claim-challenged"; traderNonce: string; claimId: string; challenger: string; responseDeadline: string }
  /** Proven (by the agent's answer or early settlement, or by anyone) or finalised after the window. */
  | {
      kind: "claim-settled";
      traderNonce: string;
      claimId: string;
      how: ClaimSettlement;
      /** The lane transaction that settled it, if known. */
      settledBy?: string;
      /** The challenge bond the agent won, when a challenge was answered. */
      challengeBondWon?: string;
    }
  | { kind: "claim-slashed"; traderNonce: string; claimId: string; settledBy?: string };

/** What one cycle left behind, step by step (and a federated operator's sends); the chain stays the source of truth. */
export type JournalEntry = ActivityEntry | TradeEntry | FederatedEntry;

/** An entry as stored: its place in the trail (from 0) and when it was written. */
export type JournalRecord = JournalEntry & { seq: number; at: string };

/**
 * The checksum of one record's JSON, as the JSON-lines journal sealed each line: an imported line
 * keeps its checksum, and every row can be re-checked the same way.
 */
export const sealOf = (body: string): string => createHash("sha256").update(body).digest("hex").slice(0, 16);

/** A record that already has its place and checksum (an imported JSON line). */
export interface Stamp {
  seq: number;
  at: string;
  sha: string;
}

/**
 * Appends one event to the trail (the caller holds the write transaction); `trade` is the trade it
 * moves, "new" for the proof that opens one (a trade's id is the seq of its proof). The trail is
 * append-only: the schema's triggers refuse any UPDATE or DELETE of an event.
 */
export function insertEvent(
  db: DatabaseSync,
  entry: JournalEntry,
  trade: number | "new" | null,
  stamp?: Stamp,
): JournalRecord {
  const seq = stamp?.seq ?? Number(db.prepare("SELECT coalesce(max(seq), -1) + 1 AS next FROM events").get()!.next);
  const record = { ...entry, seq, at: stamp?.at ?? new Date().toISOString() } as JournalRecord;
  const body = JSON.stringify(record);
  db.prepare("INSERT INTO events (seq, at, kind, trade, verdict, body, sha) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
    seq,
    record.at,
    entry.kind,
    trade === "new" ? seq : trade,
    entry.kind === "cycle" ? entry.verdict : null,
    body,
    stamp?.sha ?? sealOf(body),
  );
  return record;
}

/** Every row whose checksum or place does not match its JSON (empty for a sound trail). */
export function unsealedEvents(db: DatabaseSync): number[] {
  const bad: number[] = [];
  for (const row of db.prepare("SELECT seq, body, sha FROM events ORDER BY seq").iterate()) {
    const body = String(row.body);
    if (row.sha !== sealOf(body) || (JSON.parse(body) as { seq?: unknown }).seq !== row.seq) bad.push(Number(row.seq));
  }
  return bad;
}
