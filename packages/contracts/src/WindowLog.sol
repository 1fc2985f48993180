// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IPoseidonT3, IPoseidonT6} from "./interfaces/IPoseidon.sol";
import {IWindowLog} from "./interfaces/IWindowLog.sol";

/// @title WindowLog
/// @notice The one place a feed's price window becomes a commitment a proof can be checked against.
/// `record()` reads the feed's latest round R and the 29 rounds before it from the feed itself and
/// stores the Poseidon commitment to their answers under R. A trader then compares a proof's window
/// commitment with `commitmentOf(R)`: one storage read, instead of reading 30 rounds and hashing
/// them in every trade. One log per feed serves every vault and agent that trades on that feed.
/// @author zkagent
/// @dev Note: the commitment is exactly the circuit's (circuits/src/circom/lib/prices-commitment.circom,
/// TypeScript twin circuits/src/commitment.ts): the 30 answers, oldest first, packed three per field
/// element (low first) into 10 limbs; root = Poseidon(Poseidon(limbs 0..4), Poseidon(limbs 5..9)).
/// A window is 30 consecutive round ids of one phase: a window that would cross a phase boundary is
/// refused (WindowCrossesPhase) until the new phase has 30 rounds, and so is a round with no data.
/// The last 32 answers are kept in a ring, so recording the next round reads one round from the feed;
/// after a quiet period it reads at most 30. Permissionless: everything it stores comes from the feed.
contract WindowLog is IWindowLog {
    /// @notice Rounds per window (policy v1's N).
    uint256 private constant WINDOW_SIZE = 30;
    /// @notice The ring holds 32 answers of 64 bits, four per storage word.
    uint256 private constant RING_MASK = 31;
    uint256 private constant RING_WORDS = 8;
    uint256 private constant PRICE_MASK = type(uint64).max;

    /// @inheritdoc IWindowLog
    AggregatorV3Interface public immutable feed;
    /// @notice Poseidon over 2 inputs (poseidon-solidity's shipped bytecode).
    IPoseidonT3 public immutable poseidonT3;
    /// @notice Poseidon over 5 inputs (poseidon-solidity's shipped bytecode).
    IPoseidonT6 public immutable poseidonT6;

    /// @notice Answer of round r at lane (r % 32) % 4 of word (r % 32) / 4; valid for the 30 rounds
    /// ending at `lastRecordedRound`.
    uint256[RING_WORDS] private _ring;
    /// @notice The last round recorded (0 before the first recording).
    uint80 public lastRecordedRound;
    /// @inheritdoc IWindowLog
    mapping(uint80 roundId => uint256 commitment) public commitmentOf;

    /// @notice Thrown when a constructor address is zero.
    error WindowLogZeroAddress();

    /// @param feed_ The Chainlink feed (proxy) whose rounds are recorded.
    /// @param poseidonT3_ A deployed PoseidonT3.
    /// @param poseidonT6_ A deployed PoseidonT6.
    constructor(AggregatorV3Interface feed_, IPoseidonT3 poseidonT3_, IPoseidonT6 poseidonT6_) {
        if (address(feed_) == address(0) || address(poseidonT3_) == address(0) || address(poseidonT6_) == address(0)) {
            revert WindowLogZeroAddress();
        }
        feed = feed_;
        poseidonT3 = poseidonT3_;
        poseidonT6 = poseidonT6_;
    }

    /// @inheritdoc IWindowLog
    function windowSize() external pure returns (uint256) {
        return WINDOW_SIZE;
    }

    /// @inheritdoc IWindowLog
    function record() external returns (uint80 roundId, uint256 commitment) {
        (uint80 latest, int256 latestAnswer, , uint256 latestUpdatedAt, ) = feed.latestRoundData();
        commitment = commitmentOf[latest];
        if (commitment != 0) return (latest, commitment);

        uint256 roundsInPhase = uint64(latest);
        if (roundsInPhase < WINDOW_SIZE) revert WindowCrossesPhase(latest, roundsInPhase, WINDOW_SIZE);
        // The window's first round is in the latest round's phase (roundsInPhase ≥ 30).
        uint80 first = latest - uint80(WINDOW_SIZE - 1);
        uint80 previous = lastRecordedRound;
        // The ring already holds every round up to `previous` if that is inside this window.
        if (previous >= first && previous < latest) first = previous + 1;

        uint256[RING_WORDS] memory ring = _ring;
        for (uint80 r = first; r < latest; ++r) {
            _put(ring, r, _readRound(r));
        }
        _put(ring, latest, _checkedAnswer(latest, latestAnswer, latestUpdatedAt));
        _ring = ring;

        commitment = _commit(ring, latest);
        commitmentOf[latest] = commitment;
        lastRecordedRound = latest;
        emit WindowRecorded(latest, commitment, latest - first + 1);
        return (latest, commitment);
    }

    /// @dev One round's answer from the feed, checked like the latest one.
    function _readRound(uint80 roundId) private view returns (uint256) {
        // Real aggregators revert on unknown rounds; mocks return zeros. Both mean "no data".
        try feed.getRoundData(roundId) returns (uint80 answeredId, int256 answer, uint256, uint256 updatedAt, uint80) {
            if (answeredId != roundId) revert RoundIdMismatch(roundId, answeredId);
            return _checkedAnswer(roundId, answer, updatedAt);
        } catch {
            revert RoundIncomplete(roundId);
        }
    }

    function _checkedAnswer(uint80 roundId, int256 answer, uint256 updatedAt) private pure returns (uint256) {
        if (updatedAt == 0) revert RoundIncomplete(roundId);
        if (answer <= 0 || uint256(answer) > PRICE_MASK) revert RoundAnswerOutOfRange(roundId, answer);
        return uint256(answer);
    }

    function _put(uint256[RING_WORDS] memory ring, uint80 roundId, uint256 price) private pure {
        uint256 slot = uint256(roundId) & RING_MASK;
        uint256 shift = (slot & 3) << 6;
        ring[slot >> 2] = (ring[slot >> 2] & ~(PRICE_MASK << shift)) | (price << shift);
    }

    function _get(uint256[RING_WORDS] memory ring, uint256 roundId) private pure returns (uint256) {
        uint256 slot = roundId & RING_MASK;
        return (ring[slot >> 2] >> ((slot & 3) << 6)) & PRICE_MASK;
    }

    /// @dev The circuit's commitment to the window ending at `latest` (see the contract's note).
    function _commit(uint256[RING_WORDS] memory ring, uint80 latest) private view returns (uint256) {
        uint256[5] memory low;
        uint256[5] memory high;
        uint256 oldest = uint256(latest) - (WINDOW_SIZE - 1);
        for (uint256 i; i < WINDOW_SIZE; ++i) {
            uint256 term = _get(ring, oldest + i) << ((i % 3) << 6);
            uint256 limb = i / 3;
            if (limb < 5) low[limb] |= term;
            else high[limb - 5] |= term;
        }
        return poseidonT3.hash([poseidonT6.hash(low), poseidonT6.hash(high)]);
    }
}
