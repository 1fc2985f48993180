import {
  Action,
  ACTION_NAMES,
  extractFeatures,
  pricesCommitment,
  WINDOW_SIZE,
  type PublicValues,
  type SolidityProof,
} from "@zkagent/circuits";

import type { DecisionRecord } from "../disclosure/decision-record.ts";
import type { RecordHash } from "../disclosure/seal-record.ts";
import { MalformedSignalError } from "../errors.ts";
import type { Round } from "../market/read-window.ts";
import { adviceOf } from "../proven-cycle.ts";
import { parseSignal } from "../signal/parse-signal.ts";
import { tradeOf, tradeOfByCap } from "../signal/to-trade.ts";

/**
 * What a disclosure audit can find. A record that is missing, altered or says something the chain
 * contradicts is a finding for a human to look at, never a crash.
 */
export type RecordFindingKind =
  /** A trade executed without committing a record (plain executeTrade): a gap in disclosure. */
  | "record-not-committed"
  /** The chain commits a hash the store has no bytes for. */
  | "record-missing"
  /** The store's bytes at that address do not hash to it. */
  | "record-tampered"
  /** None of the auditor's view keys opens it (sealed to other keys, or to none of this auditor's). */
  | "record-unreadable"
  /** Not a valid age file, or it decrypts to something that is not a v1 record. */
  | "record-corrupt"
  /** The record is for another chain, trader, agent or nonce, or is not a trade record. */
  | "record-context-mismatch"
  /** The proof or public signals in the record are not the ones the transaction carried. */
  | "record-proof-mismatch"
  /** The model hash or kind in the record is not the proof's. */
  | "record-model-mismatch"
  /** The record's window is not the proof's commitment, or not the feed's rounds. */
  | "record-window-mismatch"
  /** The policy, position, decision, features or LLM output do not give the proven trade. */
  | "record-decision-mismatch"
  /** A stored record no trade committed: a refusal, or a proof never executed (for information). */
  | "record-uncommitted";

export type Severity = "high" | "medium" | "info";

export const SEVERITY: Record<RecordFindingKind, Severity> = {
  "record-not-committed": "medium",
  "record-missing": "high",
  "record-tampered": "high",
  "record-unreadable": "medium",
  "record-corrupt": "high",
  "record-context-mismatch": "high",
  "record-proof-mismatch": "high",
  "record-model-mismatch": "high",
  "record-window-mismatch": "high",
  "record-decision-mismatch": "high",
  "record-uncommitted": "info",
};

export interface RecordFinding {
  kind: RecordFindingKind;
  severity: Severity;
  detail: string;
  recordHash?: RecordHash;
  txHash?: string;
  agent?: string;
  nonce?: bigint;
}

/** What the chain says about one trade that committed a record. */
export interface CommittedTrade {
  chainId: bigint;
  trader: string;
  agent: string;
  nonce: bigint;
  /** TradeExecuted's modelKind: 0 attested, 1 proven. */
  modelKind: bigint;
  publicSignals: readonly bigint[];
  values: PublicValues;
  proof: SolidityProof;
}

type Mismatch = [RecordFindingKind, string];

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const equalLists = (a: readonly string[], b: readonly bigint[]) =>
  a.length === b.length && a.every((v, i) => BigInt(v) === b[i]);

/** The record's chain, trader, agent, nonce and kind against the commitment's. */
export function contextMismatches(record: DecisionRecord, trade: CommittedTrade): Mismatch[] {
  const out: Mismatch[] = [];
  const say = (what: string) => out.push(["record-context-mismatch", what]);
  if (record.kind !== "trade") say(`a ${record.kind} record committed by a trade`);
  if (BigInt(record.chainId) !== trade.chainId) say(`chain ${record.chainId}, not ${trade.chainId}`);
  if (!sameAddress(record.trader, trade.trader)) say(`trader ${record.trader}, not ${trade.trader}`);
  if (!sameAddress(record.agent, trade.agent)) say(`agent ${record.agent}, not ${trade.agent}`);
  if (BigInt(record.traderNonce) !== trade.nonce) say(`nonce ${record.traderNonce}, not ${trade.nonce}`);
  return out;
}

/** The record's proof and public signals against the transaction's calldata. */
export function proofMismatches(record: DecisionRecord, trade: CommittedTrade): Mismatch[] {
  const { proof } = record;
  if (!proof) return [["record-proof-mismatch", "the record holds no proof"]];
  const out: Mismatch[] = [];
  if (!equalLists(proof.publicSignals, trade.publicSignals)) {
    out.push(["record-proof-mismatch", "its public signals are not the transaction's"]);
  }
  const sent = trade.proof;
  if (!equalLists(proof.a, sent.a) || !equalLists(proof.b.flat(), sent.b.flat()) || !equalLists(proof.c, sent.c)) {
    out.push(["record-proof-mismatch", "its proof is not the transaction's"]);
  }
  return out;
}

/** The record's model hash and kind against the proof's and the event's. */
export function modelMismatches(record: DecisionRecord, trade: CommittedTrade): Mismatch[] {
  const out: Mismatch[] = [];
  if (BigInt(record.model.hash) !== trade.values.modelHash) {
    out.push(["record-model-mismatch", `model ${record.model.hash}, the proof names ${trade.values.modelHash}`]);
  }
  const kind = trade.modelKind === 1n ? "proven" : "attested";
  if (record.model.kind !== kind)
    out.push(["record-model-mismatch", `a ${record.model.kind} model, the trade's is ${kind}`]);
  return out;
}

