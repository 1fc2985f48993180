/**
 * A funded DecentralizedTrader on a running node (a `hardhat node` child process), with the
 * bundled tiny model approved and Hardhat account #1 authorised as the agent: the starting point
 * of the chaos, soak and fault-injection runs, which drive the agent over real JSON-RPC.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ensureTinyModel, modelHashOf, type JournalView } from "@zkagent/agent";
import type { DecentralizedTrader, ModelRegistry } from "@zkagent/contracts/typechain";
import {
  DEFAULT_RISK_LIMITS,
  deployWorld,
  deployZkagent,
  hardhatWallet,
  marketOf,
  pushPrices,
  type PolicyConfig,
  type RiskLimitsConfig,
  type World,
} from "@zkagent/contracts/world";
import { JsonRpcProvider, parseEther, parseUnits, type Wallet } from "ethers";

/** Hardhat's well-known dev key #1 (public; local chains only). */
export const AGENT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

export interface AgentWorld {
  provider: JsonRpcProvider;
  owner: Wallet;
  world: World;
  registry: ModelRegistry;
  trader: DecentralizedTrader;
  traderAddress: string;
  agentAddress: string;
  dataDir: string;
  modelPath: string;
  modelHash: bigint;
}

export interface AgentWorldOptions {
  policy: PolicyConfig;
  vaultWeth: string;
  vaultUsdc: string;
  /** The feed's first rounds (at least 29, so one more completes a 30-round window). */
  prices: readonly bigint[];
  /** The vault's risk limits; default: none that bind before the policy's cap (see `unbindingLimits`). */
  limits?: RiskLimitsConfig;
}

/**
 * Risk limits that never bind before the policy's own cap: these worlds exercise the agent's
 * fault handling over hundreds of trades, not the vault's limits (test/contracts covers those).
 */
export function unbindingLimits(policy: PolicyConfig): RiskLimitsConfig {
  return {
    ...DEFAULT_RISK_LIMITS,
    maxVaultPosition: policy.maxPosition,
    maxNotionalPerAgentPerPeriod: 2n ** 64n - 1n, // the widest the trader stores (uint64, uint16)
    maxNotionalPerVaultPerPeriod: 2n ** 64n - 1n,
    maxTradesPerAgentPerPeriod: 2n ** 16n - 1n,
    maxTradesPerVaultPerPeriod: 2n ** 16n - 1n,
  };
}

export async function deployAgentWorld(nodeUrl: string, options: AgentWorldOptions): Promise<AgentWorld> {
  const provider = new JsonRpcProvider(nodeUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 250;
  const owner = hardhatWallet(0, provider);
  const agentAddress = hardhatWallet(1, provider).address;
  const world = await deployWorld(owner);
  const { registry, trader } = await deployZkagent(owner, await marketOf(world), options.policy, {
    owner: owner.address,
    governor: owner.address,
    limits: options.limits ?? unbindingLimits(options.policy),
  });
  const traderAddress = await trader.getAddress();
  const dataDir = mkdtempSync(join(tmpdir(), "zkagent-world-"));
  const modelPath = ensureTinyModel(dataDir);
  const modelHash = await modelHashOf(modelPath);
  await (await registry.register(modelHash, "tiny", "1", "zkagent://tiny")).wait();
  await (await registry.approve(modelHash)).wait();
  await (await trader.setAgentAuthorization(agentAddress, true)).wait();
  const weth = parseEther(options.vaultWeth);
  await (await world.weth.deposit({ value: weth })).wait();
  await (await world.weth.approve(traderAddress, weth)).wait();
  await (await trader.deposit(await world.weth.getAddress(), weth)).wait();
  const usdc = parseUnits(options.vaultUsdc, 6);
  await (await world.usdc.mint(owner.address, usdc)).wait();
  await (await world.usdc.approve(traderAddress, usdc)).wait();
  await (await trader.deposit(await world.usdc.getAddress(), usdc)).wait();
  await provider.send("evm_increaseTime", [3601]); // past the sequencer's grace period
  await pushPrices(world.priceFeed, options.prices);
  return { provider, owner, world, registry, trader, traderAddress, agentAddress, dataDir, modelPath, modelHash };
}

/** The three books that must agree, and whether any trader nonce executed twice. */
export interface Books {
  tradesOnChain: number;
  tradesJournaled: number;
  nonceAdvances: number;
  noNonceExecutedTwice: boolean;
  consistent: boolean;
}

export async function booksOf(aw: AgentWorld, journal: JournalView): Promise<Books> {
  const executed = journal.ledger().executed;
  const events = await aw.trader.queryFilter(aw.trader.filters.TradeExecuted(aw.agentAddress));
  const nonceAdvances = Number(await aw.trader.nonceOf(aw.agentAddress));
  const onChainHashes = new Set(events.map((e) => e.transactionHash));
  const books = {
    tradesOnChain: events.length,
    tradesJournaled: executed.size,
    nonceAdvances,
    noNonceExecutedTwice: new Set(events.map((e) => e.args.nonce)).size === events.length,
  };
  return {
    ...books,
    consistent:
      books.tradesOnChain === books.tradesJournaled &&
      books.tradesJournaled === nonceAdvances &&
      books.noNonceExecutedTwice &&
      [...executed.values()].every((t) => onChainHashes.has(t.txHash)),
  };
}
