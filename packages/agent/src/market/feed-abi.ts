import { Contract, type ContractRunner } from "ethers";

import { DEFAULT_RETRY, withRetry, type RetryOptions } from "../chain/retry.ts";

/** The part of a Chainlink feed the agent reads, as plain async functions (easy to fake in tests). */
export interface AggregatorV3Interface {
  latestRoundData(): Promise<readonly [bigint, bigint, bigint, bigint, bigint]>;
  getRoundData(roundId: bigint): Promise<readonly [bigint, bigint, bigint, bigint, bigint]>;
}

const FEED_ABI = [
  "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
  "function getRoundData(uint80) view returns (uint80, int256, uint256, uint256, uint80)",
];

/**
 * A Chainlink proxy (or a MockV3Aggregator) at `address`. Reads retry transient RPC failures, so a
 * dropped connection is never mistaken for a missing round.
 */
export function chainlinkFeed(
  address: string,
  runner: ContractRunner,
  retry: RetryOptions = DEFAULT_RETRY,
): AggregatorV3Interface {
  const feed = new Contract(address, FEED_ABI, runner);
  const tuple = (r: unknown) => [...(r as bigint[])].map(BigInt) as unknown as [bigint, bigint, bigint, bigint, bigint];
  const call = (name: string, ...args: unknown[]) => withRetry(() => feed.getFunction(name)(...args), retry);
  return {
    latestRoundData: async () => tuple(await call("latestRoundData")),
    getRoundData: async (roundId) => tuple(await call("getRoundData", roundId)),
  };
}
