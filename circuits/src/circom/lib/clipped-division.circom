pragma circom 2.1.9;

include "circomlib/circuits/comparators.circom";
include "range.circom";

// out = clip(⌊num / den⌋, −limit, limit) for a signed num with |num| < 2^numBits and a positive
// den < 2^denBits (the caller range-checks both). The clip is decided first, by comparing num
// with (limit + 1)·den and −limit·den, so the quotient only needs pinning when it is inside the
// clip range, where it is small:
//   above  ⇔ num ≥ (limit + 1)·den          (⌊num/den⌋ > limit)
//   below  ⇔ num < −limit·den               (⌊num/den⌋ < −limit)
//   inside: num = q·den + r, 0 ≤ r < den, q + limit ∈ [0, 2^bits(2·limit))
// The comparisons run on values shifted by 2^(cmpBits−1) so both sides are non-negative and
// below 2^cmpBits; with |q| ≤ limit + 1 the equation holds over the integers, so q is the floor.
template SignedClippedDivision(numBits, denBits, limit) {
    signal input num;
    signal input den;
    signal output out;

    var cmpBits = (numBits > denBits + 8 ? numBits : denBits + 8) + 2;
    var offset = 1 << (cmpBits - 1);

    component above = GreaterEqThan(cmpBits);
    above.in[0] <== num + offset;
    above.in[1] <== (limit + 1) * den + offset;
    component below = LessThan(cmpBits);
    below.in[0] <== num + offset;
    below.in[1] <== offset - limit * den;
    signal inside <== 1 - above.out - below.out;
    above.out * below.out === 0;

    // The quotient and remainder inside the clip range (zero, and unused, outside it).
    signal q;
    signal r;
    var n = num;
    var absolute = n < 0 ? -n : n;
    var qa = absolute \ den;
    var ra = absolute % den;
    q <-- inside == 1 ? (n < 0 ? (ra == 0 ? -qa : -qa - 1) : qa) : 0;
    r <-- inside == 1 ? n - q * den : 0;
    component qRange = AssertBits(nbits(2 * limit));
    qRange.in <== q + limit;
    component rRange = AssertBits(denBits);
    rRange.in <== r;
    component rBelowDen = LessThan(denBits);
    rBelowDen.in[0] <== r;
    rBelowDen.in[1] <== den;
    rBelowDen.out === 1;
    signal quotientTimesDen <== q * den;
    inside * (num - quotientTimesDen - r) === 0;

    signal insideValue <== inside * q;
    out <== insideValue + limit * above.out - limit * below.out;
}

// out = min(⌊num / den⌋, limit) for 0 ≤ num < 2^numBits and 0 < den < 2^denBits.
template ClippedDivision(numBits, denBits, limit) {
    signal input num;
    signal input den;
    signal output out;

    var cmpBits = (numBits > denBits + 8 ? numBits : denBits + 8) + 1;
    component above = GreaterEqThan(cmpBits);
    above.in[0] <== num;
    above.in[1] <== (limit + 1) * den;

    signal q;
    signal r;
    q <-- above.out == 1 ? 0 : num \ den;
    r <-- above.out == 1 ? 0 : num % den;
    component qRange = AssertBits(nbits(limit));
    qRange.in <== q;
    component rRange = AssertBits(denBits);
    rRange.in <== r;
    component rBelowDen = LessThan(denBits);
    rBelowDen.in[0] <== r;
    rBelowDen.in[1] <== den;
    rBelowDen.out === 1;
    signal quotientTimesDen <== q * den;
    (1 - above.out) * (num - quotientTimesDen - r) === 0;

    signal insideValue <== (1 - above.out) * q;
    out <== insideValue + limit * above.out;
}
