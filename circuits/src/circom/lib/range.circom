pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";

// Constrains `in` < 2^n by decomposing it into n boolean-constrained bits.
// Every comparator input in this circuit passes through here (or is a sum or
// product of values that did) before it reaches LessThan, whose result is only
// sound when both inputs are below 2^n.
template AssertBits(n) {
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
}

// Constrains `in` != 0: a zero has no inverse, so no witness satisfies in·inv = 1.
template AssertNonZero() {
    signal input in;
    signal inverse <-- in != 0 ? 1 / in : 0;
    in * inverse === 1;
}
