import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import { zkagentModule } from "@zkagent/contracts/ignition";
import {
  DecentralizedTrader__factory,
  ModelRegistry__factory,
  TimelockController__factory,
  type DecentralizedTrader,
  type ModelRegistry,
  type TimelockController,
} from "@zkagent/contracts/typechain";
import { ensurePoseidonHashers, marketOf, type World } from "@zkagent/contracts/world";
import { ZeroHash, hexlify, randomBytes, type ContractTransactionReceipt } from "ethers";

import { SEQUENCER_GRACE_PERIOD, TEST_LIMITS, TEST_POLICY } from "./trader-fixture.ts";
import { deployTestWorld } from "./world-fixture.ts";

/** The timelock's delay in the governance tests: two days, as on a live network. */
export const TEST_DELAY = 172_800n;

export interface GovernedWorld {
  world: World;
  timelock: TimelockController;
  trader: DecentralizedTrader;
  registry: ModelRegistry;
  deployer: HardhatEthersSigner;
  proposer: HardhatEthersSigner;
  executor: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  agent: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

/**
 * The world with zkagent deployed exactly as `hardhat deploy` deploys it (the same Ignition module,
 * in-process): a TimelockController with a two-day delay owns the trader and governs the registry,
 * one proposer (and canceller), one executor, a guardian; the deployer holds nothing afterwards.
 */
export async function deployGovernedWorld(connection: NetworkConnection): Promise<GovernedWorld> {
  const ethers: HardhatEthers = connection.ethers;
  const [deployer, proposer, executor, guardian, agent, stranger] = await ethers.getSigners();
  const world = await deployTestWorld(ethers);
  const market = await marketOf(world);
  const hashers = await ensurePoseidonHashers(deployer!);
  const module = zkagentModule({
    deployer: deployer!.address,
    proposers: [proposer!.address],
    executors: [executor!.address],
  });
  const deployed = await connection.ignition.deploy(module, {
    displayUi: false,
    parameters: {
      Zkagent: {
        minDelay: TEST_DELAY,
        guardian: guardian!.address,
        ...market,
        sequencerGracePeriod: SEQUENCER_GRACE_PERIOD,
        ...hashers,
        ...TEST_POLICY,
        ...TEST_LIMITS,
      },
    },
  });
  return {
    world,
    timelock: TimelockController__factory.connect(await deployed.timelock.getAddress(), proposer!),
    trader: DecentralizedTrader__factory.connect(await deployed.trader.getAddress(), deployer!),
    registry: ModelRegistry__factory.connect(await deployed.registry.getAddress(), deployer!),
    deployer: deployer!,
    proposer: proposer!,
    executor: executor!,
    guardian: guardian!,
    agent: agent!,
    stranger: stranger!,
  };
}

/** One call through the timelock. */
export interface Call {
  target: string;
  data: string;
  value?: bigint;
}

/** A scheduled operation: its id, when it becomes ready, and its execution. */
export interface Scheduled {
  id: string;
  readyAt: bigint;
  scheduleReceipt: ContractTransactionReceipt;
  execute: (as?: HardhatEthersSigner) => ReturnType<TimelockController["executeBatch"]>;
}

/** Schedules `calls` as one batch with `delay` (default the timelock's) from the proposer. */
export async function schedule(gw: GovernedWorld, calls: Call[], delay?: bigint): Promise<Scheduled> {
  const targets = calls.map((c) => c.target);
  const values = calls.map((c) => c.value ?? 0n);
  const payloads = calls.map((c) => c.data);
  const salt = hexlify(randomBytes(32));
  const timelock = gw.timelock.connect(gw.proposer);
  const tx = await timelock.scheduleBatch(
    targets,
    values,
    payloads,
    ZeroHash,
    salt,
    delay ?? (await timelock.getMinDelay()),
  );
  const receipt = (await tx.wait())!;
  const id = await timelock.hashOperationBatch(targets, values, payloads, ZeroHash, salt);
  return {
    id,
    readyAt: await timelock.getTimestamp(id),
    scheduleReceipt: receipt,
    execute: (as = gw.executor) => gw.timelock.connect(as).executeBatch(targets, values, payloads, ZeroHash, salt),
  };
}
