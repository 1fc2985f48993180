pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";

// The window's commitment.
//   limb[j] = prices[3j] + prices[3j+1]·2^64 + prices[3j+2]·2^128   (missing prices are 0)
//   root    = Poseidon(limb[0..L-1])                     when L ≤ 16 limbs (N ≤ 48: N = 30 → 10 limbs)
//   root    = Poseidon(Poseidon(16 limbs), …)            otherwise (N ≤ 768)
// Packing is injective only because every price is constrained < 2^64 by the caller
// (PolicyV1, rule 1); it is free in R1CS (limbs are linear) and cuts the hashing to a third:
// one Poseidon(10) (~460 constraints) instead of two Poseidon(15) and a Poseidon(2) (~1 400).
// The TypeScript twin is `pricesCommitment` in circuits/src/commitment.ts.
template PricesCommitment(N) {
    var PER_LIMB = 3;
    var LIMBS_PER_LEAF = 16;
    var nLimbs = (N + PER_LIMB - 1) \ PER_LIMB;
    var nLeaves = (nLimbs + LIMBS_PER_LEAF - 1) \ LIMBS_PER_LEAF;
    assert(nLeaves <= 16);

    signal input prices[N];
    signal output root;

    signal limbs[nLimbs];
    for (var j = 0; j < nLimbs; j++) {
        var limb = 0;
        for (var k = 0; k < PER_LIMB; k++) {
            var index = j * PER_LIMB + k;
            if (index < N) limb += prices[index] * (1 << (64 * k));
        }
        limbs[j] <== limb;
    }

    if (nLeaves == 1) {
        component hash = Poseidon(nLimbs);
        for (var j = 0; j < nLimbs; j++) hash.inputs[j] <== limbs[j];
        root <== hash.out;
    } else {
        component leaves[nLeaves];
        for (var c = 0; c < nLeaves; c++) {
            var width = c < nLeaves - 1 ? LIMBS_PER_LEAF : nLimbs - c * LIMBS_PER_LEAF;
            leaves[c] = Poseidon(width);
            for (var i = 0; i < width; i++) leaves[c].inputs[i] <== limbs[c * LIMBS_PER_LEAF + i];
        }
        component tree = Poseidon(nLeaves);
        for (var c = 0; c < nLeaves; c++) tree.inputs[c] <== leaves[c].out;
        root <== tree.out;
    }
}
