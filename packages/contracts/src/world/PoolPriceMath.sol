// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PoolPriceMath
/// @notice Converts token amounts at a Uniswap V3 pool's price (sqrtPriceX96 = sqrt(token1 / token0) · 2^96).
/// @dev Note: the test world's actors settle with each other at the pool's price, which the
/// arbitrageur has just brought to the oracle's; rounding is the caller's choice.
library PoolPriceMath {
    uint256 internal constant Q96 = 2 ** 96;

    /// @notice `amount0` of token0 in token1 at `sqrtPriceX96`.
    /// @param amount0 Token0 amount.
    /// @param sqrtPriceX96 The pool's price.
    /// @param rounding Floor or Ceil.
    /// @return Token1 amount.
    function token0InToken1(
        uint256 amount0,
        uint160 sqrtPriceX96,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        return Math.mulDiv(Math.mulDiv(amount0, sqrtPriceX96, Q96, rounding), sqrtPriceX96, Q96, rounding);
    }

    /// @notice `amount1` of token1 in token0 at `sqrtPriceX96`.
    /// @param amount1 Token1 amount.
    /// @param sqrtPriceX96 The pool's price.
    /// @param rounding Floor or Ceil.
    /// @return Token0 amount.
    function token1InToken0(
        uint256 amount1,
        uint160 sqrtPriceX96,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        return Math.mulDiv(Math.mulDiv(amount1, Q96, sqrtPriceX96, rounding), Q96, sqrtPriceX96, rounding);
    }
}
