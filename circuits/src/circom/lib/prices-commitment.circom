pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";

// The window's commitment: a two-level Poseidon tree.
//   leaf[c] = Poseidon(prices[15c .. 15c+14])   (the last chunk zero-padded)
//   root    = Poseidon(leaf[0], ..., leaf[C-1])
// Poseidon in circomlib takes at most 16 inputs; 15 per leaf gives N = 30 two
// full leaves and supports windows up to 240. The TypeScript twin is
// `pricesCommitment` in circuits/src/commitment.ts.
template PricesCommitment(N) {
    var CHUNK = 15;
    var nChunks = (N + CHUNK - 1) \ CHUNK;
    assert(nChunks <= 16);

    signal input prices[N];
    signal output root;

    component leaves[nChunks];
    for (var c = 0; c < nChunks; c++) {
        leaves[c] = Poseidon(CHUNK);
        for (var i = 0; i < CHUNK; i++) {
            var index = c * CHUNK + i;
            leaves[c].inputs[i] <== index < N ? prices[index] : 0;
        }
    }

    component tree = Poseidon(nChunks);
    for (var c = 0; c < nChunks; c++) tree.inputs[c] <== leaves[c].out;
    root <== tree.out;
}
