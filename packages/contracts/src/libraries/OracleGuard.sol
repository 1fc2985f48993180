// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title OracleGuard
/// @notice Checks on Chainlink data before a trade: the proof's round is the feed's latest, fresh,
/// positive and carries the proven price (the same answer bounds slippage); on an L2, the sequencer
/// is up and past its grace period. The rest of the window is checked through the WindowLog.
/// @dev Note: each failure is its own error carrying the values that explain it.
library OracleGuard {
    /// @notice Thrown when the proof's round is later than the feed's latest round.
    error OracleRoundNotReported(uint80 roundId, uint80 latestRoundId);
    /// @notice Thrown when a newer round than the proof's has been published: the proof is about
    /// a window that is no longer the feed's.
    error RoundSuperseded(uint80 proofRoundId, uint80 latestRoundId);
    /// @notice Thrown when the feed's latest round has no data (`updatedAt` = 0).
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

    /// @notice Checks that the proof's round is the feed's latest round, fresh and positive, and
    /// carries the proven price. The latest answer is also the reference price for slippage.
    /// @dev A proof over an older round is refused even while that round is fresh: the window
    /// it proves over is no longer the feed's (RoundSuperseded). The agent re-proves on the next
    /// round; nothing is lost but the simulation.
    /// @param feed The price feed.
    /// @param roundId The proof's round.
    /// @param provenPrice The proof's latest price.
    /// @param maxAge The largest allowed age of the latest round, in seconds.
    /// @return referencePrice The feed's latest answer.
    function checkLatestRound(
        AggregatorV3Interface feed,
        uint80 roundId,
        uint256 provenPrice,
        uint256 maxAge
    ) internal view returns (uint256 referencePrice) {
        (uint80 latestRoundId, int256 latestAnswer, , uint256 latestUpdatedAt) = latestRoundData(feed);
        _checkAnswer(latestRoundId, latestAnswer, latestUpdatedAt, maxAge);
        if (roundId != latestRoundId) {
            if (roundId > latestRoundId) revert OracleRoundNotReported(roundId, latestRoundId);
            revert RoundSuperseded(roundId, latestRoundId);
        }
        if (uint256(latestAnswer) != provenPrice) revert OraclePriceMismatch(roundId, latestAnswer, provenPrice);
        return uint256(latestAnswer);
    }

    /// @notice Checks the L2 sequencer is up and has been for longer than `gracePeriod`.
    /// @dev Chainlink's convention: answer 0 = up, 1 = down; `startedAt` = when the status began.
    /// @param sequencerUptimeFeed The L2 sequencer-uptime feed.
    /// @param gracePeriod Seconds to wait after the sequencer comes back.
    function checkSequencer(AggregatorV3Interface sequencerUptimeFeed, uint256 gracePeriod) internal view {
        (, int256 status, uint256 startedAt, ) = latestRoundData(sequencerUptimeFeed);
        if (status != 0) revert SequencerDown(status);
        // startedAt = 0 happens on Arbitrum before the feed is initialised: treat as not yet up.
        if (startedAt == 0 || block.timestamp - startedAt <= gracePeriod) {
            revert SequencerGracePeriodNotOver(startedAt, gracePeriod);
        }
    }

    /// @notice `feed.latestRoundData()` without its answeredInRound (deprecated by Chainlink),
    /// read in assembly: one static call and four words, without the ABI decoder's copies.
    /// @dev The same outcomes as the high-level call: a revert of the feed is bubbled up; a return
    /// shorter than the five words, or a round id (or answeredInRound) wider than 80 bits, reverts
    /// without data.
    /// @param feed The feed.
    /// @return roundId The latest round.
    /// @return answer Its answer.
    /// @return startedAt When it started.
    /// @return updatedAt When it was last updated.
    function latestRoundData(
        AggregatorV3Interface feed
    ) internal view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt) {
        bytes4 selector = AggregatorV3Interface.latestRoundData.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(0x00, selector)
            if iszero(staticcall(gas(), feed, 0x00, 0x04, ptr, 0xa0)) {
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
            roundId := mload(ptr)
            // answeredInRound (the fifth word) is not returned, but is range-checked like the decoder does
            if or(lt(returndatasize(), 0xa0), or(shr(80, roundId), shr(80, mload(add(ptr, 0x80))))) {
                revert(0x00, 0x00)
            }
            answer := mload(add(ptr, 0x20))
            startedAt := mload(add(ptr, 0x40))
            updatedAt := mload(add(ptr, 0x60))
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