/**
 * The record's window: 30 consecutive rounds ending at the proof's round, whose answers the
 * proof's commitment opens to (pure: the feed's side is {@link feedRoundMismatches}).
 */
export function windowMismatches(
  record: DecisionRecord,
  values: Pick<PublicValues, "roundId" | "pricesCommitment">,
): Mismatch[] {
  const out: Mismatch[] = [];
  const say = (what: string) => out.push(["record-window-mismatch", what]);
  const rounds = record.window.rounds;
  if (BigInt(record.window.roundId) !== values.roundId)
    say(`round ${record.window.roundId}, the proof's is ${values.roundId}`);
  if (rounds.length !== WINDOW_SIZE) {
    say(`${rounds.length} rounds, not ${WINDOW_SIZE}`);
    return out;
  }
  const last = BigInt(rounds.at(-1)!.roundId);
  if (last !== values.roundId || rounds.some((r, i) => BigInt(r.roundId) !== last - BigInt(rounds.length - 1 - i))) {
    say(`its rounds are not the ${WINDOW_SIZE} consecutive rounds ending at ${values.roundId}`);
  }
  const commitment = pricesCommitment(rounds.map((r) => BigInt(r.answer)));
  if (commitment !== values.pricesCommitment) say("its prices do not open the proof's window commitment");
  if (BigInt(record.window.pricesCommitment) !== values.pricesCommitment) {
    say("its stated commitment is not the proof's");
  }
  return out;
}

/** The record's rounds against the feed's own (answer and time of each round). */
export function feedRoundMismatches(
  record: DecisionRecord,
  feedRounds: ReadonlyMap<bigint, Round | undefined>,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const r of record.window.rounds) {
    const feed = feedRounds.get(BigInt(r.roundId));
    if (!feed) {
      out.push(["record-window-mismatch", `round ${r.roundId} is not one the feed reports`]);
    } else if (feed.answer !== BigInt(r.answer) || feed.updatedAt !== BigInt(r.updatedAt)) {
      out.push([
        "record-window-mismatch",
        `round ${r.roundId}: the record says ${r.answer} at ${r.updatedAt}, the feed ${feed.answer} at ${feed.updatedAt}`,
      ]);
    }
  }
  return out;
}

/**
 * The record's policy, position and decision against the public values, and what can be
 * recomputed without the private weights: a proven model's features from the window, position and
 * bias; the adviser's bias from its raw output (mode llm+model); the trade from the LLM's raw
 * output (mode llm).
 */
export function decisionMismatches(record: DecisionRecord, values: PublicValues): Mismatch[] {
  const out: Mismatch[] = [];
  const say = (what: string) => out.push(["record-decision-mismatch", what]);
  const maxPosition = BigInt(record.policy.maxPosition);
  const position = BigInt(record.position);
  if (maxPosition !== values.maxPosition || BigInt(record.policy.thresholdBps) !== values.thresholdBps) {
    say(`policy (${record.policy.maxPosition}, ${record.policy.thresholdBps} bps) is not the proof's`);
  }
  if (position !== values.position) say(`position ${record.position}, the proof's is ${values.position}`);
  if (record.decision.action !== ACTION_NAMES[values.action] || BigInt(record.decision.size) !== values.size) {
    say(
      `decision ${record.decision.action} ${record.decision.size}, the proof's ${ACTION_NAMES[values.action]} ${values.size}`,
    );
  }
  if (record.model.kind === "proven") {
    const advice = BigInt(record.model.advice ?? "0");
    if (advice !== (values.advice ?? 0n)) say(`adviser's bias ${advice}, the proof's is ${values.advice ?? 0n}`);
    const features = extractFeatures({
      prices: record.window.rounds.map((r) => BigInt(r.answer)),
      position,
      maxPosition,
      advice,
    });
    if (!record.model.features || !equalLists(record.model.features, features)) {
      say("its features are not those of its window, position and bias");
    }
  }
  if (record.llm) {
    let signal;
    try {
      signal = parseSignal(record.llm.output);
    } catch (error) {
      if (!(error instanceof MalformedSignalError)) throw error;
    }
    if (record.mode === "llm") {
      // Each record under the sizing rule it was made with (v1 records: by the cap).
      const byCap = (record.sizing ?? "cap") === "cap";
      const trade = !signal
        ? { action: Action.HOLD, size: 0n }
        : byCap
          ? tradeOfByCap(signal, maxPosition)
          : tradeOf(signal, { position, maxPosition });
      if (trade.action !== values.action || trade.size !== values.size) {
        say(`the LLM's output gives ${ACTION_NAMES[trade.action]} ${trade.size}, not the proven trade`);
      }
    } else if (record.mode === "llm+model") {
      const advice = signal ? adviceOf(signal) : 0n;
      if (advice !== (values.advice ?? 0n))
        say(`the adviser's output gives a bias of ${advice}, the proof's is ${values.advice ?? 0n}`);
    }
  } else if (record.mode !== "model") {
    say(`mode ${record.mode} without the LLM's prompt and output`);
  }
  return out;
}

/** Every check of a decrypted record against its trade that needs no further chain read. */
export function recordMismatches(record: DecisionRecord, trade: CommittedTrade): Mismatch[] {
  return [
    ...contextMismatches(record, trade),
    ...proofMismatches(record, trade),
    ...modelMismatches(record, trade),
    ...windowMismatches(record, trade.values),
    ...decisionMismatches(record, trade.values),
  ];
}
