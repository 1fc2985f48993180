// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

/// @notice Test-only pool that fills the trader's two swap shapes at the oracle price from its own
/// inventory, pays out first and then asks its caller's swap callback for the input, checking it
/// was paid, like Uniswap V3's pool: a BUY of an exact base amount pays quote for it plus one unit;
/// a SELL of an exact base amount gets quote for it.
/// @dev Note: Solidity invariant tests cannot deploy Uniswap's 0.7 bytecode; the mocha suites use
/// the real pool. Base has 18 decimals, quote 6, the feed 8.
contract OraclePricedPool {
    error UnsupportedSwap();
    error InputNotPaid(uint256 owed, uint256 received);

    address public immutable token0;
    address public immutable token1;
    address public immutable base;
    AggregatorV3Interface public immutable feed;

    constructor(address token0_, address token1_, address base_, AggregatorV3Interface feed_) {
        (token0, token1, base, feed) = (token0_, token1_, base_, feed_);
    }

    function _quoteFor(uint256 baseAmount) private view returns (uint256) {
        (, int256 answer, , , ) = feed.latestRoundData();
        return (baseAmount * uint256(answer)) / 1e20;
    }

    /// @notice Uniswap V3's swap, for an exact-output BUY of base or an exact-input SELL of base.
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1) {
        (address tokenIn, address tokenOut) = zeroForOne ? (token0, token1) : (token1, token0);
        bool baseIn = tokenIn == base;
        uint256 amountIn;
        uint256 amountOut;
        if (baseIn && amountSpecified > 0) {
            amountIn = uint256(amountSpecified);
            amountOut = _quoteFor(amountIn);
        } else if (!baseIn && amountSpecified < 0) {
            amountOut = uint256(-amountSpecified);
            amountIn = _quoteFor(amountOut) + 1;
        } else {
            revert UnsupportedSwap();
        }
        IERC20(tokenOut).transfer(recipient, amountOut);
        uint256 before = IERC20(tokenIn).balanceOf(address(this));
        (amount0, amount1) = zeroForOne
            ? (int256(amountIn), -int256(amountOut))
            : (-int256(amountOut), int256(amountIn));
        IUniswapV3SwapCallback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
        uint256 received = IERC20(tokenIn).balanceOf(address(this)) - before;
        if (received < amountIn) revert InputNotPaid(amountIn, received);
    }
}
