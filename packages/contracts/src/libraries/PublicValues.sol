// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SnarkField} from "./SnarkField.sol";

/// @title PublicValues
/// @notice Unpacks the five public signals of policy v1 (circuits/src/circom/policy.circom):
///   0 pricesCommitment
///   1 marketAndTrade     latestPrice (64 bits) | roundId (80) | size (96) | action (2)
///   2 policyAndPosition  maxPosition (96) | thresholdBps (16) | position (96) | advice (8, proven
///                        models' adviser bias + 128; 0 in policy v1 proofs, whose circuit forces it)
///   3 modelHash
///   4 context
/// @dev Note: fields are packed low bits first. Bits above a packed value's width, values at or
/// above the field modulus and action 3 are rejected here, before any other work.
library PublicValues {
    /// @notice Trade actions as the circuit encodes them.
    uint8 internal constant HOLD = 0;
    uint8 internal constant BUY = 1;
    uint8 internal constant SELL = 2;

    /// @notice The unpacked statement of one proof.
    struct Values {
        uint256 pricesCommitment;
        uint80 roundId;
        uint64 latestPrice;
        uint96 maxPosition;
        uint16 thresholdBps;
        uint96 position;
        uint8 action;
        uint96 size;
        uint256 modelHash;
        uint256 context;
    }

    /// @notice Thrown when a public signal is at or above the SNARK field modulus.
    error PublicSignalNotInField(uint256 index, uint256 value);
    /// @notice Thrown when a packed signal has bits set above its fields.
    error MalformedPackedSignal(uint256 index, uint256 value);

    /// @notice Unpacks and range-checks the five signals.
    /// @param signals The public signals in circuit order.
    /// @return v The unpacked values.
    function unpack(uint256[5] calldata signals) internal pure returns (Values memory v) {
        uint256 marketAndTrade = signals[1];
        uint256 policyAndPosition = signals[2];
        // A packed signal whose shape holds is below the field (< 3·2^240 and < 2^216), so only the
        // unpacked three need the field check, and a packed one only when its shape fails (to
        // report the error the field check would): ~0.3k gas less per trade than five checks.
        _requireInField(0, signals[0]);
        // above bit 240 only the action may be set, and action 3 (both flag bits) is not an action
        if (marketAndTrade >> 240 > SELL) {
            _requireInField(1, marketAndTrade);
            revert MalformedPackedSignal(1, marketAndTrade);
        }
        if (policyAndPosition >> 216 != 0) {
            _requireInField(2, policyAndPosition);
            revert MalformedPackedSignal(2, policyAndPosition);
        }
        _requireInField(3, signals[3]);
        _requireInField(4, signals[4]);

        v.pricesCommitment = signals[0];
        v.latestPrice = uint64(marketAndTrade);
        v.roundId = uint80(marketAndTrade >> 64);
        v.size = uint96(marketAndTrade >> 144);
        v.action = uint8(marketAndTrade >> 240);
        v.maxPosition = uint96(policyAndPosition);
        v.thresholdBps = uint16(policyAndPosition >> 96);
        v.position = uint96(policyAndPosition >> 112);
        v.modelHash = signals[3];
        v.context = signals[4];
    }

    function _requireInField(uint256 index, uint256 value) private pure {
        if (value >= SnarkField.MODULUS) revert PublicSignalNotInField(index, value);
    }
}
