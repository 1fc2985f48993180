// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ISignalFollower
/// @notice A vault that executes its subscribed publisher's verified signals (DecentralizedTrader).
interface ISignalFollower {
    /// @notice Executes, for this vault, the hub's verified signal of its publisher for the feed's
    /// latest round, against the vault's own cap, position, limits and slippage bound.
    /// @param roundId The signal's round.
    /// @param pricesCommitment The signal's window commitment.
    /// @param modelHash The signal's model.
    /// @return amountIn Tokens paid to the pool.
    /// @return amountOut Tokens received.
    function followSignal(
        uint80 roundId,
        uint256 pricesCommitment,
        uint256 modelHash
    ) external returns (uint256 amountIn, uint256 amountOut);
}
