// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IDecentralizedTrader
/// @notice Errors, events and types of the vault that executes policy-proven trades.
interface IDecentralizedTrader {
    /// @notice A Groth16 proof in the verifier's argument shape.
    struct Groth16Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice The owner's risk policy. The proof must carry maxPosition and thresholdBps exactly.
    struct Policy {
        uint96 maxPosition;
        uint16 thresholdBps;
        uint16 maxSlippageBps;
        uint32 maxOracleAge;
        uint24 poolFee;
    }

    /// @notice Thrown when a trade is submitted while the owner has paused trading.
    error TradingPaused();
    /// @notice Thrown when the caller is not an authorised agent.
    error AgentNotAuthorized(address agent);
    /// @notice Thrown when a HOLD signal is submitted: there is nothing to execute.
    error HoldNotExecutable();
    /// @notice Thrown when the proof names a model the registry does not approve.
    error ModelNotApproved(uint256 modelHash);
    /// @notice Thrown when the proof's policy values are not the stored policy.
    error PolicyMismatch(
        uint256 provenMaxPosition,
        uint256 provenThresholdBps,
        uint256 maxPosition,
        uint256 thresholdBps
    );
    /// @notice Thrown when the proof's position is not the agent's tracked position.
    error PositionMismatch(uint256 provenPosition, uint256 trackedPosition);
    /// @notice Thrown when the proof is bound to another chain, contract, agent or nonce.
    error ContextMismatch(uint256 provenContext, uint256 expectedContext);
    /// @notice Thrown when the proof's window is not the feed's 30 rounds ending at `roundId` (the
    /// WindowLog's commitment): a fabricated, shifted or foreign window.
    error WindowMismatch(uint80 roundId, uint256 provenCommitment, uint256 feedCommitment);
    /// @notice Thrown at deployment when the window log records another feed than the trader's.
    error WindowLogFeedMismatch(address logFeed, address priceFeed);
    /// @notice Thrown when a BUY would take the agent's position past the cap (checked on-chain even
    /// though the proof shows it: losses stay bounded if a proof lies).
    error PositionCapExceeded(uint256 position, uint256 size, uint256 maxPosition);
    /// @notice Thrown when a SELL is larger than the agent's position (no short selling).
    error ShortSaleRefused(uint256 size, uint256 position);
    /// @notice Thrown by renounceOwnership: a vault without an owner could never withdraw or pause.
    error OwnershipCannotBeRenounced();
    /// @notice Thrown when a proof names a proven model but this vault has no proven-model verifier.
    error ModelKindNotSupported(uint256 modelHash);
    /// @notice Thrown when the verifier rejects the proof.
    error InvalidProof();
    /// @notice Thrown when the transaction is included after the agent's deadline.
    error DeadlineExpired(uint256 deadline, uint256 timestamp);
    /// @notice Thrown when the vault holds less of a token than a trade may need.
    error InsufficientVaultBalance(address token, uint256 needed, uint256 available);
    /// @notice Thrown when a BUY would pay the pool more quote than the oracle-derived bound (or the
    /// agent's tighter limit) allows.
    error SwapInputAboveBound(uint256 amountIn, uint256 maxAmountIn);
    /// @notice Thrown when a SELL would get less quote than the oracle-derived bound (or the agent's
    /// tighter limit) requires.
    error SwapOutputBelowBound(uint256 amountOut, uint256 minAmountOut);
    /// @notice Thrown when the pool runs out of liquidity before it delivers the BUY's exact size.
    error SwapPartiallyFilled(uint256 received, uint256 requested);
    /// @notice Thrown when a swap callback does not come from the pool this vault is swapping on.
    error UnexpectedSwapCallback(address caller);
    /// @notice Thrown when the Uniswap factory has no pool at the address this vault derives for
    /// its tokens and the policy's fee (no such pool, or the wrong pool init code hash).
    error PoolNotFound(uint24 fee, address derived, address registered);
    /// @notice Thrown by `executeTrade` and `executeOptimistic` while the vault requires every agent
    /// trade to commit its decision record (`executeTradeWithRecord`).
    error DecisionRecordRequired();
    /// @notice Thrown when a policy value is out of range.
    error InvalidPolicy(string field);
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown by pause when the caller is neither the owner nor the guardian.
    error NotOwnerOrGuardian(address caller);
    /// @notice Thrown by executeOptimistic while the owner has set no optimistic lane.
    error OptimisticPathDisabled();
    /// @notice Thrown when a lane's bond token is not this vault's quote token.
    error LaneBondTokenMismatch(address bondToken, address quoteToken);
    /// @notice Thrown when someone other than the optimistic lane revokes a slashed agent.
    error NotOptimisticLane(address caller);
    /// @notice Thrown by followSignal while the vault follows no hub.
    error NotSubscribed();
    /// @notice Thrown when the hub holds no verified signal under the key.
    error SignalNotVerified(bytes32 key);
    /// @notice Thrown when this vault has already followed a signal of this round (or a later one).
    error RoundAlreadyFollowed(uint80 roundId, uint80 lastFollowedRound);
    /// @notice Thrown when the signal leaves nothing to trade here (no room under the cap for a
    /// BUY, no position for a SELL).
    error NothingToFollow(bytes32 key);

