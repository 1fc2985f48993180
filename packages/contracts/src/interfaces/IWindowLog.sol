// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title IWindowLog
/// @notice Errors, events and reads of the per-feed record of window commitments: for a round R of
/// the feed, the Poseidon commitment to the answers of rounds R − 29 … R, read from the feed itself.
interface IWindowLog {
    /// @notice Thrown when the latest round's phase has fewer rounds than a window: the window
    /// would cross a phase boundary (a proxy aggregator change), which the log refuses.
    /// @param roundId The feed's latest round id (phase << 64 | aggregator round).
    /// @param roundsInPhase How many rounds the current phase has.
    /// @param windowSize How many it needs.
    error WindowCrossesPhase(uint80 roundId, uint256 roundsInPhase, uint256 windowSize);
    /// @notice Thrown when a round of the window has no data (updatedAt = 0, or the feed reverts).
    /// @param roundId The round.
    error RoundIncomplete(uint80 roundId);
    /// @notice Thrown when a round's answer is not in (0, 2^64), the range the circuit proves over.
    /// @param roundId The round.
    /// @param answer Its answer.
    error RoundAnswerOutOfRange(uint80 roundId, int256 answer);
    /// @notice Thrown when the feed answers a getRoundData call for another round than asked.
    /// @param asked The round asked for.
    /// @param answered The round id in the answer.
    error RoundIdMismatch(uint80 asked, uint80 answered);

    /// @notice Emitted when the window ending at a round is recorded.
    /// @param roundId The round the window ends at (the feed's latest at recording).
    /// @param commitment Poseidon commitment to the window (circuits/src/commitment.ts).
    /// @param roundsRead How many rounds this recording read from the feed (1 when the previous
    /// round was recorded, up to the window size after a quiet period or a phase change).
    event WindowRecorded(uint80 indexed roundId, uint256 commitment, uint256 roundsRead);

    /// @notice The feed whose rounds this log records.
    /// @return The feed (a Chainlink proxy).
    function feed() external view returns (AggregatorV3Interface);

    /// @notice How many consecutive rounds a window holds.
    /// @return The window size.
    function windowSize() external view returns (uint256);

    /// @notice The commitment to the window ending at `roundId`, or 0 if none was recorded.
    /// @param roundId The last round of the window.
    /// @return The commitment (never 0 once recorded: Poseidon has no known preimage of 0).
    function commitmentOf(uint80 roundId) external view returns (uint256);

    /// @notice Records the window ending at the feed's latest round (a no-op if it is recorded).
    /// Permissionless: the log reads only the feed, so anyone may pay for a recording.
    /// @return roundId The feed's latest round.
    /// @return commitment The commitment to the window ending at it.
    function record() external returns (uint80 roundId, uint256 commitment);
}
