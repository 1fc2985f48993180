import { WINDOW_SIZE } from "../../src/index.ts";

export { seededRandom } from "../../src/index.ts";

/** A uniformly random bigint in [min, max]. */
export function randomBigInt(random: () => number, min: bigint, max: bigint): bigint {
  const span = max - min + 1n;
  const hi = BigInt(Math.floor(random() * 2 ** 32));
  const lo = BigInt(Math.floor(random() * 2 ** 32));
  return min + (((hi << 32n) | lo) * span) / (1n << 64n);
}

/**
 * A window whose floor-average is exactly `average` and whose last price is
 * `latest`: the first N−1 prices share N·average − latest as evenly as possible.
 */
export function windowWith(average: bigint, latest: bigint, size = WINDOW_SIZE): bigint[] {
  const n = BigInt(size);
  const rest = n * average - latest;
  const each = rest / (n - 1n);
  let extra = rest - each * (n - 1n);
  const prices: bigint[] = [];
  for (let i = 0; i < size - 1; i++) {
    prices.push(each + (extra > 0n ? 1n : 0n));
    if (extra > 0n) extra--;
  }
  prices.push(latest);
  return prices;
}

/** 3 000 USD in Chainlink's 8 decimals. */
export const PRICE_3000 = 3_000n * 10n ** 8n;
export const ONE_ETH = 10n ** 18n;
