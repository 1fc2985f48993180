pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/int8-weights.circom";
include "lib/range.circom";

// ============================================================================
// zkagent federated aggregation v1 (FedAvg of committed int8 updates)
//
// A proof of this circuit says: "there are P updates, each a complete model of
// the base's architecture (int8 weights packed as the decision circuit packs
// them) that opens its public commitment, each within the clipping bound of the
// base committed in `baseCommitment`, and the model committed in
// `newCommitment` (in the registry's format, Poseidon(architecture id, 6 weight
// limbs)) has, at every parameter of this chunk, exactly the sample-weighted
// average of the updates under the rounding rule below."
//
// What it does NOT say: that any participant trained honestly on real data, or
// that its sample count is true (both are its word), nor anything about the
// parameters outside this chunk (the other chunk's proof covers them; both
// proofs open the same commitments, so together they pin every limb).
//
// The rule (circuits/src/aggregation/aggregation-spec.ts is the TypeScript twin):
//   N = Σ n_i, n_i in [1, 2^COUNT_BITS];
//   new_k = ⌊(2·Σ n_i·w_ik + N) / (2N)⌋   (the weighted mean, half rounded up),
//   pinned by 2·Σ n_i·w_ik + 257·N = 2N·(new_k + 128) + r_k with 0 <= r_k < 2N
//   (the 256·N offset keeps both sides non-negative; no side reaches 2^30, so
//   the field equation is the integer one);
//   per update i and chunk: Σ_k (w_ik − base_k)² <= clipBoundSquared (an L2
//   clip of the update's delta, per chunk of parameters: a participant clips
//   before committing, the circuit refuses an update past the bound).
//
// Commitments:
//   model (base, new): Poseidon(ARCHITECTURE_ID, limbs[0..5]), model-commitment.ts;
//   update i: Poseidon(Poseidon(ARCHITECTURE_ID, limbs_i), salt_i): the model
//   commitment of the participant's local model, blinded by a random salt so
//   the on-chain value reveals nothing that could confirm a guess of it.
//
// Public inputs, in this order:
//   0          baseCommitment       the registered base model's modelHash
//   1..P       updateCommitments[P]
//   P+1..2P    sampleCounts[P]      each in [1, 2^COUNT_BITS]
//   2P+1       newCommitment        the aggregate's modelHash (registerProven-ready)
//   2P+2       clipBoundSquared     < 2^NORM_BITS
// ============================================================================

// Poseidon(ARCHITECTURE_ID, limbs): the registry's model commitment.
template ModelCommitment(LIMBS, ARCHITECTURE_ID) {
    signal input limbs[LIMBS];
    signal output out;
    component hash = Poseidon(LIMBS + 1);
    hash.inputs[0] <== ARCHITECTURE_ID;
    for (var l = 0; l < LIMBS; l++) hash.inputs[l + 1] <== limbs[l];
    out <== hash.out;
}

// The int8 weights of limbs [FIRST_LIMB, FIRST_LIMB + CHUNK_LIMBS) of a model, each in
// [−128, 127] by construction (UnpackInt8Weights), with the padding of the model's last limb zero.
template ChunkWeights(LIMBS, WEIGHT_COUNT, FIRST_LIMB, CHUNK_LIMBS) {
    var FIRST = FIRST_LIMB * 31;
    var END = (FIRST_LIMB + CHUNK_LIMBS) * 31;
    if (END > WEIGHT_COUNT) END = WEIGHT_COUNT;
    var COUNT = END - FIRST;
    signal input limbs[LIMBS];
    signal output weights[COUNT];
    component unpack = UnpackInt8Weights(CHUNK_LIMBS, COUNT);
    for (var l = 0; l < CHUNK_LIMBS; l++) unpack.limbs[l] <== limbs[FIRST_LIMB + l];
    weights <== unpack.weights;
}

