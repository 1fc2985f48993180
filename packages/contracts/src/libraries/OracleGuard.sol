// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title OracleGuard
/// @notice Checks on Chainlink data before a trade: the proof's round is real, reported, fresh and
/// carries the proven price; the latest answer used for slippage is fresh and positive; on an L2,
/// the sequencer is up and past its grace period.
/// @dev Note: each failure is its own error carrying the values that explain it.
library OracleGuard {
    /// @notice Thrown when the committed round is later than the feed's latest round.
    error OracleRoundNotReported(uint80 roundId, uint80 latestRoundId);
    /// @notice Thrown when the feed has no data for the round (`updatedAt` = 0) or reverts on it.
    error OracleRoundIncomplete(uint80 roundId);
    /// @notice Thrown when an answer is zero or negative.
    error OracleAnswerNotPositive(uint80 roundId, int256 answer);
    /// @notice Thrown when the round's answer is not the price the proof committed to.
    error OraclePriceMismatch(uint80 roundId, int256 answer, uint256 provenPrice);
    /// @notice Thrown when a round is older than the allowed age.
    error StaleOracle(uint80 roundId, uint256 updatedAt, uint256 maxAge);
    /// @notice Thrown when the sequencer-uptime feed reports the sequencer down.
    error SequencerDown(int256 status);
    /// @notice Thrown when the sequencer came back up less than the grace period ago.
    error SequencerGracePeriodNotOver(uint256 upSince, uint256 gracePeriod);

    /// @notice Checks the feed's latest round (fresh, positive: the reference price for slippage)
    /// and the round the proof committed to (reported, fresh, positive, equal to the proven price).
    /// @param feed The price feed.
    /// @param roundId The committed round.
    /// @param provenPrice The proof's latest price.
    /// @param maxAge The largest allowed age of either round, in seconds.
    /// @return referencePrice The feed's latest answer.
    function checkRounds(
        AggregatorV3Interface feed,
        uint80 roundId,
        uint256 provenPrice,
        uint256 maxAge
    ) internal view returns (uint256 referencePrice) {
        (uint80 latestRoundId, int256 latestAnswer, , uint256 latestUpdatedAt, ) = feed.latestRoundData();
        _checkAnswer(latestRoundId, latestAnswer, latestUpdatedAt, maxAge);
        if (roundId > latestRoundId) revert OracleRoundNotReported(roundId, latestRoundId);

        int256 answer = latestAnswer;
        if (roundId != latestRoundId) {
            uint256 updatedAt;
            // Real aggregators revert on unknown rounds; mocks return zeros. Both mean "no data".
            try feed.getRoundData(roundId) returns (
                uint80,
                int256 roundAnswer,
                uint256,
                uint256 roundUpdatedAt,
                uint80
            ) {
                (answer, updatedAt) = (roundAnswer, roundUpdatedAt);
            } catch {
                revert OracleRoundIncomplete(roundId);
            }
            _checkAnswer(roundId, answer, updatedAt, maxAge);
        }
        if (uint256(answer) != provenPrice) revert OraclePriceMismatch(roundId, answer, provenPrice);
        return uint256(latestAnswer);
    }

    /// @notice Checks the L2 sequencer is up and has been for longer than `gracePeriod`.
    /// @dev Chainlink's convention: answer 0 = up, 1 = down; `startedAt` = when the status began.
    /// @param sequencerUptimeFeed The L2 sequencer-uptime feed.
    /// @param gracePeriod Seconds to wait after the sequencer comes back.
    function checkSequencer(AggregatorV3Interface sequencerUptimeFeed, uint256 gracePeriod) internal view {
        (, int256 status, uint256 startedAt, , ) = sequencerUptimeFeed.latestRoundData();
        if (status != 0) revert SequencerDown(status);
        // startedAt = 0 happens on Arbitrum before the feed is initialised: treat as not yet up.
        if (startedAt == 0 || block.timestamp - startedAt <= gracePeriod) {
            revert SequencerGracePeriodNotOver(startedAt, gracePeriod);
        }
    }

    function _checkAnswer(uint80 roundId, int256 answer, uint256 updatedAt, uint256 maxAge) private view {
        if (updatedAt == 0) revert OracleRoundIncomplete(roundId);
        if (answer <= 0) revert OracleAnswerNotPositive(roundId, answer);
        // A timestamp ahead of the block is as untrustworthy as a stale one.
        if (updatedAt > block.timestamp || block.timestamp - updatedAt > maxAge) {
            revert StaleOracle(roundId, updatedAt, maxAge);
        }
    }
}
