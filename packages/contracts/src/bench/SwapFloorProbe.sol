// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

/// @title SwapFloorProbe
/// @notice A benchmark instrument: the cheapest possible caller of one pool's swap (no checks, the
/// callback pays whatever it is asked), whose gas is the "pool swap itself" part of a trade path's
/// gas floor in bench/.
/// @dev Note: never deploy outside a benchmark: anyone can make it swap and its callback pays anyone.
contract SwapFloorProbe is IUniswapV3SwapCallback {
    uint160 private constant MIN_SQRT_PRICE_LIMIT = 4_295_128_740;
    uint160 private constant MAX_SQRT_PRICE_LIMIT = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_341;

    IERC20 public immutable token0;
    IERC20 public immutable token1;

    constructor(IERC20 token0_, IERC20 token1_) {
        (token0, token1) = (token0_, token1_);
    }

    /// @notice Takes exactly `amountOut` of the pool's output token.
    /// @param pool The pool.
    /// @param zeroForOne Whether token0 is paid in.
    /// @param amountOut The exact output.
    function buyExact(IUniswapV3Pool pool, bool zeroForOne, uint256 amountOut) external {
        pool.swap(
            address(this),
            zeroForOne,
            -int256(amountOut),
            zeroForOne ? MIN_SQRT_PRICE_LIMIT : MAX_SQRT_PRICE_LIMIT,
            ""
        );
    }

    /// @inheritdoc IUniswapV3SwapCallback
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external override {
        if (amount0Delta > 0) token0.transfer(msg.sender, uint256(amount0Delta));
        if (amount1Delta > 0) token1.transfer(msg.sender, uint256(amount1Delta));
    }
}
