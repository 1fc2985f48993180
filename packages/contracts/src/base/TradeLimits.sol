// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AgentLedger} from "./AgentLedger.sol";

/// @title TradeLimits
/// @notice The vault owner's limits on exposure and churn, and their accounting: vault-wide
/// exposure (the sum of every agent's position), trades per block, and trades and oracle-valued
/// notional per period, per agent and per vault. All are decided from public values in plain
/// Solidity, so they hold even if a proof lies: a forged proof can lose at most the slippage
/// bound on the notional these limits allow per period.
/// @dev Note: periods are fixed windows (`block.timestamp / period`); a counter from an earlier
/// period reads as zero. On Arbitrum, `block.number` follows L1 blocks, so "per block" means per
/// L1 block there. The agent's counters live in its AgentLedger slot; the vault's in one slot.
abstract contract TradeLimits is AgentLedger {
    /// @notice The limits a vault owner sets.
    struct RiskLimits {
        /// Largest sum of all agents' positions, in base-token units (the vault's exposure).
        uint96 maxVaultPosition;
        /// Largest oracle-valued notional one agent may trade per period, in quote-token units.
        uint64 maxNotionalPerAgentPerPeriod;
        /// Largest oracle-valued notional all agents together may trade per period.
        uint64 maxNotionalPerVaultPerPeriod;
        /// The period, in seconds.
        uint32 period;
        /// Most trades one agent may make per period.
        uint16 maxTradesPerAgentPerPeriod;
        /// Most trades all agents together may make per period.
        uint16 maxTradesPerVaultPerPeriod;
        /// Most trades all agents together may make in one block.
        uint8 maxTradesPerBlock;
    }

    /// @notice The vault's use of its limits (one slot: 96 + 32 + 16 + 64 + 40 + 8 bits).
    struct VaultUsage {
        uint96 totalPosition;
        uint32 usagePeriod;
        uint16 tradesInPeriod;
        uint64 notionalInPeriod;
        uint40 lastTradeBlock;
        uint8 tradesInBlock;
    }

    /// @dev The four amount limits, one slot; the three count limits sit in the policy's slot
    /// (DecentralizedTrader) but are set and read through RiskLimits.
    struct AmountLimits {
        uint96 maxVaultPosition;
        uint64 maxNotionalPerAgentPerPeriod;
        uint64 maxNotionalPerVaultPerPeriod;
        uint32 period;
    }

    AmountLimits internal _amountLimits;
    VaultUsage internal _vault;

    /// @notice Thrown when a BUY would take the sum of all agents' positions past the vault's limit.
    error VaultExposureExceeded(uint256 totalPosition, uint256 size, uint256 maxVaultPosition);
    /// @notice Thrown when an agent has used its trades for the current period.
    error AgentTradesPerPeriodExceeded(address agent, uint256 trades, uint256 maxTrades);
    /// @notice Thrown when the vault has used its trades for the current period.
    error VaultTradesPerPeriodExceeded(uint256 trades, uint256 maxTrades);
    /// @notice Thrown when the vault has used its trades for this block.
    error TradesPerBlockExceeded(uint256 trades, uint256 maxTrades);
    /// @notice Thrown when a trade would take an agent's notional for the period past its limit.
    error AgentNotionalPerPeriodExceeded(address agent, uint256 used, uint256 notional, uint256 maxNotional);
    /// @notice Thrown when a trade would take the vault's notional for the period past its limit.
    error VaultNotionalPerPeriodExceeded(uint256 used, uint256 notional, uint256 maxNotional);
    /// @notice Thrown when a limit is zero or out of range.
    error InvalidRiskLimits(string field);

    /// @notice Emitted when the owner changes the limits.
    /// @param limits The new limits.
    event RiskLimitsUpdated(RiskLimits limits);

    /// @notice The sum of all agents' positions, in base-token units.
    /// @return The vault's exposure.
    function totalPosition() external view returns (uint256) {
        return _vault.totalPosition;
    }

    /// @notice The vault's use of its limits (counters of an earlier period or block are stale).
    /// @return The usage.
    function vaultUsage() external view returns (VaultUsage memory) {
        return _vault;
    }

    /// @dev Checks one trade against every limit and returns the agent's state and the vault's
    /// usage after it (the caller stores both before any external call).
    function _applyLimits(
        address agentAddress,
        AgentState memory agent,
        bool isBuy,
        uint96 size,
        uint256 notional,
        uint16 maxTradesPerAgent,
        uint16 maxTradesPerVault,
        uint8 maxTradesPerBlock
    ) internal view returns (AgentState memory, VaultUsage memory vault) {
        // (`agent` is updated in place and returned: callers keep what they need of it first)
        AmountLimits memory limits = _amountLimits;
        vault = _vault;
        uint32 period = uint32(block.timestamp / limits.period);

        if (isBuy && uint256(vault.totalPosition) + size > limits.maxVaultPosition) {
            revert VaultExposureExceeded(vault.totalPosition, size, limits.maxVaultPosition);
        }
        if (vault.lastTradeBlock != block.number)
            (vault.lastTradeBlock, vault.tradesInBlock) = (uint40(block.number), 0);
        if (vault.tradesInBlock >= maxTradesPerBlock)
            revert TradesPerBlockExceeded(vault.tradesInBlock, maxTradesPerBlock);
        if (vault.usagePeriod != period)
            (vault.usagePeriod, vault.tradesInPeriod, vault.notionalInPeriod) = (period, 0, 0);
        if (agent.usagePeriod != period)
            (agent.usagePeriod, agent.tradesInPeriod, agent.notionalInPeriod) = (period, 0, 0);

        if (agent.tradesInPeriod >= maxTradesPerAgent) {
            revert AgentTradesPerPeriodExceeded(agentAddress, agent.tradesInPeriod, maxTradesPerAgent);
        }
        if (vault.tradesInPeriod >= maxTradesPerVault) {
            revert VaultTradesPerPeriodExceeded(vault.tradesInPeriod, maxTradesPerVault);
        }
        if (agent.notionalInPeriod + notional > limits.maxNotionalPerAgentPerPeriod) {
            revert AgentNotionalPerPeriodExceeded(
                agentAddress,
                agent.notionalInPeriod,
                notional,
                limits.maxNotionalPerAgentPerPeriod
            );
        }
        if (vault.notionalInPeriod + notional > limits.maxNotionalPerVaultPerPeriod) {
            revert VaultNotionalPerPeriodExceeded(
                vault.notionalInPeriod,
                notional,
                limits.maxNotionalPerVaultPerPeriod
            );
        }
        // Every sum above is at most a uint64 limit, so the narrowing below cannot truncate.
        agent.tradesInPeriod += 1;
        agent.notionalInPeriod += uint64(notional);
        vault.tradesInPeriod += 1;
        vault.notionalInPeriod += uint64(notional);
        vault.tradesInBlock += 1;
        vault.totalPosition = isBuy ? vault.totalPosition + size : vault.totalPosition - size;
        return (agent, vault);
    }

    /// @dev Validates and stores the amount limits; the caller stores the count limits.
    function _setAmountLimits(RiskLimits memory limits) internal {
        if (limits.maxVaultPosition == 0) revert InvalidRiskLimits("maxVaultPosition");
        if (limits.maxNotionalPerAgentPerPeriod == 0) revert InvalidRiskLimits("maxNotionalPerAgentPerPeriod");
        if (limits.maxNotionalPerVaultPerPeriod == 0) revert InvalidRiskLimits("maxNotionalPerVaultPerPeriod");
        if (limits.period == 0) revert InvalidRiskLimits("period");
        if (limits.maxTradesPerAgentPerPeriod == 0) revert InvalidRiskLimits("maxTradesPerAgentPerPeriod");
        if (limits.maxTradesPerVaultPerPeriod == 0) revert InvalidRiskLimits("maxTradesPerVaultPerPeriod");
        if (limits.maxTradesPerBlock == 0) revert InvalidRiskLimits("maxTradesPerBlock");
        _amountLimits = AmountLimits(
            limits.maxVaultPosition,
            limits.maxNotionalPerAgentPerPeriod,
            limits.maxNotionalPerVaultPerPeriod,
            limits.period
        );
        emit RiskLimitsUpdated(limits);
    }
}
