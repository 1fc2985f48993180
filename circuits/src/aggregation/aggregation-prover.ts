import { aggregationArtifactPaths, type ArtifactPaths } from "../artifacts.ts";
import {
  loadCircuit,
  proveGroth16Input,
  terminateSnarkjs,
  verifyPolicyProof,
  type Groth16Proof,
  type LoadedCircuit,
  type ProverOptions,
  type SolidityProof,
} from "../prover.ts";
import type { Groth16Backend } from "../prover-backend.ts";
import { packWeights } from "../model/model-commitment.ts";
import type { QuantizedModel } from "../model/model-spec.ts";
import {
  aggregate,
  aggregationPublicValuesOf,
  assertAggregatable,
  packAggregationPublicValues,
  type AggregationPublicValues,
  type AggregationStatement,
} from "./aggregate.ts";
import { AGGREGATION_CHUNKS, type AggregationChunk } from "./aggregation-spec.ts";

/** One chunk's proof. */
export interface AggregationChunkProof {
  chunk: AggregationChunk;
  proof: Groth16Proof;
  solidityProof: SolidityProof;
  timings: { witnessMs: number; proveMs: number };
}

/** Both chunks' proofs of one aggregation, over the same public inputs. */
export interface AggregationProof {
  /** The aggregate: registrable as a proven model (its commitment is publicValues.newCommitment). */
  model: QuantizedModel;
  publicValues: AggregationPublicValues;
  /** The 2P + 3 public inputs both chunks' verifiers take. */
  publicSignals: bigint[];
  chunks: AggregationChunkProof[];
}

/**
 * The witness calculator's input for a statement. `newModel` defaults to the honest aggregate;
 * tests pass another (and `publicValues` to match it) to show the circuit refuses it.
 */
export function aggregationCircuitInputOf(
  statement: AggregationStatement,
  overrides: { newModel?: QuantizedModel; publicValues?: Partial<AggregationPublicValues> } = {},
): { input: Record<string, bigint | bigint[]>; publicSignals: bigint[]; publicValues: AggregationPublicValues } {
  const publicValues = { ...aggregationPublicValuesOf(statement), ...overrides.publicValues };
  return {
    input: {
      baseLimbs: packWeights(statement.base),
      // updateLimbs[P][LIMBS], flattened update by update
      updateLimbs: statement.updates.flatMap((u) => packWeights(u.model)),
      updateSalts: statement.updates.map((u) => u.salt),
      newLimbs: packWeights(overrides.newModel ?? aggregate(statement.updates)),
      baseCommitment: publicValues.baseCommitment,
      updateCommitments: publicValues.updateCommitments,
      sampleCounts: publicValues.sampleCounts,
      newCommitment: publicValues.newCommitment,
      clipBoundSquared: publicValues.clipBoundSquared,
    },
    publicSignals: packAggregationPublicValues(publicValues),
    publicValues,
  };
}

/**
 * Proves federated aggregations (src/circom/aggregation.circom): that the aggregate of four
 * committed updates, each within the clip bound of the committed base, is exactly their
 * sample-weighted FedAvg under the rounding rule, and commits in the registry's format. Loads
 * both chunks' circuits once; call `close()` when done.
 */
export class AggregationProver {
  private closed = false;

  private constructor(private readonly circuits: readonly LoadedCircuit[]) {}

  /** Loads both chunks' circuits (default artifacts: this package's build and ceremony) and the backend. */
  static async load(
    paths: Partial<Record<AggregationChunk, Partial<ArtifactPaths>>> = {},
    options: ProverOptions = {},
  ): Promise<AggregationProver> {
    // Groth16 only: its verifiers' consumers (the hub, FederatedRound) take Groth16 proofs.
    if (options.proofSystem === "plonk")
      throw new Error("this prover is Groth16 only (no PLONK adapter for its contract)");
    const circuits: LoadedCircuit[] = [];
    for (const chunk of AGGREGATION_CHUNKS) {
      circuits.push(await loadCircuit({ ...aggregationArtifactPaths(chunk), ...paths[chunk] }, options));
    }
    return new AggregationProver(circuits);
  }

  /** Each chunk's verification key. */
  get verificationKeys(): unknown[] {
    return this.circuits.map((c) => c.verificationKey);
  }

  /** The Groth16 backend that makes this prover's proofs. */
  get backend(): Groth16Backend {
    return this.circuits[0]!.backend as Groth16Backend;
  }

  /**
   * Aggregates and proves. Refuses before any proving work what the circuit would refuse
   * ({@link AggregationViolationError}, naming the rule and the update).
   */
  async prove(statement: AggregationStatement): Promise<AggregationProof> {
    assertAggregatable(statement);
    return this.proveUnchecked(statement);
  }

  /** Proves without the TypeScript pre-check: only the circuit decides. For tests of the circuit itself. */
  async proveUnchecked(statement: AggregationStatement): Promise<AggregationProof> {
    if (this.closed) throw new Error("AggregationProver is closed; load a new one");
    const model = aggregate(statement.updates);
    const { input, publicSignals, publicValues } = aggregationCircuitInputOf(statement, { newModel: model });
    const chunks: AggregationChunkProof[] = [];
    for (const chunk of AGGREGATION_CHUNKS) {
      chunks.push({ chunk, ...(await proveGroth16Input(this.circuits[chunk]!, input, publicSignals)) });
    }
    return { model, publicValues, publicSignals, chunks };
  }

  /** Verifies both chunks' proofs off-chain: true only if each verifies against its key with `publicSignals`. */
  async verify(proofs: readonly Groth16Proof[], publicSignals: readonly bigint[]): Promise<boolean> {
    if (proofs.length !== this.circuits.length) return false;
    for (const [chunk, circuit] of this.circuits.entries()) {
      if (!(await verifyPolicyProof(circuit.verificationKey, proofs[chunk]!, publicSignals))) return false;
    }
    return true;
  }

  /** Ends snarkjs's worker threads. The prover cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await terminateSnarkjs();
  }
}
