/** The reads of a Chainlink feed (a MockV3Aggregator or a proxy) that a window needs. */
export interface FeedReads {
  latestRoundData(): Promise<readonly [bigint, bigint, ...unknown[]]>;
  getRoundData(roundId: bigint): Promise<readonly [bigint, bigint, ...unknown[]]>;
}

/** The last `size` answers of a feed, oldest first, ending at its latest round. */
export async function readWindow(feed: FeedReads, size = 30): Promise<{ prices: bigint[]; roundId: bigint }> {
  const [roundId] = await feed.latestRoundData();
  const prices: bigint[] = [];
  for (let r = roundId - BigInt(size) + 1n; r <= roundId; r++) {
    const [, answer] = await feed.getRoundData(r);
    prices.push(answer);
  }
  return { prices, roundId };
}
