pragma circom 2.1.9;

include "circomlib/circuits/comparators.circom";
include "lib/range.circom";
include "lib/unpack.circom";
include "lib/window-band.circom";

// ============================================================================
// zkagent policy v1
//
// A proof of this circuit says: "over the N oracle answers committed to in
// `pricesCommitment`, ending with `latestPrice` at `roundId`, the trade
// (`action`, `size`) obeys the risk policy (`maxPosition`, `thresholdBps`)
// given the agent's current `position`; the prover names `modelHash` as the
// model that produced the signal, and the proof is for exactly one `context`
// (chain id, trader contract, agent, nonce)."
//
// What it does NOT say: that the model actually produced the signal (that is
// the agent's attestation; no one can prove an LLM's forward pass today).
// That the window is the feed's is checked on-chain, not proven: the trader
// requires `roundId` to be the feed's latest round and `pricesCommitment` to
// equal WindowLog.commitmentOf(roundId), which the log computed from the
// feed's own 30 rounds with the same Poseidon layout as rule 7.
//
// Units: prices are Chainlink answers (8 decimals); sizes and positions are
// base-token (WETH) wei; thresholdBps is in basis points.
//
// Public inputs, in this order (packed: each costs ~7k gas to verify; low
// bits first; TypeScript twin circuits/src/public-values.ts, Solidity twin
// packages/contracts/src/libraries/PublicValues.sol):
//   0 pricesCommitment    Poseidon(Poseidon(limbs 0..4), Poseidon(limbs 5..9)),
//                         prices packed three per limb (lib/prices-commitment.circom)
//   1 marketAndTrade      latestPrice (64) | roundId (80) | size (96) | action (2)
//                         action: 0 HOLD, 1 BUY, 2 SELL
//   2 policyAndPosition   maxPosition (96) | thresholdBps (16) | position (96)
//   3 modelHash           uint256(sha256(model file)) >> 8
//   4 context             uint256(keccak256(abi.encode(chainId, trader, agent, nonce))) >> 8
// ============================================================================
template PolicyV1(N) {
    var PRICE_BITS = 64;
    var ROUND_BITS = 80;
    var AMOUNT_BITS = 96;
    var THRESHOLD_BITS = 16;

    signal input prices[N];

    signal input pricesCommitment;
    signal input marketAndTrade;
    signal input policyAndPosition;
    signal input modelHash;
    signal input context;

    // --- Unpack the public values (each field range-checked by its width) ---
    // The action's two bits are unpacked as flags: bit 0 = BUY, bit 1 = SELL;
    // both set (action 3) is not an action.
    component marketFields = Unpack(5, [PRICE_BITS, ROUND_BITS, AMOUNT_BITS, 1, 1]);
    marketFields.packed <== marketAndTrade;
    signal latestPrice <== marketFields.fields[0];
    // marketFields.fields[1] is roundId: range-checked here, compared on-chain.
    signal size <== marketFields.fields[2];
    signal isBuy <== marketFields.fields[3];
    signal isSell <== marketFields.fields[4];
    isBuy * isSell === 0;
    signal isHold <== 1 - isBuy - isSell;

    component policyFields = Unpack(3, [AMOUNT_BITS, THRESHOLD_BITS, AMOUNT_BITS]);
    policyFields.packed <== policyAndPosition;
    signal maxPosition <== policyFields.fields[0];
    signal thresholdBps <== policyFields.fields[1];
    signal position <== policyFields.fields[2];


    // --- Rules 1, 2, 3 and 7: ranges, the commitment, MA = ⌊sum / N⌋, the band (lib/window-band). ---
    // (size, position and maxPosition are < 2^96 by their unpacked widths.)
    component window = WindowBand(N);
    window.prices <== prices;
    window.thresholdBps <== thresholdBps;
    window.root === pricesCommitment;
    prices[N - 1] === latestPrice;
    // Rule 3: BUY only below the band, SELL only above it.
    isBuy * (1 - window.belowBand) === 0;
    isSell * (1 - window.aboveBand) === 0;

    // --- Rule 4: HOLD if and only if size = 0. ---
    component sizeIsZero = IsZero();
    sizeIsZero.in <== size;
    isHold === sizeIsZero.out;

    // --- Rule 5: BUY keeps position + size ≤ maxPosition (the cap). ---
    // position + size < 2^97; maxPosition < 2^96.
    component withinCap = LessEqThan(AMOUNT_BITS + 1);
    withinCap.in[0] <== position + size;
    withinCap.in[1] <== maxPosition;
    isBuy * (1 - withinCap.out) === 0;

    // --- Rule 6: SELL keeps size ≤ position (no short selling). ---
    component withinPosition = LessEqThan(AMOUNT_BITS);
    withinPosition.in[0] <== size;
    withinPosition.in[1] <== position;
    isSell * (1 - withinPosition.out) === 0;

    // --- Binding: modelHash and context enter a constraint each, so the ---
    // verifying key depends on them and no proof verifies with other values.
    signal modelHashSquared <== modelHash * modelHash;
    signal contextSquared <== context * context;
}
