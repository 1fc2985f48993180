pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";

// The window's commitment, in the shape the chain can afford to compute (WindowLog.sol hashes it
// with poseidon-solidity's 2- and 5-input Poseidon, the cheapest on-chain arities per limb):
//   limb[j] = prices[3j] + prices[3j+1]·2^64 + prices[3j+2]·2^128   (missing prices are 0)
//   leaf[c] = Poseidon(limb[5c .. 5c+4])                 (the last leaf may be narrower)
//   root    = Poseidon(leaf[0 .. L-1])                   (L ≤ 16 leaves: N ≤ 240)
// For N = 30: root = Poseidon(Poseidon(limbs 0..4), Poseidon(limbs 5..9)).
// Packing is injective only because every price is constrained < 2^64 by the caller
// (PolicyV1, rule 1); it is free in R1CS (limbs are linear).
// The TypeScript twin is `pricesCommitment` in circuits/src/commitment.ts.
template PricesCommitment(N) {
    var PER_LIMB = 3;
    var LIMBS_PER_LEAF = 5;
    var nLimbs = (N + PER_LIMB - 1) \ PER_LIMB;
    var nLeaves = (nLimbs + LIMBS_PER_LEAF - 1) \ LIMBS_PER_LEAF;
    assert(nLeaves >= 2 && nLeaves <= 16);

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
