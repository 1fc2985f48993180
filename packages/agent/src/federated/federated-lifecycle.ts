import { IllegalTransitionError, JournalError } from "../errors.ts";
import { insertEvent, type JournalRecord } from "../journal/events.ts";
import { inTransaction, type DatabaseSync } from "../journal/sqlite.ts";
import {
  FEDERATED_KINDS,
  type FederatedCallDetail,
  type FederatedEntry,
  type FederatedStep,
} from "./federated-entries.ts";

/**
 * Where one attempt at a FederatedRound call stands:
 *
 *   prepared ──► signed ──► executed | reverted
 *      │           └──────► abandoned   (refused at submission: it can never be mined)
 *      └─────────────────► abandoned   (refused in simulation: nothing was signed)
 *
 * At most one attempt per (step, round) is open (prepared or signed), and once one executed no
 * other may start: the contract refuses a second submission or finalisation anyway, and the journal
 * never signs one. A reverted or abandoned attempt lets a new one start.
 */
export type FederatedSendState = "prepared" | "signed" | "executed" | "reverted" | "abandoned";

const TRANSITIONS: Readonly<Record<FederatedSendState, readonly FederatedSendState[]>> = {
  prepared: ["signed", "abandoned"],
  signed: ["executed", "reverted", "abandoned"],
  executed: [],
  reverted: [],
  abandoned: [],
};

/** One attempt, folded from its records. */
export interface FederatedAttempt {
  step: FederatedStep;
  roundId: string;
  state: FederatedSendState;
  to: string;
  data: string;
  detail: FederatedCallDetail;
  preparedAt: string;
  txHash?: string;
  rawTx?: string;
  accountNonce?: number;
  gasUsed?: string;
  blockNumber?: number;
  reason?: string;
}

const stateAfter = (entry: FederatedEntry): FederatedSendState =>
  entry.kind === "fl-prepared"
    ? "prepared"
    : entry.kind === "fl-signed"
      ? "signed"
      : entry.kind === "fl-confirmed"
        ? entry.status
        : "abandoned";

const OPEN: readonly FederatedSendState[] = ["prepared", "signed"];

/**
 * The only writer of a federated operator's sends, on the agent's journal (the same store, lock
 * and append-only trail as trades: Journal.federated). Each method validates the move, then
 * appends its record in one write transaction; an illegal move is an IllegalTransitionError and
 * writes nothing. The state is folded from the trail itself (an operator journals a handful of
 * sends per round), so there is no second table to keep in step.
 */
export class FederatedLifecycle {
  constructor(private readonly db: DatabaseSync) {}

  /** Every attempt, oldest first (optionally of one step and round). */
  attempts(step?: FederatedStep, roundId?: bigint | string): FederatedAttempt[] {
    const placeholders = FEDERATED_KINDS.map(() => "?").join(", ");
    const rows = this.db
      .prepare(`SELECT body FROM events WHERE kind IN (${placeholders}) ORDER BY seq`)
      .all(...FEDERATED_KINDS);
    const attempts: FederatedAttempt[] = [];
    for (const row of rows) {
      const entry = JSON.parse(String(row.body)) as FederatedEntry & JournalRecord;
      if (entry.kind === "fl-prepared") {
        attempts.push({
          step: entry.step,
          roundId: entry.roundId,
          state: "prepared",
          to: entry.to,
          data: entry.data,
          detail: entry.detail,
          preparedAt: entry.at,
        });
        continue;
      }
      const attempt = attempts.findLast((a) => a.step === entry.step && a.roundId === entry.roundId);
      if (!attempt)
        throw new JournalError(
          `journal: ${entry.kind} for ${entry.step} round ${entry.roundId} before any fl-prepared (seq ${entry.seq})`,
        );
      attempt.state = stateAfter(entry);
      if (entry.kind === "fl-signed")
        Object.assign(attempt, { txHash: entry.txHash, rawTx: entry.rawTx, accountNonce: entry.accountNonce });
      if (entry.kind === "fl-confirmed")
        Object.assign(attempt, { gasUsed: entry.gasUsed, blockNumber: entry.blockNumber });
      if (entry.kind === "fl-abandoned") attempt.reason = entry.reason;
    }
    return roundId === undefined
      ? attempts.filter((a) => step === undefined || a.step === step)
      : attempts.filter((a) => a.step === step && a.roundId === String(roundId));
  }

  /** The attempt still in flight for (step, round), if any: what recovery finishes before anything new. */
  open(step: FederatedStep, roundId: bigint | string): FederatedAttempt | undefined {
    return this.attempts(step, roundId).find((a) => OPEN.includes(a.state));
  }

  /** The attempt that landed for (step, round), if any. */
  executed(step: FederatedStep, roundId: bigint | string): FederatedAttempt | undefined {
    return this.attempts(step, roundId).find((a) => a.state === "executed");
  }

  /** A new attempt: refused while one is open or after one executed. */
  prepared(
    step: FederatedStep,
    roundId: bigint,
    call: { to: string; data: string; detail: FederatedCallDetail },
  ): JournalRecord {
    return this.apply({ kind: "fl-prepared", step, roundId: roundId.toString(), ...call });
  }

  /** The open attempt's transaction is signed; called before it is broadcast. */
  signed(
    step: FederatedStep,
    roundId: bigint,
    send: { txHash: string; rawTx: string; accountNonce: number },
  ): JournalRecord {
    return this.apply({ kind: "fl-signed", step, roundId: roundId.toString(), ...send });
  }

  /** The open attempt's transaction was mined (executed or reverted: it cost gas in a block either way). */
  confirmed(
    step: FederatedStep,
    roundId: bigint,
    txHash: string,
    status: "executed" | "reverted",
    receipt: { gasUsed: bigint; blockNumber: number },
  ): JournalRecord {
    return this.apply({
      kind: "fl-confirmed",
      step,
      roundId: roundId.toString(),
      txHash,
      status,
      gasUsed: receipt.gasUsed.toString(),
      blockNumber: receipt.blockNumber,
    });
  }

  /** The open attempt can never land. */
  abandoned(step: FederatedStep, roundId: bigint, reason: string): JournalRecord {
    const open = this.open(step, roundId);
    return this.apply({
      kind: "fl-abandoned",
      step,
      roundId: roundId.toString(),
      reason,
      ...(open?.txHash ? { txHash: open.txHash } : {}),
    });
  }

  private apply(entry: FederatedEntry): JournalRecord {
    return inTransaction(this.db, () => {
      const to = stateAfter(entry);
      const name = `${entry.step} of federated round ${entry.roundId}`;
      const attempts = this.attempts(entry.step, entry.roundId);
      const open = attempts.find((a) => OPEN.includes(a.state));
      if (entry.kind === "fl-prepared") {
        if (open) throw new IllegalTransitionError(name, open.state, "prepared (a second attempt while one is open)");
        if (attempts.some((a) => a.state === "executed"))
          throw new IllegalTransitionError(name, "executed", "prepared");
      } else {
        if (!open) throw new IllegalTransitionError(name, "no open attempt", to);
        if (!TRANSITIONS[open.state].includes(to)) throw new IllegalTransitionError(name, open.state, to);
        if (entry.kind === "fl-confirmed" && entry.txHash !== open.txHash) {
          throw new IllegalTransitionError(
            `${name} (tx ${open.txHash})`,
            open.state,
            `${to} by another transaction ${entry.txHash}`,
          );
        }
      }
      return insertEvent(this.db, entry, null);
    });
  }
}
