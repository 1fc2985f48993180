import { modelArtifactPaths, type ArtifactPaths } from "../artifacts.ts";
import { pricesCommitment } from "../commitment.ts";
import { PolicyViolationError } from "../errors.ts";
import { assertWellFormed } from "../evaluate-policy.ts";
import {
  artifactsFor,
  loadCircuit,
  proveCircuitInput,
  terminateSnarkjs,
  verifyPolicyProof,
  type Groth16Proof,
  type LoadedCircuit,
  type PolicyProof,
  type ProofBackend,
  type ProverOptions,
} from "../prover.ts";
import type { PlonkProof } from "../plonk-backend.ts";
import { packPublicValues, type PublicSignals, type PublicValues } from "../public-values.ts";
import { evaluateModel, type ModelDecision } from "./evaluate-model.ts";
import { modelCommitment, packWeights } from "./model-commitment.ts";
import { MODEL_WINDOW, type QuantizedModel } from "./model-spec.ts";

/** What a proven-model proof is about: the window, the vault's policy and position, the advice. */
export interface ModelProofRequest {
  prices: readonly bigint[];
  roundId: bigint;
  maxPosition: bigint;
  thresholdBps: bigint;
  position: bigint;
  /** The adviser's bias in [-100, 100] (0 without an adviser). */
  advice: bigint;
  model: QuantizedModel;
  context: bigint;
}

export interface ModelProof extends PolicyProof {
  decision: ModelDecision;
}

/** The decision, the public values it implies, and the circuit's input. */
export function modelCircuitInputOf(request: ModelProofRequest): {
  decision: ModelDecision;
  publicValues: PublicValues;
  publicSignals: PublicSignals;
  input: Record<string, bigint | bigint[]>;
} {
  const decision = evaluateModel(request.model, request);
  // the decision is always compliant, but a statement it could not be is refused the same way
  assertWellFormed({ ...request, action: decision.action, size: decision.size }, MODEL_WINDOW);
  const publicValues: PublicValues = {
    pricesCommitment: pricesCommitment(request.prices),
    roundId: request.roundId,
    latestPrice: request.prices[MODEL_WINDOW - 1]!,
    maxPosition: request.maxPosition,
    thresholdBps: request.thresholdBps,
    position: request.position,
    action: decision.action,
    size: decision.size,
    modelHash: modelCommitment(request.model),
    context: request.context,
    advice: request.advice,
  };
  const publicSignals = packPublicValues(publicValues);
  const [commitment, marketAndTrade, policyAndPosition, modelHash, context] = publicSignals;
  return {
    decision,
    publicValues,
    publicSignals,
    input: {
      prices: [...request.prices],
      weightLimbs: packWeights(request.model),
      pricesCommitment: commitment,
      marketAndTrade,
      policyAndPosition,
      modelHash,
      context,
    },
  };
}

/**
 * Proves "this trade is exactly what the committed model computes from this window, position and
 * advice, with the policy applied" (src/circom/model-policy.circom). The trade is not an input:
 * the model decides it, and a HOLD is returned without proving (there is nothing to execute).
 */
export class ModelProver {
  private closed = false;

  private constructor(private readonly circuit: LoadedCircuit) {}

  /** Loads the proven-model circuit's artifacts (default: this package's build and ceremony) and the backend (default "auto"). */
  static async load(paths: Partial<ArtifactPaths> = {}, options: ProverOptions = {}): Promise<ModelProver> {
    return new ModelProver(await loadCircuit(artifactsFor(modelArtifactPaths, "model", paths, options), options));
  }

  get verificationKey(): unknown {
    return this.circuit.verificationKey;
  }

  /** The backend that makes this prover's proofs. */
  get backend(): ProofBackend {
    return this.circuit.backend;
  }

  /** Proves the model's trade over `request`; a HOLD decision is refused (nothing to execute). */
  async prove(request: ModelProofRequest): Promise<ModelProof> {
    const { decision } = modelCircuitInputOf(request);
    if (decision.size === 0n) {
      throw new PolicyViolationError("HOLD_SIZE", "the model's decision is HOLD: there is nothing to prove or execute");
    }
    return this.proveAny(request);
  }

  /** Proves whatever the model decides, HOLD included (tests and the auditor's replays). */
  async proveAny(request: ModelProofRequest): Promise<ModelProof> {
    if (this.closed) throw new Error("ModelProver is closed; load a new one");
    const { decision, publicValues, publicSignals, input } = modelCircuitInputOf(request);
    return { decision, publicValues, publicSignals, ...(await proveCircuitInput(this.circuit, input, publicSignals)) };
  }

  async verify(proof: Groth16Proof | PlonkProof, publicSignals: readonly bigint[]): Promise<boolean> {
    return verifyPolicyProof(this.circuit.verificationKey, proof, publicSignals);
  }

  async close(): Promise<void> {
    this.closed = true;
    await terminateSnarkjs();
  }
}
