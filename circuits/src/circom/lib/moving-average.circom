pragma circom 2.1.9;

include "circomlib/circuits/comparators.circom";
include "range.circom";

// average = floor(Σ prices / N).
// The quotient is a hint (<--); these constraints pin it:
//   Σ prices = N·average + remainder,  0 ≤ remainder < N,  average < 2^64.
// With every price < 2^64 the sum is < N·2^64, far below the field size, so
// the equation holds over the integers and the floor is the only solution.
template MovingAverage(N, priceBits) {
    signal input prices[N];
    signal output average;

    var sum = 0;
    for (var i = 0; i < N; i++) sum += prices[i];

    average <-- sum \ N;
    signal remainder <== sum - N * average;

    component averageRange = AssertBits(priceBits);
    averageRange.in <== average;

    var remainderBits = nbits(N);
    component remainderRange = AssertBits(remainderBits);
    remainderRange.in <== remainder;
    component remainderBelowN = LessThan(remainderBits);
    remainderBelowN.in[0] <== remainder;
    remainderBelowN.in[1] <== N;
    remainderBelowN.out === 1;
}
