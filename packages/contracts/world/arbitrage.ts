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

/**
 * Moves the pool to `targetPrice` (8 decimals) with one arbitrage swap by
 * `arbitrageur`: an `exactInputSingle` capped by `sqrtPriceLimitX96 = target`,
 * funded with exactly what the constant-liquidity formula says it needs
 * (plus the fee and a margin). Returns the pool price reached.
 */
export async function movePoolToPrice(world: World, arbitrageur: Signer, targetPrice: bigint): Promise<bigint> {
  const slot0 = await world.pool.slot0();
  const current = slot0.sqrtPriceX96;
  const target = sqrtPriceX96FromPrice(targetPrice, FEED_DECIMALS, world.layout);
  if (target === current) return poolPrice(world);

  const liquidity = await world.pool.liquidity();
  const zeroForOne = target < current; // token0 in pushes sqrtPrice down
  const netIn = zeroForOne
    ? (liquidity * (current - target) * Q96) / (current * target)
    : (liquidity * (target - current)) / Q96;
  const fee = BigInt(world.poolFee);
  const amountIn = (((netIn * FEE_DENOMINATOR) / (FEE_DENOMINATOR - fee)) * 101n) / 100n + 1n;

  const tokenInIsBase = zeroForOne === world.layout.baseIsToken0;
  const who = await arbitrageur.getAddress();
  const router = await world.swapRouter.getAddress();
  // Fresh tokens for the arbitrageur: WETH by wrapping ETH, USDC by minting (test stablecoin).
  if (tokenInIsBase) {
    await (await world.weth.connect(arbitrageur).deposit({ value: amountIn })).wait();
    await (await world.weth.connect(arbitrageur).approve(router, MaxUint256)).wait();
  } else {
    await (await world.usdc.connect(arbitrageur).mint(who, amountIn)).wait();
    await (await world.usdc.connect(arbitrageur).approve(router, MaxUint256)).wait();
  }
  const [tokenIn, tokenOut] = tokenInIsBase ? [world.weth, world.usdc] : [world.usdc, world.weth];
  await (
    await world.swapRouter.connect(arbitrageur).exactInputSingle({
      tokenIn: await tokenIn.getAddress(),
      tokenOut: await tokenOut.getAddress(),
      fee: world.poolFee,
      recipient: who,
      deadline: MaxUint256,
      amountIn,
      amountOutMinimum: 0n, // an arbitrage to a price limit: the limit is the protection
      sqrtPriceLimitX96: target,
    })
  ).wait();
  return poolPrice(world);
}
