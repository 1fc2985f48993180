// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ProofContext} from "../libraries/ProofContext.sol";

/// @title AgentLedger
/// @notice Per-agent state and the replay guard: authorisation, a sequential nonce, the agent's
/// position and its use of the loss limits in the current period, in one storage slot per agent.
/// @dev Note: the nonce is consumed (incremented) before any external call of a trade, and the
/// expected proof context is derived from the current nonce, so a proof verifies at most once.
abstract contract AgentLedger {
    /// @notice One agent's state (one slot: 8 + 32 + 96 + 32 + 16 + 64 bits).
    struct AgentState {
        bool authorized;
        uint32 nonce;
        uint96 position;
        /// The loss-limit period these counters belong to (block.timestamp / period).
        uint32 usagePeriod;
        /// Trades executed in that period.
        uint16 tradesInPeriod;
        /// Oracle-valued notional traded in that period, in quote-token units.
        uint64 notionalInPeriod;
    }

    mapping(address agent => AgentState) internal _agents;

    /// @notice The nonce the agent's next proof must be bound to.
    /// @param agent The agent.
    /// @return The current nonce.
    function nonceOf(address agent) external view returns (uint256) {
        return _agents[agent].nonce;
    }

    /// @notice The agent's tracked position in base-token units.
    /// @param agent The agent.
    /// @return The position.
    function positionOf(address agent) external view returns (uint256) {
        return _agents[agent].position;
    }

    /// @notice Whether the agent may trade.
    /// @param agent The agent.
    /// @return True if authorised.
    function isAuthorized(address agent) external view returns (bool) {
        return _agents[agent].authorized;
    }

    /// @notice The context the agent's next proof must carry on this contract and chain.
    /// @param agent The agent.
    /// @return The context field element.
    function expectedContext(address agent) public view returns (uint256) {
        return ProofContext.compute(block.chainid, address(this), agent, _agents[agent].nonce);
    }
}
