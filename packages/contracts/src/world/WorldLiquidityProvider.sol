// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3MintCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3MintCallback.sol";

import {PoolPriceMath} from "./PoolPriceMath.sol";
import {WorldArbitrageur} from "./WorldArbitrageur.sol";

/// @title WorldLiquidityProvider
/// @notice The test world's liquidity provider: one concentrated position of ±`halfWidthTicks`
/// around the pool's price, re-centred (burn, collect, mint) once the price is `recenterTicks` from
/// its centre, always minted with the same depth in the base token (the virtual base reserve
/// L / sqrt(P), or L · sqrt(P) when the base is token1), so a trade of a given base size meets the
/// same price impact at $3 and at $3 000. It pays from a finite inventory set once when the world
/// is built, buying what a new position lacks from the world's arbitrageur at the pool's price;
/// when it cannot, the re-centring reverts with the token, what it holds and what it needed.
/// @dev Note: a test-world actor for local chains only. Anyone may re-centre once the price has
/// left the band (the world's keepers do after each move); the exchange with the arbitrageur is
/// priced at the pool's price, which the arbitrageur has just brought to the oracle's.
/// @author zkagent
contract WorldLiquidityProvider is ReentrancyGuardTransient, IUniswapV3MintCallback {
    using SafeERC20 for IERC20;

    // ERRORS

    /// @notice Thrown when the position is asked to re-centre while the price is inside its band.
    error WorldLiquidityProvider__InBand(int24 tick, int24 tickLower, int24 tickUpper);
    /// @notice Thrown when the inventory cannot pay for the next position, even after exchanging.
    error WorldLiquidityProvider__InventoryExhausted(address token, uint256 held, uint256 needed);
    /// @notice Thrown when a mint callback does not come from the pool.
    error WorldLiquidityProvider__UnexpectedCallback(address caller);
    /// @notice Thrown when the base token is not one of the pool's tokens.
    error WorldLiquidityProvider__NotPoolToken(address token);
    /// @notice Thrown when the range is not a positive multiple of the tick spacing, or the band is not inside it.
    error WorldLiquidityProvider__BadRange(int24 halfWidthTicks, int24 recenterTicks, int24 tickSpacing);

    // EVENTS

    /// @notice Emitted when a new position is minted.
    /// @param tickLower Its lower tick.
    /// @param tickUpper Its upper tick.
    /// @param liquidity Its liquidity.
    /// @param amount0 Token0 paid into it.
    /// @param amount1 Token1 paid into it.
    event Recentered(int24 tickLower, int24 tickUpper, uint128 liquidity, uint256 amount0, uint256 amount1);

    // STORAGE

    /// @notice The pool the position is in.
    IUniswapV3Pool public immutable pool;
    /// @notice The arbitrageur the provider exchanges with.
    WorldArbitrageur public immutable market;
    /// @notice Whether the base token (the one whose depth is kept) is token0.
    bool public immutable baseIsToken0;
    /// @notice The virtual base reserve every position is minted with, in base units.
    uint256 public immutable baseDepth;
    /// @notice Half the position's width in ticks.
    int24 public immutable halfWidthTicks;
    /// @notice How far (in ticks) the price may go from the centre before the position is re-centred.
    int24 public immutable recenterTicks;
    IERC20 internal immutable _token0;
    IERC20 internal immutable _token1;
    int24 internal immutable _tickSpacing;

    /// @notice The current position's lower tick.
    int24 public tickLower;
    /// @notice The current position's upper tick.
    int24 public tickUpper;
    /// @notice The current position's liquidity (zero before the first mint).
    uint128 public liquidity;

    /// @param pool_ The pool.
    /// @param market_ The world's arbitrageur (it must register this provider for `pool_`).
    /// @param baseToken The token whose depth is kept.
    /// @param baseDepth_ The virtual base reserve of every position.
    /// @param halfWidthTicks_ Half the position's width (a multiple of the tick spacing).
    /// @param recenterTicks_ The band (0 < band <= half width).
    constructor(
        IUniswapV3Pool pool_,
        WorldArbitrageur market_,
        address baseToken,
        uint256 baseDepth_,
        int24 halfWidthTicks_,
        int24 recenterTicks_
    ) {
        IERC20 token0 = IERC20(pool_.token0());
        IERC20 token1 = IERC20(pool_.token1());
        if (baseToken != address(token0) && baseToken != address(token1))
            revert WorldLiquidityProvider__NotPoolToken(baseToken);
        int24 spacing = pool_.tickSpacing();
        if (
            halfWidthTicks_ <= 0 ||
            halfWidthTicks_ % spacing != 0 ||
            recenterTicks_ <= 0 ||
            recenterTicks_ > halfWidthTicks_
        ) revert WorldLiquidityProvider__BadRange(halfWidthTicks_, recenterTicks_, spacing);
        pool = pool_;
        market = market_;
        baseIsToken0 = baseToken == address(token0);
        baseDepth = baseDepth_;
        halfWidthTicks = halfWidthTicks_;
        recenterTicks = recenterTicks_;
        _token0 = token0;
        _token1 = token1;
        _tickSpacing = spacing;
        // The arbitrageur pulls what the provider pays it (unwinding a move, or an exchange).
        token0.forceApprove(address(market_), type(uint256).max);
        token1.forceApprove(address(market_), type(uint256).max);
    }

    /// @notice Whether the price has left the band (or there is no position yet).
    /// @return True when {recenter} would mint a new position.
    function outOfBand() public view returns (bool) {
        if (liquidity == 0) return true;
        (, int24 tick, , , , , ) = pool.slot0();
        int24 centre = (tickLower + tickUpper) / 2;
        return tick - centre >= recenterTicks || centre - tick >= recenterTicks;
    }

    /// @notice Burns the position, collects everything it holds, and mints a new one centred on the
    /// pool's price with the same base depth, buying what it lacks from the arbitrageur.
    /// @return newLiquidity The new position's liquidity.
    function recenter() external nonReentrant returns (uint128 newLiquidity) {
        (uint160 sqrtPriceX96, int24 tick, , , , , ) = pool.slot0();
        if (!outOfBand()) revert WorldLiquidityProvider__InBand(tick, tickLower, tickUpper);
        uint128 oldLiquidity = liquidity;
        if (oldLiquidity > 0) {
            pool.burn(tickLower, tickUpper, oldLiquidity);
            pool.collect(address(this), tickLower, tickUpper, type(uint128).max, type(uint128).max);
        }

        int24 centre = _nearestUsableTick(tick);
        int24 maxTick = (887272 / _tickSpacing) * _tickSpacing;
        int24 lower = centre - halfWidthTicks < -maxTick ? -maxTick : centre - halfWidthTicks;
        int24 upper = centre + halfWidthTicks > maxTick ? maxTick : centre + halfWidthTicks;
        newLiquidity = SafeCast.toUint128(
            baseIsToken0
                ? Math.mulDiv(baseDepth, sqrtPriceX96, PoolPriceMath.Q96)
                : Math.mulDiv(baseDepth, PoolPriceMath.Q96, sqrtPriceX96)
        );
        tickLower = lower;
        tickUpper = upper;
        liquidity = newLiquidity;
        (uint256 amount0, uint256 amount1) = pool.mint(address(this), lower, upper, newLiquidity, "");
        emit Recentered(lower, upper, newLiquidity, amount0, amount1);
    }

    /// @notice Pays the pool for the position being minted, exchanging with the arbitrageur first
    /// if one token is short.
    /// @param amount0Owed Token0 owed.
    /// @param amount1Owed Token1 owed.
    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata) external override {
        if (msg.sender != address(pool)) revert WorldLiquidityProvider__UnexpectedCallback(msg.sender);
        (uint160 sqrtPriceX96, , , , , , ) = pool.slot0();
        uint256 held0 = _token0.balanceOf(address(this));
        uint256 held1 = _token1.balanceOf(address(this));
        if (held0 < amount0Owed) {
            uint256 short0 = amount0Owed - held0;
            uint256 cost1 = PoolPriceMath.token0InToken1(short0, sqrtPriceX96, Math.Rounding.Ceil);
            if (held1 < amount1Owed + cost1)
                revert WorldLiquidityProvider__InventoryExhausted(address(_token1), held1, amount1Owed + cost1);
            market.exchange(_token1, cost1, _token0, short0);
        } else if (held1 < amount1Owed) {
            uint256 short1 = amount1Owed - held1;
            uint256 cost0 = PoolPriceMath.token1InToken0(short1, sqrtPriceX96, Math.Rounding.Ceil);
            if (held0 < amount0Owed + cost0)
                revert WorldLiquidityProvider__InventoryExhausted(address(_token0), held0, amount0Owed + cost0);
            market.exchange(_token0, cost0, _token1, short1);
        }
        if (amount0Owed > 0) _token0.safeTransfer(msg.sender, amount0Owed);
        if (amount1Owed > 0) _token1.safeTransfer(msg.sender, amount1Owed);
    }

    /// @dev The usable tick (a multiple of the spacing) nearest to `tick`.
    function _nearestUsableTick(int24 tick) internal view returns (int24) {
        int24 spacing = _tickSpacing;
        int24 below = (tick / spacing) * spacing;
        if (tick < 0 && tick % spacing != 0) below -= spacing;
        return (tick - below) * 2 >= spacing ? below + spacing : below;
    }
}
