/**
 * Where zkagent deploys and what it is wired to. Sources for every address:
 * - Uniswap V3 factory (0x1F98…F984): docs.uniswap.org, "Deployment Addresses" (Arbitrum One);
 *   on Arbitrum Sepolia (0x248A…188e), docs.uniswap.org "Arbitrum Deployments". The trader swaps
 *   on the factory's pool directly, so no router address is needed; the pool init code hash is
 *   Uniswap's (UNISWAP_V3_POOL_INIT_CODE_HASH), and the trader checks the derived pool against
 *   the factory's getPool when it is deployed and whenever the policy's fee changes.
 * - WETH (0x82aF…Bab1) and Circle's native USDC (0xaf88…5831) on Arbitrum One: Arbitrum's token
 *   list and Circle's "USDC on Arbitrum" page; Sepolia USDC (0x75fa…AA4d): Circle's testnet list.
 * - Chainlink ETH/USD (0x639F…a612) and the L2 sequencer-uptime feed (0xFdB6…697D) on Arbitrum One;
 *   ETH/USD on Arbitrum Sepolia (0xd30e…5165): docs.chain.link, "Price Feed Contract Addresses"
 *   and "L2 Sequencer Uptime Feeds".
 * Check each against those pages before a real deployment: an address here is a claim to verify.
 *
 * `localhost` has no addresses here: its market is the world `pnpm local-network` deploys on a
 * fresh `hardhat node`, whose addresses live in the world record it writes (see localWorldNetworks).
 */
import type { AddressBook } from "../world/address-book.ts";
import { DEFAULT_RISK_LIMITS, type RiskLimitsConfig } from "../world/deploy-zkagent.ts";
import { UNISWAP_V3_POOL_INIT_CODE_HASH } from "../world/uniswap-artifacts.ts";
import { DEFAULT_OPTIMISTIC_LANE, type OptimisticLaneSettings, type SignalHubSettings } from "./extension-settings.ts";

export interface DeployNetworkConfig {
  chainId: number;
  weth: string;
  usdc: string;
  uniswapFactory: string;
  poolInitCodeHash: string;
  priceFeed: string;
  sequencerUptimeFeed: string;
  sequencerGracePeriod: bigint;
  policy: { maxPosition: bigint; thresholdBps: bigint; maxSlippageBps: bigint; maxOracleAge: bigint; poolFee: bigint };
  /** The vault's exposure and loss limits (TradeLimits), set at deployment; the owner can change them. */
  limits: RiskLimitsConfig;
  /**
   * The timelock's delay in seconds: how long every change to the trader or the registry waits
   * between being scheduled and taking effect. Proposers, executors and the guardian are accounts
   * of whoever deploys: deployments/<network>/governance.json or the task's flags (see deploy-task.ts).
   */
  minDelay: bigint;
  /**
   * The OptimisticLane `hardhat deploy --optimistic` adds (bonded in `usdc`); a value left out
   * takes DEFAULT_OPTIMISTIC_LANE's (extension-settings.ts).
   */
  optimisticLane?: Partial<OptimisticLaneSettings>;
  /** The SignalHub `hardhat deploy --hub` adds; its maxOracleAge defaults to the policy's. */
  signalHub?: Partial<SignalHubSettings>;
}

/** Two days: enough for operators and depositors to see a change coming and act before it lands. */
const LIVE_MIN_DELAY = 172_800n;

const DEFAULT_POLICY = {
  maxPosition: 2n * 10n ** 18n,
  thresholdBps: 100n,
  maxSlippageBps: 100n,
  // Chainlink's ETH/USD on Arbitrum has a 24 h heartbeat and a 0.05 % deviation threshold.
  maxOracleAge: 86_400n,
  poolFee: 500n, // the deepest WETH/USDC pool on Arbitrum One
};

