// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

import {IDecentralizedTrader} from "../interfaces/IDecentralizedTrader.sol";

/// @title ReentrantPool
/// @notice An attacker for tests: a pool (deployed where the trader looks for its pool, by
/// Create2PoolFactory) that, in the middle of a BUY, calls back into the trader with a valid proof
/// of its own (it is also an authorised agent), then fills the BUY at a fixed price.
/// @dev Note: never deploy outside a test. It records what the re-entrant call returned.
contract ReentrantPool {
    address public immutable token0;
    address public immutable token1;
    address public immutable base;
    /// @notice Quote units charged per whole base token (10^18 base units).
    uint256 public immutable quotePerBase;

    IDecentralizedTrader.Groth16Proof internal _proof;
    uint256[5] internal _signals;
    bool public armed;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    constructor(address token0_, address token1_, address base_, uint256 quotePerBase_) {
        (token0, token1, base, quotePerBase) = (token0_, token1_, base_, quotePerBase_);
    }

    /// @notice Loads the proof the pool will replay from inside the swap.
    /// @param proof A valid proof bound to this pool as the agent.
    /// @param signals Its public signals.
    function arm(IDecentralizedTrader.Groth16Proof calldata proof, uint256[5] calldata signals) external {
        _proof = proof;
        _signals = signals;
        armed = true;
    }

    /// @notice Re-enters `msg.sender` (the trader), then pays the exact base output and asks the
    /// callback for its price in quote (a BUY; nothing else is supported).
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1) {
        if (armed) {
            armed = false;
            (bool ok, bytes memory returned) = msg.sender.call(
                abi.encodeCall(IDecentralizedTraderCalls.executeTrade, (_proof, _signals, type(uint256).max, 0))
            );
            reentrySucceeded = ok;
            reentryRevertData = returned;
        }
        uint256 baseOut = uint256(-amountSpecified);
        uint256 quoteIn = (baseOut * quotePerBase) / 1e18;
        IERC20(base).transfer(recipient, baseOut);
        (amount0, amount1) = zeroForOne ? (int256(quoteIn), -int256(baseOut)) : (-int256(baseOut), int256(quoteIn));
        IUniswapV3SwapCallback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
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
