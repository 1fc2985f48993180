// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

/// @title ShortChangingPool
/// @notice A pool for tests (deployed where the trader looks for its pool, by Create2PoolFactory)
/// that fills a swap of an exact base amount only in part, as a real pool does when its liquidity
/// runs out before the price limit: a BUY gets `deliveredBps` of the base asked for and is charged
/// `quotePerBase` for what it got; a SELL has `deliveredBps` of its base taken and is paid
/// `quotePerBase` for all of it (generously, so that only the trader's partial-fill check can
/// refuse it). `deliveredBps` may be changed (10 000 fills in full).
/// @dev Note: never deploy outside a test.
contract ShortChangingPool {
    address public immutable token0;
    address public immutable token1;
    address public immutable base;
    uint256 public immutable quotePerBase;
    uint256 public deliveredBps;

    constructor(address token0_, address token1_, address base_, uint256 quotePerBase_, uint256 deliveredBps_) {
        (token0, token1, base, quotePerBase, deliveredBps) = (token0_, token1_, base_, quotePerBase_, deliveredBps_);
    }

    /// @notice Sets the part of each swap filled, in basis points.
    /// @param deliveredBps_ The part filled.
    function setDeliveredBps(uint256 deliveredBps_) external {
        deliveredBps = deliveredBps_;
    }

    /// @notice Uniswap V3's swap for an exact base amount (output for a BUY, input for a SELL),
    /// filled in part.
    function swap(
        address recipient,
        bool,
        int256 amountSpecified,
        uint160,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1) {
        bool buy = amountSpecified < 0;
        uint256 amount = uint256(buy ? -amountSpecified : amountSpecified);
        uint256 filled = (amount * deliveredBps) / 10_000;
        // The pool's deltas: positive is what it is owed, negative what it pays out. A BUY gets the
        // base filled and is charged for it; a SELL has the base filled taken and is paid for all.
        int256 baseDelta = buy ? -int256(filled) : int256(filled);
        int256 quoteDelta = buy ? int256((filled * quotePerBase) / 1e18) : -int256((amount * quotePerBase) / 1e18);
        (amount0, amount1) = base == token0 ? (baseDelta, quoteDelta) : (quoteDelta, baseDelta);
        if (buy) IERC20(base).transfer(recipient, filled);
        else IERC20(base == token0 ? token1 : token0).transfer(recipient, uint256(-quoteDelta));
        IUniswapV3SwapCallback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
    }
}
