import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { modelHashOfBytes } from "@zkagent/circuits";
import { deployZkagent, marketOf, pushPrices, type World } from "@zkagent/contracts/world";
import type { DecentralizedTrader, ModelRegistry, PolicyVerifier, WindowLog } from "@zkagent/contracts/typechain";
import { ZeroAddress, parseEther, parseUnits } from "ethers";

import { deployTestWorld } from "./world-fixture.ts";

/** The policy every contract test starts from. */
export const TEST_POLICY = {
  maxPosition: parseEther("2"),
  thresholdBps: 100n, // 1 %
  maxSlippageBps: 100n, // 1 % (the 0.3 % pool fee fits inside)
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
/** Limits loose enough that no contract test meets them unless it sets its own. */
export const TEST_LIMITS = {
  maxVaultPosition: parseEther("100"),
  maxNotionalPerAgentPerPeriod: parseUnits("10000000", 6),
  maxNotionalPerVaultPerPeriod: parseUnits("10000000", 6),
  period: 86_400n,
  maxTradesPerAgentPerPeriod: 1_000n,
  maxTradesPerVaultPerPeriod: 1_000n,
  maxTradesPerBlock: 10n,
};
export const SEQUENCER_GRACE_PERIOD = 3600n;
export const PRICE_3000 = 3_000n * 10n ** 8n;
/** Bytes standing in for a model file in contract tests (the agent tests use a real GGUF). */
export const TEST_MODEL_BYTES = new TextEncoder().encode("zkagent contract-test model v1");
export const TEST_MODEL_HASH = modelHashOfBytes(TEST_MODEL_BYTES);

export interface TraderWorld {
  world: World;
  registry: ModelRegistry;
  verifier: PolicyVerifier;
  trader: DecentralizedTrader;
  windowLog: WindowLog;
  owner: HardhatEthersSigner;
  agent: HardhatEthersSigner;
  otherAgent: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

/**
 * The world every contract test starts from: Uniswap V3 + feeds, the generated verifier, a
 * registry with one approved model, a vault funded with 10 WETH and 50 000 USDC, two authorised
 * agents, the sequencer up for longer than its grace period, and 29 rounds at 3 000 USD so that
 * one more pushed round completes a 30-round window.
 */
export async function deployTraderWorld(ethers: HardhatEthers, helpers: NetworkHelpers): Promise<TraderWorld> {
  const [owner, agent, otherAgent, stranger] = await ethers.getSigners();
  const world = await deployTestWorld(ethers);
  const { verifier, registry, trader, windowLog } = await deployZkagent(owner!, await marketOf(world), TEST_POLICY, {
    owner: owner!.address,
    governor: owner!.address,
    sequencerGracePeriod: SEQUENCER_GRACE_PERIOD,
    limits: TEST_LIMITS,
  });
  await registry.register(TEST_MODEL_HASH, "contract-test model", "1", "test://bytes");
  await registry.approve(TEST_MODEL_HASH);
  const traderAddress = await trader.getAddress();
  await trader.setAgentAuthorization(agent!.address, true);
  await trader.setAgentAuthorization(otherAgent!.address, true);

  await world.weth.deposit({ value: parseEther("10") });
  await world.weth.approve(traderAddress, parseEther("10"));
  await trader.deposit(await world.weth.getAddress(), parseEther("10"));
  await world.usdc.mint(owner!.address, parseUnits("50000", 6));
  await world.usdc.approve(traderAddress, parseUnits("50000", 6));
  await trader.deposit(await world.usdc.getAddress(), parseUnits("50000", 6));

  await helpers.time.increase(SEQUENCER_GRACE_PERIOD + 1n);
  await pushPrices(world.priceFeed, Array(29).fill(PRICE_3000));
  return {
    world,
    registry,
    verifier,
    trader,
    windowLog,
    owner: owner!,
    agent: agent!,
    otherAgent: otherAgent!,
    stranger: stranger!,
  };
}

/** The wiring of `tw`'s trader (no sequencer grace, no proven-model verifier), with `overrides`: for tests that deploy a trader themselves. */
export async function wiringOf(tw: TraderWorld, overrides: Record<string, string | bigint> = {}) {
  const market = await marketOf(tw.world);
  return {
    baseToken: market.weth,
    quoteToken: market.usdc,
    uniswapFactory: market.uniswapFactory,
    poolInitCodeHash: market.poolInitCodeHash,
    priceFeed: market.priceFeed,
    sequencerUptimeFeed: market.sequencerUptimeFeed,
    sequencerGracePeriod: 0n,
    modelRegistry: await tw.registry.getAddress(),
    verifier: await tw.verifier.getAddress(),
    modelVerifier: ZeroAddress,
    windowLog: await tw.windowLog.getAddress(),
    ...overrides,
  };
}
