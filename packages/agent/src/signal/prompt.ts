import { BPS, bandFigures } from "@zkagent/circuits";

/** What the model is told each tick: the policy-relevant picture, nothing private about the operator. */
export interface MarketPicture {
  prices: readonly bigint[];
  position: bigint;
  maxPosition: bigint;
  thresholdBps: bigint;
  /**
   * What sizePct is a percent of: "room-or-position" (the verified and optimistic paths, see
   * tradeOf: a BUY's share of the room under the cap, a SELL's share of the position) or "cap"
   * (the hub path: a signal is the same fraction of every follower's cap). Default the first.
   */
  sizing?: "room-or-position" | "cap";
}

/** The feed's answers have 8 decimals (Chainlink's USD feeds). */
const FEED_DECIMALS = 8;
/** Enough to resolve 1 bps of any price shown (and the band's edges): 5 significant digits, and one more. */
const SIGNIFICANT_DIGITS = 6;

/**
 * The decimals every USD figure of one prompt is shown with: as many as the smallest of them
 * needs for SIGNIFICANT_DIGITS significant digits, at least 2 and at most the feed's 8. With a
 * fixed 2, at $0.61 the band read "0.61 to 0.63" while the price was 192 bps under the average.
 */
export function usdDecimals(values: readonly bigint[]): number {
  const smallest = values.filter((v) => v > 0n).reduce((a, b) => (b < a ? b : a), 10n ** 30n);
  const integerDigits = (smallest / 10n ** BigInt(FEED_DECIMALS)).toString().length;
  const leadingZeros = smallest < 10n ** BigInt(FEED_DECIMALS) ? FEED_DECIMALS - smallest.toString().length : 0;
  const needed =
    smallest >= 10n ** BigInt(FEED_DECIMALS) ? SIGNIFICANT_DIGITS - integerDigits : leadingZeros + SIGNIFICANT_DIGITS;
  return Math.min(FEED_DECIMALS, Math.max(2, needed));
}

/**
 * `value` (in units of 10^-scale USD) with `decimals` decimals, rounded half up: exact bigint
 * arithmetic, no float rounding.
 */
export function formatFixed(value: bigint, scale: number, decimals: number): string {
  const drop = 10n ** BigInt(scale - decimals);
  const rounded = (value + drop / 2n) / drop;
  const unit = 10n ** BigInt(decimals);
  const whole = rounded / unit;
  const fraction = (rounded % unit).toString().padStart(decimals, "0");
  return decimals === 0 ? whole.toString() : `${whole}.${fraction}`;
}

const eth = (wei: bigint) => formatFixed(wei, 18, 4);

/** The instruction prompt: latest price, MA, deviation in bps, band, where the price is, position and cap. */
export function buildPrompt({
  prices,
  position,
  maxPosition,
  thresholdBps,
  sizing = "room-or-position",
}: MarketPicture): string {
  const band = bandFigures(prices, thresholdBps);
  // bandFigures' band edges carry the price's 8 decimals and 4 more (× BPS): shown exactly.
  const bandScale = FEED_DECIMALS + 4;
  const decimals = usdDecimals([band.latestPrice, band.movingAverage, band.lowerBand / BPS]);
  const usd = (price: bigint) => formatFixed(price, FEED_DECIMALS, decimals);
  const edge = (scaled: bigint) => formatFixed(scaled, bandScale, decimals);
  const where =
    band.zone === "BELOW"
      ? "below the band (a BUY is allowed)"
      : band.zone === "ABOVE"
        ? "above the band (a SELL is allowed)"
        : "inside the band (HOLD)";
  const room = maxPosition > position ? maxPosition - position : 0n;
  const sizeRule =
    sizing === "cap"
      ? "sizePct (percent of the cap)"
      : `sizePct (for BUY, percent of the ${eth(room)} ETH room under the cap; for SELL, percent of the ${eth(position)} ETH position)`;
  return [
    "You are a mean-reversion trading agent for ETH/USD.",
    `Latest price: ${usd(band.latestPrice)} USD. ${prices.length}-round moving average: ${usd(band.movingAverage)} USD.`,
    `Deviation from the average: ${band.deviationBps} bps. Band: ${edge(band.lowerBand)} to ${edge(band.upperBand)} USD. The price is ${where}.`,
    `Position: ${eth(position)} ETH of a ${eth(maxPosition)} ETH cap.`,
    "Rules: BUY only below the band, SELL only above it and never more than the position, otherwise HOLD.",
    `Answer with one JSON object: action, ${sizeRule}, confidence.`,
    "Signal: ",
  ].join("\n");
}
