import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Future, IgnitionModule } from "@nomicfoundation/ignition-core";
import { ZeroAddress, ZeroHash, id } from "ethers";

import { SIGNAL_VERIFIERS, zkagentHubModule } from "./ZkagentHubModule.ts";
import { zkagentOptimisticModule } from "./ZkagentOptimisticModule.ts";

export { SIGNAL_MARKET_COUNTS, SIGNAL_VERIFIERS, zkagentHubModule } from "./ZkagentHubModule.ts";
export { zkagentOptimisticModule } from "./ZkagentOptimisticModule.ts";

/** The bootstrap operation's salt: one fixed value, so its operation id is the same on every rerun. */
export const BOOTSTRAP_SALT = id("zkagent: timelock bootstrap");
export const PROPOSER_ROLE = id("PROPOSER_ROLE");
export const EXECUTOR_ROLE = id("EXECUTOR_ROLE");
export const CANCELLER_ROLE = id("CANCELLER_ROLE");
export const DEFAULT_ADMIN_ROLE = ZeroHash;

/** The generated verifiers the module deploys (the deploy task gates each one's ceremony). */
export const DEPLOYED_VERIFIERS = ["PolicyVerifier", "ModelPolicyVerifier"] as const;

/** The generated verifiers the federated module adds: the aggregation circuit's two chunks. */
export const FEDERATED_VERIFIERS = ["AggregationVerifier0", "AggregationVerifier1"] as const;

/**
 * The proof system of the trader's attested-model verifier (kind 0): Groth16 (PolicyVerifier, a
 * per-circuit ceremony) or PLONK (PlonkPolicyVerifier behind a PlonkVerifierAdapter, a universal
 * setup: the phase 1 alone). The proven-model verifier stays Groth16 either way: the model
 * circuit's PLONK form needs a power-15 phase 1, which is not committed.
 */
export const PROOF_SYSTEMS = ["groth16", "plonk"] as const;
export type ProofSystem = (typeof PROOF_SYSTEMS)[number];

/** The generated verifier of the trader's policy proofs under each proof system. */
export const POLICY_VERIFIER_OF: Readonly<Record<ProofSystem, string>> = {
  groth16: DEPLOYED_VERIFIERS[0],
  plonk: "PlonkPolicyVerifier",
};

/**
 * Every verifier a deployment deploys, with the federated part and the signal hub or without: the
 * deploy task gates each one's ceremony. (The optimistic lane adds none: it checks a challenged
 * claim's proof with the trader's own verifier.)
 */
export function deployedVerifiers(options: { federated: boolean; proofSystem?: ProofSystem; hub?: boolean }): string[] {
  const policy = POLICY_VERIFIER_OF[options.proofSystem ?? "groth16"];
  return [
    policy,
    DEPLOYED_VERIFIERS[1],
    ...(options.federated ? FEDERATED_VERIFIERS : []),
    ...(options.hub ? SIGNAL_VERIFIERS : []),
  ];
}

/** Who governs the deployment (see `zkagentModule`). */
export interface GovernanceSetup {
  /** The account that sends the deployment; it holds the timelock's roles only until the end of it. */
  deployer: string;
  /** Who may schedule (and cancel) changes: a multisig on a live network. */
  proposers: string[];
  /** Who may execute ready changes; the zero address lets anyone execute. */
  executors: string[];
}

