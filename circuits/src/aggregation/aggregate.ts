import { randomBytes } from "node:crypto";

import { poseidon2 } from "poseidon-lite";

import { AggregationViolationError, InvalidPolicyInputError } from "../errors.ts";
import { flattenWeights, modelCommitment, unflattenWeights } from "../model/model-commitment.ts";
import type { QuantizedModel } from "../model/model-spec.ts";
import {
  AGGREGATION_CHUNKS,
  AGGREGATION_PARTICIPANTS,
  MAX_CLIP_BOUND_SQUARED,
  MAX_SAMPLE_COUNT,
  chunkParameters,
  type AggregationChunk,
} from "./aggregation-spec.ts";

const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** One participant's contribution: its locally trained model, its blinding salt, its sample count. */
export interface ModelUpdate {
  model: QuantizedModel;
  /** A random field element (randomUpdateSalt), sent to the aggregator with the weights. */
  salt: bigint;
  /** The number of training examples the participant claims, in [1, 2^16]. */
  sampleCount: bigint;
}

/** What an aggregation proof is about. */
export interface AggregationStatement {
  base: QuantizedModel;
  updates: readonly ModelUpdate[];
  /** The round's bound on each update's squared L2 delta per chunk, below 2^24. */
  clipBoundSquared: bigint;
}

/** The public inputs of both chunks' proofs, by name. */
export interface AggregationPublicValues {
  baseCommitment: bigint;
  updateCommitments: bigint[];
  sampleCounts: bigint[];
  newCommitment: bigint;
  clipBoundSquared: bigint;
}

/** A salt for an update commitment: 31 random bytes (below the field). */
export function randomUpdateSalt(): bigint {
  return BigInt(`0x${randomBytes(31).toString("hex")}`);
}

/** An update's on-chain commitment: Poseidon(modelCommitment(model), salt). */
export function updateCommitment(model: QuantizedModel, salt: bigint): bigint {
  if (typeof salt !== "bigint" || salt < 0n || salt >= FIELD) {
    throw new InvalidPolicyInputError("salt", "must be a bigint in [0, the BN254 scalar field)");
  }
  return poseidon2([modelCommitment(model), salt]);
}

/** The sample-weighted mean rounded half up: ⌊(2·Σ n_i·w_i + N) / (2N)⌋, exactly as the circuit pins it. */
export function roundedWeightedMean(values: readonly bigint[], counts: readonly bigint[]): bigint {
  const total = counts.reduce((a, b) => a + b, 0n);
  if (total <= 0n) throw new InvalidPolicyInputError("sampleCounts", "their total must be positive");
  const weighted = values.reduce((sum, v, i) => sum + v * counts[i]!, 0n);
  // shifted by 256·N so the dividend is non-negative and bigint division is floor, as in the circuit
  const shifted = 2n * weighted + 257n * total;
  return shifted / (2n * total) - 128n;
}

/** Σ (w_k − base_k)² over chunk `chunk`'s parameters. */
export function deltaNormSquared(base: QuantizedModel, update: QuantizedModel, chunk: AggregationChunk): bigint {
  const b = flattenWeights(base);
  const u = flattenWeights(update);
  const { first, end } = chunkParameters(chunk);
  let sum = 0n;
  for (let k = first; k < end; k++) sum += (u[k]! - b[k]!) ** 2n;
  return sum;
}

/**
 * A participant's clipping before it commits: within each chunk whose delta from the base is past
 * the bound, the delta is scaled down (each entry truncated towards zero) until its squared L2
 * norm is at most `clipBoundSquared`. Deterministic; the circuit only checks the result.
 */
