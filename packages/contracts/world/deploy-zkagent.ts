import type { Signer } from "ethers";

import {
  DecentralizedTrader__factory,
  ModelRegistry__factory,
  ModelPolicyVerifier__factory,
  PolicyVerifier__factory,
  type DecentralizedTrader,
  type ModelRegistry,
  type ModelPolicyVerifier,
  type PolicyVerifier,
  type WindowLog,
} from "../typechain/index.ts";
import { deployWindowLog } from "./window-log.ts";
import { UNISWAP_V3_POOL_INIT_CODE_HASH } from "./uniswap-artifacts.ts";

/** The owner's risk policy as the trader stores it. */
export interface PolicyConfig {
  maxPosition: bigint;
  thresholdBps: bigint;
  maxSlippageBps: bigint;
  maxOracleAge: bigint;
  poolFee: bigint;
}

/** The owner's exposure and loss limits as the trader stores them (TradeLimits.RiskLimits). */
export interface RiskLimitsConfig {
  maxVaultPosition: bigint;
  maxNotionalPerAgentPerPeriod: bigint;
  maxNotionalPerVaultPerPeriod: bigint;
  period: bigint;
  maxTradesPerAgentPerPeriod: bigint;
  maxTradesPerVaultPerPeriod: bigint;
  maxTradesPerBlock: bigint;
}

/**
 * Limits for a vault trading up to a few ETH: 4 ETH of exposure, 50 000 USDC of notional per agent
 * and 100 000 per vault per day, 100 and 200 trades per day, 2 per block. With a 1 % slippage bound
 * a lying proof can lose at most ~1 000 USDC a day. Owners set their own.
 */
export const DEFAULT_RISK_LIMITS: RiskLimitsConfig = {
  maxVaultPosition: 4n * 10n ** 18n,
  maxNotionalPerAgentPerPeriod: 50_000n * 10n ** 6n,
  maxNotionalPerVaultPerPeriod: 100_000n * 10n ** 6n,
  period: 86_400n,
  maxTradesPerAgentPerPeriod: 100n,
  maxTradesPerVaultPerPeriod: 200n,
  maxTradesPerBlock: 2n,
};

/** The market a trader is wired to. */
export interface MarketAddresses {
  weth: string;
  usdc: string;
  /** Uniswap V3's factory: the trader swaps on its pool directly (no router). */
  uniswapFactory: string;
  /** keccak256 of the pool's creation code (UNISWAP_V3_POOL_INIT_CODE_HASH for Uniswap's own pools). */
  poolInitCodeHash: string;
  priceFeed: string;
  /** The L2 sequencer-uptime feed; the zero address on L1s. */
  sequencerUptimeFeed: string;
}

export interface Zkagent {
  verifier: PolicyVerifier;
  modelVerifier: ModelPolicyVerifier;
  registry: ModelRegistry;
  trader: DecentralizedTrader;
  windowLog: WindowLog;
}

/**
 * Deploys the generated PolicyVerifier and ModelPolicyVerifier, a ModelRegistry governed by `governor`, the feed's
 * WindowLog (unless `windowLog` names one already serving that feed: one log per feed) and a
 * DecentralizedTrader owned by `owner`, wired to `market` with `policy` and `limits`.
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
    limits = DEFAULT_RISK_LIMITS,
  }: {
    owner: string;
    governor: string;
    sequencerGracePeriod?: bigint;
    windowLog?: WindowLog;
    limits?: RiskLimitsConfig;
  },
): Promise<Zkagent> {
  const windowLog = existingLog ?? (await deployWindowLog(signer, market.priceFeed));
  const verifier = await (await new PolicyVerifier__factory(signer).deploy()).waitForDeployment();
  const modelVerifier = await (await new ModelPolicyVerifier__factory(signer).deploy()).waitForDeployment();
  const registry = await (await new ModelRegistry__factory(signer).deploy(governor)).waitForDeployment();
  const trader = await (
    await new DecentralizedTrader__factory(signer).deploy(
      owner,
      {
        baseToken: market.weth,
        quoteToken: market.usdc,
        uniswapFactory: market.uniswapFactory,
        poolInitCodeHash: market.poolInitCodeHash,
        priceFeed: market.priceFeed,
        sequencerUptimeFeed: market.sequencerUptimeFeed,
        sequencerGracePeriod,
        modelRegistry: await registry.getAddress(),
        verifier: await verifier.getAddress(),
        modelVerifier: await modelVerifier.getAddress(),
        windowLog: await windowLog.getAddress(),
      },
      policy,
      limits,
    )
  ).waitForDeployment();
  return { verifier, modelVerifier, registry, trader, windowLog };
}

/** The market addresses of a locally deployed world. */
export async function marketOf(world: {
  weth: { getAddress(): Promise<string> };
  usdc: { getAddress(): Promise<string> };
  factory: { getAddress(): Promise<string> };
  priceFeed: { getAddress(): Promise<string> };
  sequencerFeed: { getAddress(): Promise<string> };
}): Promise<MarketAddresses> {
  return {
    weth: await world.weth.getAddress(),
    usdc: await world.usdc.getAddress(),
    uniswapFactory: await world.factory.getAddress(),
    poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    priceFeed: await world.priceFeed.getAddress(),
    sequencerUptimeFeed: await world.sequencerFeed.getAddress(),
  };
}