template FedAvgChunk(P, LIMBS, ARCHITECTURE_ID, WEIGHT_COUNT, FIRST_LIMB, CHUNK_LIMBS, COUNT_BITS, NORM_BITS) {
    var FIRST = FIRST_LIMB * 31;
    var END = (FIRST_LIMB + CHUNK_LIMBS) * 31;
    if (END > WEIGHT_COUNT) END = WEIGHT_COUNT;
    var COUNT = END - FIRST;
    var P_BITS = 0;
    while ((1 << P_BITS) < P) P_BITS++;
    // N <= P·2^COUNT_BITS, so 2N <= 2^(COUNT_BITS + P_BITS + 1): r and 2N − 1 − r fit REMAINDER_BITS.
    var REMAINDER_BITS = COUNT_BITS + P_BITS + 1;
    assert(LIMBS * 31 >= WEIGHT_COUNT && FIRST_LIMB + CHUNK_LIMBS <= LIMBS && COUNT > 0);
    // Σ_k δ² < COUNT·256² must stay below 2^NORM_BITS for the bound check to mean "<=".
    assert(COUNT * 65536 < (1 << NORM_BITS));

    signal input baseLimbs[LIMBS];
    signal input updateLimbs[P][LIMBS];
    signal input updateSalts[P];
    signal input newLimbs[LIMBS];

    signal input baseCommitment;
    signal input updateCommitments[P];
    signal input sampleCounts[P];
    signal input newCommitment;
    signal input clipBoundSquared;

    // --- The base opens its public commitment ---
    component baseHash = ModelCommitment(LIMBS, ARCHITECTURE_ID);
    baseHash.limbs <== baseLimbs;
    baseHash.out === baseCommitment;
    component base = ChunkWeights(LIMBS, WEIGHT_COUNT, FIRST_LIMB, CHUNK_LIMBS);
    base.limbs <== baseLimbs;

    // --- Each update opens its blinded commitment ---
    component updateModelHash[P];
    component updateHash[P];
    component update[P];
    for (var i = 0; i < P; i++) {
        updateModelHash[i] = ModelCommitment(LIMBS, ARCHITECTURE_ID);
        updateModelHash[i].limbs <== updateLimbs[i];
        updateHash[i] = Poseidon(2);
        updateHash[i].inputs[0] <== updateModelHash[i].out;
        updateHash[i].inputs[1] <== updateSalts[i];
        updateHash[i].out === updateCommitments[i];
        update[i] = ChunkWeights(LIMBS, WEIGHT_COUNT, FIRST_LIMB, CHUNK_LIMBS);
        update[i].limbs <== updateLimbs[i];
    }

    // --- Sample counts in [1, 2^COUNT_BITS]; their total N >= P > 0 ---
    component countRange[P];
    var total = 0;
    for (var i = 0; i < P; i++) {
        countRange[i] = AssertBits(COUNT_BITS);
        countRange[i].in <== sampleCounts[i] - 1;
        total += sampleCounts[i];
    }
    signal totalCount <== total;

    // --- Clipping: each update's squared L2 distance from the base over this chunk ---
    // |δ| <= 255, so each square is one constraint and the sum stays below 2^NORM_BITS.
    signal deltaSquared[P][COUNT];
    component withinBound[P];
    for (var i = 0; i < P; i++) {
        var normSquared = 0;
        for (var k = 0; k < COUNT; k++) {
            deltaSquared[i][k] <== (update[i].weights[k] - base.weights[k]) * (update[i].weights[k] - base.weights[k]);
            normSquared += deltaSquared[i][k];
        }
        // clipBoundSquared − Σδ² in [0, 2^NORM_BITS): Σδ² <= clipBoundSquared as integers.
        withinBound[i] = AssertBits(NORM_BITS);
        withinBound[i].in <== clipBoundSquared - normSquared;
    }

    // --- The new model opens the public commitment, in the registry's format ---
    component newHash = ModelCommitment(LIMBS, ARCHITECTURE_ID);
    newHash.limbs <== newLimbs;
    newHash.out === newCommitment;
    component aggregate = ChunkWeights(LIMBS, WEIGHT_COUNT, FIRST_LIMB, CHUNK_LIMBS);
    aggregate.limbs <== newLimbs;

    // --- FedAvg: every new weight is the rounded weighted mean, its remainder pinned ---
    signal weighted[P][COUNT];
    signal scaledNew[COUNT];
    signal remainders[COUNT];
    component remainderRange[COUNT];
    component remainderBelow[COUNT];
    for (var k = 0; k < COUNT; k++) {
        var weightedSum = 0;
        for (var i = 0; i < P; i++) {
            weighted[i][k] <== sampleCounts[i] * update[i].weights[k];
            weightedSum += weighted[i][k];
        }
        // Shifted to be non-negative: 2·S + 257·N = 2N·(new + 128) + r.
        var shifted = 2 * weightedSum + 257 * totalCount;
        scaledNew[k] <== 2 * totalCount * (aggregate.weights[k] + 128);
        // r is what the claimed new weight leaves; only the range checks below make it a remainder.
        remainders[k] <== shifted - scaledNew[k];
        // 0 <= r < 2N: r and 2N − 1 − r both fit REMAINDER_BITS (so neither wrapped below zero).
        remainderRange[k] = AssertBits(REMAINDER_BITS);
        remainderRange[k].in <== remainders[k];
        remainderBelow[k] = AssertBits(REMAINDER_BITS);
        remainderBelow[k].in <== 2 * totalCount - 1 - remainders[k];
    }
}
