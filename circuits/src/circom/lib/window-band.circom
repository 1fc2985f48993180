pragma circom 2.1.9;

include "circomlib/circuits/comparators.circom";
include "range.circom";
include "moving-average.circom";
include "prices-commitment.circom";

// The window and where its latest price sits against the moving-average band (policy rules 1,
// 2, 3 and 7, shared by every circuit that proves over a window):
//   every price in (0, 2^64); thresholdBps < 10 000 (rule 1)
//   root = the window's Poseidon commitment (rule 7)
//   average = ⌊Σ prices / N⌋ (rule 2)
//   belowBand ⇔ latest·10^4 < MA·(10^4 − thresholdBps);  aboveBand ⇔ latest·10^4 > MA·(10^4 + thresholdBps)
// All sides of the band comparisons are < 2^64 · 2·10^4 < 2^79, so 80-bit comparators are sound.
template WindowBand(N) {
    var PRICE_BITS = 64;
    var THRESHOLD_BITS = 16;
    var BPS = 10000;

    signal input prices[N];
    signal input thresholdBps;   // range-checked < 2^16 by the caller's unpacking
    signal output root;
    signal output average;
    signal output belowBand;
    signal output aboveBand;

    component priceRange[N];
    component priceNonZero[N];
    for (var i = 0; i < N; i++) {
        priceRange[i] = AssertBits(PRICE_BITS);
        priceRange[i].in <== prices[i];
        priceNonZero[i] = AssertNonZero();
        priceNonZero[i].in <== prices[i];
    }
    component thresholdBelowBps = LessThan(THRESHOLD_BITS);
    thresholdBelowBps.in[0] <== thresholdBps;
    thresholdBelowBps.in[1] <== BPS;
    thresholdBelowBps.out === 1;

    component commitment = PricesCommitment(N);
    commitment.prices <== prices;
    root <== commitment.root;

    component movingAverage = MovingAverage(N, PRICE_BITS);
    movingAverage.prices <== prices;
    average <== movingAverage.average;

    signal scaledPrice <== prices[N - 1] * BPS;
    signal lowerBand <== average * (BPS - thresholdBps);
    signal upperBand <== average * (BPS + thresholdBps);
    component below = LessThan(80);
    below.in[0] <== scaledPrice;
    below.in[1] <== lowerBand;
    belowBand <== below.out;
    component above = LessThan(80);
    above.in[0] <== upperBand;
    above.in[1] <== scaledPrice;
    aboveBand <== above.out;
}