export const deployNetworks: Record<string, DeployNetworkConfig> = {
  arbitrum: {
    chainId: 42161,
    weth: "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1",
    usdc: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
    uniswapFactory: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
    poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    priceFeed: "0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612",
    sequencerUptimeFeed: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
    sequencerGracePeriod: 3600n,
    policy: DEFAULT_POLICY,
    limits: DEFAULT_RISK_LIMITS,
    minDelay: LIVE_MIN_DELAY,
    optimisticLane: DEFAULT_OPTIMISTIC_LANE,
  },
  arbitrumSepolia: {
    chainId: 421614,
    weth: "0x980B62Da83eFf3D4576C647993b0c1D7faf17c73",
    usdc: "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d",
    uniswapFactory: "0x248AB79Bbb9bC29bB72f7Cd42F17e054Fc40188e",
    poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    priceFeed: "0xd30e2101a97dcbAeBCBC04F14C3f624E67A35165",
    sequencerUptimeFeed: "0x0000000000000000000000000000000000000000",
    sequencerGracePeriod: 3600n,
    policy: DEFAULT_POLICY,
    limits: DEFAULT_RISK_LIMITS,
    minDelay: LIVE_MIN_DELAY,
    optimisticLane: DEFAULT_OPTIMISTIC_LANE,
  },
};

/**
 * A network whose market this project deploys itself (`pnpm local-network`: real Uniswap V3
 * bytecode, WETH9, a test USDC, Chainlink's mock feeds). Every fresh chain has its own world, so
 * the deploy task reads the addresses from the world record written beside the deployment record
 * (`deployments/<network>/<worldRecord>`, or the task's `--out` directory) instead of from here.
 */
export interface LocalWorldNetworkConfig {
  chainId: number;
  /** File name of the world record (an AddressBook as JSON) in the network's record directory. */
  worldRecord: string;
  sequencerGracePeriod: bigint;
  /** The policy; its pool fee is the world's pool's (the record's `poolFee`). */
  policy: Omit<DeployNetworkConfig["policy"], "poolFee">;
  limits: RiskLimitsConfig;
  /** The timelock's delay (see DeployNetworkConfig). */
  minDelay: bigint;
  /** What --optimistic and --hub add (see DeployNetworkConfig). */
  optimisticLane?: Partial<OptimisticLaneSettings>;
  signalHub?: Partial<SignalHubSettings>;
}

export const localWorldNetworks: Record<string, LocalWorldNetworkConfig> = {
  // A `hardhat node` on 127.0.0.1 (Hardhat's `localhost` network, LOCALHOST_URL to move it).
  localhost: {
    chainId: 31337,
    worldRecord: "world.json",
    sequencerGracePeriod: 3600n, // the local world has a (mock) sequencer-uptime feed: the L2 path runs
    policy: DEFAULT_POLICY,
    limits: DEFAULT_RISK_LIMITS,
    // Short, so that changes can be tried by hand: `pnpm local-network` moves the chain's clock
    // past it for its own setup (it says so); schedule one yourself and `zkagent status` shows it.
    minDelay: 60n,
    optimisticLane: DEFAULT_OPTIMISTIC_LANE,
  },
};

/** The deploy config of a local world network: its world record's addresses and pool fee, with the entry's policy. */
export function deployConfigFromWorld(network: LocalWorldNetworkConfig, world: AddressBook): DeployNetworkConfig {
  return {
    chainId: network.chainId,
    weth: world.weth,
    usdc: world.usdc,
    uniswapFactory: world.uniswapV3Factory,
    poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    priceFeed: world.ethUsdFeed,
    sequencerUptimeFeed: world.sequencerUptimeFeed ?? "0x0000000000000000000000000000000000000000",
    sequencerGracePeriod: network.sequencerGracePeriod,
    policy: { ...network.policy, poolFee: BigInt(world.poolFee) },
    limits: network.limits,
    minDelay: network.minDelay,
    ...(network.optimisticLane ? { optimisticLane: network.optimisticLane } : {}),
    ...(network.signalHub ? { signalHub: network.signalHub } : {}),
  };
}

export {
  DEFAULT_OPTIMISTIC_LANE,
  DeploySettingsError,
  optimisticLaneSettingsOf,
  signalHubSettingsOf,
  type OptimisticLaneSettings,
  type SignalHubSettings,
} from "./extension-settings.ts";
