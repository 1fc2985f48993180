// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {AgentLedger} from "../base/AgentLedger.sol";
import {IDecentralizedTrader} from "../interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPolicyVerifier} from "../interfaces/IPolicyVerifier.sol";
import {PublicValues} from "../libraries/PublicValues.sol";

/// @title PreWindowCheckTrader
/// @notice Test only: a trader as trades were accepted before the on-chain window check, reduced to
/// what the auditor reads (the proof, its binding, the TradeExecuted event; no swap). It accepts a
/// proof over any round and any window, so the auditor's judgement of such trades can be tested.
/// It keeps that trader's ABI: a three-argument `executeTrade(proof, signals, deadline)` and a
/// TradeExecuted event without the model's kind.
contract PreWindowCheckTrader is AgentLedger {
    AggregatorV3Interface public immutable priceFeed;
    IModelRegistry public immutable modelRegistry;
    IPolicyVerifier public immutable verifier;

    /// @notice Thrown when the proof is for another context or does not verify.
    error Refused();

    /// @notice The trade event as traders emitted it then (without the model's kind).
    event TradeExecuted(
        address indexed agent,
        uint256 indexed nonce,
        uint256 indexed modelHash,
        uint8 action,
        uint256 size,
        uint256 amountIn,
        uint256 amountOut,
        uint80 roundId,
        uint256 pricesCommitment
    );

    constructor(AggregatorV3Interface priceFeed_, IModelRegistry modelRegistry_, IPolicyVerifier verifier_) {
        (priceFeed, modelRegistry, verifier) = (priceFeed_, modelRegistry_, verifier_);
    }

    /// @notice Consumes the caller's nonce for a valid proof bound to it and emits what a trade emits.
    function executeTrade(
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[5] calldata publicSignals,
        uint256
    ) external {
        PublicValues.Values memory v = PublicValues.unpack(publicSignals);
        AgentState memory agent = _agents[msg.sender];
        if (v.context != expectedContext(msg.sender)) revert Refused();
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, publicSignals)) revert Refused();
        _agents[msg.sender].nonce = agent.nonce + 1;
        emit TradeExecuted(msg.sender, agent.nonce, v.modelHash, v.action, v.size, 0, 0, v.roundId, v.pricesCommitment);
    }
}
