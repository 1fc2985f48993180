import type { Signer } from "ethers";

import {
  DecentralizedTrader__factory,
  ModelRegistry__factory,
  PolicyVerifier__factory,
  type DecentralizedTrader,
  type ModelRegistry,
  type PolicyVerifier,
  type WindowLog,
} from "../typechain/index.ts";
import { deployWindowLog } from "./window-log.ts";

/** The owner's risk policy as the trader stores it. */
export interface PolicyConfig {
  maxPosition: bigint;
  thresholdBps: bigint;
  maxSlippageBps: bigint;
  maxOracleAge: bigint;
  poolFee: bigint;
}

/** The market a trader is wired to. */
export interface MarketAddresses {
  weth: string;
  usdc: string;
  swapRouter: string;
  priceFeed: string;
  /** The L2 sequencer-uptime feed; the zero address on L1s. */
  sequencerUptimeFeed: string;
}

export interface Zkagent {
  verifier: PolicyVerifier;
  registry: ModelRegistry;
  trader: DecentralizedTrader;
  windowLog: WindowLog;
}

/**
 * Deploys the generated PolicyVerifier, a ModelRegistry governed by `governor`, the feed's
 * WindowLog (unless `windowLog` names one already serving that feed: one log per feed) and a
 * DecentralizedTrader owned by `owner`, wired to `market` with `policy`.
 */
export async function deployZkagent(
  signer: Signer,
  market: MarketAddresses,
  policy: PolicyConfig,
  {
    owner,
    governor,
    sequencerGracePeriod = 3600n,
    windowLog: existingLog,
  }: { owner: string; governor: string; sequencerGracePeriod?: bigint; windowLog?: WindowLog },
): Promise<Zkagent> {
  const windowLog = existingLog ?? (await deployWindowLog(signer, market.priceFeed));
  const verifier = await (await new PolicyVerifier__factory(signer).deploy()).waitForDeployment();
  const registry = await (await new ModelRegistry__factory(signer).deploy(governor)).waitForDeployment();
  const trader = await (
    await new DecentralizedTrader__factory(signer).deploy(
      owner,
      {
        baseToken: market.weth,
        quoteToken: market.usdc,
        swapRouter: market.swapRouter,
        priceFeed: market.priceFeed,
        sequencerUptimeFeed: market.sequencerUptimeFeed,
        sequencerGracePeriod,
        modelRegistry: await registry.getAddress(),
        verifier: await verifier.getAddress(),
        windowLog: await windowLog.getAddress(),
      },
      policy,
    )
  ).waitForDeployment();
  return { verifier, registry, trader, windowLog };
}

/** The market addresses of a locally deployed world. */
export async function marketOf(world: {
  weth: { getAddress(): Promise<string> };
  usdc: { getAddress(): Promise<string> };
  swapRouter: { getAddress(): Promise<string> };
  priceFeed: { getAddress(): Promise<string> };
  sequencerFeed: { getAddress(): Promise<string> };
}): Promise<MarketAddresses> {
  return {
    weth: await world.weth.getAddress(),
    usdc: await world.usdc.getAddress(),
    swapRouter: await world.swapRouter.getAddress(),
    priceFeed: await world.priceFeed.getAddress(),
    sequencerUptimeFeed: await world.sequencerFeed.getAddress(),
  };
}
