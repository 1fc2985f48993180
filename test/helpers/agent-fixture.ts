import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Agent, ensureTinyModel, memoryLogger, modelHashOf, type AgentOptions } from "@zkagent/agent";
import { hardhatWallet } from "@zkagent/contracts/world";

import type { TraderWorld } from "./trader-fixture.ts";

/** A fresh data directory holding the bundled tiny model, and the model's hash approved in the registry. */
export async function prepareAgentData(
  tw: TraderWorld,
): Promise<{ dataDir: string; modelPath: string; modelHash: bigint }> {
  const dataDir = mkdtempSync(join(tmpdir(), "zkagent-test-"));
  const modelPath = ensureTinyModel(dataDir);
  const modelHash = await modelHashOf(modelPath);
  if ((await tw.registry.statusOf(modelHash)) === 0n) {
    await tw.registry.register(modelHash, "tiny stand-in", "1", "zkagent://tiny-model");
    await tw.registry.approve(modelHash);
  }
  return { dataDir, modelPath, modelHash };
}

/** Starts an agent for signer #1 (tw.agent) on the in-process chain. */
export async function startTestAgent(
  ethers: HardhatEthers,
  tw: TraderWorld,
  dataDir: string,
  overrides: Partial<AgentOptions> = {},
): Promise<{ agent: Agent; log: ReturnType<typeof memoryLogger> }> {
  const log = memoryLogger();
  const agent = await Agent.start({
    wallet: hardhatWallet(1, ethers.provider),
    traderAddress: await tw.trader.getAddress(),
    chainId: (await ethers.provider.getNetwork()).chainId,
    dataDir,
    threads: 1,
    log,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    ...overrides,
  });
  return { agent, log };
}
