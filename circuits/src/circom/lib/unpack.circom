pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";

// Splits one public field element into fields of the given bit widths, low
// bits first: packed = Σ field[i] · 2^(Σ_{j<i} widths[j]).
// One Num2Bits over the total width range-checks every field and makes the
// split unique (the total stays below the field size, so no value wraps).
template Unpack(nFields, widths) {
    signal input packed;
    signal output fields[nFields];

    var totalBits = 0;
    for (var i = 0; i < nFields; i++) totalBits += widths[i];
    assert(totalBits <= 252);

    component bits = Num2Bits(totalBits);
    bits.in <== packed;

    var offset = 0;
    for (var i = 0; i < nFields; i++) {
        var field = 0;
        for (var b = 0; b < widths[i]; b++) field += bits.out[offset + b] * (1 << b);
        fields[i] <== field;
        offset += widths[i];
    }
}
