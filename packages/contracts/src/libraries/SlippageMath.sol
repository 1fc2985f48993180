// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SlippageMath
/// @notice Oracle-derived bounds for a swap: the most a BUY may pay and the least a SELL must get.
/// @dev Note: `price` is quote per base scaled by 10^priceDecimals (a Chainlink answer). Rounding
/// always favours the vault: the maximum input rounds down, the minimum output rounds up.
library SlippageMath {
    uint256 internal constant BPS = 10_000;

    /// @notice Thrown when a bound would be zero (a trade too small to bound): never swap unbounded.
    error ZeroSlippageBound(uint256 baseAmount, uint256 price);

    /// @notice The largest quote input a BUY of `baseAmount` may spend: value · (1 + slippage).
    /// @param baseAmount Base-token amount bought.
    /// @param price Oracle price.
    /// @param scale 10^(baseDecimals + priceDecimals − quoteDecimals), precomputed by the caller.
    /// @param maxSlippageBps Allowed slippage in basis points.
    /// @return The maximum quote input.
    function maxQuoteIn(
        uint256 baseAmount,
        uint256 price,
        uint256 scale,
        uint256 maxSlippageBps
    ) internal pure returns (uint256) {
        uint256 bound = Math.mulDiv(baseAmount * price, BPS + maxSlippageBps, scale * BPS, Math.Rounding.Floor);
        if (bound == 0) revert ZeroSlippageBound(baseAmount, price);
        return bound;
    }

    /// @notice The smallest quote output a SELL of `baseAmount` must receive: value · (1 − slippage).
    /// @param baseAmount Base-token amount sold.
    /// @param price Oracle price.
    /// @param scale 10^(baseDecimals + priceDecimals − quoteDecimals), precomputed by the caller.
    /// @param maxSlippageBps Allowed slippage in basis points (< 10 000).
    /// @return The minimum quote output.
    function minQuoteOut(
        uint256 baseAmount,
        uint256 price,
        uint256 scale,
        uint256 maxSlippageBps
    ) internal pure returns (uint256) {
        uint256 bound = Math.mulDiv(baseAmount * price, BPS - maxSlippageBps, scale * BPS, Math.Rounding.Ceil);
        if (bound == 0) revert ZeroSlippageBound(baseAmount, price);
        return bound;
    }

    /// @notice The most a trade of `baseAmount` can lose against the oracle value within the slippage
    /// bound: value · slippage, rounded up (the bond that covers an unproven trade).
    /// @param baseAmount Base-token amount bought or sold.
    /// @param price Oracle price.
    /// @param scale 10^(baseDecimals + priceDecimals − quoteDecimals), precomputed by the caller.
    /// @param maxSlippageBps Allowed slippage in basis points.
    /// @return The worst loss in quote-token units.
    function worstLoss(
        uint256 baseAmount,
        uint256 price,
        uint256 scale,
        uint256 maxSlippageBps
    ) internal pure returns (uint256) {
        return Math.mulDiv(baseAmount * price, maxSlippageBps, scale * BPS, Math.Rounding.Ceil);
    }
}
