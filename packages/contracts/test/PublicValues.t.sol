// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {PublicValues} from "../src/libraries/PublicValues.sol";
import {SnarkField} from "../src/libraries/SnarkField.sol";

/// @notice Exposes the library's calldata function to the fuzzer.
contract PublicValuesHarness {
    function unpack(uint256[5] calldata signals) external pure returns (PublicValues.Values memory) {
        return PublicValues.unpack(signals);
    }
}

/// @notice PublicValues unpacks exactly what circuits/src/public-values.ts packs.
contract PublicValuesTest is Test {
    PublicValuesHarness internal harness = new PublicValuesHarness();

    function pack(
        uint64 latestPrice,
        uint80 roundId,
        uint96 size,
        uint8 action,
        uint96 maxPosition,
        uint16 thresholdBps,
        uint96 position
    ) internal pure returns (uint256 marketAndTrade, uint256 policyAndPosition) {
        marketAndTrade =
            uint256(latestPrice) |
            (uint256(roundId) << 64) |
            (uint256(size) << 144) |
            (uint256(action) << 240);
        policyAndPosition = uint256(maxPosition) | (uint256(thresholdBps) << 96) | (uint256(position) << 112);
    }

    function testFuzz_roundTrip(
        uint64 latestPrice,
        uint80 roundId,
        uint96 size,
        uint8 actionSeed,
        uint96 maxPosition,
        uint16 thresholdBps,
        uint96 position,
        uint256 commitment,
        uint256 modelHash,
        uint256 context
    ) public view {
        uint8 action = actionSeed % 3;
        commitment = bound(commitment, 0, SnarkField.MODULUS - 1);
        modelHash = bound(modelHash, 0, SnarkField.MODULUS - 1);
        context = bound(context, 0, SnarkField.MODULUS - 1);
        (uint256 market, uint256 policy) = pack(
            latestPrice,
            roundId,
            size,
            action,
            maxPosition,
            thresholdBps,
            position
        );
        PublicValues.Values memory v = harness.unpack([commitment, market, policy, modelHash, context]);
        assertEq(v.pricesCommitment, commitment);
        assertEq(v.latestPrice, latestPrice);
        assertEq(v.roundId, roundId);
        assertEq(v.size, size);
        assertEq(v.action, action);
        assertEq(v.maxPosition, maxPosition);
        assertEq(v.thresholdBps, thresholdBps);
        assertEq(v.position, position);
        assertEq(v.modelHash, modelHash);
        assertEq(v.context, context);
    }

    function testFuzz_rejectsSignalsAtOrAboveTheField(uint256 index, uint256 value) public {
        index = bound(index, 0, 4);
        value = bound(value, SnarkField.MODULUS, type(uint256).max);
        uint256[5] memory signals;
        signals[index] = value;
        vm.expectRevert(abi.encodeWithSelector(PublicValues.PublicSignalNotInField.selector, index, value));
        harness.unpack(signals);
    }

    function testFuzz_rejectsActionThreeAndHighBits(uint256 high) public {
        high = bound(high, 3, (SnarkField.MODULUS >> 240) - 1);
        uint256[5] memory signals;
        signals[1] = high << 240;
        vm.expectRevert(abi.encodeWithSelector(PublicValues.MalformedPackedSignal.selector, 1, signals[1]));
        harness.unpack(signals);
    }

    function testFuzz_rejectsPolicyBitsAbove216(uint256 high) public {
        high = bound(high, 1, (SnarkField.MODULUS >> 216) - 1);
        uint256[5] memory signals;
        signals[2] = high << 216;
        vm.expectRevert(abi.encodeWithSelector(PublicValues.MalformedPackedSignal.selector, 2, signals[2]));
        harness.unpack(signals);
    }
}