export function clipUpdate(base: QuantizedModel, update: QuantizedModel, clipBoundSquared: bigint): QuantizedModel {
  const b = flattenWeights(base);
  const u = [...flattenWeights(update)];
  for (const chunk of AGGREGATION_CHUNKS) {
    const { first, end } = chunkParameters(chunk);
    const delta = u.slice(first, end).map((w, i) => w - b[first + i]!);
    const norm = () => u.slice(first, end).reduce((sum, w, i) => sum + (w - b[first + i]!) ** 2n, 0n);
    const initial = norm();
    if (initial <= clipBoundSquared) continue;
    // scale in units of 2^-16; between the base and the update, so every weight stays an int8
    const scaleTo = (scale: bigint) => delta.forEach((d, i) => (u[first + i] = b[first + i]! + (d * scale) / 65536n));
    let scale = BigInt(Math.floor(Math.sqrt(Number(clipBoundSquared) / Number(initial)) * 65536));
    scaleTo(scale);
    while (norm() > clipBoundSquared) scaleTo((scale = (scale * 99n) / 100n));
  }
  return unflattenWeights(u);
}

/** Throws {@link AggregationViolationError} (naming the rule and the update) for anything the circuit refuses. */
export function assertAggregatable(statement: AggregationStatement): void {
  const { base, updates, clipBoundSquared } = statement;
  flattenWeights(base);
  if (updates.length !== AGGREGATION_PARTICIPANTS) {
    throw new AggregationViolationError(
      "PARTICIPANTS",
      undefined,
      `the shipped circuit aggregates exactly ${AGGREGATION_PARTICIPANTS} updates, got ${updates.length}`,
    );
  }
  if (typeof clipBoundSquared !== "bigint" || clipBoundSquared < 0n || clipBoundSquared > MAX_CLIP_BOUND_SQUARED) {
    throw new AggregationViolationError(
      "CLIP_BOUND",
      undefined,
      `clipBoundSquared must be in [0, ${MAX_CLIP_BOUND_SQUARED}], got ${String(clipBoundSquared)}`,
    );
  }
  updates.forEach((update, i) => {
    flattenWeights(update.model);
    updateCommitment(update.model, update.salt);
    if (typeof update.sampleCount !== "bigint" || update.sampleCount < 1n || update.sampleCount > MAX_SAMPLE_COUNT) {
      throw new AggregationViolationError(
        "SAMPLE_COUNT",
        i,
        `its sample count must be in [1, ${MAX_SAMPLE_COUNT}], got ${String(update.sampleCount)}`,
      );
    }
    for (const chunk of AGGREGATION_CHUNKS) {
      const norm = deltaNormSquared(base, update.model, chunk);
      if (norm > clipBoundSquared) {
        throw new AggregationViolationError(
          "NORM_BOUND",
          i,
          `its delta from the base has squared L2 norm ${norm} over chunk ${chunk}, past the bound ${clipBoundSquared} (clip it with clipUpdate before committing)`,
        );
      }
    }
  });
}

/** Weighted FedAvg of the updates under the rounding rule (no checks: see {@link assertAggregatable}). */
export function aggregate(updates: readonly Pick<ModelUpdate, "model" | "sampleCount">[]): QuantizedModel {
  const weights = updates.map((u) => flattenWeights(u.model));
  const counts = updates.map((u) => u.sampleCount);
  const mean = weights[0]!.map((_, k) =>
    roundedWeightedMean(
      weights.map((w) => w[k]!),
      counts,
    ),
  );
  return unflattenWeights(mean);
}

/** The public values of a statement's proofs, the aggregate's commitment included. */
export function aggregationPublicValuesOf(statement: AggregationStatement): AggregationPublicValues {
  return {
    baseCommitment: modelCommitment(statement.base),
    updateCommitments: statement.updates.map((u) => updateCommitment(u.model, u.salt)),
    sampleCounts: statement.updates.map((u) => u.sampleCount),
    newCommitment: modelCommitment(aggregate(statement.updates)),
    clipBoundSquared: statement.clipBoundSquared,
  };
}

/**
 * The 2P + 3 public inputs in the verifiers' order (the same for both chunks): baseCommitment,
 * updateCommitments[P], sampleCounts[P], newCommitment, clipBoundSquared.
 */
export function packAggregationPublicValues(values: AggregationPublicValues): bigint[] {
  return [
    values.baseCommitment,
    ...values.updateCommitments,
    ...values.sampleCounts,
    values.newCommitment,
    values.clipBoundSquared,
  ];
}
