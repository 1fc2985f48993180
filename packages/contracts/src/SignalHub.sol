// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IDecentralizedTrader} from "./interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {ISignalHub} from "./interfaces/ISignalHub.sol";
import {IWindowLog} from "./interfaces/IWindowLog.sol";
import {OracleGuard} from "./libraries/OracleGuard.sol";
import {ProofContext} from "./libraries/ProofContext.sol";
import {SignalKey} from "./libraries/SignalKey.sol";
import {SnarkField} from "./libraries/SnarkField.sol";
import {TradeCalls} from "./libraries/TradeCalls.sol";

/// @title SignalHub
/// @notice Verifies a signal once and serves it to every vault that follows its publisher. One
/// proof covers K markets (K = 1, 2 or 4), each over its feed's window: for each, the proof shows
/// the signal (an action and a size as a fraction of a cap) obeys the policy rules that do not
/// depend on any vault (the band over the window, HOLD ⇔ size 0, size ≤ 100 %). The hub checks what
/// the chain can: each round is its feed's latest and fresh, each window is the WindowLog's, the
/// model is approved, the proof is bound to this hub, the publisher and its nonce. Verified signals
/// are cached by what they depend on (SignalKey), so following vaults read them with no proof.
/// @author zkagent
/// @dev Note: the per-vault rules (cap, position, no-short, exposure and loss limits, slippage) are
/// the follower's, checked in plain Solidity when a vault follows (DecentralizedTrader.followSignal).
/// Public signals of the signal circuit (circuits/src/circom/signal.circom), for K markets:
/// pricesCommitment[0..K), marketSignal[0..K) = latestPrice (64 bits) | roundId (80) | sizeBps
/// (14) | action (2), thresholdBps, modelHash, context.
contract SignalHub is ISignalHub, Ownable2Step {
    /// @notice One market: its feed and the log of that feed's windows.
    struct Market {
        AggregatorV3Interface feed;
        IWindowLog windowLog;
    }

    /// @notice A market's part of a proof, unpacked.
    struct MarketSignal {
        uint64 latestPrice;
        uint80 roundId;
        uint16 sizeBps;
        uint8 action;
    }

    uint256 private constant BPS = 10_000;
    /// @dev marketSignal layout: latestPrice bits 0..63, roundId 64..143, sizeBps 144..157, action 158..159.
    uint256 private constant ROUND_SHIFT = 64;
    uint256 private constant SIZE_SHIFT = 144;
    uint256 private constant SIZE_MASK = (1 << 14) - 1;
    uint256 private constant ACTION_SHIFT = 158;
    uint256 private constant MARKET_SIGNAL_BITS = 160;

    /// @notice The registry whose approval every signal's model needs (attested models only: the
    /// signal circuit carries no model).
    IModelRegistry public immutable modelRegistry;
    /// @notice The oldest a signal's round may be when it is verified, in seconds.
    uint256 public immutable maxOracleAge;

    /// @dev Each market's window log; its feed is the log's immutable `feed()` (addMarket checks
    /// the pair), read from the log in a publication instead of a second cold slot per market
    /// (~1.7k gas less per market).
    IWindowLog[] private _windowLogs;
    mapping(uint256 marketCount => address) private _verifiers;
    mapping(address publisher => uint256) private _nonces;
    mapping(bytes32 key => VerifiedSignal) private _signals;

    /// @notice Thrown when a proof covers a number of markets the hub has no verifier for.
    error UnsupportedMarketCount(uint256 marketCount);
    /// @notice Thrown when market ids are not strictly increasing (a market twice) or unknown.
    error InvalidMarketIds(uint256 index, uint256 marketId);
    /// @notice Thrown when the number of public signals is not 2K + 3.
    error PublicSignalCount(uint256 given, uint256 expected);
    /// @notice Thrown when a public signal is at or above the SNARK field modulus.
    error PublicSignalNotInField(uint256 index, uint256 value);
    /// @notice Thrown when a packed market signal has bits set above its fields, or action 3.
    error MalformedMarketSignal(uint256 index, uint256 value);
    /// @notice Thrown when the proof is bound to another chain, hub, publisher or nonce.
    error ContextMismatch(uint256 provenContext, uint256 expectedContext);
    /// @notice Thrown when the threshold is not a policy (≥ 100 %).
    error InvalidThreshold(uint256 thresholdBps);
    /// @notice Thrown when the model is not approved.
    error ModelNotApproved(uint256 modelHash);
    /// @notice Thrown when the model is a proven one: the signal circuit does not carry a model.
    error ProvenModelNotSupported(uint256 modelHash);
    /// @notice Thrown when a market's window is not its feed's at the round.
    error WindowMismatch(uint256 marketId, uint80 roundId, uint256 provenCommitment, uint256 feedCommitment);
    /// @notice Thrown when a signal under the same key was verified before (first one stands).
    error SignalAlreadyVerified(bytes32 key);
    /// @notice Thrown when the verifier rejects the proof.
    error InvalidProof();
    /// @notice Thrown when an address argument is zero, or a window log records another feed.
    error InvalidMarket(address feed, address windowLog);

    /// @notice Emitted for every market a verified proof covers.
    event SignalVerified(
        bytes32 indexed key,
        address indexed publisher,
        address indexed feed,
        uint80 roundId,
        uint256 pricesCommitment,
        uint256 modelHash,
        uint256 thresholdBps,
        uint8 action,
        uint16 sizeBps
    );
    /// @notice Emitted when the owner lists a market.
    event MarketAdded(uint256 indexed marketId, address feed, address windowLog);
    /// @notice Emitted when the owner sets the verifier for proofs of `marketCount` markets.
    event VerifierSet(uint256 indexed marketCount, address verifier);

    /// @param owner_ Lists markets and sets verifiers (a timelock on a live network).
    /// @param modelRegistry_ The registry.
    /// @param maxOracleAge_ Oldest round age at verification, in seconds.
    constructor(address owner_, IModelRegistry modelRegistry_, uint256 maxOracleAge_) Ownable(owner_) {
        modelRegistry = modelRegistry_;
        maxOracleAge = maxOracleAge_;
    }

    /// @notice Verifies a proof of signals for the markets `marketIds` and caches each under its key.
    /// @param marketIds The markets, strictly increasing; their count K selects the verifier.
    /// @param proof The Groth16 proof.
    /// @param publicSignals The 2K + 3 public signals (see the contract's notes).
    /// @return keys Each market's signal key, in order.
    function publishSignal(
        uint256[] calldata marketIds,
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[] calldata publicSignals
    ) external returns (bytes32[] memory keys) {
        uint256 k = marketIds.length;
        (address verifier, uint256 thresholdBps, uint256 modelHash, uint256 nonce) = _checkStatement(k, publicSignals);

        keys = new bytes32[](k);
        VerifiedSignal[] memory verified = new VerifiedSignal[](k);
        AggregatorV3Interface[] memory feeds = new AggregatorV3Interface[](k);
        for (uint256 i; i < k; ++i) {
            if (marketIds[i] >= _windowLogs.length || (i > 0 && marketIds[i] <= marketIds[i - 1])) {
                revert InvalidMarketIds(i, marketIds[i]);
            }
            IWindowLog windowLog = _windowLogs[marketIds[i]];
            feeds[i] = windowLog.feed();
            MarketSignal memory s = _unpack(k + i, publicSignals[k + i]);
            OracleGuard.checkLatestRound(feeds[i], s.roundId, s.latestPrice, maxOracleAge);
            uint256 recorded = TradeCalls.commitmentOf(windowLog, s.roundId);
            if (recorded == 0) (, recorded) = windowLog.record();
            if (recorded != publicSignals[i])
                revert WindowMismatch(marketIds[i], s.roundId, publicSignals[i], recorded);
            keys[i] = SignalKey.compute(
                msg.sender,
                address(feeds[i]),
                s.roundId,
                publicSignals[i],
                modelHash,
                thresholdBps
            );
            if (_signals[keys[i]].verifiedAt != 0) revert SignalAlreadyVerified(keys[i]);
            verified[i] = VerifiedSignal(s.action, s.sizeBps, s.latestPrice, s.roundId, uint40(block.timestamp));
        }
        if (!_verify(verifier, k, proof, publicSignals)) revert InvalidProof();

        _nonces[msg.sender] = nonce + 1;
        for (uint256 i; i < k; ++i) {
            _signals[keys[i]] = verified[i];
            emit SignalVerified(
                keys[i],
                msg.sender,
                address(feeds[i]),
                verified[i].roundId,
                publicSignals[i],
                modelHash,
                thresholdBps,
                verified[i].action,
                verified[i].sizeBps
            );
        }
    }

    /// @inheritdoc ISignalHub
    function signalOf(bytes32 key) external view returns (VerifiedSignal memory) {
        return _signals[key];
    }

    /// @notice The key a signal is cached under (the agent asks the hub with it before proving).
    /// @param publisher The agent.
    /// @param feed The market's feed.
    /// @param roundId The round.
    /// @param pricesCommitment The window commitment.
    /// @param modelHash The model.
    /// @param thresholdBps The policy id.
    /// @return The key.
    function keyOf(
        address publisher,
        address feed,
        uint80 roundId,
        uint256 pricesCommitment,
        uint256 modelHash,
        uint256 thresholdBps
    ) external pure returns (bytes32) {
        return SignalKey.compute(publisher, feed, roundId, pricesCommitment, modelHash, thresholdBps);
    }

    /// @notice The nonce the publisher's next proof must be bound to.
    /// @param publisher The agent.
    /// @return The nonce.
    function nonceOf(address publisher) external view returns (uint256) {
        return _nonces[publisher];
    }

    /// @notice The context the publisher's next proof must carry.
    /// @param publisher The agent.
    /// @return The context field element.
    function expectedContext(address publisher) external view returns (uint256) {
        return ProofContext.compute(block.chainid, address(this), publisher, _nonces[publisher]);
    }

    /// @notice Market `marketId`.
    /// @param marketId The id.
    /// @return The market.
    function market(uint256 marketId) external view returns (Market memory) {
        IWindowLog windowLog = _windowLogs[marketId];
        return Market(windowLog.feed(), windowLog);
    }

    /// @notice How many markets are listed.
    /// @return The count.
    function marketCount() external view returns (uint256) {
        return _windowLogs.length;
    }

    /// @notice The verifier of proofs covering `marketCount` markets.
    /// @param marketCount_ K.
    /// @return The verifier, or zero.
    function verifierOf(uint256 marketCount_) external view returns (address) {
        return _verifiers[marketCount_];
    }

    /// @notice Lists a market: a feed and the window log of that feed.
    /// @param feed The feed.
    /// @param windowLog Its window log.
    /// @return marketId The new market's id.
    function addMarket(AggregatorV3Interface feed, IWindowLog windowLog) external onlyOwner returns (uint256 marketId) {
        if (address(feed) == address(0) || address(windowLog) == address(0) || windowLog.feed() != feed) {
            revert InvalidMarket(address(feed), address(windowLog));
        }
        marketId = _windowLogs.length;
        _windowLogs.push(windowLog);
        emit MarketAdded(marketId, address(feed), address(windowLog));
    }

    /// @notice Sets the verifier (generated from the K-market signal circuit) for `marketCount_` markets.
    /// @param marketCount_ K.
    /// @param verifier The verifier, or zero to stop accepting such proofs.
    function setVerifier(uint256 marketCount_, address verifier) external onlyOwner {
        _verifiers[marketCount_] = verifier;
        emit VerifierSet(marketCount_, verifier);
    }

    /// @dev What the whole proof states (its shape, binding, policy id and model); returns the
    /// verifier for K, the threshold, the model and the publisher's nonce.
    function _checkStatement(
        uint256 k,
        uint256[] calldata publicSignals
    ) private view returns (address verifier, uint256 thresholdBps, uint256 modelHash, uint256 nonce) {
        verifier = _verifiers[k];
        if (verifier == address(0)) revert UnsupportedMarketCount(k);
        if (publicSignals.length != 2 * k + 3) revert PublicSignalCount(publicSignals.length, 2 * k + 3);
        for (uint256 i; i < publicSignals.length; ++i) {
            if (publicSignals[i] >= SnarkField.MODULUS) revert PublicSignalNotInField(i, publicSignals[i]);
        }
        thresholdBps = publicSignals[2 * k];
        modelHash = publicSignals[2 * k + 1];
        nonce = _nonces[msg.sender];
        uint256 expected = ProofContext.compute(block.chainid, address(this), msg.sender, nonce);
        if (publicSignals[2 * k + 2] != expected) revert ContextMismatch(publicSignals[2 * k + 2], expected);
        if (thresholdBps >= BPS) revert InvalidThreshold(thresholdBps);
        (bool approved, IModelRegistry.ModelKind kind) = TradeCalls.approval(modelRegistry, modelHash);
        if (!approved) revert ModelNotApproved(modelHash);
        if (kind != IModelRegistry.ModelKind.Attested) revert ProvenModelNotSupported(modelHash);
    }

    function _unpack(uint256 index, uint256 packed) private pure returns (MarketSignal memory s) {
        uint256 action = packed >> ACTION_SHIFT;
        if (packed >> MARKET_SIGNAL_BITS != 0 || action > 2) revert MalformedMarketSignal(index, packed);
        s.latestPrice = uint64(packed);
        s.roundId = uint80(packed >> ROUND_SHIFT);
        s.sizeBps = uint16((packed >> SIZE_SHIFT) & SIZE_MASK);
        s.action = uint8(action);
    }

    /// @dev snarkjs verifiers take the public signals as a fixed-size array, `uint256[2K + 3]`, so
    /// the selector depends on K; the array's words follow the proof's in the calldata, both copied
    /// from this call's calldata as they lie (the ABI coder would copy them word by word). A return
    /// other than one word 0 or 1 from a verifier that did not revert reverts, as the decoder does.
    function _verify(
        address verifier,
        uint256 k,
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[] calldata publicSignals
    ) private view returns (bool valid) {
        bytes4 selector = bytes4(
            keccak256(
                abi.encodePacked(
                    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
                    Strings.toString(2 * k + 3),
                    "])"
                )
            )
        );
        assembly ("memory-safe") {
            let signalsSize := mul(publicSignals.length, 0x20)
            let ptr := mload(0x40)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 0x04), proof, 0x100)
            calldatacopy(add(ptr, 0x104), publicSignals.offset, signalsSize)
            let ok := staticcall(gas(), verifier, ptr, add(0x104, signalsSize), 0x00, 0x20)
            if and(ok, and(eq(returndatasize(), 0x20), gt(mload(0x00), 1))) {
                revert(0x00, 0x00)
            }
            valid := and(and(ok, eq(returndatasize(), 0x20)), eq(mload(0x00), 1))
        }
    }
}
