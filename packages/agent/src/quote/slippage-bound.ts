const BPS = 10_000n;

/**
 * The most a BUY of `size` base may pay, exactly as the trader computes it (SlippageMath.maxQuoteIn):
 * floor(size · price · (10 000 + maxSlippageBps) / (scale · 10 000)), rounded down in the vault's
 * favour. 0 means the trader would refuse the trade as too small to bound (ZeroSlippageBound).
 * `scale` is 10^(baseDecimals + priceDecimals − quoteDecimals).
 */
export function maxQuoteIn(size: bigint, price: bigint, scale: bigint, maxSlippageBps: bigint): bigint {
  return (size * price * (BPS + maxSlippageBps)) / (scale * BPS);
}

/**
 * The least a SELL of `size` base must get, exactly as the trader computes it
 * (SlippageMath.minQuoteOut): ceil(size · price · (10 000 − maxSlippageBps) / (scale · 10 000)),
 * rounded up in the vault's favour. 0 means too small to bound (ZeroSlippageBound).
 */
export function minQuoteOut(size: bigint, price: bigint, scale: bigint, maxSlippageBps: bigint): bigint {
  const numerator = size * price * (BPS - maxSlippageBps);
  const denominator = scale * BPS;
  return (numerator + denominator - 1n) / denominator;
}
