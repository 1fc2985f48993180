/**
 * Pure conversions between human prices (quote per base, e.g. USD per ETH),
 * Chainlink answers and Uniswap V3 sqrtPriceX96, in exact integer arithmetic.
 */

const Q96 = 2n ** 96n;
const Q192 = Q96 * Q96;

/** floor(sqrt(value)) for a non-negative bigint (Newton's method). */
export function sqrtBigInt(value: bigint): bigint {
  if (value < 0n) throw new RangeError(`sqrtBigInt: negative input ${value}`);
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}

/** A token pair as a Uniswap pool sees it: the base token (WETH) is token0 or token1. */
export interface PairLayout {
  baseIsToken0: boolean;
  baseDecimals: number;
  quoteDecimals: number;
}

/**
 * sqrtPriceX96 for a price given as `quotePerBase` scaled by 10^priceDecimals
 * (a Chainlink answer with its decimals, for example).
 */
export function sqrtPriceX96FromPrice(price: bigint, priceDecimals: number, layout: PairLayout): bigint {
  // raw token1 per raw token0
  const quoteRaw = price * 10n ** BigInt(layout.quoteDecimals);
  const baseRaw = 10n ** BigInt(layout.baseDecimals + priceDecimals);
  const [numerator, denominator] = layout.baseIsToken0 ? [quoteRaw, baseRaw] : [baseRaw, quoteRaw];
  return sqrtBigInt((numerator * Q192) / denominator);
}

/** The inverse of {@link sqrtPriceX96FromPrice}: price scaled by 10^priceDecimals (floored). */
export function priceFromSqrtPriceX96(sqrtPriceX96: bigint, priceDecimals: number, layout: PairLayout): bigint {
  const ratioX192 = sqrtPriceX96 * sqrtPriceX96; // token1/token0 · 2^192
  const scale = 10n ** BigInt(layout.baseDecimals + priceDecimals);
  const quoteScale = 10n ** BigInt(layout.quoteDecimals);
  return layout.baseIsToken0 ? (ratioX192 * scale) / (Q192 * quoteScale) : (Q192 * scale) / (ratioX192 * quoteScale);
}

/** Full-range ticks for a fee tier's tick spacing. */
export function fullRangeTicks(tickSpacing: number): { tickLower: number; tickUpper: number } {
  const maxTick = Math.floor(887272 / tickSpacing) * tickSpacing;
  return { tickLower: -maxTick, tickUpper: maxTick };
}