/**
 * The zkagent contracts for one market: the generated PolicyVerifier and ModelPolicyVerifier, the
 * feed's WindowLog (over poseidon-solidity's shipped hashers, which the deploy task places first),
 * OpenZeppelin's TimelockController, a ModelRegistry governed by that timelock and a
 * DecentralizedTrader owned by it, both from their constructors on.
 *
 * The timelock starts with a zero delay and the deployer as its only proposer, executor and
 * admin, for one operation: a batch that names the trader's guardian (who may pause at once) and
 * raises the delay to `minDelay`, scheduled and executed in the deployment. Then the deployer's
 * roles are revoked (unless it is one of the configured proposers or executors) and it renounces
 * the admin role, so from the end of the deployment every change goes through the delay and the
 * timelock administers itself. The deploy task reads all of this back from the chain and refuses
 * to write a record if any of it is not so. Ignition journals every step, so an interrupted
 * deployment resumes where it stopped.
 *
 * With `proofSystem: "plonk"` the trader's `verifier` is a PlonkVerifierAdapter in front of the
 * generated PlonkPolicyVerifier (both returned, as `verifier` and `plonkVerifier`) instead of the
 * Groth16 PolicyVerifier; every other future, and the Groth16 default's ids, stay as they are.
 */
export function zkagentModule(governance: GovernanceSetup, proofSystem: ProofSystem = "groth16") {
  return buildModule("Zkagent", (m) => {
    const { deployer, proposers, executors } = governance;
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const bootstrapProposers = [deployer, ...proposers.filter((p) => !same(p, deployer))];
    const bootstrapExecutors = [deployer, ...executors.filter((e) => !same(e, deployer))];

    // PLONK: the adapter verifies once in `submit` and answers the trader's view from its record.
    const plonkVerifier = proofSystem === "plonk" ? m.contract(POLICY_VERIFIER_OF.plonk) : undefined;
    const verifier = plonkVerifier
      ? m.contract("PlonkVerifierAdapter", [plonkVerifier])
      : m.contract(DEPLOYED_VERIFIERS[0]);
    const modelVerifier = m.contract(DEPLOYED_VERIFIERS[1]);
    const timelock = m.contract("TimelockController", [0n, bootstrapProposers, bootstrapExecutors, deployer]);
    const registry = m.contract("ModelRegistry", [timelock]);
    const windowLog = m.contract("WindowLog", [
      m.getParameter<string>("priceFeed"),
      m.getParameter<string>("poseidonT3"),
      m.getParameter<string>("poseidonT6"),
    ]);
    const trader = m.contract("DecentralizedTrader", [
      timelock,
      {
        baseToken: m.getParameter<string>("weth"),
        quoteToken: m.getParameter<string>("usdc"),
        uniswapFactory: m.getParameter<string>("uniswapFactory"),
        poolInitCodeHash: m.getParameter<string>("poolInitCodeHash"),
        priceFeed: m.getParameter<string>("priceFeed"),
        sequencerUptimeFeed: m.getParameter<string>("sequencerUptimeFeed"),
        sequencerGracePeriod: m.getParameter<bigint>("sequencerGracePeriod"),
        modelRegistry: registry,
        verifier,
        modelVerifier,
        windowLog,
      },
      {
        maxPosition: m.getParameter<bigint>("maxPosition"),
        thresholdBps: m.getParameter<bigint>("thresholdBps"),
        maxSlippageBps: m.getParameter<bigint>("maxSlippageBps"),
        maxOracleAge: m.getParameter<bigint>("maxOracleAge"),
        poolFee: m.getParameter<bigint>("poolFee"),
      },
      {
        maxVaultPosition: m.getParameter<bigint>("maxVaultPosition"),
        maxNotionalPerAgentPerPeriod: m.getParameter<bigint>("maxNotionalPerAgentPerPeriod"),
        maxNotionalPerVaultPerPeriod: m.getParameter<bigint>("maxNotionalPerVaultPerPeriod"),
        period: m.getParameter<bigint>("period"),
        maxTradesPerAgentPerPeriod: m.getParameter<bigint>("maxTradesPerAgentPerPeriod"),
        maxTradesPerVaultPerPeriod: m.getParameter<bigint>("maxTradesPerVaultPerPeriod"),
        maxTradesPerBlock: m.getParameter<bigint>("maxTradesPerBlock"),
      },
    ]);

    // The bootstrap batch: the guardian, then the real delay (the timelock calling itself).
    const batch = [
      [trader, m.encodeFunctionCall(trader, "setGuardian", [m.getParameter<string>("guardian", ZeroAddress)])],
      [timelock, m.encodeFunctionCall(timelock, "updateDelay", [m.getParameter<bigint>("minDelay")])],
    ] as const;
    const batchArgs = [batch.map(([t]) => t), batch.map(() => 0n), batch.map(([, d]) => d), ZeroHash, BOOTSTRAP_SALT];
    const scheduled = m.call(timelock, "scheduleBatch", [...batchArgs, 0n], { id: "bootstrapSchedule" });
    const executed = m.call(timelock, "executeBatch", batchArgs, { id: "bootstrapExecute", after: [scheduled] });

    let last: Future[] = [executed];
    const revoke = (role: string, name: string) => {
      last = [m.call(timelock, "revokeRole", [role, deployer], { id: `revokeDeployer${name}`, after: last })];
    };
    if (!proposers.some((p) => same(p, deployer))) {
      revoke(PROPOSER_ROLE, "Proposer");
      revoke(CANCELLER_ROLE, "Canceller");
    }
    if (!executors.some((e) => same(e, deployer))) revoke(EXECUTOR_ROLE, "Executor");
    m.call(timelock, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: "renounceDeployerAdmin", after: last });

    return {
      verifier,
      modelVerifier,
      timelock,
      registry,
      windowLog,
      trader,
      ...(plonkVerifier ? { plonkVerifier } : {}),
    };
  });
}

