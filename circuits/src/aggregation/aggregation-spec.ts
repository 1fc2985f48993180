/**
 * Federated aggregation v1: the update format, the rounding rule and the clipping bound, in one
 * place. The circuit (src/circom/aggregation.circom) and the TypeScript twin (aggregate.ts) both
 * follow this; change one and the other together, then rerun both chunks' ceremonies.
 *
 * An update is a participant's locally trained model: a complete {@link QuantizedModel} of the
 * base's architecture (every weight an int8, packed into six limbs exactly as the decision
 * circuit packs them). Its commitment, published on chain, is blinded:
 *   updateCommitment = Poseidon(modelCommitment(update), salt)
 * with a random salt the participant sends the aggregator with its weights.
 *
 * Weighted FedAvg over P updates with sample counts n_i in [1, 2^16], N = Σ n_i, per parameter k:
 *   new_k = ⌊(2·Σ n_i·w_ik + N) / (2N)⌋
 * the weighted mean rounded to the nearest integer, halves up (towards +∞). It always lies in
 * [−128, 127] (a mean of int8 values, rounded). The circuit pins it by
 *   2·Σ n_i·w_ik + 257·N = 2N·(new_k + 128) + r_k,  0 <= r_k < 2N.
 *
 * Clipping (the poisoning defence): for each update i and each chunk c of parameters,
 *   Σ_{k in c} (w_ik − base_k)² <= clipBoundSquared
 * an L2 bound on the update's delta from the base, per chunk (as per-layer clipping is per
 * layer). The whole delta's L2 norm is thus at most √2 · clipBound. A participant clips
 * ({@link clipUpdate}) before committing; the circuit refuses an update past the bound.
 *
 * The shipped model (178 parameters) with P = 4 does not fit one power-14 proof (20 298
 * constraints), so the proof comes in two chunks of three limbs each (parameters 0..92 and
 * 93..177), each opening every commitment in full; together they pin every limb.
 */
import { WEIGHT_COUNT, WEIGHT_LIMBS, BYTES_PER_LIMB } from "../model/model-spec.ts";

/** Participants per aggregation proof. */
export const AGGREGATION_PARTICIPANTS = 4;
/** Sample counts are in [1, 2^COUNT_BITS]. */
export const SAMPLE_COUNT_BITS = 16;
export const MAX_SAMPLE_COUNT = 1n << BigInt(SAMPLE_COUNT_BITS);
/** clipBoundSquared must be below 2^CLIP_BOUND_BITS. */
export const CLIP_BOUND_BITS = 24;
export const MAX_CLIP_BOUND_SQUARED = (1n << BigInt(CLIP_BOUND_BITS)) - 1n;

/** The chunks one aggregation is proven in. */
export const AGGREGATION_CHUNKS = [0, 1] as const;
export type AggregationChunk = (typeof AGGREGATION_CHUNKS)[number];
/** Limbs per chunk: chunk c proves limbs [3c, 3c + 3). */
export const LIMBS_PER_CHUNK = 3;

/** The parameters (indices into flattenWeights' order) chunk `chunk` proves: [first, end). */
export function chunkParameters(chunk: AggregationChunk): { first: number; end: number } {
  const first = chunk * LIMBS_PER_CHUNK * BYTES_PER_LIMB;
  const end = Math.min(WEIGHT_COUNT, (chunk + 1) * LIMBS_PER_CHUNK * BYTES_PER_LIMB);
  return { first, end };
}

if (AGGREGATION_CHUNKS.length * LIMBS_PER_CHUNK !== WEIGHT_LIMBS) {
  throw new Error("the aggregation chunks no longer cover the model's limbs");
}
