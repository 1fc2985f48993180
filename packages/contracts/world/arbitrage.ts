import { MaxUint256, type Signer } from "ethers";

import type { World } from "./deploy-world.ts";
import { FEED_DECIMALS } from "./deploy-world.ts";
import { priceFromSqrtPriceX96, sqrtPriceX96FromPrice } from "./price-math.ts";

const Q96 = 2n ** 96n;
const FEE_DENOMINATOR = 1_000_000n;

/** The pool's current price as quote per base with the feed's 8 decimals. */
export async function poolPrice(world: World): Promise<bigint> {
  const slot0 = await world.pool.slot0();
  return priceFromSqrtPriceX96(slot0.sqrtPriceX96, FEED_DECIMALS, world.layout);
}

/** A pool, its router and how an arbitrageur gets the token it pays in. */
export interface PoolMarket {
  pool: World["pool"];
  poolFee: number;
  layout: World["layout"];
  swapRouter: World["swapRouter"];
  base: { getAddress(): Promise<string> };
  quote: { getAddress(): Promise<string> };
  /** Gives `who` `amount` of the base (or quote) token and approves the router for it. */
  fund(arbitrageur: Signer, isBase: boolean, amount: bigint): Promise<void>;
}

/** The world's own WETH/USDC market as a {@link PoolMarket}: WETH by wrapping ETH, USDC by minting. */
export function worldMarket(world: World): PoolMarket {
  return {
    pool: world.pool,
    poolFee: world.poolFee,
    layout: world.layout,
    swapRouter: world.swapRouter,
    base: world.weth,
    quote: world.usdc,
    fund: async (arbitrageur, isBase, amount) => {
      const router = await world.swapRouter.getAddress();
      if (isBase) {
        await (await world.weth.connect(arbitrageur).deposit({ value: amount })).wait();
        await (await world.weth.connect(arbitrageur).approve(router, MaxUint256)).wait();
      } else {
        await (await world.usdc.connect(arbitrageur).mint(await arbitrageur.getAddress(), amount)).wait();
        await (await world.usdc.connect(arbitrageur).approve(router, MaxUint256)).wait();
      }
    },
  };
}

/**
 * Moves the world's pool to `targetPrice` (8 decimals) with one arbitrage swap by
 * `arbitrageur` (see {@link movePoolMarketToPrice}). Returns the pool price reached.
 */
export async function movePoolToPrice(world: World, arbitrageur: Signer, targetPrice: bigint): Promise<bigint> {
  return movePoolMarketToPrice(worldMarket(world), arbitrageur, targetPrice);
}

/**
 * Moves a market's pool to `targetPrice` (8 decimals) with one arbitrage swap by
 * `arbitrageur`: an `exactInputSingle` capped by `sqrtPriceLimitX96 = target`,
 * funded with exactly what the constant-liquidity formula says it needs
 * (plus the fee and a margin). Returns the pool price reached.
 */
export async function movePoolMarketToPrice(
  market: PoolMarket,
  arbitrageur: Signer,
  targetPrice: bigint,
): Promise<bigint> {
  const slot0 = await market.pool.slot0();
  const current = slot0.sqrtPriceX96;
  const target = sqrtPriceX96FromPrice(targetPrice, FEED_DECIMALS, market.layout);
  if (target === current) return priceFromSqrtPriceX96(current, FEED_DECIMALS, market.layout);

  const liquidity = await market.pool.liquidity();
  const zeroForOne = target < current; // token0 in pushes sqrtPrice down
  const netIn = zeroForOne
    ? (liquidity * (current - target) * Q96) / (current * target)
    : (liquidity * (target - current)) / Q96;
  const fee = BigInt(market.poolFee);
  const amountIn = (((netIn * FEE_DENOMINATOR) / (FEE_DENOMINATOR - fee)) * 101n) / 100n + 1n;

  const tokenInIsBase = zeroForOne === market.layout.baseIsToken0;
  await market.fund(arbitrageur, tokenInIsBase, amountIn);
  const [tokenIn, tokenOut] = tokenInIsBase ? [market.base, market.quote] : [market.quote, market.base];
  await (
    await market.swapRouter.connect(arbitrageur).exactInputSingle({
      tokenIn: await tokenIn.getAddress(),
      tokenOut: await tokenOut.getAddress(),
      fee: market.poolFee,
      recipient: await arbitrageur.getAddress(),
      deadline: MaxUint256,
      amountIn,
      amountOutMinimum: 0n, // an arbitrage to a price limit: the limit is the protection
      sqrtPriceLimitX96: target,
    })
  ).wait();
  const reached = await market.pool.slot0();
  return priceFromSqrtPriceX96(reached.sqrtPriceX96, FEED_DECIMALS, market.layout);
}
