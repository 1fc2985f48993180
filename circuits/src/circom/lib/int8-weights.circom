pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";

// The model's private weights: `limbs` field elements, each 31 bytes little-endian (248 bits,
// below the field, so the decomposition is unique), byte = weight + 128. Every weight is thus an
// int8 in [−128, 127] by construction. Bytes past `count` in the last limb must be zero.
template UnpackInt8Weights(nLimbs, count) {
    var BYTES_PER_LIMB = 31;
    signal input limbs[nLimbs];
    signal output weights[count];

    component bits[nLimbs];
    for (var l = 0; l < nLimbs; l++) {
        bits[l] = Num2Bits(8 * BYTES_PER_LIMB);
        bits[l].in <== limbs[l];
    }
    for (var k = 0; k < count; k++) {
        var l = k \ BYTES_PER_LIMB;
        var t = k % BYTES_PER_LIMB;
        var byte = 0;
        for (var b = 0; b < 8; b++) byte += bits[l].out[8 * t + b] * (1 << b);
        weights[k] <== byte - 128;
    }
    // padding: the unused bytes of the last limb are zero
    for (var k = count; k < nLimbs * BYTES_PER_LIMB; k++) {
        var l = k \ BYTES_PER_LIMB;
        var t = k % BYTES_PER_LIMB;
        for (var b = 0; b < 8; b++) bits[l].out[8 * t + b] === 0;
    }
}
