// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";

import {IDecentralizedTrader} from "../interfaces/IDecentralizedTrader.sol";

/// @title ReentrantRouter
/// @notice An attacker for tests: a router that, in the middle of a BUY, calls back into the
/// trader with a valid proof of its own (it is also an authorised agent), then fills the BUY.
/// @dev Note: never deploy outside a test. It records what the re-entrant call returned.
contract ReentrantRouter {
    IDecentralizedTrader.Groth16Proof internal _proof;
    uint256[5] internal _signals;
    bool public armed;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    /// @notice Loads the proof the router will replay from inside the swap.
    /// @param proof A valid proof bound to this router as the agent.
    /// @param signals Its public signals.
    function arm(IDecentralizedTrader.Groth16Proof calldata proof, uint256[5] calldata signals) external {
        _proof = proof;
        _signals = signals;
        armed = true;
    }

    /// @notice Re-enters `msg.sender` (the trader), then takes the maximum input and pays `amountOut`.
    /// @param p The swap.
    /// @return amountIn What it took.
    function exactOutputSingle(ISwapRouter.ExactOutputSingleParams calldata p) external returns (uint256 amountIn) {
        if (armed) {
            armed = false;
            (bool ok, bytes memory data) = msg.sender.call(
                abi.encodeCall(IDecentralizedTraderCalls.executeTrade, (_proof, _signals, type(uint256).max, 0))
            );
            reentrySucceeded = ok;
            reentryRevertData = data;
        }
        amountIn = p.amountInMaximum;
        IERC20(p.tokenIn).transferFrom(msg.sender, address(this), amountIn);
        IERC20(p.tokenOut).transfer(p.recipient, p.amountOut);
    }
}

/// @notice The trader's entry point, for abi.encodeCall.
interface IDecentralizedTraderCalls {
    function executeTrade(
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[5] calldata publicSignals,
        uint256 deadline,
        uint256 amountLimit
    ) external returns (uint256, uint256);
}
