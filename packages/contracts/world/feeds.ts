import type { MockV3Aggregator } from "../typechain/index.ts";

/** Pushes one new round with `answer` (8 decimals) onto a MockV3Aggregator; returns its round id. */
export async function pushPrice(priceFeed: MockV3Aggregator, answer: bigint): Promise<bigint> {
  await (await priceFeed.updateAnswer(answer)).wait();
  return await priceFeed.latestRound();
}

/** Pushes several rounds in order; returns the last round id. */
export async function pushPrices(priceFeed: MockV3Aggregator, answers: readonly bigint[]): Promise<bigint> {
  let roundId = await priceFeed.latestRound();
  for (const answer of answers) roundId = await pushPrice(priceFeed, answer);
  return roundId;
}

/**
 * Sets the L2 sequencer-uptime feed. Chainlink's convention: answer 0 = up, 1 = down;
 * `startedAt` = when that status began (the grace period counts from it).
 */
export async function setSequencerStatus(
  sequencerFeed: MockV3Aggregator,
  status: "up" | "down",
  startedAt: bigint,
): Promise<void> {
  const roundId = (await sequencerFeed.latestRound()) + 1n;
  await (await sequencerFeed.updateRoundData(roundId, status === "up" ? 0n : 1n, startedAt, startedAt)).wait();
}
