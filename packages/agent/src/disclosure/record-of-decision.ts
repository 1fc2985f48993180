import { ACTION_NAMES, pricesCommitment, type Action, type PolicyProof } from "@zkagent/circuits";

import type { DecisionMode, Verdict } from "../cycle.ts";
import type { Window } from "../market/read-window.ts";
import { DECISION_RECORD_VERSION, decisionRecordSchema, type DecisionRecord } from "./decision-record.ts";

/** What a cycle knows about one decision, in its own types (see {@link decisionRecordOf}). */
export interface DecisionTrace {
  kind: "trade" | "refusal";
  chainId: bigint;
  trader: string;
  agent: string;
  traderNonce: bigint;
  mode: DecisionMode;
  window: Window;
  policy: { maxPosition: bigint; thresholdBps: bigint };
  position: bigint;
  llm?: { prompt: string; output: string };
  model: {
    kind: "attested" | "proven";
    hash: bigint;
    advice?: bigint;
    features?: readonly bigint[];
    hidden?: readonly bigint[];
    outputs?: readonly bigint[];
    modelAction?: Action;
    modelSize?: bigint;
  };
  decision: { action: Action; size: bigint; verdict: Exclude<Verdict, "unavailable">; rule?: string; reason?: string };
  proof?: PolicyProof;
  timingsMs: Record<string, number | undefined>;
}

const strings = (values: readonly bigint[]) => values.map(String);

/** The record of a decision, sealed to `recipients` (auditor key ids), as of `createdAt`. */
export function decisionRecordOf(trace: DecisionTrace, recipients: string[], createdAt = new Date()): DecisionRecord {
  const { model, decision, proof } = trace;
  const record: DecisionRecord = {
    version: DECISION_RECORD_VERSION,
    sizing: "room-or-position",
    kind: trace.kind,
    createdAt: createdAt.toISOString(),
    chainId: trace.chainId.toString(),
    trader: trace.trader,
    agent: trace.agent,
    traderNonce: trace.traderNonce.toString(),
    mode: trace.mode,
    window: {
      roundId: trace.window.roundId.toString(),
      pricesCommitment: pricesCommitment(trace.window.prices).toString(),
      rounds: trace.window.rounds.map((r) => ({
        roundId: r.roundId.toString(),
        answer: r.answer.toString(),
        updatedAt: r.updatedAt.toString(),
      })),
    },
    policy: { maxPosition: trace.policy.maxPosition.toString(), thresholdBps: trace.policy.thresholdBps.toString() },
    position: trace.position.toString(),
    ...(trace.llm ? { llm: trace.llm } : {}),
    model: {
      kind: model.kind,
      hash: model.hash.toString(),
      ...(model.advice === undefined ? {} : { advice: model.advice.toString() }),
      ...(model.features ? { features: strings(model.features) } : {}),
      ...(model.hidden ? { hidden: strings(model.hidden) } : {}),
      ...(model.outputs ? { outputs: strings(model.outputs) } : {}),
      ...(model.modelAction === undefined ? {} : { modelAction: ACTION_NAMES[model.modelAction] }),
      ...(model.modelSize === undefined ? {} : { modelSize: model.modelSize.toString() }),
    },
    decision: {
      action: ACTION_NAMES[decision.action],
      size: decision.size.toString(),
      verdict: decision.verdict,
      ...(decision.rule ? { rule: decision.rule } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
    },
    ...(proof
      ? {
          proof: {
            a: strings(proof.solidityProof.a),
            b: proof.solidityProof.b.map(strings),
            c: strings(proof.solidityProof.c),
            publicSignals: strings(proof.publicSignals),
          },
        }
      : {}),
    timingsMs: Object.fromEntries(
      Object.entries(trace.timingsMs).filter((entry): entry is [string, number] => entry[1] !== undefined),
    ),
    recipients,
  };
  return decisionRecordSchema.parse(record);
}
