// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IOptimisticLane
/// @notice What a trader needs from the bond-and-challenge lane of its optimistic path.
interface IOptimisticLane {
    /// @notice The token bonds and challenge bonds are posted in (the trader's quote token).
    /// @return The token.
    function bondToken() external view returns (address);

    /// @notice Records an unproven trade of the calling trader and locks `worstLoss` of the agent's
    /// bond until the claim is proven or its challenge window passes.
    /// @param agent The agent that executed the trade.
    /// @param nonce The nonce the claimed proof is bound to.
    /// @param publicSignals The claimed proof's public signals.
    /// @param verifier The verifier the proof must satisfy if challenged.
    /// @param worstLoss The most the trade can lose against the oracle, in bond-token units.
    function openClaim(
        address agent,
        uint32 nonce,
        uint256[5] calldata publicSignals,
        address verifier,
        uint256 worstLoss
    ) external;
}
