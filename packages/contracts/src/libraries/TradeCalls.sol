// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3PoolActions} from "@uniswap/v3-core/contracts/interfaces/pool/IUniswapV3PoolActions.sol";

import {IDecentralizedTrader} from "../interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IOptimisticLane} from "../interfaces/IOptimisticLane.sol";
import {IPolicyVerifier} from "../interfaces/IPolicyVerifier.sol";
import {ISignalHub} from "../interfaces/ISignalHub.sol";
import {IWindowLog} from "../interfaces/IWindowLog.sol";

/// @title TradeCalls
/// @notice The external calls of a trade's hot path (the model's approval, the window's
/// commitment, the vault's balance, the proof's verification, the claim, the hub's signal, the
/// pool's swap), each encoded by hand into scratch or free memory instead of by the ABI coder,
/// whose allocations and element-by-element copies cost ~0.1–0.5k gas per call (measured:
/// bench/BENCHMARKS.md, the trader's profile).
/// @dev Note: each has the same outcomes as the high-level call it replaces: a revert of the
/// callee is bubbled up with its data; a return shorter than its words, or a word outside its
/// type (a bool other than 0 or 1, an enum past its last value, an integer wider than its
/// field), reverts without data, as Solidity's decoder does; a call that expects no return data
/// first requires the callee to have code, as Solidity does. Arguments narrower than a word are
/// cleaned before they are stored (inline assembly may see dirty high bits).
library TradeCalls {
    /// @notice `registry.approval(modelHash)`.
    /// @param registry The model registry.
    /// @param modelHash The model's hash.
    /// @return approved Whether the model is approved (and not revoked).
    /// @return kind Its kind.
    function approval(
        IModelRegistry registry,
        uint256 modelHash
    ) internal view returns (bool approved, IModelRegistry.ModelKind kind) {
        bytes4 selector = IModelRegistry.approval.selector;
        uint256 approvedWord;
        uint256 kindWord;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, modelHash)
            if iszero(staticcall(gas(), registry, 0x00, 0x24, 0x00, 0x40)) {
                let ptr := mload(0x40)
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
            approvedWord := mload(0x00)
            kindWord := mload(0x20)
            if or(lt(returndatasize(), 0x40), or(gt(approvedWord, 1), gt(kindWord, 1))) {
                revert(0x00, 0x00)
            }
        }
        // Both words were range-checked above, so the conversions are exact.
        approved = approvedWord == 1;
        kind = IModelRegistry.ModelKind(kindWord);
    }

    /// @notice `windowLog.commitmentOf(roundId)`.
    /// @param windowLog The feed's window log.
    /// @param roundId The round.
    /// @return The recorded window commitment (zero if not recorded).
    function commitmentOf(IWindowLog windowLog, uint80 roundId) internal view returns (uint256) {
        return _oneWordView(address(windowLog), IWindowLog.commitmentOf.selector, roundId);
    }

    /// @notice `token.balanceOf(account)`.
    /// @param token The token.
    /// @param account The holder.
    /// @return Its balance.
    function balanceOf(IERC20 token, address account) internal view returns (uint256) {
        return _oneWordView(address(token), IERC20.balanceOf.selector, uint160(account));
    }

    /// @notice `verifier.verifyProof(proof.a, proof.b, proof.c, publicSignals)`: the verifier's
    /// arguments are all static, so their encoding is the proof's eight words and the signals' five
    /// copied from calldata as they lie.
    /// @param verifier The generated verifier.
    /// @param proof The proof's points.
    /// @param publicSignals The five public signals.
    /// @return ok The verifier's answer.
    function verifyProof(
        IPolicyVerifier verifier,
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[5] calldata publicSignals
    ) internal view returns (bool ok) {
        bytes4 selector = IPolicyVerifier.verifyProof.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 0x04), proof, 0x100)
            calldatacopy(add(ptr, 0x104), publicSignals, 0xa0)
            if iszero(staticcall(gas(), verifier, ptr, 0x1a4, 0x00, 0x20)) {
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
            if or(lt(returndatasize(), 0x20), gt(mload(0x00), 1)) {
                revert(0x00, 0x00)
            }
            ok := mload(0x00)
        }
    }

    /// @notice `hub.signalOf(key)`.
    /// @param hub The signal hub.
    /// @param key The signal's key.
    /// @return signal The verified signal (`verifiedAt` zero if none).
    function signalOf(ISignalHub hub, bytes32 key) internal view returns (ISignalHub.VerifiedSignal memory signal) {
        bytes4 selector = ISignalHub.signalOf.selector;
        uint256 action;
        uint256 sizeBps;
        uint256 latestPrice;
        uint256 roundId;
        uint256 verifiedAt;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(0x00, selector)
            mstore(0x04, key)
            if iszero(staticcall(gas(), hub, 0x00, 0x24, ptr, 0xa0)) {
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
            action := mload(ptr)
            sizeBps := mload(add(ptr, 0x20))
            latestPrice := mload(add(ptr, 0x40))
            roundId := mload(add(ptr, 0x60))
            verifiedAt := mload(add(ptr, 0x80))
            let wide := or(or(shr(8, action), shr(16, sizeBps)), or(shr(64, latestPrice), shr(80, roundId)))
            if or(lt(returndatasize(), 0xa0), or(wide, shr(40, verifiedAt))) {
                revert(0x00, 0x00)
            }
        }
        // Every word was range-checked above, so the narrowings are exact.
        signal = ISignalHub.VerifiedSignal(
            uint8(action),
            uint16(sizeBps),
            uint64(latestPrice),
            uint80(roundId),
            uint40(verifiedAt)
        );
    }

    /// @notice `lane.openClaim(agent, nonce, publicSignals, verifier, worstLoss)`.
    /// @param lane The optimistic lane.
    /// @param agent The agent that executed the trade.
    /// @param nonce The nonce the claimed proof is bound to.
    /// @param publicSignals The claimed proof's public signals.
    /// @param verifier The verifier the proof must satisfy if challenged.
    /// @param worstLoss The trade's worst loss against the oracle.
    function openClaim(
        IOptimisticLane lane,
        address agent,
        uint32 nonce,
        uint256[5] calldata publicSignals,
        address verifier,
        uint256 worstLoss
    ) internal {
        bytes4 selector = IOptimisticLane.openClaim.selector;
        assembly ("memory-safe") {
            if iszero(extcodesize(lane)) {
                revert(0x00, 0x00)
            }
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), shr(96, shl(96, agent)))
            mstore(add(ptr, 0x24), and(nonce, 0xffffffff))
            calldatacopy(add(ptr, 0x44), publicSignals, 0xa0)
            mstore(add(ptr, 0xe4), shr(96, shl(96, verifier)))
            mstore(add(ptr, 0x104), worstLoss)
            if iszero(call(gas(), lane, 0, ptr, 0x124, 0x00, 0x00)) {
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @notice `pool.swap(recipient, zeroForOne, amountSpecified, sqrtPriceLimitX96, "")`.
    /// @param pool The Uniswap V3 pool.
    /// @param recipient Who receives the output.
    /// @param zeroForOne The direction: token0 in for token1 out.
    /// @param amountSpecified Exact input if positive, exact output if negative.
    /// @param sqrtPriceLimitX96 The price the swap may not cross.
    /// @return amount0 The pool's token0 delta (positive: received).
    /// @return amount1 The pool's token1 delta.
    function swap(
        IUniswapV3Pool pool,
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160 sqrtPriceLimitX96
    ) internal returns (int256 amount0, int256 amount1) {
        bytes4 selector = IUniswapV3PoolActions.swap.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), shr(96, shl(96, recipient)))
            mstore(add(ptr, 0x24), iszero(iszero(zeroForOne)))
            mstore(add(ptr, 0x44), amountSpecified)
            mstore(add(ptr, 0x64), shr(96, shl(96, sqrtPriceLimitX96)))
            // `data`: an empty bytes, its offset from the arguments' start, then its length 0
            mstore(add(ptr, 0x84), 0xa0)
            mstore(add(ptr, 0xa4), 0)
            if iszero(call(gas(), pool, 0, ptr, 0xc4, 0x00, 0x40)) {
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x40) {
                revert(0x00, 0x00)
            }
            amount0 := mload(0x00)
            amount1 := mload(0x20)
        }
    }

    /// @dev A view taking one word and returning one: `target.selector(argument)`.
    function _oneWordView(address target, bytes4 selector, uint256 argument) private view returns (uint256 result) {
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, argument)
            if iszero(staticcall(gas(), target, 0x00, 0x24, 0x00, 0x20)) {
                let ptr := mload(0x40)
                returndatacopy(ptr, 0x00, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x20) {
                revert(0x00, 0x00)
            }
            result := mload(0x00)
        }
    }
}
