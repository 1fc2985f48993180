/**
 * One demo session on an in-process Hardhat chain: deploy the world and the zkagent contracts,
 * register the model, authorise and fund, then run one real agent cycle per tick of a seeded
 * mean-reverting price path. Used by `pnpm demo` and by the agent-cycle benchmark.
 */
import { mkdirSync, rmSync } from "node:fs";

import {
  Agent,
  SHIPPED_DECISION_MODEL,
  ensureTinyModel,
  loadProvenModelFile,
  memoryLogger,
  modelHashOf,
  type CycleReport,
  type DecisionMode,
} from "@zkagent/agent";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import {
  deployWorld,
  deployZkagent,
  hardhatWallet,
  marketOf,
  movePoolToPrice,
  pushPrice,
  pushPrices,
  type World,
  type Zkagent,
} from "@zkagent/contracts/world";
import { parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import { meanRevertingPath } from "./price-path.ts";

export const WINDOW = 30;
export const DEMO_POLICY = {
  maxPosition: parseEther("2"),
  thresholdBps: 100n, // trade only beyond ±1 % of the 30-round average
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
export const START_WETH = parseEther("1");
export const START_USDC = parseUnits("10000", 6);

export interface SessionOptions {
  ticks: number;
  seed: number;
  temperature: number;
  dataDir: string;
  modelPath?: string;
  threads?: number;
  /** How the agent decides (default "llm+model": the LLM advises, the proven model decides). */
  mode?: DecisionMode;
  /** Called after each tick with its report (the demo prints a row). */
  onTick?: (report: CycleReport) => void;
}

/** The session's chain and contracts, left running for the scenes that follow it (scenes/). */
export interface SessionChain {
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
  world: World;
  zkagent: Zkagent;
  deployer: HardhatEthersSigner;
  /** The session's agent (hardhat account 1) as a signer of this chain. */
  agent: HardhatEthersSigner;
  arbitrageur: HardhatEthersSigner;
}

export interface SessionResult {
  reports: CycleReport[];
  path: bigint[];
  modelPath: string;
  /** The hash the proofs name: the GGUF's (mode "llm") or the proven model's commitment. */
  modelHash: bigint;
  mode: DecisionMode;
  traderAddress: string;
  vault: { weth: bigint; usdc: bigint };
  finalPosition: bigint;
  chain: SessionChain;
}

export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const { ticks, seed, temperature, dataDir } = options;
  rmSync(dataDir, { recursive: true, force: true }); // a new chain every run: never recover an old journal
  mkdirSync(dataDir, { recursive: true });
  const { ethers, networkHelpers } = await network.create();
  const [deployer, agentSigner, arbitrageur] = await ethers.getSigners();
  const path = meanRevertingPath({ seed, length: WINDOW - 1 + ticks });

  const world = await deployWorld(deployer!, { initialPrice: path[0]! });
  const zkagent = await deployZkagent(deployer!, await marketOf(world), DEMO_POLICY, {
    owner: deployer!.address,
    governor: deployer!.address,
  });
  const { registry, trader } = zkagent;
  const traderAddress = await trader.getAddress();
  const mode = options.mode ?? "llm+model";
  const modelPath = options.modelPath ?? ensureTinyModel(dataDir);
  let modelHash: bigint;
  if (mode === "llm") {
    modelHash = await modelHashOf(modelPath);
    await registry.register(
      modelHash,
      options.modelPath ? "operator model" : "zkagent tiny stand-in",
      "1",
      `file://${modelPath}`,
    );
  } else {
    // The proven decision model shipped with the agent; the LLM (if any) only advises it.
    modelHash = (await loadProvenModelFile(SHIPPED_DECISION_MODEL)).commitment;
    await registry.registerProven(modelHash, "zkagent decision model v1", "1", "packages/agent/models");
  }
  await registry.approve(modelHash);
  const agentWallet = hardhatWallet(1, ethers.provider);
  if (agentWallet.address !== agentSigner!.address) throw new Error("hardhat account 1 is not the agent's wallet");
  await trader.setAgentAuthorization(agentWallet.address, true);

  await world.weth.deposit({ value: START_WETH });
  await world.weth.approve(traderAddress, START_WETH);
  await trader.deposit(await world.weth.getAddress(), START_WETH);
  await world.usdc.mint(deployer!.address, START_USDC);
  await world.usdc.approve(traderAddress, START_USDC);
  await trader.deposit(await world.usdc.getAddress(), START_USDC);
  await networkHelpers.time.increase(3601); // the (mock) L2 sequencer has been up past its grace period
  await pushPrices(world.priceFeed, path.slice(1, WINDOW - 1)); // the first window's history

  const agent = await Agent.start({
    wallet: agentWallet,
    traderAddress,
    chainId: (await ethers.provider.getNetwork()).chainId,
    dataDir,
    modelPath,
    mode,
    temperature,
    seed,
    ...(options.threads ? { threads: options.threads } : {}),
    log: memoryLogger(),
  });
  const reports: CycleReport[] = [];
  try {
    for (let tick = 0; tick < ticks; tick++) {
      const price = path[WINDOW - 1 + tick]!;
      await pushPrice(world.priceFeed, price);
      await movePoolToPrice(world, arbitrageur!, price);
      const result = await agent.tick(tick);
      if ("skipped" in result) throw new Error(`tick ${tick} skipped: ${result.skipped}`);
      reports.push(result);
      options.onTick?.(result);
    }
  } finally {
    await agent.close();
  }
  return {
    reports,
    path,
    modelPath,
    modelHash,
    mode,
    traderAddress,
    vault: { weth: await world.weth.balanceOf(traderAddress), usdc: await world.usdc.balanceOf(traderAddress) },
    finalPosition: await trader.positionOf(agentWallet.address),
    chain: {
      ethers,
      networkHelpers,
      world,
      zkagent,
      deployer: deployer!,
      agent: agentSigner!,
      arbitrageur: arbitrageur!,
    },
  };
}
