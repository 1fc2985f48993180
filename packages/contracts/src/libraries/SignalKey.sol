// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title SignalKey
/// @notice The key a verified signal is cached under: everything it depends on.
/// @dev Note: the publisher is part of the key because the hub's proofs show policy compliance of
/// a signal the publisher names (an attested model), not a deterministic function of the inputs:
/// two publishers of the same model may publish different signals for the same window.
library SignalKey {
    /// @notice The key of `publisher`'s signal for `feed` at `roundId` over the window committed by
    /// `pricesCommitment`, from model `modelHash`, under the policy with `thresholdBps`.
    /// @param publisher The agent that proved it.
    /// @param feed The market's Chainlink feed.
    /// @param roundId The feed round the window ends at.
    /// @param pricesCommitment The window's Poseidon commitment (the WindowLog's).
    /// @param modelHash The model the publisher names.
    /// @param thresholdBps The policy id: the band threshold.
    /// @return The key.
    function compute(
        address publisher,
        address feed,
        uint80 roundId,
        uint256 pricesCommitment,
        uint256 modelHash,
        uint256 thresholdBps
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(publisher, feed, roundId, pricesCommitment, modelHash, thresholdBps));
    }
}
