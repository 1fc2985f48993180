// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ISignalHub
/// @notice What a following vault reads from the signal hub: verified signals, by the key of what
/// they depend on.
interface ISignalHub {
    /// @notice A signal the hub verified (one slot).
    struct VerifiedSignal {
        /// 0 HOLD, 1 BUY, 2 SELL.
        uint8 action;
        /// The trade's size as a fraction of each following vault's cap, in basis points.
        uint16 sizeBps;
        /// The feed's answer at `roundId` (the slippage reference a follower checks again).
        uint64 latestPrice;
        uint80 roundId;
        /// When the hub verified it; zero for no signal.
        uint40 verifiedAt;
    }

    /// @notice The verified signal under `key` (see SignalKey); `verifiedAt` is zero if none.
    /// @param key The signal's key.
    /// @return The signal.
    function signalOf(bytes32 key) external view returns (VerifiedSignal memory);
}
