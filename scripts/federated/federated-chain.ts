/**
 * The demo's chain: a TimelockController (the governor) that governs a ModelRegistry and owns a
 * FederatedRound with the generated aggregation verifiers, as a deployment would wire them. Every
 * registry change and every round opening goes through the time lock: scheduled by the proposer,
 * executed by the executor once the delay has passed (the in-process chain's clock is moved).
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import {
  AggregationVerifier0__factory,
  AggregationVerifier1__factory,
  FederatedRound__factory,
  ModelRegistry__factory,
  TimelockController__factory,
  type AggregationVerifier0,
  type AggregationVerifier1,
  type FederatedRound,
  type ModelRegistry,
  type TimelockController,
} from "@zkagent/contracts/typechain";
import { ZeroHash, type BaseContract } from "ethers";

/** The time lock's delay on the demo's chain: one day, as a short production delay. */
export const GOVERNOR_DELAY = 86_400n;

export interface FederatedChain {
  ethers: HardhatEthers;
  helpers: NetworkHelpers;
  timelock: TimelockController;
  registry: ModelRegistry;
  rounds: FederatedRound;
  verifiers: [AggregationVerifier0, AggregationVerifier1];
  proposer: HardhatEthersSigner;
  executor: HardhatEthersSigner;
  aggregator: HardhatEthersSigner;
  participants: HardhatEthersSigner[];
  /** Gas of each governed operation, by label. */
  governorGas: { label: string; scheduleGas: bigint; executeGas: bigint }[];
}

/** One call through the time lock. */
export interface GovernedCall {
  target: BaseContract;
  data: string;
}

/** Deploys the governed registry and the FederatedRound on `ethers`' chain. */
export async function deployFederatedChain(ethers: HardhatEthers, helpers: NetworkHelpers): Promise<FederatedChain> {
  const [deployer, proposer, executor, aggregator, ...rest] = await ethers.getSigners();
  const participants = rest.slice(0, 4);
  const timelock = await new TimelockController__factory(deployer!).deploy(
    GOVERNOR_DELAY,
    [proposer!.address],
    [executor!.address],
    ethers.ZeroAddress,
  );
  const governor = await timelock.getAddress();
  const registry = await new ModelRegistry__factory(deployer!).deploy(governor);
  const v0 = await new AggregationVerifier0__factory(deployer!).deploy();
  const v1 = await new AggregationVerifier1__factory(deployer!).deploy();
  const rounds = await new FederatedRound__factory(deployer!).deploy(
    governor,
    await registry.getAddress(),
    await v0.getAddress(),
    await v1.getAddress(),
  );
  return {
    ethers,
    helpers,
    timelock,
    registry,
    rounds,
    verifiers: [v0, v1],
    proposer: proposer!,
    executor: executor!,
    aggregator: aggregator!,
    participants,
    governorGas: [],
  };
}

/** Schedules `calls` as one batch, waits out the delay and executes it; records the gas. */
export async function governed(chain: FederatedChain, label: string, calls: readonly GovernedCall[]): Promise<void> {
  const targets = await Promise.all(calls.map((c) => c.target.getAddress()));
  const values = calls.map(() => 0n);
  const payloads = calls.map((c) => c.data);
  const salt = chain.ethers.id(`${label} ${chain.governorGas.length}`);
  const scheduled = await chain.timelock
    .connect(chain.proposer)
    .scheduleBatch(targets, values, payloads, ZeroHash, salt, GOVERNOR_DELAY);
  const scheduleGas = (await scheduled.wait())!.gasUsed;
  await chain.helpers.time.increase(GOVERNOR_DELAY);
  const executed = await chain.timelock.connect(chain.executor).executeBatch(targets, values, payloads, ZeroHash, salt);
  const executeGas = (await executed.wait())!.gasUsed;
  chain.governorGas.push({ label, scheduleGas, executeGas });
}

/** registerProven + approve of `commitment`, through the time lock. */
export async function registerAndApprove(
  chain: FederatedChain,
  commitment: bigint,
  name: string,
  version: string,
  uri: string,
): Promise<void> {
  const { registry } = chain;
  await governed(chain, `register ${name}`, [
    {
      target: registry,
      data: registry.interface.encodeFunctionData("registerProven", [commitment, name, version, uri]),
    },
    { target: registry, data: registry.interface.encodeFunctionData("approve", [commitment]) },
  ]);
}
