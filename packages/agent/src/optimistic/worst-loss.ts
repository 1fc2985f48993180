const BPS = 10_000n;

/**
 * The most a trade of `size` base units can lose against the oracle value within the slippage
 * bound, in quote-token units, rounded up: SlippageMath.worstLoss, the amount the lane locks of the
 * agent's bond for the trade's claim. `scale` is 10^(baseDecimals + feedDecimals − quoteDecimals).
 */
export function worstLossOf(size: bigint, price: bigint, scale: bigint, maxSlippageBps: bigint): bigint {
  const numerator = size * price * maxSlippageBps;
  const denominator = scale * BPS;
  return (numerator + denominator - 1n) / denominator;
}

/** A quote-token amount for people: `29.4 USDC`-style, without trailing zeros. */
export function formatUnitsShort(amount: bigint, decimals: number, symbol = ""): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const unit = 10n ** BigInt(decimals);
  const whole = abs / unit;
  const fraction = (abs % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}${symbol ? ` ${symbol}` : ""}`;
}
