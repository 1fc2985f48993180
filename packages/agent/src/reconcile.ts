import type { TraderClient } from "./chain/trader-client.ts";
import { TradeRevertedError } from "./errors.ts";
import type { Journal, JournalRecord } from "./journal/journal.ts";
import type { Logger } from "./log.ts";

type Signed = Extract<JournalRecord, { kind: "signed" }>;

/** Signed transactions the journal has no outcome for (a crash between sending and the receipt). */
export function unresolvedSends(journal: Journal): Signed[] {
  const resolved = new Set<string>();
  for (const r of journal.records()) {
    if (r.kind === "confirmed" || r.kind === "abandoned") resolved.add(r.traderNonce);
  }
  return journal.records().filter((r): r is Signed => r.kind === "signed" && !resolved.has(r.traderNonce));
}

/**
 * Brings the journal in line with the chain after a restart. For each signed transaction with no
 * outcome: a receipt settles it; otherwise the same signed bytes are broadcast again (idempotent)
 * and awaited. A proof that was never signed is abandoned: the next cycle proves afresh at the
 * same trader nonce, and the contract guarantees at most one trade per nonce whatever happens.
 * Returns the number of sends still pending.
 */
export async function reconcile(journal: Journal, client: TraderClient, log: Logger): Promise<number> {
  const records = journal.records();
  const signedNonces = new Set(records.filter((r) => r.kind === "signed").map((r) => (r as Signed).traderNonce));
  const settled = new Set(
    records
      .filter((r) => r.kind === "confirmed" || r.kind === "abandoned")
      .map((r) => (r as { traderNonce: string }).traderNonce),
  );
  for (const r of records) {
    if (r.kind === "proved" && !signedNonces.has(r.traderNonce) && !settled.has(r.traderNonce)) {
      journal.append({
        kind: "abandoned",
        traderNonce: r.traderNonce,
        reason: "proved but never signed before a stop; a new proof replaces it",
      });
      settled.add(r.traderNonce);
      log.warn(`recovery: the proof for nonce ${r.traderNonce} was never sent; it is dropped`);
    }
  }

  let pending = 0;
  for (const send of unresolvedSends(journal)) {
    try {
      let receipt = await client.receipt(send.txHash);
      if (!receipt && (await client.minedAccountNonce()) > send.accountNonce) {
        // Another transaction took this account nonce: ours can never be mined.
        journal.append({
          kind: "abandoned",
          traderNonce: send.traderNonce,
          reason: `account nonce ${send.accountNonce} was used by another transaction`,
        });
        log.warn(`recovery: the transaction for nonce ${send.traderNonce} was replaced; nothing executed for it`, {
          tx: send.txHash,
        });
        continue;
      }
      if (!receipt) {
        log.warn(`recovery: rebroadcasting the journaled transaction for nonce ${send.traderNonce}`, {
          tx: send.txHash,
        });
        await client.broadcast(send.rawTx);
        const outcome = await client.confirm(send.txHash);
        if (outcome.status === "pending") {
          pending++;
          continue;
        }
        receipt = outcome.receipt;
      }
      const executed = receipt.status === 1;
      journal.append({
        kind: "confirmed",
        traderNonce: send.traderNonce,
        txHash: send.txHash,
        status: executed ? "executed" : "reverted",
        gasUsed: receipt.gasUsed.toString(),
        blockNumber: receipt.blockNumber,
      });
      log.info(`recovery: nonce ${send.traderNonce} ${executed ? "executed" : "reverted"} on chain`, {
        tx: send.txHash,
      });
    } catch (error) {
      if (!(error instanceof TradeRevertedError)) throw error;
      journal.append({
        kind: "confirmed",
        traderNonce: send.traderNonce,
        txHash: send.txHash,
        status: "reverted",
        gasUsed: "0",
        blockNumber: 0,
        reason: error.reason,
      });
      log.warn(`recovery: nonce ${send.traderNonce} reverted: ${error.reason}`);
    }
  }
  return pending;
}
