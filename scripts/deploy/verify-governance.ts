/**
 * Reads a deployment's governance back from the chain: the timelock owns the trader and governs
 * the registry (and administers both itself), the delay and the guardian are the configured ones,
 * the configured proposers, cancellers and executors hold their roles, the deployer holds none it
 * was not configured with, and the bootstrap operation is done. Returns each difference as a line;
 * none means the deployment is governed as asked.
 */
import {
  TimelockController__factory,
  DecentralizedTrader__factory,
  ModelRegistry__factory,
} from "@zkagent/contracts/typechain";
import { CANCELLER_ROLE, DEFAULT_ADMIN_ROLE, EXECUTOR_ROLE, PROPOSER_ROLE } from "@zkagent/contracts/ignition";
import { ZeroAddress, type Provider } from "ethers";

export interface ExpectedGovernance {
  timelock: string;
  trader: string;
  registry: string;
  deployer: string;
  minDelay: bigint;
  proposers: string[];
  executors: string[];
  guardian: string;
}

export async function verifyGovernance(provider: Provider, expected: ExpectedGovernance): Promise<string[]> {
  const problems: string[] = [];
  const timelock = TimelockController__factory.connect(expected.timelock, provider);
  const trader = DecentralizedTrader__factory.connect(expected.trader, provider);
  const registry = ModelRegistry__factory.connect(expected.registry, provider);
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };

  check((await trader.owner()) === expected.timelock, `trader owner is ${await trader.owner()}, not the timelock`);
  check((await trader.pendingOwner()) === ZeroAddress, `trader has a pending owner ${await trader.pendingOwner()}`);
  check(
    (await trader.guardian()) === expected.guardian,
    `trader guardian is ${await trader.guardian()}, not ${expected.guardian}`,
  );
  const governorRole = await registry.GOVERNOR_ROLE();
  for (const [role, name] of [
    [governorRole, "GOVERNOR_ROLE"],
    [DEFAULT_ADMIN_ROLE, "admin role"],
  ] as const) {
    check(await registry.hasRole(role, expected.timelock), `the timelock does not hold the registry's ${name}`);
    check(!(await registry.hasRole(role, expected.deployer)), `the deployer holds the registry's ${name}`);
  }
  const delay = await timelock.getMinDelay();
  check(delay === expected.minDelay, `timelock delay is ${delay} s, not ${expected.minDelay} s`);
  check(await timelock.hasRole(DEFAULT_ADMIN_ROLE, expected.timelock), "the timelock does not administer itself");
  check(!(await timelock.hasRole(DEFAULT_ADMIN_ROLE, expected.deployer)), "the deployer is still the timelock's admin");
  for (const proposer of expected.proposers) {
    check(await timelock.hasRole(PROPOSER_ROLE, proposer), `${proposer} is not a proposer`);
    check(await timelock.hasRole(CANCELLER_ROLE, proposer), `${proposer} is not a canceller`);
  }
  for (const executor of expected.executors)
    check(await timelock.hasRole(EXECUTOR_ROLE, executor), `${executor} is not an executor`);
  if (!expected.proposers.includes(expected.deployer)) {
    check(!(await timelock.hasRole(PROPOSER_ROLE, expected.deployer)), "the deployer is still a proposer");
    check(!(await timelock.hasRole(CANCELLER_ROLE, expected.deployer)), "the deployer is still a canceller");
  }
  if (!expected.executors.includes(expected.deployer))
    check(!(await timelock.hasRole(EXECUTOR_ROLE, expected.deployer)), "the deployer is still an executor");
  return problems;
}
