pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "range.circom";

// q = ⌊in / 2^shift⌋ for a signed in with |in| < 2^(bits + shift − 1): in = q·2^shift + r with
// 0 ≤ r < 2^shift, and q + 2^(bits−1) decomposed into `bits` bits, whose top bit is 1 exactly
// when q ≥ 0 (`nonNegative`). Unique: both ranges are far below the field.
template SignedRescale(bits, shift) {
    signal input in;
    signal output q;
    signal output nonNegative;
    signal output shifted[bits];

    var half = 1 << (bits - 1);
    var v = in;
    var magnitude = v < 0 ? -v : v;
    var scale = 1 << shift;
    var qa = magnitude \ scale;
    var ra = magnitude % scale;
    q <-- v < 0 ? (ra == 0 ? -qa : -qa - 1) : qa;
    signal r <== in - q * scale;
    component rRange = AssertBits(shift);
    rRange.in <== r;
    component qBits = Num2Bits(bits);
    qBits.in <== q + half;
    shifted <== qBits.out;
    nonNegative <== qBits.out[bits - 1];
}

// The hidden activation: h = min(ceiling, max(0, ⌊in / 2^shift⌋)) (a ReLU clipped at `ceiling`).
// The ReLU reads the rescaled quotient's sign bit, not a 254-bit decomposition.
template RescaleClippedRelu(bits, shift, ceiling) {
    signal input in;
    signal output out;

    component rescale = SignedRescale(bits, shift);
    rescale.in <== in;
    var half = 1 << (bits - 1);
    // q > ceiling ⇔ q + half > ceiling + half (both < 2^bits)
    component tooHigh = LessThan(bits);
    tooHigh.in[0] <== ceiling + half;
    tooHigh.in[1] <== rescale.q + half;
    signal belowCeiling <== (1 - tooHigh.out) * rescale.q;
    out <== rescale.nonNegative * (belowCeiling + ceiling * tooHigh.out);
}

// out = min(high, max(low, ⌊in / 2^shift⌋)) for a signed in (|in| < 2^(bits + shift − 1)).
template RescaleClip(bits, shift, low, high) {
    signal input in;
    signal output out;

    component rescale = SignedRescale(bits, shift);
    rescale.in <== in;
    var half = 1 << (bits - 1);
    component tooLow = LessThan(bits);
    tooLow.in[0] <== rescale.q + half;
    tooLow.in[1] <== low + half;
    component tooHigh = LessThan(bits);
    tooHigh.in[0] <== high + half;
    tooHigh.in[1] <== rescale.q + half;
    signal inside <== 1 - tooLow.out - tooHigh.out;
    signal insideValue <== inside * rescale.q;
    out <== insideValue + low * tooLow.out + high * tooHigh.out;
}
