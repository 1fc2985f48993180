/**
 * Where zkagent deploys and what it is wired to. Sources for every address:
 * - Uniswap V3 SwapRouter (0xE592…1564): docs.uniswap.org, "Deployment Addresses" (Arbitrum One);
 *   on Arbitrum Sepolia, docs.uniswap.org "Arbitrum Deployments" (SwapRouter02 only: see below).
 * - WETH (0x82aF…Bab1) and Circle's native USDC (0xaf88…5831) on Arbitrum One: Arbitrum's token
 *   list and Circle's "USDC on Arbitrum" page; Sepolia USDC (0x75fa…AA4d): Circle's testnet list.
 * - Chainlink ETH/USD (0x639F…a612) and the L2 sequencer-uptime feed (0xFdB6…697D) on Arbitrum One;
 *   ETH/USD on Arbitrum Sepolia (0xd30e…5165): docs.chain.link, "Price Feed Contract Addresses"
 *   and "L2 Sequencer Uptime Feeds".
 * Check each against those pages before a real deployment: an address here is a claim to verify.
 */
export interface DeployNetworkConfig {
  chainId: number;
  weth: string;
  usdc: string;
  swapRouter: string;
  priceFeed: string;
  sequencerUptimeFeed: string;
  sequencerGracePeriod: bigint;
  policy: { maxPosition: bigint; thresholdBps: bigint; maxSlippageBps: bigint; maxOracleAge: bigint; poolFee: bigint };
}

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
    swapRouter: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
    priceFeed: "0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612",
    sequencerUptimeFeed: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
    sequencerGracePeriod: 3600n,
    policy: DEFAULT_POLICY,
  },
  // Uniswap lists only SwapRouter02 on Arbitrum Sepolia, whose exact*Single structs have no
  // deadline field: the trader's ISwapRouter calls would not match it. Point `swapRouter` at a
  // SwapRouter (v1) you deploy there before using this entry; until then the deploy task refuses.
  arbitrumSepolia: {
    chainId: 421614,
    weth: "0x980B62Da83eFf3D4576C647993b0c1D7faf17c73",
    usdc: "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d",
    swapRouter: "0x0000000000000000000000000000000000000000",
    priceFeed: "0xd30e2101a97dcbAeBCBC04F14C3f624E67A35165",
    sequencerUptimeFeed: "0x0000000000000000000000000000000000000000",
    sequencerGracePeriod: 3600n,
    policy: DEFAULT_POLICY,
  },
};