    /// @notice Emitted for every executed trade. With the transaction's calldata (the proof and its
    /// public signals: latest price, policy, position) it is all an auditor needs.
    /// @param agent The agent that proved and submitted it.
    /// @param nonce The nonce the proof was bound to (consumed by this trade).
    /// @param modelHash The model the proof names (see modelKind for what that means).
    /// @param action 1 BUY, 2 SELL.
    /// @param size Base-token amount bought or sold.
    /// @param amountIn Tokens paid to the pool (quote for BUY, base for SELL).
    /// @param amountOut Tokens received (base for BUY, quote for SELL).
    /// @param roundId The oracle round the proof committed to.
    /// @param pricesCommitment Poseidon commitment to the 30-round window (the WindowLog's for roundId).
    /// @param modelKind 0 attested (the proof covers the policy; the model is the agent's word),
    /// 1 proven (the proof carries the committed model's forward pass).
    event TradeExecuted(
        address indexed agent,
        uint256 indexed nonce,
        uint256 indexed modelHash,
        uint8 action,
        uint256 size,
        uint256 amountIn,
        uint256 amountOut,
        uint80 roundId,
        uint256 pricesCommitment,
        uint8 modelKind
    );
    /// @notice Emitted by executeTradeWithRecord after TradeExecuted: the content address of the
    /// trade's decision record, encrypted to the vault's auditors.
    /// @param agent The agent.
    /// @param nonce The trade's nonce.
    /// @param recordHash sha256 of the ciphertext envelope.
    event DecisionRecordCommitted(address indexed agent, uint32 indexed nonce, bytes32 recordHash);

    /// @notice Emitted when the owner requires (or stops requiring) a decision record with every
    /// agent trade.
    /// @param required Whether `executeTrade` and `executeOptimistic` are refused.
    event DecisionRecordsRequiredSet(bool required);
    /// @notice Emitted when the owner names a guardian.
    /// @param previousGuardian The guardian before.
    /// @param newGuardian The guardian now.
    event GuardianSet(address indexed previousGuardian, address indexed newGuardian);
    /// @notice Emitted when this vault executes a hub's verified signal.
    /// @param key The signal's key in the hub.
    /// @param publisher The agent that proved it (its position here is the follower's book).
    /// @param action 1 BUY, 2 SELL.
    /// @param size Base-token amount bought or sold (the signal's fraction of this vault's cap).
    /// @param amountIn Tokens paid to the pool.
    /// @param amountOut Tokens received.
    /// @param roundId The feed round.
    event SignalFollowed(
        bytes32 indexed key,
        address indexed publisher,
        uint8 action,
        uint256 size,
        uint256 amountIn,
        uint256 amountOut,
        uint80 roundId
    );
    /// @notice Emitted when the owner subscribes the vault to a publisher's signals.
    /// @param hub The hub (zero: none).
    /// @param publisher The publisher.
    event SubscriptionSet(address hub, address publisher);
    /// @notice Emitted when the owner sets or clears the optimistic lane.
    /// @param lane The lane, or zero.
    event OptimisticLaneSet(address lane);
    /// @notice Emitted when the owner changes the policy.
    /// @param policy The new policy.
    event PolicyUpdated(Policy policy);
    /// @notice Emitted when the owner or the guardian pauses trading.
    /// @param by Who paused.
    event Paused(address by);
    /// @notice Emitted when the owner resumes trading.
    /// @param by The owner.
    event Unpaused(address by);
    /// @notice Emitted when an agent is authorised or deauthorised.
    /// @param agent The agent.
    /// @param authorized Its new status.
    event AgentAuthorizationSet(address indexed agent, bool authorized);
    /// @notice Emitted when the owner deposits tokens.
    /// @param token The token.
    /// @param amount The amount.
    event Deposited(address indexed token, uint256 amount);
    /// @notice Emitted when the owner withdraws tokens.
    /// @param token The token.
    /// @param amount The amount.
    /// @param to The receiver.
    event Withdrawn(address indexed token, uint256 amount, address indexed to);
}
