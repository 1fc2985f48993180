import type { MockV3Aggregator } from "@zkagent/contracts/typechain";

/** The last `size` answers of a feed, oldest first, ending at its latest round. */
export async function readWindow(feed: MockV3Aggregator, size = 30): Promise<{ prices: bigint[]; roundId: bigint }> {
  const [roundId] = await feed.latestRoundData();
  const prices: bigint[] = [];
  for (let r = roundId - BigInt(size) + 1n; r <= roundId; r++) {
    const [, answer] = await feed.getRoundData(r);
    prices.push(answer);
  }
  return { prices, roundId };
}
