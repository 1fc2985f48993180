pragma circom 2.1.9;

include "circomlib/circuits/comparators.circom";
include "lib/range.circom";
include "lib/unpack.circom";
include "lib/window-band.circom";

// ============================================================================
// zkagent signal v1 (the signal hub's statement, issue #14)
//
// A proof of this circuit says: "for each of the K markets, over the N oracle
// answers committed to in `pricesCommitment[k]`, ending with `latestPrice` at
// `roundId`, the signal (`action`, `sizeBps`) obeys the vault-independent
// rules of policy `thresholdBps`; the prover names `modelHash` as the model
// that produced the signals, and the proof is for exactly one `context`
// (chain id, hub contract, agent, nonce)."
//
// The band rule and the window commitment are policy v1's (lib/window-band,
// lib/prices-commitment), so the on-chain WindowLog's commitment is each
// market's `pricesCommitment[k]` unchanged.
//
// What it does NOT say: anything about a vault. The size is a fraction of a
// cap (`sizeBps` of 10 000), not an amount; each following vault turns it
// into an amount and checks its own cap, position and no-short rule on-chain
// in plain Solidity. That the model produced the signals is the agent's
// attestation, as in policy v1. That each window is its feed's is checked
// on-chain (WindowLog), as in policy v1.
//
// Public inputs, in this order (2K + 3; packed low bits first; TypeScript twin
// circuits/src/signal/signal-values.ts):
//   0 .. K−1     pricesCommitment[k]  as policy v1 (lib/prices-commitment.circom)
//   K .. 2K−1    marketSignal[k]      latestPrice (64) | roundId (80) | sizeBps (14) | action (2)
//                                     action: 0 HOLD, 1 BUY, 2 SELL; nothing above bit 160
//   2K           thresholdBps         the policy id: the band threshold, < 10 000
//   2K + 1       modelHash            uint256(sha256(model file)) >> 8
//   2K + 2       context              uint256(keccak256(abi.encode(chainId, hub, agent, nonce))) >> 8
//
// Rules, per market k (each an R1CS constraint):
//   1 ranges      every price in (0, 2^64); thresholdBps < 10 000; the packed fields by their widths
//   2 MA          ⌊Σ prices / N⌋, pinned (lib/moving-average)
//   3 band        BUY only if latest·10^4 < MA·(10^4 − t); SELL only if latest·10^4 > MA·(10^4 + t)
//   4 hold        HOLD ⇔ sizeBps = 0
//   5 size        sizeBps ≤ 10 000
//   6 commitment  pricesCommitment[k] and latestPrice are the window's (policy v1's rule 7)
// (Policy v1's rules 5 and 6, the cap and no-short, depend on a vault: the hub's followers check them.)
// ============================================================================
template SignalV1(K, N) {
    var PRICE_BITS = 64;
    var ROUND_BITS = 80;
    var SIZE_BPS_BITS = 14;
    var THRESHOLD_BITS = 16;
    var BPS = 10000;

    signal input prices[K][N];

    signal input pricesCommitment[K];
    signal input marketSignal[K];
    signal input thresholdBps;
    signal input modelHash;
    signal input context;

    // --- Rule 1 (threshold): thresholdBps < 2^16 here, < 10 000 in each WindowBand. ---
    component thresholdRange = AssertBits(THRESHOLD_BITS);
    thresholdRange.in <== thresholdBps;

    component marketFields[K];
    component window[K];
    component sizeIsZero[K];
    component sizeWithinBps[K];
    signal isBuy[K];
    signal isSell[K];
    for (var k = 0; k < K; k++) {
        // --- Unpack market k's signal (each field range-checked by its width; 160 bits in all). ---
        // The action's two bits are flags: bit 0 = BUY, bit 1 = SELL; both set (3) is not an action.
        marketFields[k] = Unpack(5, [PRICE_BITS, ROUND_BITS, SIZE_BPS_BITS, 1, 1]);
        marketFields[k].packed <== marketSignal[k];
        // marketFields[k].fields[1] is roundId: range-checked here, compared on-chain.
        isBuy[k] <== marketFields[k].fields[3];
        isSell[k] <== marketFields[k].fields[4];
        isBuy[k] * isSell[k] === 0;

        // --- Rules 1, 2, 3 and 6: ranges, the commitment, MA, the band (lib/window-band). ---
        window[k] = WindowBand(N);
        window[k].prices <== prices[k];
        window[k].thresholdBps <== thresholdBps;
        window[k].root === pricesCommitment[k];
        prices[k][N - 1] === marketFields[k].fields[0];
        // Rule 3: BUY only below the band, SELL only above it.
        isBuy[k] * (1 - window[k].belowBand) === 0;
        isSell[k] * (1 - window[k].aboveBand) === 0;

        // --- Rule 4: HOLD if and only if sizeBps = 0. ---
        sizeIsZero[k] = IsZero();
        sizeIsZero[k].in <== marketFields[k].fields[2];
        1 - isBuy[k] - isSell[k] === sizeIsZero[k].out;

        // --- Rule 5: sizeBps ≤ 10 000 (both sides < 2^14 by the unpacking and the constant). ---
        sizeWithinBps[k] = LessEqThan(SIZE_BPS_BITS);
        sizeWithinBps[k].in[0] <== marketFields[k].fields[2];
        sizeWithinBps[k].in[1] <== BPS;
        sizeWithinBps[k].out === 1;
    }

    // --- Binding: modelHash and context enter a constraint each, so the ---
    // verifying key depends on them and no proof verifies with other values.
    signal modelHashSquared <== modelHash * modelHash;
    signal contextSquared <== context * context;
}
