/**
 * The journal records of a federated operator's sends (see federated-lifecycle.ts, their only
 * writer). Each is about one FederatedRound call: `step` "submit" (submitUpdate, a participant's
 * commitment) or "finalize" (the aggregator's proven aggregate), in round `roundId`.
 */
export type FederatedStep = "submit" | "finalize";

/** What a prepared call states, for `fl status` and recovery (decimal strings). */
export type FederatedCallDetail =
  | { updateCommitment: string; sampleCount: string; updateFile: string }
  | { newModel: string; modelFile: string; proveMs: number[] };

export type FederatedEntry =
  /** The call is built (for finalize: proven) and journaled before anything is signed: a crash loses no proof. */
  | {
      kind: "fl-prepared";
      step: FederatedStep;
      roundId: string;
      to: string;
      data: string;
      detail: FederatedCallDetail;
    }
  /** Signed, journaled (fsync'd) before it is broadcast: recovery re-sends these bytes, never new ones. */
  | { kind: "fl-signed"; step: FederatedStep; roundId: string; txHash: string; rawTx: string; accountNonce: number }
  | {
      kind: "fl-confirmed";
      step: FederatedStep;
      roundId: string;
      txHash: string;
      status: "executed" | "reverted";
      gasUsed: string;
      blockNumber: number;
    }
  /** The call can never land (refused in simulation or at submission, or superseded on chain). */
  | { kind: "fl-abandoned"; step: FederatedStep; roundId: string; reason: string; txHash?: string };

export const FEDERATED_KINDS = ["fl-prepared", "fl-signed", "fl-confirmed", "fl-abandoned"] as const;
