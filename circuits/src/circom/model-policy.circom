pragma circom 2.1.9;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/range.circom";
include "lib/unpack.circom";
include "lib/window-band.circom";
include "lib/clipped-division.circom";
include "lib/fixed-point.circom";
include "lib/int8-weights.circom";

// ============================================================================
// zkagent proven model v1 (policy + model in one proof)
//
// A proof of this circuit says: "the trade (`action`, `size`) is exactly what
// the model committed to in `modelHash` (an 8-16-2 network of int8 weights that
// stay private) computes from the 30 oracle answers committed to in
// `pricesCommitment`, the agent's `position`, the cap and the adviser's bias,
// with the policy applied to it: a BUY outside the band's BUY zone, a SELL
// outside its SELL zone, or a size of zero becomes HOLD. The proof is for
// exactly one `context` (chain id, trader contract, agent, nonce)."
// So the executed trade obeys the policy by construction, and it is the
// registered model's, not the operator's choice.
//
// What it does NOT say: anything about the adviser (an LLM) beyond its bias,
// which is a public input the model weighs (attested, not proven; its influence
// is bounded by the weights and the policy), or that training followed any
// recipe. That the window is the feed's is checked on-chain (WindowLog), as for
// policy v1.
//
// Fixed-point arithmetic and the model are specified in
// circuits/src/model/model-spec.ts; the TypeScript twin is evaluateModel.
//
// Public inputs, in this order (policy v1's layout, plus the bias):
//   0 pricesCommitment    as policy v1 (lib/prices-commitment.circom)
//   1 marketAndTrade      latestPrice (64) | roundId (80) | size (96) | action (2)
//   2 policyAndPosition   maxPosition (96) | thresholdBps (16) | position (96) | advice + 128 (8)
//   3 modelHash           Poseidon(architecture id, 6 weight limbs)
//   4 context             as policy v1
// ============================================================================
template ModelPolicyV1(N, F, H, LIMBS, ARCHITECTURE_ID) {
    var PRICE_BITS = 64;
    var ROUND_BITS = 80;
    var AMOUNT_BITS = 96;
    var THRESHOLD_BITS = 16;
    var CLIP = 127;
    var SHIFT = 4;
    var DIRECTION_MARGIN = 64;
    var WEIGHT_COUNT = H * F + H + 2 * H + 2;

    signal input prices[N];
    signal input weightLimbs[LIMBS];

    signal input pricesCommitment;
    signal input marketAndTrade;
    signal input policyAndPosition;
    signal input modelHash;
    signal input context;

    // --- Public values (each field range-checked by its width) ---
    component marketFields = Unpack(5, [PRICE_BITS, ROUND_BITS, AMOUNT_BITS, 1, 1]);
    marketFields.packed <== marketAndTrade;
    signal latestPrice <== marketFields.fields[0];
    signal size <== marketFields.fields[2];
    signal isBuy <== marketFields.fields[3];
    signal isSell <== marketFields.fields[4];

    component policyFields = Unpack(4, [AMOUNT_BITS, THRESHOLD_BITS, AMOUNT_BITS, 8]);
    policyFields.packed <== policyAndPosition;
    signal maxPosition <== policyFields.fields[0];
    signal thresholdBps <== policyFields.fields[1];
    signal position <== policyFields.fields[2];
    // The adviser's bias in [−100, 100]: its 8-bit field minus 128, within 28..228.
    signal advice <== policyFields.fields[3] - 128;
    component adviceNotBelow = LessThan(8);
    adviceNotBelow.in[0] <== policyFields.fields[3];
    adviceNotBelow.in[1] <== 28;
    adviceNotBelow.out === 0;
    component adviceNotAbove = LessThan(8);
    adviceNotAbove.in[0] <== 228;
    adviceNotAbove.in[1] <== policyFields.fields[3];
    adviceNotAbove.out === 0;
    // The cap divides a feature: it must not be zero.
    component capNonZero = AssertNonZero();
    capNonZero.in <== maxPosition;

    // --- The window: ranges, commitment, MA, band (policy rules 1, 2, 3, 7) ---
    component window = WindowBand(N);
    window.prices <== prices;
    window.thresholdBps <== thresholdBps;
    window.root === pricesCommitment;
    prices[N - 1] === latestPrice;

    // --- The model's identity: its private weights open the public commitment ---
    component unpackWeights = UnpackInt8Weights(LIMBS, WEIGHT_COUNT);
    unpackWeights.limbs <== weightLimbs;
    component commitment = Poseidon(LIMBS + 1);
    commitment.inputs[0] <== ARCHITECTURE_ID;
    for (var l = 0; l < LIMBS; l++) commitment.inputs[l + 1] <== weightLimbs[l];
    commitment.out === modelHash;
    signal w[WEIGHT_COUNT] <== unpackWeights.weights;

    // --- Features (model-spec.ts, features.ts), each clipped to ±127 ---
    // 0..4: ⌊(p29 − base)·1000 / base⌋ with base = MA, p28, p24, p19, p0 (|num| < 2^74)
    signal features[F];
    component relative[5];
    var bases[5] = [0, N - 2, N - 6, N - 11, 0];
    for (var k = 0; k < 5; k++) {
        relative[k] = SignedClippedDivision(74, PRICE_BITS, CLIP);
        var baseIsAverage = k == 0;
        if (baseIsAverage) {
            relative[k].num <== (prices[N - 1] - window.average) * 1000;
            relative[k].den <== window.average;
        } else {
            relative[k].num <== (prices[N - 1] - prices[bases[k]]) * 1000;
            relative[k].den <== prices[bases[k]];
        }
        features[k] <== relative[k].out;
    }
    // 5: ⌊Σ (p_i − p_{i−1})²·10^6 / (29·MA²)⌋ (num < 2^153, den < 2^133)
    signal steps[N - 1];
    signal stepSquares[N - 1];
    var squareSum = 0;
    for (var i = 1; i < N; i++) {
        steps[i - 1] <== prices[i] - prices[i - 1];
        stepSquares[i - 1] <== steps[i - 1] * steps[i - 1];
        squareSum += stepSquares[i - 1];
    }
    signal averageSquared <== window.average * window.average;
    component volatility = ClippedDivision(154, 134, CLIP);
    volatility.num <== squareSum * 1000000;
    volatility.den <== averageSquared * (N - 1);
    features[5] <== volatility.out;
    // 6: ⌊position·100 / maxPosition⌋ (num < 2^103)
    component positionShare = ClippedDivision(104, AMOUNT_BITS, CLIP);
    positionShare.num <== position * 100;
    positionShare.den <== maxPosition;
    features[6] <== positionShare.out;
    // 7: the adviser's bias
    features[7] <== advice;

    // --- Hidden layer: h_j = min(127, max(0, ⌊(Σ_i W1[j][i]·x_i + 16·b1[j]) / 16⌋)) ---
    // |pre| ≤ 8·128·127 + 16·128 < 2^17: 15 quotient bits and a 4-bit remainder pin it.
    signal products1[H][F];
    signal hidden[H];
    component activation[H];
    for (var j = 0; j < H; j++) {
        var pre = 16 * w[H * F + j];
        for (var i = 0; i < F; i++) {
            products1[j][i] <== w[j * F + i] * features[i];
            pre += products1[j][i];
        }
        activation[j] = RescaleClippedRelu(15, SHIFT, CLIP);
        activation[j].in <== pre;
        hidden[j] <== activation[j].out;
    }

    // --- Outputs: o_k = Σ_j W2[k][j]·h_j + 16·b2[k] (|o| < 2^19) ---
    var W2_AT = H * F + H;
    var B2_AT = W2_AT + 2 * H;
    signal products2[2][H];
    signal outputs[2];
    for (var k = 0; k < 2; k++) {
        var o = 16 * w[B2_AT + k];
        for (var j = 0; j < H; j++) {
            products2[k][j] <== w[W2_AT + k * H + j] * hidden[j];
            o += products2[k][j];
        }
        outputs[k] <== o;
    }

    // --- The model's trade ---
    // BUY ⇔ o0 > 64, SELL ⇔ o0 < −64 (compared on o0 + 2^20, within 21 bits)
    var OFFSET = 1 << 20;
    component wantsBuy = LessThan(21);
    wantsBuy.in[0] <== DIRECTION_MARGIN + OFFSET;
    wantsBuy.in[1] <== outputs[0] + OFFSET;
    component wantsSell = LessThan(21);
    wantsSell.in[0] <== outputs[0] + OFFSET;
    wantsSell.in[1] <== OFFSET - DIRECTION_MARGIN;
    // size percent = min(100, max(1, ⌊o1 / 16⌋))
    component sizePercent = RescaleClip(17, SHIFT, 1, 100);
    sizePercent.in <== outputs[1];
    // the room: cap − position for a BUY (0 if the position is at or past the cap), the position for a SELL
    component belowCap = LessThan(AMOUNT_BITS + 1);
    belowCap.in[0] <== position;
    belowCap.in[1] <== maxPosition;
    signal buyRoom <== belowCap.out * (maxPosition - position);
    signal buyShare <== wantsBuy.out * buyRoom;
    signal sellShare <== wantsSell.out * position;
    signal room <== buyShare + sellShare;
    // model size = ⌊room·percent / 100⌋ (room < 2^96, percent ≤ 100)
    signal scaledRoom <== room * sizePercent.out;
    signal modelSize;
    modelSize <-- scaledRoom \ 100;
    signal sizeRemainder <== scaledRoom - modelSize * 100;
    component modelSizeRange = AssertBits(AMOUNT_BITS);
    modelSizeRange.in <== modelSize;
    component remainderRange = AssertBits(7);
    remainderRange.in <== sizeRemainder;
    component remainderBelow100 = LessThan(7);
    remainderBelow100.in[0] <== sizeRemainder;
    remainderBelow100.in[1] <== 100;
    remainderBelow100.out === 1;

    // --- The policy applied to the model's trade, and the public trade equal to it ---
    component sizeIsZero = IsZero();
    sizeIsZero.in <== modelSize;
    signal buyInBand <== wantsBuy.out * window.belowBand;
    signal sellInBand <== wantsSell.out * window.aboveBand;
    signal executesBuy <== buyInBand * (1 - sizeIsZero.out);
    signal executesSell <== sellInBand * (1 - sizeIsZero.out);
    isBuy === executesBuy;
    isSell === executesSell;
    size === (executesBuy + executesSell) * modelSize;

    // --- Binding: the context enters a constraint (the modelHash already does) ---
    signal contextSquared <== context * context;
}
