import type { Signer } from "ethers";

import {
  DataFeedsLegacyAggregatorProxy__factory,
  OCR2ShapedAggregator__factory,
  type DataFeedsLegacyAggregatorProxy,
  type OCR2ShapedAggregator,
} from "../typechain/index.ts";

/**
 * A feed shaped like a real Chainlink feed: Chainlink's aggregator proxy (with phases) in front
 * of an OCR2-shaped aggregator (same storage and read path; see OCR2ShapedAggregator.sol). Gas
 * measured through it is what a real feed costs; MockV3Aggregator is cheaper than the real thing.
 */
export interface RealShapedFeed {
  proxy: DataFeedsLegacyAggregatorProxy;
  /** The current phase's aggregator: push rounds with `transmit`. */
  aggregator: OCR2ShapedAggregator;
  /** Starts a new phase with a fresh aggregator (round ids jump to (phase + 1) << 64 | 1). */
  nextPhase(): Promise<OCR2ShapedAggregator>;
}

async function deployAggregator(signer: Signer, proxy: string | undefined): Promise<OCR2ShapedAggregator> {
  const aggregator = await (await new OCR2ShapedAggregator__factory(signer).deploy(8, "ETH / USD")).waitForDeployment();
  if (proxy) await (await aggregator.addAccess(proxy)).wait();
  return aggregator;
}

/** Deploys the proxy and its first aggregator (phase 1), owned by `signer`. */
export async function deployRealShapedFeed(signer: Signer): Promise<RealShapedFeed> {
  const first = await deployAggregator(signer, undefined);
  const proxy = await (
    await new DataFeedsLegacyAggregatorProxy__factory(signer).deploy(await first.getAddress())
  ).waitForDeployment();
  await (await first.addAccess(await proxy.getAddress())).wait();
  const feed: RealShapedFeed = {
    proxy,
    aggregator: first,
    async nextPhase() {
      const next = await deployAggregator(signer, await proxy.getAddress());
      await (await proxy.proposeAggregator(await next.getAddress())).wait();
      await (await proxy.confirmAggregator(await next.getAddress())).wait();
      feed.aggregator = next;
      return next;
    },
  };
  return feed;
}

/** Pushes rounds onto the feed's current aggregator, in order. */
export async function transmitPrices(feed: RealShapedFeed, answers: readonly bigint[]): Promise<void> {
  for (const answer of answers) await (await feed.aggregator.transmit(answer)).wait();
}
