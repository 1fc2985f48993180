// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IUniswapV3Factory} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Factory.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

import {PoolPriceMath} from "./PoolPriceMath.sol";

/// @title WorldArbitrageur
/// @notice The test world's arbitrageur: it brings a pool to a target price by swapping from a
/// finite inventory, set once when the world is built, and recycles that inventory: what one move
/// bought from the pool it sells back at once to the pool's liquidity provider at the new pool
/// price (the outside market where a real arbitrageur unwinds), so on the way up it sells the base
/// it accumulated and on the way down it buys back the base it sold. It never mints or wraps; a
/// move or an exchange it cannot pay for reverts with the token, what it holds and what it needed.
/// @dev Note: a test-world actor for local chains only. Anyone may point it at any price of a
/// factory pool (the world's keepers and tests do); it settles only with the liquidity providers
/// its owner registered, at the pool's price.
/// @author zkagent
contract WorldArbitrageur is Ownable, ReentrancyGuardTransient, IUniswapV3SwapCallback {
    using SafeERC20 for IERC20;
    using TransientSlot for *;

    // ERRORS

    /// @notice Thrown when the inventory holds less of `token` than a move or an exchange needs.
    error WorldArbitrageur__InventoryExhausted(address token, uint256 held, uint256 needed);
    /// @notice Thrown when `pool` is not the factory's pool for its own tokens and fee.
    error WorldArbitrageur__UnknownPool(address pool);
    /// @notice Thrown when a swap callback does not come from the pool being moved.
    error WorldArbitrageur__UnexpectedCallback(address caller);
    /// @notice Thrown when an exchange is asked by an address that is no registered liquidity provider.
    error WorldArbitrageur__NotLiquidityProvider(address caller);

    // EVENTS

    /// @notice Emitted when the owner names the liquidity provider the arbitrageur settles with on `pool`.
    /// @param pool The pool.
    /// @param liquidityProvider The provider (zero: none, moves are not unwound).
    event LiquidityProviderSet(address indexed pool, address indexed liquidityProvider);
    /// @notice Emitted after a move.
    /// @param pool The pool moved.
    /// @param sqrtPriceX96 The price reached (the target).
    /// @param amount0 Token0 paid to the pool (positive) or received from it (negative).
    /// @param amount1 Token1 paid to the pool (positive) or received from it (negative).
    event Moved(address indexed pool, uint160 sqrtPriceX96, int256 amount0, int256 amount1);
    /// @notice Emitted when the arbitrageur and a liquidity provider exchange at a pool's price.
    /// @param counterparty The liquidity provider.
    /// @param tokenIn What the arbitrageur received.
    /// @param amountIn How much.
    /// @param tokenOut What the arbitrageur gave.
    /// @param amountOut How much.
    event Exchanged(
        address indexed counterparty,
        address tokenIn,
        uint256 amountIn,
        address tokenOut,
        uint256 amountOut
    );

    // STORAGE

    /// @dev The pool being moved, set only for the length of the move's swap: the one caller whose
    /// swap callback is paid. keccak256("zkagent.WorldArbitrageur.movingPool") − 1.
    bytes32 private constant MOVING_POOL_SLOT = 0x47489b1bad344833f916ea04c3dd53850dc8ff1c1cf8efa90129b303d46569a1;
    /// @notice The Uniswap V3 factory whose pools the arbitrageur moves.
    IUniswapV3Factory public immutable factory;
    /// @notice The liquidity provider the arbitrageur unwinds with, per pool.
    mapping(address pool => address liquidityProvider) public liquidityProviderOf;
    /// @notice Whether an address is a registered liquidity provider (may call {exchange}).
    mapping(address account => bool registered) public isLiquidityProvider;

    /// @param factory_ The Uniswap V3 factory.
    /// @param owner_ Who registers liquidity providers.
    constructor(IUniswapV3Factory factory_, address owner_) Ownable(owner_) {
        factory = factory_;
    }

    /// @notice Names the liquidity provider the arbitrageur unwinds with on `pool`.
    /// @param pool The pool.
    /// @param liquidityProvider The provider (it must approve this contract for both tokens).
    function setLiquidityProvider(IUniswapV3Pool pool, address liquidityProvider) external onlyOwner {
        address previous = liquidityProviderOf[address(pool)];
        if (previous != address(0)) isLiquidityProvider[previous] = false;
        liquidityProviderOf[address(pool)] = liquidityProvider;
        if (liquidityProvider != address(0)) isLiquidityProvider[liquidityProvider] = true;
        emit LiquidityProviderSet(address(pool), liquidityProvider);
    }

    /// @notice Moves `pool` to `sqrtPriceTargetX96` with one swap paid from the inventory, then sells
    /// what the swap bought to the pool's liquidity provider at the new price (as much of it as the
    /// provider can pay for).
    /// @param pool A pool of the factory.
    /// @param sqrtPriceTargetX96 The price to reach.
    /// @return amount0 Token0 paid to the pool (positive) or received (negative).
    /// @return amount1 Token1 paid to the pool (positive) or received (negative).
    function moveTo(
        IUniswapV3Pool pool,
        uint160 sqrtPriceTargetX96
    ) external nonReentrant returns (int256 amount0, int256 amount1) {
        if (factory.getPool(pool.token0(), pool.token1(), pool.fee()) != address(pool))
            revert WorldArbitrageur__UnknownPool(address(pool));
        (uint160 sqrtPriceX96, , , , , , ) = pool.slot0();
        if (sqrtPriceTargetX96 == sqrtPriceX96) return (0, 0);
        bool zeroForOne = sqrtPriceTargetX96 < sqrtPriceX96;
        MOVING_POOL_SLOT.asAddress().tstore(address(pool));
        // An exact input larger than any inventory, capped by the price limit: the pool takes
        // exactly what reaching the target costs, and the callback pays it or says what is missing.
        (amount0, amount1) = pool.swap(address(this), zeroForOne, type(int256).max, sqrtPriceTargetX96, "");
        MOVING_POOL_SLOT.asAddress().tstore(address(0));
        emit Moved(address(pool), sqrtPriceTargetX96, amount0, amount1);

        address liquidityProvider = liquidityProviderOf[address(pool)];
        uint256 bought = uint256(-(zeroForOne ? amount1 : amount0));
        if (liquidityProvider == address(0) || bought == 0) return (amount0, amount1);
        (IERC20 boughtToken, IERC20 paidToken) = zeroForOne
            ? (IERC20(pool.token1()), IERC20(pool.token0()))
            : (IERC20(pool.token0()), IERC20(pool.token1()));
        uint256 proceeds =
            zeroForOne
                ? PoolPriceMath.token1InToken0(bought, sqrtPriceTargetX96, Math.Rounding.Floor)
                : PoolPriceMath.token0InToken1(bought, sqrtPriceTargetX96, Math.Rounding.Floor);
        uint256 counterpartyHeld = paidToken.balanceOf(liquidityProvider);
        if (counterpartyHeld < proceeds) {
            // Sell back what the provider can pay for; the rest stays in the inventory.
            proceeds = counterpartyHeld;
            bought =
                zeroForOne
                    ? PoolPriceMath.token0InToken1(proceeds, sqrtPriceTargetX96, Math.Rounding.Floor)
                    : PoolPriceMath.token1InToken0(proceeds, sqrtPriceTargetX96, Math.Rounding.Floor);
            if (bought == 0) return (amount0, amount1);
        }
        paidToken.safeTransferFrom(liquidityProvider, address(this), proceeds);
        boughtToken.safeTransfer(liquidityProvider, bought);
        emit Exchanged(liquidityProvider, address(paidToken), proceeds, address(boughtToken), bought);
    }

    /// @notice A registered liquidity provider buys `amountOut` of `tokenOut` for `amountIn` of
    /// `tokenIn` (it prices the exchange at its pool's price).
    /// @param tokenIn What the provider pays.
    /// @param amountIn How much.
    /// @param tokenOut What the provider receives.
    /// @param amountOut How much.
    function exchange(IERC20 tokenIn, uint256 amountIn, IERC20 tokenOut, uint256 amountOut) external nonReentrant {
        if (!isLiquidityProvider[msg.sender]) revert WorldArbitrageur__NotLiquidityProvider(msg.sender);
        uint256 held = tokenOut.balanceOf(address(this));
        if (held < amountOut) revert WorldArbitrageur__InventoryExhausted(address(tokenOut), held, amountOut);
        tokenIn.safeTransferFrom(msg.sender, address(this), amountIn);
        tokenOut.safeTransfer(msg.sender, amountOut);
        emit Exchanged(msg.sender, address(tokenIn), amountIn, address(tokenOut), amountOut);
    }

    /// @notice Pays the pool being moved from the inventory.
    /// @param amount0Delta Token0 owed to the pool if positive.
    /// @param amount1Delta Token1 owed to the pool if positive.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external override {
        // Outside a move the slot holds zero, which no caller is.
        if (msg.sender != MOVING_POOL_SLOT.asAddress().tload()) revert WorldArbitrageur__UnexpectedCallback(msg.sender);
        if (amount0Delta <= 0 && amount1Delta <= 0) return; // a move through a range with no liquidity
        IUniswapV3Pool pool = IUniswapV3Pool(msg.sender);
        (IERC20 token, uint256 needed) = amount0Delta > 0
            ? (IERC20(pool.token0()), uint256(amount0Delta))
            : (IERC20(pool.token1()), uint256(amount1Delta));
        uint256 held = token.balanceOf(address(this));
        if (held < needed) revert WorldArbitrageur__InventoryExhausted(address(token), held, needed);
        token.safeTransfer(msg.sender, needed);
    }
}
