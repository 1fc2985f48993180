// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

/// @title ShortChangingPool
/// @notice A pool for tests (deployed where the trader looks for its pool, by Create2PoolFactory)
/// that fills a BUY of an exact base amount only in part, as a real pool does when its liquidity
/// runs out before the price limit: it delivers `deliveredBps` of the amount asked for and charges
/// `quotePerBase` for what it delivered.
/// @dev Note: never deploy outside a test.
contract ShortChangingPool {
    address public immutable token0;
    address public immutable token1;
    address public immutable base;
    uint256 public immutable quotePerBase;
    uint256 public immutable deliveredBps;

    constructor(address token0_, address token1_, address base_, uint256 quotePerBase_, uint256 deliveredBps_) {
        (token0, token1, base, quotePerBase, deliveredBps) = (token0_, token1_, base_, quotePerBase_, deliveredBps_);
    }

    /// @notice Uniswap V3's swap for an exact-output BUY of base, filled in part.
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1) {
        uint256 baseOut = (uint256(-amountSpecified) * deliveredBps) / 10_000;
        uint256 quoteIn = (baseOut * quotePerBase) / 1e18;
        IERC20(base).transfer(recipient, baseOut);
        (amount0, amount1) = zeroForOne ? (int256(quoteIn), -int256(baseOut)) : (-int256(baseOut), int256(quoteIn));
        IUniswapV3SwapCallback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
    }
}
