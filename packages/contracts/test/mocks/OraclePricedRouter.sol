// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";

/// @notice Test-only router that fills single-hop swaps at the oracle price from its own
/// inventory, honouring amountInMaximum / amountOutMinimum like Uniswap's SwapRouter.
/// @dev Note: Solidity invariant tests cannot deploy Uniswap's 0.7 bytecode; the mocha suites
/// use the real pool. Base has 18 decimals, quote 6, the feed 8.
contract OraclePricedRouter {
    error TooMuchRequested();
    error TooLittleReceived();

    address public immutable base;
    AggregatorV3Interface public immutable feed;

    constructor(address base_, AggregatorV3Interface feed_) {
        base = base_;
        feed = feed_;
    }

    function _quoteFor(uint256 baseAmount) private view returns (uint256) {
        (, int256 answer, , , ) = feed.latestRoundData();
        return (baseAmount * uint256(answer)) / 1e20;
    }

    function exactOutputSingle(ISwapRouter.ExactOutputSingleParams calldata p) external returns (uint256 amountIn) {
        amountIn = _quoteFor(p.amountOut) + 1;
        if (amountIn > p.amountInMaximum) revert TooMuchRequested();
        IERC20(p.tokenIn).transferFrom(msg.sender, address(this), amountIn);
        IERC20(p.tokenOut).transfer(p.recipient, p.amountOut);
    }

    function exactInputSingle(ISwapRouter.ExactInputSingleParams calldata p) external returns (uint256 amountOut) {
        amountOut = _quoteFor(p.amountIn);
        if (amountOut < p.amountOutMinimum) revert TooLittleReceived();
        IERC20(p.tokenIn).transferFrom(msg.sender, address(this), p.amountIn);
        IERC20(p.tokenOut).transfer(p.recipient, amountOut);
    }
}
