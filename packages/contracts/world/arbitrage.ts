import { MaxUint256, formatUnits, type Signer } from "ethers";

import type { World } from "./deploy-world.ts";
import { FEED_DECIMALS } from "./deploy-world.ts";
import { asWorldInventoryError } from "./inventory-error.ts";
import type { MarketActors } from "./market-makers.ts";
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
  /**
   * Gives `who` `amount` of the base (or quote) token and approves the router for it: how a
   * market without {@link actors} pays for a move (it wraps or mints).
   */
  fund(arbitrageur: Signer, isBase: boolean, amount: bigint): Promise<void>;
  /** The market's finite-inventory arbitrageur and price-following liquidity provider, if it has them. */
  actors?: MarketActors;
}

/**
 * The world's own WETH/USDC market as a {@link PoolMarket}: moved by the world's arbitrageur when
 * it has one, else funded by wrapping ETH and minting USDC.
 */
export function worldMarket(world: World): PoolMarket {
  const actors =
    world.arbitrageur && world.liquidityProvider
      ? { actors: { arbitrageur: world.arbitrageur, liquidityProvider: world.liquidityProvider } }
      : {};
  return {
    ...actors,
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
 * Moves a market's pool to `targetPrice` (8 decimals), `arbitrageur` sending the transactions.
 * A market with {@link PoolMarket.actors}: the world's arbitrageur swaps from its finite inventory
 * to exactly the target and sells what it bought back to the liquidity provider, which re-centres
 * its position if the price has left its band; a {@link WorldInventoryExhausted} says who ran out
 * of what. Otherwise: one `exactInputSingle` by `arbitrageur` capped by
 * `sqrtPriceLimitX96 = target`, funded with what the constant-liquidity formula says it needs
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

  if (market.actors) {
    const { arbitrageur: arbitrageurContract, liquidityProvider } = market.actors;
    const context = `moving the pool to ${formatPrice(targetPrice)}`;
    await asWorldInventoryError(arbitrageur, context, async () =>
      (await arbitrageurContract.connect(arbitrageur).moveTo(await market.pool.getAddress(), target)).wait(),
    );
    if (await liquidityProvider.outOfBand())
      await asWorldInventoryError(arbitrageur, `re-centring its position at ${formatPrice(targetPrice)}`, async () =>
        (await liquidityProvider.connect(arbitrageur).recenter()).wait(),
      );
  } else {
    await swapToPrice(market, arbitrageur, current, target);
  }
  const reached = await market.pool.slot0();
  return priceFromSqrtPriceX96(reached.sqrtPriceX96, FEED_DECIMALS, market.layout);
}

/** A market without actors: fund `arbitrageur` (wrap or mint) and swap to the target. */
async function swapToPrice(market: PoolMarket, arbitrageur: Signer, current: bigint, target: bigint): Promise<void> {
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
}

/**
 * The pool's depth in its base token at the current price: the virtual base reserve of the
 * liquidity in range, L / sqrt(P) (L · sqrt(P) when the base is token1), in base units. A swap of
 * `q` base moves sqrt(P) by about q / depth, so a trade of q costs about q / depth of price impact.
 */
export async function marketDepth(market: Pick<PoolMarket, "pool" | "layout">): Promise<bigint> {
  const [{ sqrtPriceX96 }, liquidity] = await Promise.all([market.pool.slot0(), market.pool.liquidity()]);
  return market.layout.baseIsToken0 ? (liquidity * Q96) / sqrtPriceX96 : (liquidity * sqrtPriceX96) / Q96;
}

function formatPrice(price: bigint): string {
  return `$${formatUnits(price, FEED_DECIMALS)}`;
}