/**
 * The zkagent contracts and federated training: `core` (zkagentModule's, used as is, so its
 * futures and their ids are those of a deployment without it: adding this to an existing
 * deployment deploys only what follows) plus the aggregation circuit's two generated verifiers
 * and a FederatedRound owned by the core's timelock (rounds open only through the delay) over the
 * core's registry (a round's base must be an approved proven model there).
 */
export function zkagentFederatedModule(core: ReturnType<typeof zkagentModule>) {
  return buildModule("ZkagentFederated", (m) => {
    const deployed = m.useModule(core);
    const aggregationVerifier0 = m.contract(FEDERATED_VERIFIERS[0]);
    const aggregationVerifier1 = m.contract(FEDERATED_VERIFIERS[1]);
    const federatedRound = m.contract("FederatedRound", [
      deployed.timelock,
      deployed.registry,
      aggregationVerifier0,
      aggregationVerifier1,
    ]);
    return { ...deployed, aggregationVerifier0, aggregationVerifier1, federatedRound };
  });
}

/** The core module, or a module around it that returns (at least) the core's contracts. */
export type ZkagentCoreModule = IgnitionModule<string, string, ReturnType<typeof zkagentModule>["results"]>;

/** What a deployment adds to the core: `hardhat deploy --federated`, `--optimistic`, `--hub`. */
export interface DeploymentParts {
  federated: boolean;
  optimistic: boolean;
  hub: boolean;
}

type PartResults = ReturnType<typeof zkagentFederatedModule>["results"] &
  ReturnType<typeof zkagentOptimisticModule<ZkagentCoreModule>>["results"] &
  ReturnType<typeof zkagentHubModule<ZkagentCoreModule>>["results"];

/**
 * The module a deployment deploys: the core alone when nothing is added (exactly as before), else
 * each asked-for part wrapped around it. A part's futures keep their ids whatever wraps them
 * (`ZkagentFederated#…`, `ZkagentOptimistic#…`, `ZkagentHub#…`), so adding a part to an existing
 * deployment deploys only that part, in any order and combination. The parts not asked for are
 * absent from the result.
 */
export function zkagentDeploymentModule(core: ReturnType<typeof zkagentModule>, parts: DeploymentParts) {
  let module: ZkagentCoreModule = parts.federated ? zkagentFederatedModule(core) : core;
  if (parts.optimistic) module = zkagentOptimisticModule(module);
  if (parts.hub) module = zkagentHubModule(module);
  return module as unknown as IgnitionModule<
    string,
    string,
    ReturnType<typeof zkagentModule>["results"] & Partial<PartResults>
  >;
}
