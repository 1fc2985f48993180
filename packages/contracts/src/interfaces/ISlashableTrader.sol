// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ISlashableTrader
/// @notice The trader's hook through which its optimistic lane deauthorises a slashed agent.
interface ISlashableTrader {
    /// @notice Deauthorises `agent`; only the trader's current optimistic lane may call it.
    /// @param agent The slashed agent.
    function revokeSlashedAgent(address agent) external;
}
