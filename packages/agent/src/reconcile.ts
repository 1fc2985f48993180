import type { TraderClient } from "./chain/trader-client.ts";
import { TradeRevertedError } from "./errors.ts";
import type { Journal } from "./journal/journal.ts";
import type { Logger } from "./log.ts";

/**
 * Finds executed trades that the chain no longer holds: the journal says nonce n executed, but the
 * contract's nonce for this agent is not past n and the receipt is gone. That is a reorganisation;
 * each such trade is journaled `reorged` (reported once) and its signed transaction becomes open
 * again, so `reconcile` re-sends the same bytes. No new transaction is created for that nonce.
 */
export async function detectReorg(journal: Journal, client: TraderClient, log: Logger): Promise<number> {
  if (journal.lastExecutedNonce() === undefined) return 0;
  const chainNonce = await client.traderNonce();
  let undone = 0;
  // Only trades at or above the chain's nonce can have been undone: an index read, not the whole journal.
  for (const [traderNonce, trade] of journal.executedFrom(chainNonce)) {
    if (await client.receipt(trade.txHash)) continue;
    journal.trades.reorged(trade.txHash);
    log.warn(
      `chain reorganisation: the trade for nonce ${traderNonce} (block ${trade.blockNumber}) is no longer on chain; its signed transaction is sent again`,
      { tx: trade.txHash },
    );
    undone++;
  }
  return undone;
}

/**
 * Brings the journal in line with the chain after a restart, a confirmation timeout or a reorg.
 * For each signed transaction with no outcome: a receipt settles it; otherwise the same signed
 * bytes are broadcast again (idempotent) and awaited. A proof that was never signed is abandoned:
 * the next cycle proves afresh at the same trader nonce, and the contract guarantees at most one
 * trade per nonce whatever happens. `reported` remembers transactions already reported as pending,
 * so a stuck transaction is reported once, not on every tick. Returns the number still pending.
 */
export async function reconcile(
  journal: Journal,
  client: TraderClient,
  log: Logger,
  reported: Set<string> = new Set(),
): Promise<number> {
  const { openProofs, openSends } = journal.openTrades();
  // a hub publication (the hub path) is settled the same way, under its hub nonce
  const what = (open: { traderNonce: string; of?: "publication" }) =>
    open.of ? `publication for hub nonce ${open.traderNonce}` : `nonce ${open.traderNonce}`;
  for (const proof of openProofs) {
    journal.trades.abandoned(
      { traderNonce: proof.traderNonce, ...(proof.of ? { of: proof.of } : {}) },
      "proved but never signed before a stop; a new proof replaces it",
    );
    log.warn(`recovery: the proof for ${what(proof)} was never sent; it is dropped`);
  }

  let pending = 0;
  for (const send of openSends) {
    try {
      let receipt = await client.receipt(send.txHash);
      if (!receipt && (await client.minedAccountNonce()) > send.accountNonce) {
        // Another transaction took this account nonce: ours can never be mined.
        journal.trades.abandoned(
          { txHash: send.txHash },
          `account nonce ${send.accountNonce} was used by another transaction`,
        );
        log.warn(`recovery: the transaction for ${what(send)} was replaced; nothing executed for it`, {
          tx: send.txHash,
        });
        continue;
      }
      if (!receipt) {
        if (!reported.has(send.txHash)) {
          reported.add(send.txHash);
          log.warn(
            `recovery: the transaction for ${what(send)} has no receipt; re-sending the same signed bytes until it is mined`,
            { tx: send.txHash },
          );
        }
        if ((await client.submit(send, journal)) === "refused") {
          log.warn(`recovery: the node refused the transaction for ${what(send)}; nothing executed`);
          continue;
        }
        const outcome = await client.confirm(send.txHash);
        if (outcome.status === "pending") {
          pending++;
          continue;
        }
        receipt = outcome.receipt;
      }
      const executed = receipt.status === 1;
      if (executed) journal.trades.executed(send.txHash, receipt);
      else journal.trades.reverted(send.txHash, receipt);
      log.info(`recovery: ${what(send)} ${executed ? "executed" : "reverted"} on chain`, {
        tx: send.txHash,
      });
    } catch (error) {
      if (!(error instanceof TradeRevertedError)) throw error;
      // A mined revert (confirm read its receipt): kept with its gas and block. Without a receipt
      // nothing is known yet; the send stays open and the next tick reads the receipt.
      if (error.receipt) journal.trades.reverted(send.txHash, error.receipt, error.reason);
      log.warn(`recovery: ${what(send)} reverted: ${error.reason}`);
    }
  }
  return pending;
}
