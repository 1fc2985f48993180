import { BPS, bandFigures } from "@zkagent/circuits";

/** What the model is told each tick: the policy-relevant picture, nothing private about the operator. */
export interface MarketPicture {
  prices: readonly bigint[];
  position: bigint;
  maxPosition: bigint;
  thresholdBps: bigint;
}

const usd = (price: bigint) => (Number(price) / 1e8).toFixed(2);
const eth = (wei: bigint) => (Number(wei) / 1e18).toFixed(4);

/** The instruction prompt: latest price, MA, deviation in bps, band, position and cap. */
export function buildPrompt({ prices, position, maxPosition, thresholdBps }: MarketPicture): string {
  const band = bandFigures(prices, thresholdBps);
  const lower = (band.movingAverage * (BPS - thresholdBps)) / BPS;
  const upper = (band.movingAverage * (BPS + thresholdBps)) / BPS;
  return [
    "You are a mean-reversion trading agent for ETH/USD.",
    `Latest price: ${usd(band.latestPrice)} USD. ${prices.length}-round moving average: ${usd(band.movingAverage)} USD.`,
    `Deviation from the average: ${band.deviationBps} bps. Band: ${usd(lower)} to ${usd(upper)} USD.`,
    `Position: ${eth(position)} ETH of a ${eth(maxPosition)} ETH cap.`,
    "Rules: BUY only below the band, SELL only above it and never more than the position, otherwise HOLD.",
    "Answer with one JSON object: action, sizePct (percent of the cap), confidence.",
    "Signal: ",
  ].join("\n");
}
