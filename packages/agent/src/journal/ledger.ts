import type { JournalRecord } from "./journal.ts";

export type SignedRecord = Extract<JournalRecord, { kind: "signed" }>;
export type ProvedRecord = Extract<JournalRecord, { kind: "proved" }>;

/** What the journal says about the agent's trades, read in order. */
export interface Ledger {
  /** Proofs with no signed transaction and no outcome after them (a stop between proving and signing). */
  openProofs: ProvedRecord[];
  /** Signed transactions with no outcome yet, or whose execution a reorganisation undid. */
  openSends: SignedRecord[];
  /** Trader nonce → the transaction that executed it, as far as the journal knows. */
  executed: Map<string, { txHash: string; blockNumber: number }>;
}

/**
 * Folds the journal into its open items and executed trades. Outcomes are matched by transaction
 * hash, not by trader nonce: a nonce whose first transaction reverted is proved and signed again,
 * and that second transaction must not be mistaken for settled.
 */
export function ledgerOf(records: readonly JournalRecord[]): Ledger {
  const openProofs = new Map<string, ProvedRecord>();
  const openSends = new Map<string, SignedRecord>();
  const signedByHash = new Map<string, SignedRecord>();
  const executed = new Map<string, { txHash: string; blockNumber: number }>();
  for (const r of records) {
    switch (r.kind) {
      case "proved":
        openProofs.set(r.traderNonce, r);
        break;
      case "signed":
        openProofs.delete(r.traderNonce);
        openSends.set(r.txHash, r);
        signedByHash.set(r.txHash, r);
        break;
      case "confirmed":
        openSends.delete(r.txHash);
        if (r.status === "executed") executed.set(r.traderNonce, { txHash: r.txHash, blockNumber: r.blockNumber });
        break;
      case "abandoned":
        if (r.txHash) openSends.delete(r.txHash);
        else openProofs.delete(r.traderNonce);
        break;
      case "reorged": {
        executed.delete(r.traderNonce);
        const signed = signedByHash.get(r.txHash);
        if (signed) openSends.set(r.txHash, signed);
        break;
      }
    }
  }
  return { openProofs: [...openProofs.values()], openSends: [...openSends.values()], executed };
}
