/** Typed errors of the circuits package. Each message says what to do. */

/** Input that cannot be a policy statement at all (wrong shape, range, type). */
export class InvalidPolicyInputError extends Error {
  override readonly name = "InvalidPolicyInputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The numbered policy rules of policy.circom. */
export type PolicyRule =
  | "RANGE" // rule 1
  | "BAND" // rule 3: action vs deviation from the MA
  | "HOLD_SIZE" // rule 4: HOLD iff size = 0
  | "POSITION_CAP" // rule 5
  | "NO_SHORT"; // rule 6

/** A well-formed signal that the policy forbids: it would never prove. */
export class PolicyViolationError extends Error {
  override readonly name = "PolicyViolationError";
  constructor(
    readonly rule: PolicyRule,
    readonly reason: string,
  ) {
    super(`policy rule ${rule} rejects this signal: ${reason}`);
  }
}

/** The rules of the signal circuit (signal.circom), per market. */
export type SignalRule =
  | "RANGE" // rule 1: prices in (0, 2^64), thresholdBps < 10 000, sizeBps ≥ 0
  | "BAND" // rule 3: action vs deviation from the MA (policy v1's)
  | "HOLD_SIZE" // rule 4: HOLD iff sizeBps = 0
  | "SIZE_BPS"; // rule 5: sizeBps ≤ 10 000

/** A well-formed signal that the signal circuit's rules forbid, in market `market` (0-based). */
export class SignalViolationError extends Error {
  override readonly name = "SignalViolationError";
  constructor(
    readonly rule: SignalRule,
    readonly market: number,
    readonly reason: string,
  ) {
    super(`signal rule ${rule} rejects market ${market}: ${reason}`);
  }
}

/** A prover artifact (wasm, zkey, vkey) is missing or unreadable. */
export class ProverArtifactError extends Error {
  override readonly name = "ProverArtifactError";
  constructor(
    readonly path: string,
    hint: string,
  ) {
    super(`cannot load ${path}: ${hint}`);
  }
}

/** The witness calculator rejected the input: a constraint the pre-checks did not catch. */
export class WitnessError extends Error {
  override readonly name = "WitnessError";
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`witness generation failed (the input violates a circuit constraint): ${detail}`, options);
  }
}

/** `prover: "native"` was asked for, and this machine cannot provide it. */
export class NativeProverUnavailableError extends Error {
  override readonly name = "NativeProverUnavailableError";
  constructor(
    readonly reason: string,
    enable: string,
  ) {
    super(
      `prover "native" was requested but is unavailable: ${reason}. To enable it: ${enable}; or set prover to "auto" (native when available, else snarkjs) or "snarkjs"`,
    );
  }
}

/** The prover refused a witness that does not satisfy the circuit (a tampered or mismatched witness). */
export class WitnessRejectedError extends Error {
  override readonly name = "WitnessRejectedError";
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`the prover refused the witness: ${detail}`, options);
  }
}

/** The rules of federated aggregation (aggregation.circom). */
export type AggregationRule =
  | "PARTICIPANTS" // exactly AGGREGATION_PARTICIPANTS updates
  | "SAMPLE_COUNT" // each count in [1, 2^16]
  | "CLIP_BOUND" // clipBoundSquared in [0, 2^24)
  | "NORM_BOUND"; // an update's delta from the base past the clip bound, in some chunk

/** An aggregation the circuit would refuse, naming the rule and, where one is to blame, the update (0-based). */
export class AggregationViolationError extends Error {
  override readonly name = "AggregationViolationError";
  constructor(
    readonly rule: AggregationRule,
    readonly update: number | undefined,
    readonly reason: string,
  ) {
    super(`aggregation rule ${rule} refuses ${update === undefined ? "the round" : `update ${update}`}: ${reason}`);
  }
}
