// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IUniswapV3Factory} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Factory.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

import {TradeLimits} from "./base/TradeLimits.sol";
import {VerifierSet} from "./base/VerifierSet.sol";
import {IDecentralizedTrader} from "./interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IOptimisticLane} from "./interfaces/IOptimisticLane.sol";
import {ISignalHub} from "./interfaces/ISignalHub.sol";
import {IPolicyVerifier} from "./interfaces/IPolicyVerifier.sol";
import {IWindowLog} from "./interfaces/IWindowLog.sol";
import {OracleGuard} from "./libraries/OracleGuard.sol";
import {PoolLocator} from "./libraries/PoolLocator.sol";
import {PublicValues} from "./libraries/PublicValues.sol";
import {SignalKey} from "./libraries/SignalKey.sol";
import {SlippageMath} from "./libraries/SlippageMath.sol";
import {TradeCalls} from "./libraries/TradeCalls.sol";

/// @title DecentralizedTrader
/// @notice A vault holding its owner's base and quote (USD) tokens that trades on Uniswap V3 by
/// three paths, each bounded by the owner's policy and limits in plain Solidity:
/// - `executeTrade`: an authorised agent's trade with a Groth16 proof that it obeys the policy over
///   the oracle's data (and, for a proven model, is the model's decision), bound to this chain,
///   contract, agent and nonce; verified here.
/// - `executeOptimistic`: the same trade with its proof only claimed, the agent's bond in the
///   owner's OptimisticLane covering its worst loss until the claim is proven or unchallenged.
/// - `followSignal`: a signal the owner's chosen publisher proved once in a SignalHub, sized by
///   this vault's own cap; no proof here.
/// @author zkagent
/// @dev Note: for an attested model a proof shows policy compliance over the feed's window; that
/// the named model produced the signal is the agent's attestation. The window is the feed's: the
/// proof's round must be the feed's latest, and its window commitment must equal the WindowLog's
/// commitment to the 30 rounds ending there, which the log read from the feed itself. Slippage
/// bounds come from the same latest answer.
contract DecentralizedTrader is
    IDecentralizedTrader,
    IUniswapV3SwapCallback,
    TradeLimits,
    VerifierSet,
    Ownable2Step,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using TransientSlot for *;

    uint256 private constant BPS = 10_000;
    /// @dev Uniswap's TickMath bounds + 1 / − 1: no price limit, so a swap either fills in full
    /// within the oracle-derived amount bound or reverts.
    uint160 private constant MIN_SQRT_PRICE_LIMIT = 4_295_128_740;
    uint160 private constant MAX_SQRT_PRICE_LIMIT = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_341;
    /// @dev The pool this vault is swapping on, set only for the length of its own swap: the one
    /// caller whose swap callback is paid. keccak256("zkagent.DecentralizedTrader.swappingPool") − 1.
    bytes32 private constant SWAPPING_POOL_SLOT = 0xd1ee020d9447a33f0d2573c86d502bddf02d38dbfcf7525ede139ccf77840eae;

    /// @notice The traded asset (WETH).
    IERC20 public immutable baseToken;
    /// @notice The unit of account (a USD stablecoin).
    IERC20 public immutable quoteToken;
    /// @notice Uniswap V3's factory, whose pool for the two tokens and the policy's fee this vault
    /// swaps on directly (no router: the callback below pays the pool).
    IUniswapV3Factory public immutable uniswapFactory;
    /// @notice keccak256 of the pool's creation code, from which pool addresses are derived (the
    /// canonical Uniswap V3 hash on every chain Uniswap deployed to).
    bytes32 public immutable poolInitCodeHash;
    /// @dev Whether the base token sorts first in its pools.
    bool private immutable _baseIsToken0;
    /// @notice Chainlink base/quote feed (ETH/USD).
    AggregatorV3Interface public immutable priceFeed;
    /// @notice Chainlink L2 sequencer-uptime feed; address(0) on L1s.
    AggregatorV3Interface public immutable sequencerUptimeFeed;
    /// @notice Seconds to wait after the sequencer comes back up.
    uint256 public immutable sequencerGracePeriod;
    /// @notice The model registry consulted for every trade.
    IModelRegistry public immutable modelRegistry;
    /// @notice The record of this feed's window commitments that every proof's window must match.
    IWindowLog public immutable windowLog;
    /// @notice 10^(baseDecimals + feedDecimals − quoteDecimals): converts base × price to quote.
    uint256 private immutable _quoteScale;
    /// @notice The owner's risk policy, the pause switch and the trade-count limits, in one slot.
    /// @dev The pause flag and the count limits sit beside the policy (not in OpenZeppelin's
    /// Pausable, whose flag has a slot of its own) because every trade reads the policy anyway:
    /// one cold read instead of two saves ~2.1k gas per trade.
    struct PolicyAndPause {
        uint96 maxPosition;
        uint16 thresholdBps;
        uint16 maxSlippageBps;
        uint32 maxOracleAge;
        uint24 poolFee;
        bool paused;
        uint16 maxTradesPerAgentPerPeriod;
        uint16 maxTradesPerVaultPerPeriod;
        uint8 maxTradesPerBlock;
        bool decisionRecordsRequired;
    }

    PolicyAndPause private _state;

    /// @notice May pause trading at once (not unpause: stopping is fast, loosening is slow). With a
    /// timelock as owner, the guardian is what keeps an emergency stop immediate.
    address public guardian;
    /// @notice The bond-and-challenge lane of `executeOptimistic`; zero while that path is off.
    IOptimisticLane public optimisticLane;
    /// @notice The hub whose verified signals this vault follows (zero while it follows none), and
    /// the last round it followed, in one slot: a vault follows at most one signal per round (and a
    /// signal is only followable while its round is the feed's latest), so the round replaces a
    /// per-signal flag and saves a new storage slot (~19k gas) per follow.
    struct Subscription {
        ISignalHub hub;
        uint80 lastFollowedRound;
    }

    Subscription private _subscription;
    /// @notice The agent whose signals this vault follows (its position here is the follower's book).
    address public signalPublisher;

    /// @notice Wiring of a trader to its market.
    struct Wiring {
        IERC20 baseToken;
        IERC20 quoteToken;
        IUniswapV3Factory uniswapFactory;
        bytes32 poolInitCodeHash;
        AggregatorV3Interface priceFeed;
        AggregatorV3Interface sequencerUptimeFeed;
        uint256 sequencerGracePeriod;
        IModelRegistry modelRegistry;
        IPolicyVerifier verifier;
        IPolicyVerifier modelVerifier;
        IWindowLog windowLog;
    }

    /// @param owner_ The vault owner.
    /// @param wiring Tokens, Uniswap factory, feeds, registry and verifier.
    /// @param policy_ The initial policy.
    /// @param limits_ The initial exposure and loss limits.
    constructor(
        address owner_,
        Wiring memory wiring,
        Policy memory policy_,
        RiskLimits memory limits_
    ) Ownable(owner_) {
        if (
            address(wiring.baseToken) == address(0) ||
            address(wiring.quoteToken) == address(0) ||
            address(wiring.uniswapFactory) == address(0) ||
            address(wiring.priceFeed) == address(0) ||
            address(wiring.modelRegistry) == address(0) ||
            address(wiring.verifier) == address(0) ||
            address(wiring.windowLog) == address(0)
        ) revert ZeroAddress();
        if (wiring.windowLog.feed() != wiring.priceFeed) {
            revert WindowLogFeedMismatch(address(wiring.windowLog.feed()), address(wiring.priceFeed));
        }
        baseToken = wiring.baseToken;
        quoteToken = wiring.quoteToken;
        uniswapFactory = wiring.uniswapFactory;
        poolInitCodeHash = wiring.poolInitCodeHash;
        _baseIsToken0 = address(wiring.baseToken) < address(wiring.quoteToken);
        priceFeed = wiring.priceFeed;
        sequencerUptimeFeed = wiring.sequencerUptimeFeed;
        sequencerGracePeriod = wiring.sequencerGracePeriod;
        modelRegistry = wiring.modelRegistry;
        _activateVerifier(0, wiring.verifier, bytes32(0), bytes32(0));
        if (address(wiring.modelVerifier) != address(0)) {
            _activateVerifier(1, wiring.modelVerifier, bytes32(0), bytes32(0));
        }
        windowLog = wiring.windowLog;
        _quoteScale =
            10 **
            (uint256(IERC20Metadata(address(wiring.baseToken)).decimals()) +
                wiring.priceFeed.decimals() -
                IERC20Metadata(address(wiring.quoteToken)).decimals());
        _setPolicy(policy_);
        _requirePool(
            wiring.uniswapFactory,
            wiring.poolInitCodeHash,
            wiring.baseToken,
            wiring.quoteToken,
            policy_.poolFee
        );
        _setRiskLimits(limits_);
    }

    // ----------------------------------------------------------------------------------------
    // Trading
    // ----------------------------------------------------------------------------------------

    /// @notice Executes a BUY or SELL whose policy compliance `proof` shows.
    /// @dev Checks (deadline, agent, public values, context, model, policy, cap and no-short,
    /// oracle, window, exposure and loss limits), effects (nonce, position, usage), the proof (a
    /// view call: a failure reverts the effects with it), then the swap on the pool. BUY takes
    /// exactly `size` base tokens; SELL sells exactly `size`; both bounded by the latest oracle
    /// answer and `maxSlippageBps`, or by the agent's own tighter `amountLimit`.
    /// @param proof The Groth16 proof.
    /// @param publicSignals The five public signals (see PublicValues).
    /// @param deadline The latest timestamp at which the trade may execute.
    /// @param amountLimit The agent's own bound, used only where tighter than the policy's: the most
    /// quote a BUY may pay, the least quote a SELL must get; 0 for the policy's bound alone.
    /// @return amountIn Tokens paid to the pool.
    /// @return amountOut Tokens received.
    function executeTrade(
        Groth16Proof calldata proof,
        uint256[5] calldata publicSignals,
        uint256 deadline,
        uint256 amountLimit
    ) external nonReentrant returns (uint256 amountIn, uint256 amountOut) {
        (amountIn, amountOut, ) = _executeProven(proof, publicSignals, deadline, amountLimit, false);
    }

    /// @notice `executeTrade`, and commits the hash of the trade's encrypted decision record (the
    /// view-key disclosure to auditors) in a companion event.
    /// @param proof The Groth16 proof.
    /// @param publicSignals The five public signals (see PublicValues).
    /// @param deadline The latest timestamp at which the trade may execute.
    /// @param amountLimit The agent's own tighter bound (see executeTrade); 0 for none.
    /// @param recordHash sha256 of the stored ciphertext envelope of the decision record.
    /// @return amountIn Tokens paid to the pool.
    /// @return amountOut Tokens received.
    function executeTradeWithRecord(
        Groth16Proof calldata proof,
        uint256[5] calldata publicSignals,
        uint256 deadline,
        uint256 amountLimit,
        bytes32 recordHash
    ) external nonReentrant returns (uint256 amountIn, uint256 amountOut) {
        uint32 nonce;
        (amountIn, amountOut, nonce) = _executeProven(proof, publicSignals, deadline, amountLimit, true);
        emit DecisionRecordCommitted(msg.sender, nonce, recordHash);
    }

    /// @notice Executes a trade without verifying its proof now: the agent's bond in the owner's
    /// optimistic lane covers the trade's worst loss, and anyone may challenge the claim, which the
    /// agent must then answer with the proof or be slashed. Every check but the proof is the same
    /// as `executeTrade`'s (cap, no-short, oracle, window, limits, slippage), so a claim that lies
    /// can lose at most the slippage bound on its notional, which the bond covers.
    /// @param publicSignals The five public signals the agent claims a proof exists for.
    /// @param deadline The latest timestamp at which the trade may execute.
    /// @param amountLimit The agent's own tighter bound (see executeTrade); 0 for none.
    /// @return amountIn Tokens paid to the pool.
    /// @return amountOut Tokens received.
    function executeOptimistic(
        uint256[5] calldata publicSignals,
        uint256 deadline,
        uint256 amountLimit
    ) external nonReentrant returns (uint256 amountIn, uint256 amountOut) {
        IOptimisticLane lane = optimisticLane;
        if (address(lane) == address(0)) revert OptimisticPathDisabled();
        Admitted memory t = _admit(publicSignals, deadline);
        // This path has no record to commit.
        if (t.p.decisionRecordsRequired) revert DecisionRecordRequired();
        uint256 loss = SlippageMath.worstLoss(t.v.size, t.referencePrice, _quoteScale, t.p.maxSlippageBps);
        TradeCalls.openClaim(lane, msg.sender, t.nonce, publicSignals, address(t.verifier), loss);
        return _swapAndLog(t, amountLimit);
    }

    function _executeProven(
        Groth16Proof calldata proof,
        uint256[5] calldata publicSignals,
        uint256 deadline,
        uint256 amountLimit,
        bool withRecord
    ) private returns (uint256 amountIn, uint256 amountOut, uint32 nonce) {
        Admitted memory t = _admit(publicSignals, deadline);
        if (!withRecord && t.p.decisionRecordsRequired) revert DecisionRecordRequired();
        if (!TradeCalls.verifyProof(t.verifier, proof, publicSignals)) {
            _explainRejectedProof(t.kind, proof, publicSignals);
            revert InvalidProof();
        }
        (amountIn, amountOut) = _swapAndLog(t, amountLimit);
        nonce = t.nonce;
    }

    /// @notice Executes, for this vault, the hub's verified signal of the subscribed publisher for the
    /// feed's latest round: no proof here (the hub verified it once for every follower), only this
    /// vault's own rules in plain Solidity. The size is the signal's fraction of this vault's cap,
    /// clamped to the room under the cap (BUY) or to the follower's position (SELL). A vault follows
    /// at most one signal per round. Anyone may call it (a keeper serving many vaults): the outcome
    /// is fixed by the signal and the vault's state.
    /// @param roundId The signal's round (must still be the feed's latest and fresh).
    /// @param pricesCommitment The signal's window commitment.
    /// @param modelHash The signal's model (must be approved in this vault's registry too).
    /// @return amountIn Tokens paid to the pool.
    /// @return amountOut Tokens received.
    function followSignal(
        uint80 roundId,
        uint256 pricesCommitment,
        uint256 modelHash
    ) external nonReentrant returns (uint256 amountIn, uint256 amountOut) {
        Subscription memory subscription = _subscription;
        if (address(subscription.hub) == address(0)) revert NotSubscribed();
        if (roundId <= subscription.lastFollowedRound) {
            revert RoundAlreadyFollowed(roundId, subscription.lastFollowedRound);
        }
        PolicyAndPause memory p = _state;
        if (p.paused) revert TradingPaused();
        address publisher = signalPublisher;
        (bytes32 key, ISignalHub.VerifiedSignal memory signal) = _verifiedSignal(
            subscription.hub,
            publisher,
            roundId,
            pricesCommitment,
            modelHash,
            p.thresholdBps
        );
        _checkSequencer();
        uint256 referencePrice = OracleGuard.checkLatestRound(priceFeed, roundId, signal.latestPrice, p.maxOracleAge);

        AgentState memory book = _agents[publisher];
        bool isBuy = signal.action == PublicValues.BUY;
        uint96 size = _followSize(isBuy, signal.sizeBps, book.position, p.maxPosition);
        if (size == 0) revert NothingToFollow(key);
        (AgentState memory bookAfter, VaultUsage memory vaultAfter) = _applyLimits(
            publisher,
            book,
            isBuy,
            size,
            Math.mulDiv(size, referencePrice, _quoteScale),
            p.maxTradesPerAgentPerPeriod,
            p.maxTradesPerVaultPerPeriod,
            p.maxTradesPerBlock
        );
        bookAfter.position = isBuy ? book.position + size : book.position - size;
        _agents[publisher] = bookAfter;
        _vault = vaultAfter;
        _subscription.lastFollowedRound = roundId;

        (amountIn, amountOut) = isBuy ? _buy(size, referencePrice, p, 0) : _sell(size, referencePrice, p, 0);
        emit SignalFollowed(key, publisher, signal.action, size, amountIn, amountOut, roundId);
    }

    /// @dev The hub's verified, executable signal for this vault: its model approved here too, and
    /// this vault's own policy id (its threshold) in the key, so a signal proven under another band
    /// is not this vault's.
    function _verifiedSignal(
        ISignalHub hub,
        address publisher,
        uint80 roundId,
        uint256 pricesCommitment,
        uint256 modelHash,
        uint16 thresholdBps
    ) private view returns (bytes32 key, ISignalHub.VerifiedSignal memory signal) {
        (bool approved, ) = TradeCalls.approval(modelRegistry, modelHash);
        if (!approved) revert ModelNotApproved(modelHash);
        key = SignalKey.compute(publisher, address(priceFeed), roundId, pricesCommitment, modelHash, thresholdBps);
        signal = TradeCalls.signalOf(hub, key);
        if (signal.verifiedAt == 0) revert SignalNotVerified(key);
        if (signal.action == PublicValues.HOLD) revert HoldNotExecutable();
    }

    /// @dev A signal's fraction of this vault's cap, clamped to the room under the cap (BUY) or to
    /// the follower's position (SELL) before narrowing: a size ≤ the cap always fits 96 bits.
    function _followSize(
        bool isBuy,
        uint16 sizeBps,
        uint96 position,
        uint96 maxPosition
    ) private pure returns (uint96) {
        uint256 room = isBuy ? maxPosition - Math.min(position, maxPosition) : position;
        return uint96(Math.min((uint256(sizeBps) * maxPosition) / BPS, room));
    }

    /// @dev What every path has checked and recorded before the swap.
    struct Admitted {
        PublicValues.Values v;
        PolicyAndPause p;
        IPolicyVerifier verifier;
        uint256 referencePrice;
        uint32 nonce;
        uint8 kind;
    }

    /// @dev Every check that public values decide, then the effects: the nonce is spent and the
    /// position and usage updated before any external call, so anything the swap calls into sees
    /// them already (checks, effects, interactions). A later revert undoes them with the trade.
    function _admit(uint256[5] calldata publicSignals, uint256 deadline) private returns (Admitted memory t) {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
        AgentState memory agent = _agents[msg.sender];
        if (!agent.authorized) revert AgentNotAuthorized(msg.sender);

        PublicValues.Values memory v = PublicValues.unpack(publicSignals);
        // First the binding: a proof for another chain, contract, agent or nonce (a replay or a
        // front-run) fails here whatever else it says.
        uint256 expected = expectedContext(msg.sender);
        if (v.context != expected) revert ContextMismatch(v.context, expected);
        if (v.action == PublicValues.HOLD) revert HoldNotExecutable();
        PolicyAndPause memory p = _state;
        if (p.paused) revert TradingPaused();
        (bool approved, IModelRegistry.ModelKind kind) = TradeCalls.approval(modelRegistry, v.modelHash);
        if (!approved) revert ModelNotApproved(v.modelHash);
        // A proven model's proof is checked by the circuit that carries its forward pass.
        IPolicyVerifier proofVerifier = _activeVerifier(uint8(kind));
        if (address(proofVerifier) == address(0)) revert ModelKindNotSupported(v.modelHash);
        if (v.maxPosition != p.maxPosition || v.thresholdBps != p.thresholdBps) {
            revert PolicyMismatch(v.maxPosition, v.thresholdBps, p.maxPosition, p.thresholdBps);
        }
        if (v.position != agent.position) revert PositionMismatch(v.position, agent.position);
        // The cap and no-short are decidable from public values, so they are checked here too: a
        // forged proof (a leaked setup, a verifier bug) cannot buy past the cap or sell short.
        if (v.action == PublicValues.BUY && uint256(agent.position) + v.size > p.maxPosition) {
            revert PositionCapExceeded(agent.position, v.size, p.maxPosition);
        }
        if (v.action == PublicValues.SELL && v.size > agent.position) revert ShortSaleRefused(v.size, agent.position);

        uint256 referencePrice = _checkMarket(v, p.maxOracleAge);
        bool isBuy = v.action == PublicValues.BUY;
        uint32 nonce = agent.nonce;
        uint96 position = agent.position;
        (AgentState memory agentAfter, VaultUsage memory vaultAfter) = _applyLimits(
            msg.sender,
            agent,
            isBuy,
            v.size,
            Math.mulDiv(v.size, referencePrice, _quoteScale),
            p.maxTradesPerAgentPerPeriod,
            p.maxTradesPerVaultPerPeriod,
            p.maxTradesPerBlock
        );
        agentAfter.nonce = nonce + 1;
        agentAfter.position = isBuy ? position + v.size : position - v.size;
        _agents[msg.sender] = agentAfter;
        _vault = vaultAfter;
        t = Admitted(v, p, proofVerifier, referencePrice, nonce, uint8(kind));
    }

    /// @dev The swap and the trade's event.
    function _swapAndLog(Admitted memory t, uint256 amountLimit) private returns (uint256 amountIn, uint256 amountOut) {
        (amountIn, amountOut) = t.v.action == PublicValues.BUY
            ? _buy(t.v.size, t.referencePrice, t.p, amountLimit)
            : _sell(t.v.size, t.referencePrice, t.p, amountLimit);
        emit TradeExecuted(
            msg.sender,
            t.nonce,
            t.v.modelHash,
            t.v.action,
            t.v.size,
            amountIn,
            amountOut,
            t.v.roundId,
            t.v.pricesCommitment,
            t.kind
        );
    }

    /// @dev On an L2, the sequencer must be up and past its grace period.
    function _checkSequencer() private view {
        if (address(sequencerUptimeFeed) != address(0)) {
            OracleGuard.checkSequencer(sequencerUptimeFeed, sequencerGracePeriod);
        }
    }

    /// @dev The sequencer, the latest round and the window; returns the latest answer.
    function _checkMarket(PublicValues.Values memory v, uint32 maxOracleAge) private returns (uint256 referencePrice) {
        _checkSequencer();
        referencePrice = OracleGuard.checkLatestRound(priceFeed, v.roundId, v.latestPrice, maxOracleAge);
        _checkWindow(v.roundId, v.pricesCommitment);
    }

    /// @dev The proof's window must be the feed's 30 rounds ending at its latest round. The first
    /// trade on a new round pays for recording it; later trades on that round (any vault, any agent
    /// using this log) read one slot.
    function _checkWindow(uint80 roundId, uint256 provenCommitment) private {
        uint256 recorded = TradeCalls.commitmentOf(windowLog, roundId);
        if (recorded == 0) (, recorded) = windowLog.record();
        if (recorded != provenCommitment) revert WindowMismatch(roundId, provenCommitment, recorded);
    }

    /// @dev Takes exactly `size` base tokens for at most the bound's quote.
    function _buy(
        uint256 size,
        uint256 price,
        PolicyAndPause memory p,
        uint256 amountLimit
    ) private returns (uint256 amountIn, uint256) {
        uint256 maxIn = SlippageMath.maxQuoteIn(size, price, _quoteScale, p.maxSlippageBps);
        if (amountLimit != 0 && amountLimit < maxIn) maxIn = amountLimit;
        uint256 available = TradeCalls.balanceOf(quoteToken, address(this));
        if (available < maxIn) revert InsufficientVaultBalance(address(quoteToken), maxIn, available);
        uint256 received;
        // size < 2^96 (positions are uint96), so the cast is exact.
        (amountIn, received) = _swap(false, -int256(size), p.poolFee);
        if (received != size) revert SwapPartiallyFilled(received, size);
        if (amountIn > maxIn) revert SwapInputAboveBound(amountIn, maxIn);
        return (amountIn, size);
    }

    /// @dev Sells exactly `size` base tokens for at least the bound's quote.
    function _sell(
        uint256 size,
        uint256 price,
        PolicyAndPause memory p,
        uint256 amountLimit
    ) private returns (uint256, uint256 amountOut) {
        uint256 minOut = SlippageMath.minQuoteOut(size, price, _quoteScale, p.maxSlippageBps);
        if (amountLimit > minOut) minOut = amountLimit;
        uint256 available = TradeCalls.balanceOf(baseToken, address(this));
        if (available < size) revert InsufficientVaultBalance(address(baseToken), size, available);
        uint256 paid;
        (paid, amountOut) = _swap(true, int256(size), p.poolFee);
        if (paid != size) revert SwapPartiallyFilled(paid, size);
        if (amountOut < minOut) revert SwapOutputBelowBound(amountOut, minOut);
        return (size, amountOut);
    }

    /// @dev One swap on the policy's pool, without a price limit (the amount bounds above decide);
    /// the pool calls `uniswapV3SwapCallback` for its input before it returns. A negative
    /// `amountSpecified` asks for an exact output. Returns what the vault paid and received.
    function _swap(bool sellBase, int256 amountSpecified, uint24 fee) private returns (uint256 paid, uint256 received) {
        IUniswapV3Pool swapPool = _poolFor(fee);
        bool zeroForOne = sellBase == _baseIsToken0;
        SWAPPING_POOL_SLOT.asAddress().tstore(address(swapPool));
        (int256 amount0, int256 amount1) = TradeCalls.swap(
            swapPool,
            address(this),
            zeroForOne,
            amountSpecified,
            zeroForOne ? MIN_SQRT_PRICE_LIMIT : MAX_SQRT_PRICE_LIMIT
        );
        SWAPPING_POOL_SLOT.asAddress().tstore(address(0));
        (int256 inDelta, int256 outDelta) = zeroForOne ? (amount0, amount1) : (amount1, amount0);
        // The pool's deltas are its own: positive is what it received, negative what it paid out.
        paid = uint256(inDelta);
        received = uint256(-outDelta);
    }

    /// @notice Pays the pool this vault is swapping on what it is owed for the swap in progress.
    /// @dev Only the pool of the vault's own swap (set for that swap's length) is paid; any other
    /// caller, or any call outside a swap, is refused.
    /// @param amount0Delta What the pool is owed in token0 (if positive).
    /// @param amount1Delta What the pool is owed in token1 (if positive).
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external override {
        address swapPool = SWAPPING_POOL_SLOT.asAddress().tload();
        if (msg.sender != swapPool) revert UnexpectedSwapCallback(msg.sender);
        if (amount0Delta > 0) _token(true).safeTransfer(swapPool, uint256(amount0Delta));
        if (amount1Delta > 0) _token(false).safeTransfer(swapPool, uint256(amount1Delta));
    }

    /// @dev token0 (`first`) or token1 of the vault's pools.
    function _token(bool first) private view returns (IERC20) {
        return first == _baseIsToken0 ? baseToken : quoteToken;
    }

    /// @dev The vault's pool for `fee`, derived like Uniswap's periphery does (CREATE2 from the
    /// factory): no storage read per trade.
    function _poolFor(uint24 fee) private view returns (IUniswapV3Pool) {
        return PoolLocator.compute(address(uniswapFactory), poolInitCodeHash, baseToken, quoteToken, fee);
    }

    /// @dev The derived pool must be the one the factory registered: this catches a fee with no
    /// pool and a wrong init code hash when the policy is set, not at the first trade.
    function _requirePool(
        IUniswapV3Factory factory,
        bytes32 initCodeHash,
        IERC20 base,
        IERC20 quote,
        uint24 fee
    ) private view {
        address derived = address(PoolLocator.compute(address(factory), initCodeHash, base, quote, fee));
        address registered = factory.getPool(address(base), address(quote), fee);
        if (derived != registered) revert PoolNotFound(fee, derived, registered);
    }

    /// @notice The Uniswap V3 pool this vault trades on under the current policy's fee.
    /// @return The pool.
    function pool() external view returns (IUniswapV3Pool) {
        return _poolFor(_state.poolFee);
    }

    // ----------------------------------------------------------------------------------------
    // Owner
    // ----------------------------------------------------------------------------------------

    /// @notice Pulls `amount` of the base or quote token from the owner into the vault.
    /// @param token baseToken or quoteToken.
    /// @param amount The amount.
    function deposit(IERC20 token, uint256 amount) external onlyOwner {
        _requireVaultToken(token);
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(address(token), amount);
    }

    /// @notice Sends `amount` of any token the vault holds to `to`.
    /// @param token The token.
    /// @param amount The amount.
    /// @param to The receiver.
    function withdraw(IERC20 token, uint256 amount, address to) external onlyOwner nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        token.safeTransfer(to, amount);
        emit Withdrawn(address(token), amount, to);
    }

    /// @notice Replaces the policy. Proofs made under the old one stop verifying against it.
    /// @param policy_ The new policy.
    function setPolicy(Policy calldata policy_) external onlyOwner {
        _setPolicy(policy_);
        _requirePool(uniswapFactory, poolInitCodeHash, baseToken, quoteToken, policy_.poolFee);
    }

    /// @notice Requires (or stops requiring) every agent trade of this vault to commit the hash of
    /// its encrypted decision record: `executeTrade` and `executeOptimistic` are then refused and
    /// only `executeTradeWithRecord` executes. A follower's trade (`followSignal`) is the
    /// publisher's decision, not an agent's of this vault, and is not affected.
    /// @dev This makes a missing record refused rather than found after the fact; whether the
    /// record is faithful is still only checkable by its auditors (SECURITY.md).
    /// @param required Whether a record is required.
    function setDecisionRecordsRequired(bool required) external onlyOwner {
        _state.decisionRecordsRequired = required;
        emit DecisionRecordsRequiredSet(required);
    }

    /// @notice Whether every agent trade must commit a decision record.
    /// @return Whether `executeTrade` and `executeOptimistic` are refused.
    function decisionRecordsRequired() external view returns (bool) {
        return _state.decisionRecordsRequired;
    }

    /// @notice Replaces the exposure and loss limits. Counters of the current period are kept.
    /// @param limits_ The new limits.
    function setRiskLimits(RiskLimits calldata limits_) external onlyOwner {
        _setRiskLimits(limits_);
    }

    /// @notice The owner's current exposure and loss limits.
    /// @return The limits.
    function riskLimits() external view returns (RiskLimits memory) {
        AmountLimits memory a = _amountLimits;
        PolicyAndPause memory s = _state;
        return
            RiskLimits(
                a.maxVaultPosition,
                a.maxNotionalPerAgentPerPeriod,
                a.maxNotionalPerVaultPerPeriod,
                a.period,
                s.maxTradesPerAgentPerPeriod,
                s.maxTradesPerVaultPerPeriod,
                s.maxTradesPerBlock
            );
    }

    /// @notice Authorises or deauthorises an agent. Its nonce and position are kept.
    /// @param agent The agent.
    /// @param authorized The new status.
    function setAgentAuthorization(address agent, bool authorized) external onlyOwner {
        if (agent == address(0)) revert ZeroAddress();
        _agents[agent].authorized = authorized;
        emit AgentAuthorizationSet(agent, authorized);
    }

    /// @notice Makes `newVerifier` the one verifier accepted for `kind`'s proofs, retiring the
    /// active one (its proofs are then refused with ProofForRetiredVerifier). With a timelock as
    /// owner this is announced and delayed like every change to what a proof means. Claims of the
    /// optimistic path keep the verifier they were opened with.
    /// @param kind 0 attested (policy circuit), 1 proven (proven-model circuit).
    /// @param newVerifier The generated verifier of the new circuit version.
    /// @param circuitId The circuit's id (e.g. keccak256 of its name and version).
    /// @param vkeyHash keccak256 of its verification key.
    function setVerifier(
        uint8 kind,
        IPolicyVerifier newVerifier,
        bytes32 circuitId,
        bytes32 vkeyHash
    ) external onlyOwner {
        _activateVerifier(kind, newVerifier, circuitId, vkeyHash);
    }

    /// @notice Stops accepting `kind`'s proofs at all (ModelKindNotSupported until a new verifier).
    /// @param kind 0 attested, 1 proven.
    function retireVerifier(uint8 kind) external onlyOwner {
        _retireVerifier(kind);
    }

    /// @notice Follows `publisher`'s signals verified by `hub` (zero hub: follow none).
    /// @param hub The signal hub.
    /// @param publisher The agent whose signals this vault follows.
    function subscribe(ISignalHub hub, address publisher) external onlyOwner {
        _subscription.hub = hub;
        signalPublisher = publisher;
        emit SubscriptionSet(address(hub), publisher);
    }

    /// @notice The hub this vault follows (zero: none).
    /// @return The hub.
    function signalHub() external view returns (ISignalHub) {
        return _subscription.hub;
    }

    /// @notice The last feed round whose signal this vault followed.
    /// @return The round id.
    function lastFollowedRound() external view returns (uint80) {
        return _subscription.lastFollowedRound;
    }

    /// @notice Names the guardian, who may pause at once; zero for none.
    /// @param newGuardian The new guardian.
    function setGuardian(address newGuardian) external onlyOwner {
        emit GuardianSet(guardian, newGuardian);
        guardian = newGuardian;
    }

    /// @notice Turns the optimistic path on (a lane bonded in this vault's quote token) or off (zero).
    /// Claims already open stay with the lane they were opened in.
    /// @param lane The lane, or zero.
    function setOptimisticLane(IOptimisticLane lane) external onlyOwner {
        if (address(lane) != address(0) && lane.bondToken() != address(quoteToken)) {
            revert LaneBondTokenMismatch(lane.bondToken(), address(quoteToken));
        }
        optimisticLane = lane;
        emit OptimisticLaneSet(address(lane));
    }

    /// @notice Called by the optimistic lane when it slashes an agent that failed to prove a
    /// challenged claim: the agent is deauthorised here (the owner may authorise it again).
    /// @param agent The slashed agent.
    function revokeSlashedAgent(address agent) external {
        if (msg.sender != address(optimisticLane)) revert NotOptimisticLane(msg.sender);
        _agents[agent].authorized = false;
        emit AgentAuthorizationSet(agent, false);
    }

    /// @notice Stops all trading until `unpause`. The owner or the guardian.
    function pause() external {
        if (msg.sender != owner() && msg.sender != guardian) revert NotOwnerOrGuardian(msg.sender);
        _state.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Resumes trading.
    function unpause() external onlyOwner {
        _state.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice The owner's current risk policy.
    /// @return The policy.
    function policy() external view returns (Policy memory) {
        PolicyAndPause memory s = _state;
        return Policy(s.maxPosition, s.thresholdBps, s.maxSlippageBps, s.maxOracleAge, s.poolFee);
    }

    /// @notice Whether trading is paused.
    /// @return True if paused.
    function paused() external view returns (bool) {
        return _state.paused;
    }

    function _setPolicy(Policy memory policy_) private {
        if (policy_.maxPosition == 0) revert InvalidPolicy("maxPosition");
        if (policy_.thresholdBps >= BPS) revert InvalidPolicy("thresholdBps");
        if (policy_.maxSlippageBps == 0 || policy_.maxSlippageBps >= BPS) revert InvalidPolicy("maxSlippageBps");
        if (policy_.maxOracleAge == 0) revert InvalidPolicy("maxOracleAge");
        if (policy_.poolFee == 0) revert InvalidPolicy("poolFee");
        PolicyAndPause memory s = _state;
        (s.maxPosition, s.thresholdBps, s.maxSlippageBps, s.maxOracleAge, s.poolFee) = (
            policy_.maxPosition,
            policy_.thresholdBps,
            policy_.maxSlippageBps,
            policy_.maxOracleAge,
            policy_.poolFee
        );
        _state = s;
        emit PolicyUpdated(policy_);
    }

    function _setRiskLimits(RiskLimits memory limits_) private {
        _setAmountLimits(limits_);
        PolicyAndPause memory s = _state;
        (s.maxTradesPerAgentPerPeriod, s.maxTradesPerVaultPerPeriod, s.maxTradesPerBlock) = (
            limits_.maxTradesPerAgentPerPeriod,
            limits_.maxTradesPerVaultPerPeriod,
            limits_.maxTradesPerBlock
        );
        _state = s;
    }

    /// @notice Always reverts: without an owner, withdrawals and pausing would be locked forever.
    /// Hand ownership over with `transferOwnership` + `acceptOwnership` instead.
    function renounceOwnership() public pure override {
        revert OwnershipCannotBeRenounced();
    }

    function _requireVaultToken(IERC20 token) private view {
        if (token != baseToken && token != quoteToken) revert InvalidPolicy("token");
    }
}
