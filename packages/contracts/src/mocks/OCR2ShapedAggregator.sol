// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";

/// @title OCR2ShapedAggregator
/// @notice A test double of Chainlink's AccessControlledOCR2Aggregator with the same storage shape
/// and read path, so gas measured through it (behind Chainlink's aggregator proxy) is what a real
/// feed costs: one hot-vars slot holding the latest round id, one slot per transmission
/// (int192 answer | uint32 observationsTimestamp | uint32 transmissionTimestamp), and the read
/// access check (an access-list lookup for the caller) on every read.
/// @dev Note: test only. `@chainlink/contracts` on npm ships no OCR2 aggregator, and a real one
/// needs signed OCR reports to move; `transmit` stands in for a report. `skipRound` makes a round
/// with no data, which OCR2 never does but older aggregators and a faulty feed can.
contract OCR2ShapedAggregator is AggregatorV2V3Interface {
    struct HotVars {
        bytes16 latestConfigDigest;
        uint40 latestEpochAndRound;
        uint8 threshold;
        uint32 latestAggregatorRoundId;
    }

    struct Transmission {
        int192 answer;
        uint32 observationsTimestamp;
        uint32 transmissionTimestamp;
    }

    address private immutable _owner;
    bool private _checkEnabled = true;
    mapping(address reader => bool) private _accessList;
    HotVars internal _hotVars;
    mapping(uint32 aggregatorRoundId => Transmission) internal _transmissions;

    uint8 public immutable override decimals;
    string public override description;

    /// @notice Thrown when a reader is not on the access list (Chainlink's "No access").
    error NoAccess(address reader);
    /// @notice Thrown when a test hook is called by someone other than the deployer.
    error NotOwner(address caller);

    modifier checkAccess() {
        if (!(_accessList[msg.sender] || !_checkEnabled || msg.sender == tx.origin)) revert NoAccess(msg.sender);
        _;
    }

    /// @param decimals_ Answer decimals (8 for USD pairs).
    /// @param description_ e.g. "ETH / USD".
    constructor(uint8 decimals_, string memory description_) {
        _owner = msg.sender;
        decimals = decimals_;
        description = description_;
    }

    /// @notice Lets `reader` (a proxy) read, as Chainlink's access controller does.
    /// @param reader The reader.
    function addAccess(address reader) external {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
        _accessList[reader] = true;
    }

    /// @notice Test hook: a new round with `answer`, observed and transmitted now.
    /// @param answer The answer.
    function transmit(int192 answer) external {
        transmitAt(answer, uint32(block.timestamp));
    }

    /// @notice Test hook: a new round with `answer` observed at `timestamp`.
    /// @param answer The answer.
    /// @param timestamp Observation and transmission time.
    function transmitAt(int192 answer, uint32 timestamp) public {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
        uint32 roundId = _hotVars.latestAggregatorRoundId + 1;
        _hotVars.latestAggregatorRoundId = roundId;
        _transmissions[roundId] = Transmission(answer, timestamp, timestamp);
        emit AnswerUpdated(answer, roundId, timestamp);
        emit NewRound(roundId, msg.sender, timestamp);
    }

    /// @notice Test hook: a round id that carries no data (updatedAt = 0).
    function skipRound() external {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
        _hotVars.latestAggregatorRoundId += 1;
    }

    /// @notice The aggregator's version.
    function version() external pure override returns (uint256) {
        return 6;
    }

    /// @notice Chainlink AggregatorV3Interface read, as OCR2Aggregator answers it.
    function latestRoundData()
        external
        view
        override
        checkAccess
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint32 latest = _hotVars.latestAggregatorRoundId;
        Transmission memory t = _transmissions[latest];
        return (latest, t.answer, t.observationsTimestamp, t.transmissionTimestamp, latest);
    }

    /// @notice Chainlink AggregatorV3Interface read, as OCR2Aggregator answers it.
    function getRoundData(
        uint80 roundId
    )
        external
        view
        override
        checkAccess
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (roundId > type(uint32).max) return (0, 0, 0, 0, 0);
        Transmission memory t = _transmissions[uint32(roundId)];
        return (roundId, t.answer, t.observationsTimestamp, t.transmissionTimestamp, roundId);
    }

    /// @notice Chainlink AggregatorInterface (v2) read.
    function latestAnswer() external view override checkAccess returns (int256) {
        return _transmissions[_hotVars.latestAggregatorRoundId].answer;
    }

    /// @notice Chainlink AggregatorInterface (v2) read.
    function latestTimestamp() external view override checkAccess returns (uint256) {
        return _transmissions[_hotVars.latestAggregatorRoundId].transmissionTimestamp;
    }

    /// @notice Chainlink AggregatorInterface (v2) read.
    function latestRound() external view override checkAccess returns (uint256) {
        return _hotVars.latestAggregatorRoundId;
    }

    /// @notice Chainlink AggregatorInterface (v2) read.
    function getAnswer(uint256 roundId) external view override checkAccess returns (int256) {
        return roundId > type(uint32).max ? int256(0) : _transmissions[uint32(roundId)].answer;
    }

    /// @notice Chainlink AggregatorInterface (v2) read.
    function getTimestamp(uint256 roundId) external view override checkAccess returns (uint256) {
        return roundId > type(uint32).max ? 0 : _transmissions[uint32(roundId)].transmissionTimestamp;
    }
}
