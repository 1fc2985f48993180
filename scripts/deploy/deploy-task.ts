/**
 * `hardhat deploy --network <name>`: places poseidon-solidity's shipped Poseidon hashers at their
 * canonical addresses (if not there yet), then deploys the PolicyVerifier, OpenZeppelin's
 * TimelockController, the ModelRegistry and the DecentralizedTrader (both governed by the timelock
 * from their constructors on) and the feed's WindowLog with Hardhat Ignition from
 * packages/contracts/deploy/networks.ts; names the guardian and sets the delay through the
 * timelock; drops the deployer's roles (ignition/ZkagentModule.ts); reads every piece of
 * governance back from the chain; and writes deployments/<network>/zkagent.json. Ignition
 * journals every transaction, so rerunning after an interruption resumes instead of redeploying.
 * Who governs: governance-config.ts (flags, or deployments/<network>/governance.json).
 * `--federated` adds federated training (ZkagentFederatedModule: the aggregation verifiers and a
 * FederatedRound owned by the timelock); without it, a deployment is exactly as before.
 * `--proof-system plonk` makes the trader's verifier a PlonkVerifierAdapter in front of the
 * generated PlonkPolicyVerifier (gated by its PLONK manifest: a public phase 1, no phase 2); the
 * default, groth16, deploys PolicyVerifier as before. The proven-model verifier is Groth16 either way.
 * `--optimistic` adds an OptimisticLane bonded in the quote token (its parameters: the network's
 * `optimisticLane` settings), left off: turning it on is the timelock's `setOptimisticLane`, a
 * governed call the task prints. `--hub` adds the SignalHub (the timelock's, empty), the three signal
 * verifiers and a FollowBatcher; listing the market and setting the verifiers is one governed
 * operation, written to hub-setup.json beside the record. Both read back what they deployed, and
 * combine with each other, `--federated` and `--proof-system`; each part added to an existing
 * deployment (same --deployment-id) deploys only itself (optimistic-lane-deploy.ts, signal-hub-deploy.ts).
 *
 * A local world network (`localhost`) takes its market addresses from the world record beside
 * the deployment record (deployments/localhost/world.json, written by `pnpm local-network`).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import {
  deployConfigFromWorld,
  deployNetworks,
  DeploySettingsError,
  localWorldNetworks,
  optimisticLaneSettingsOf,
  signalHubSettingsOf,
  type DeployNetworkConfig,
} from "@zkagent/contracts/deploy";
import { ensurePoseidonHashers, type AddressBook } from "@zkagent/contracts/world";

import { assessCeremony, ceremonyManifestsOf } from "./ceremony-gate.ts";
import { GovernanceConfigError, resolveGovernance, type GovernanceFlags } from "./governance-config.ts";
import { laneRecord, readBackLane } from "./optimistic-lane-deploy.ts";
import { hubSetupCalls, hubSetupCommands, readBackHub, type ExpectedHub } from "./signal-hub-deploy.ts";
import { verifyGovernance } from "./verify-governance.ts";
import {
  deployedVerifiers,
  PROOF_SYSTEMS,
  zkagentDeploymentModule,
  zkagentModule,
  type ProofSystem,
} from "@zkagent/contracts/ignition";
import {
  DecentralizedTrader__factory,
  FederatedRound__factory,
  PlonkVerifierAdapter__factory,
} from "@zkagent/contracts/typechain";
import { isAddress, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

interface DeployArgs extends GovernanceFlags {
  deploymentId: string;
  out: string;
  allowUnsafeCeremony: boolean;
  /** Also deploy federated training: the aggregation verifiers and FederatedRound. */
  federated: boolean;
  /** The trader's policy proofs: "groth16" (the default) or "plonk". */
  proofSystem: string;
  /** Also deploy an OptimisticLane (off until the timelock turns it on). */
  optimistic?: boolean;
  /** Also deploy the SignalHub (set up by one governed operation), its verifiers and a FollowBatcher. */
  hub?: boolean;
}

class DeployError extends Error {
  override readonly name = "DeployError";
}

/** Transaction hashes per future, from Ignition's journal (one JSON object per line). */
function transactionsFromJournal(journalPath: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  if (!existsSync(journalPath)) return hashes;
  for (const line of readFileSync(journalPath, "utf8").split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line) as { type?: string; futureId?: string; transaction?: { hash?: string } };
    if (entry.type === "TRANSACTION_SEND" && entry.futureId && entry.transaction?.hash)
      hashes[entry.futureId] = entry.transaction.hash;
  }
  return hashes;
}

/** The task action: a DeployError is an operator's mistake, printed as one line (no bug-report banner). */
export default async function deployAction(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    await deploy(args, hre);
  } catch (error) {
    if (
      !(error instanceof DeployError) &&
      !(error instanceof GovernanceConfigError) &&
      !(error instanceof DeploySettingsError)
    )
      throw error;
    console.error(`${error.name === "DeployError" ? "DeployError" : `DeployError: ${error.name}`}: ${error.message}`);
    process.exitCode = 1;
  }
}

/** A local world record (an AddressBook as JSON), checked field by field: it is a file anyone may edit. */
function readWorldRecord(path: string, chainId: number): AddressBook {
  if (!existsSync(path)) {
    throw new DeployError(
      `no local world record at ${path}: \`pnpm local-network\` starts a node, deploys the world onto it, writes this record and runs this task`,
    );
  }
  let book: Partial<Record<keyof AddressBook, unknown>>;
  try {
    book = JSON.parse(readFileSync(path, "utf8")) as typeof book;
  } catch (error) {
    throw new DeployError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (book.chainId !== chainId) {
    throw new DeployError(`${path} describes chain ${String(book.chainId)}, not ${chainId}`);
  }
  const fields = ["weth", "usdc", "uniswapV3Factory", "ethUsdFeed", "sequencerUptimeFeed"] as const;
  for (const field of fields) {
    if (typeof book[field] !== "string" || !isAddress(book[field])) {
      throw new DeployError(`${path}: ${field} must be an address (got ${JSON.stringify(book[field] ?? null)})`);
    }
  }
  if (typeof book.poolFee !== "number" || !Number.isInteger(book.poolFee) || book.poolFee <= 0) {
    throw new DeployError(`${path}: poolFee must be a positive integer (got ${JSON.stringify(book.poolFee ?? null)})`);
  }
  return book as AddressBook;
}

/** The network's config, and what to suspect when its addresses hold no code. */
function targetOf(networkName: string, outDir: string): { target: DeployNetworkConfig; wrongChainHint: string } {
  const fixed = deployNetworks[networkName];
  if (fixed) return { target: fixed, wrongChainHint: "the network config is wrong for this chain" };
  const local = localWorldNetworks[networkName];
  if (local) {
    const path = join(outDir, local.worldRecord);
    return {
      target: deployConfigFromWorld(local, readWorldRecord(path, local.chainId)),
      wrongChainHint: `${path} is from another chain (a restarted node?): run \`pnpm local-network\` again`,
    };
  }
  const known = [...Object.keys(deployNetworks), ...Object.keys(localWorldNetworks)].join(", ");
  throw new DeployError(
    `no deployment config for network "${networkName}": add it to packages/contracts/deploy/networks.ts (known: ${known})`,
  );
}

/** The `--proof-system` option, checked: an unknown name is an operator's mistake, not a default. */
export function proofSystemOf(option: string | undefined): ProofSystem {
  const name = option === undefined || option === "" ? "groth16" : option;
  if (!(PROOF_SYSTEMS as readonly string[]).includes(name)) {
    throw new DeployError(`--proof-system must be one of ${PROOF_SYSTEMS.join(", ")} (got "${name}")`);
  }
  return name as ProofSystem;
}

/**
 * The ceremony gate: a live network needs the verifiers' setups to be sound (a public phase 1 and
 * at least two phase-2 contributions, scripts/deploy/ceremony-gate.ts; a PLONK verifier's, a public
 * phase 1 alone). Local chains are exempt; `--allow-unsafe-ceremony` overrides it, loudly, for
 * testnets, and the record says so. Exported for the deploy tests.
 */
export async function ceremonyFor(
  networkName: string,
  root: string,
  allowUnsafe: boolean,
  verifiers: readonly string[],
): Promise<{ sound: boolean; overridden: boolean; problems: string[] }> {
  if (localWorldNetworks[networkName]) return { sound: false, overridden: false, problems: ["local chain"] };
  const problems: string[] = [];
  // Every verifier the module deploys, each by its own ceremony's manifest.
  for (const manifestPath of ceremonyManifestsOf(verifiers)) {
    // A PLONK manifest says `protocol: "plonk"` and has no contributions: assessCeremony judges it by its phase 1.
    const manifest = JSON.parse(readFileSync(join(root, manifestPath), "utf8")) as {
      contributions?: { name: string }[];
      protocol?: string;
    };
    const assessment = await assessCeremony(join(root, "circuits/ceremony/phase1.ptau"), manifest);
    problems.push(...assessment.problems.map((p) => `${manifestPath}: ${p}`));
  }
  const unique = [...new Set(problems)];
  if (unique.length === 0) return { sound: true, overridden: false, problems: [] };
  if (!allowUnsafe) {
    throw new DeployError(
      `refusing to deploy to ${networkName}: the committed ceremony cannot guard funds:\n  - ${unique.join("\n  - ")}\nRun a real ceremony (circuits/README.md, "Trust assumption"), or pass --allow-unsafe-ceremony on a testnet.`,
    );
  }
  console.warn(
    `\n!!! --allow-unsafe-ceremony: deploying verifiers whose setup randomness may be known to its maker.\n!!! A forged proof can then break what only a proof shows (the band rule, a proven model's decision);\n!!! the on-chain limits (cap, no-short, exposure, loss limits) still hold. Never do this with real funds.\n  - ${unique.join("\n  - ")}\n`,
  );
  return { sound: false, overridden: true, problems: unique };
}

async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const networkName = hre.globalOptions.network ?? "default";
  const outDir = resolve(args.out || join(hre.config.paths.root, "deployments", networkName));
  const { target, wrongChainHint } = targetOf(networkName, outDir);
  const federated = Boolean(args.federated);
  const proofSystem = proofSystemOf(args.proofSystem);
  const optimistic = Boolean(args.optimistic);
  const hub = Boolean(args.hub);
  // Checked before anything is sent: a value the contracts would refuse is the network entry's mistake.
  const laneSettings = optimistic ? optimisticLaneSettingsOf(networkName, target.optimisticLane) : undefined;
  const hubSettings = hub ? signalHubSettingsOf(networkName, target.signalHub, target.policy.maxOracleAge) : undefined;
  const ceremony = await ceremonyFor(
    networkName,
    hre.config.paths.root,
    args.allowUnsafeCeremony,
    deployedVerifiers({ federated, proofSystem, hub }),
  );
  const governance = resolveGovernance(
    args,
    join(outDir, "governance.json"),
    target.minDelay,
    !localWorldNetworks[networkName],
  );

  const connection = await hre.network.create();
  const { chainId } = await connection.ethers.provider.getNetwork();
  if (Number(chainId) !== target.chainId) {
    throw new DeployError(
      `network "${networkName}" expects chain ${target.chainId}, the RPC serves ${chainId}: check the RPC URL`,
    );
  }
  const [deployer] = await connection.ethers.getSigners();
  for (const [name, address] of Object.entries({
    weth: target.weth,
    usdc: target.usdc,
    uniswapFactory: target.uniswapFactory,
    priceFeed: target.priceFeed,
  })) {
    if ((await connection.ethers.provider.getCode(address)) === "0x") {
      throw new DeployError(`${name} ${address} has no code on chain ${chainId}: ${wrongChainHint}`);
    }
  }

  const deploymentId = args.deploymentId || `zkagent-${networkName}`;
  console.log(
    `deploying zkagent to ${networkName} (chain ${chainId}) from ${deployer!.address}; Ignition deployment "${deploymentId}"`,
  );
  const hashers = await ensurePoseidonHashers(deployer!);
  console.log(`Poseidon hashers: T3 ${hashers.poseidonT3}, T6 ${hashers.poseidonT6}`);
  console.log(
    `governance: TimelockController, delay ${governance.minDelay} s; proposers ${governance.proposers.join(", ")}; executors ${governance.executors.map((e) => (e === ZeroAddress ? "anyone" : e)).join(", ")}; guardian ${governance.guardian === ZeroAddress ? "none" : governance.guardian}`,
  );
  const module = zkagentModule(
    {
      deployer: deployer!.address,
      proposers: governance.proposers,
      executors: governance.executors,
    },
    proofSystem,
  );
  const ignitionOptions = {
    deploymentId,
    displayUi: false,
    parameters: {
      Zkagent: {
        minDelay: governance.minDelay,
        guardian: governance.guardian,
        weth: target.weth,
        usdc: target.usdc,
        uniswapFactory: target.uniswapFactory,
        poolInitCodeHash: target.poolInitCodeHash,
        priceFeed: target.priceFeed,
        sequencerUptimeFeed: target.sequencerUptimeFeed,
        sequencerGracePeriod: target.sequencerGracePeriod,
        ...hashers,
        ...target.policy,
        ...target.limits,
      },
      ...(laneSettings ? { ZkagentOptimistic: { bondToken: target.usdc, ...laneSettings } } : {}),
      ...(hubSettings ? { ZkagentHub: { ...hubSettings } } : {}),
    },
  };
  // Each part (--federated, --optimistic, --hub) is a module around the core one: the core's futures are the same either way.
  const deployed = await connection.ignition.deploy(
    zkagentDeploymentModule(module, { federated, optimistic, hub }),
    ignitionOptions,
  );
  const federatedParts = federated ? (deployed as Required<typeof deployed>) : undefined;
  const laneParts = optimistic ? (deployed as Required<typeof deployed>) : undefined;
  const hubParts = hub ? (deployed as Required<typeof deployed>) : undefined;
  const { verifier, modelVerifier, timelock, registry, windowLog, trader } = deployed;
  const plonkVerifier = "plonkVerifier" in deployed ? deployed.plonkVerifier : undefined;

  const timelockAddress = await timelock.getAddress();
  // Read back from the chain, not assumed from what was sent: a record says what holds.
  const problems = await verifyGovernance(connection.ethers.provider, {
    timelock: timelockAddress,
    trader: await trader.getAddress(),
    registry: await registry.getAddress(),
    deployer: deployer!.address,
    ...governance,
  });
  if (federatedParts) {
    // The FederatedRound is the timelock's, over this registry and these verifiers: read back too.
    const rounds = FederatedRound__factory.connect(
      await federatedParts.federatedRound.getAddress(),
      connection.ethers.provider,
    );
    const expected = {
      owner: timelockAddress,
      modelRegistry: await registry.getAddress(),
      chunk0Verifier: await federatedParts.aggregationVerifier0.getAddress(),
      chunk1Verifier: await federatedParts.aggregationVerifier1.getAddress(),
    };
    for (const [name, address] of Object.entries(expected)) {
      const actual = await rounds[name as keyof typeof expected]();
      if (actual !== address) problems.push(`FederatedRound.${name}() is ${actual}, not ${address}`);
    }
  }
  // The lane: the trader's quote token, the network's settings; the trader's lane this one or none yet.
  const lane =
    laneParts && laneSettings
      ? await readBackLane(connection.ethers.provider, {
          lane: await laneParts.optimisticLane.getAddress(),
          trader: await trader.getAddress(),
          settings: laneSettings,
        })
      : undefined;
  problems.push(...(lane?.problems ?? []));
  // The hub: the timelock's, over this registry; empty (its setup operation pending) or set up as intended.
  const expectedHub: ExpectedHub | undefined =
    hubParts && hubSettings
      ? {
          hub: await hubParts.signalHub.getAddress(),
          timelock: timelockAddress,
          registry: await registry.getAddress(),
          maxOracleAge: hubSettings.maxOracleAge,
          feed: target.priceFeed,
          windowLog: await windowLog.getAddress(),
          verifiers: [
            await hubParts.signalVerifier1.getAddress(),
            await hubParts.signalVerifier2.getAddress(),
            await hubParts.signalVerifier4.getAddress(),
          ],
        }
      : undefined;
  const hubState = expectedHub ? await readBackHub(connection.ethers.provider, expectedHub) : undefined;
  problems.push(...(hubState?.problems ?? []));
  // The trader's attested-model verifier (kind 0) is the one deployed for this proof system; a PLONK adapter fronts this PlonkPolicyVerifier.
  const traderVerifier = await DecentralizedTrader__factory.connect(
    await trader.getAddress(),
    connection.ethers.provider,
  ).verifierOf(0);
  if (traderVerifier !== (await verifier.getAddress())) {
    problems.push(`the trader's verifierOf(0) is ${traderVerifier}, not ${await verifier.getAddress()}`);
  }
  if (plonkVerifier) {
    const fronted = await PlonkVerifierAdapter__factory.connect(
      await verifier.getAddress(),
      connection.ethers.provider,
    ).plonkVerifier();
    if (fronted !== (await plonkVerifier.getAddress())) {
      problems.push(`PlonkVerifierAdapter.plonkVerifier() is ${fronted}, not ${await plonkVerifier.getAddress()}`);
    }
  }
  if (problems.length > 0) {
    throw new DeployError(
      `the deployed governance is not what was asked for (no record written):\n  - ${problems.join("\n  - ")}`,
    );
  }

  // The policy verifier's key: the Groth16 ceremony's, or the PLONK key's (derived from the phase 1).
  const vkeyPath = resolve(
    hre.config.paths.root,
    plonkVerifier ? "circuits/ceremony/plonk/policy/verification_key.json" : "circuits/ceremony/verification_key.json",
  );
  const journal = join(hre.config.paths.ignition, "deployments", deploymentId, "journal.jsonl");
  const hashes = transactionsFromJournal(journal);
  const timelockTx = hashes["Zkagent#TimelockController"];
  const deployedAtBlock = timelockTx
    ? ((await connection.ethers.provider.getTransactionReceipt(timelockTx))?.blockNumber ?? null)
    : null;
  const owner = timelockAddress;
  const governor = timelockAddress;
  const sha256Of = (path: string) =>
    createHash("sha256")
      .update(readFileSync(resolve(hre.config.paths.root, path)))
      .digest("hex");
  // The hub's setup, as a `gov schedule --batch` file beside the record (only while it is pending).
  const hubSetupFile = join(outDir, "hub-setup.json");
  const hubSetup =
    expectedHub && hubState && !hubState.configured
      ? {
          calls: hubSetupCalls(expectedHub),
          batchFile: "hub-setup.json",
          ...hubSetupCommands(networkName, relative(process.cwd(), hubSetupFile) || hubSetupFile),
        }
      : undefined;
  const record = {
    network: networkName,
    chainId: Number(chainId),
    deployer: deployer!.address,
    deploymentId,
    deployedAt: new Date().toISOString(),
    // The trader's owner and the registry's governor: both the timelock.
    owner,
    governor,
    // Where a scan for the timelock's scheduled changes starts (`zkagent` config governanceFromBlock).
    deployedAtBlock,
    governance: {
      timelock: timelockAddress,
      minDelay: String(governance.minDelay),
      proposers: governance.proposers,
      cancellers: governance.proposers,
      executors: governance.executors.map((e) => (e === ZeroAddress ? "anyone" : e)),
      guardian: governance.guardian === ZeroAddress ? null : governance.guardian,
      sources: governance.sources,
      deployerRolesRevoked:
        !governance.proposers.includes(deployer!.address) && !governance.executors.includes(deployer!.address),
    },
    // Which proof system the trader's policy proofs use (its verifier, kind 0); the proven-model verifier is Groth16.
    proofSystem,
    verifierVkeySha256: createHash("sha256").update(readFileSync(vkeyPath)).digest("hex"),
    modelVerifierVkeySha256: createHash("sha256")
      .update(readFileSync(resolve(hre.config.paths.root, "circuits/ceremony/model/verification_key.json")))
      .digest("hex"),
    ...(federatedParts
      ? {
          aggregationVerifierVkeySha256: ["aggregation0", "aggregation1"].map((chunk) =>
            createHash("sha256")
              .update(readFileSync(resolve(hre.config.paths.root, `circuits/ceremony/${chunk}/verification_key.json`)))
              .digest("hex"),
          ),
        }
      : {}),
    ...(hubParts
      ? {
          signalVerifierVkeySha256: ["signal1", "signal2", "signal4"].map((circuit) =>
            sha256Of(`circuits/ceremony/${circuit}/verification_key.json`),
          ),
        }
      : {}),
    // What the verifiers' soundness rests on: a sound ceremony, or an explicit testnet override.
    ceremony: { sound: ceremony.sound, unsafeOverride: ceremony.overridden, problems: ceremony.problems },
    ...(laneParts && laneSettings && lane
      ? {
          optimisticLane: laneRecord(
            networkName,
            await laneParts.optimisticLane.getAddress(),
            target.usdc,
            laneSettings,
            lane.on,
          ),
        }
      : {}),
    ...(expectedHub && hubState && hubParts
      ? {
          signalHub: {
            address: expectedHub.hub,
            owner: expectedHub.timelock,
            modelRegistry: expectedHub.registry,
            maxOracleAge: String(expectedHub.maxOracleAge),
            // What the setup operation lists and sets; `configured` once it has been executed.
            market: { id: 0, feed: expectedHub.feed, windowLog: expectedHub.windowLog },
            verifiers: { "1": expectedHub.verifiers[0], "2": expectedHub.verifiers[1], "4": expectedHub.verifiers[2] },
            configured: hubState.configured,
            ...(hubSetup ? { setup: hubSetup } : {}),
            followBatcher: await hubParts.followBatcher.getAddress(),
          },
        }
      : {}),
    contracts: {
      ...(plonkVerifier
        ? {
            PlonkPolicyVerifier: {
              address: await plonkVerifier.getAddress(),
              tx: hashes["Zkagent#PlonkPolicyVerifier"] ?? null,
              args: [],
            },
            // The trader's verifier: submit verifies a PLONK proof once, verifyProof answers from the record.
            PlonkVerifierAdapter: {
              address: await verifier.getAddress(),
              tx: hashes["Zkagent#PlonkVerifierAdapter"] ?? null,
              args: [await plonkVerifier.getAddress()],
            },
          }
        : {
            PolicyVerifier: {
              address: await verifier.getAddress(),
              tx: hashes["Zkagent#PolicyVerifier"] ?? null,
              args: [],
            },
          }),
      ModelPolicyVerifier: {
        address: await modelVerifier.getAddress(),
        tx: hashes["Zkagent#ModelPolicyVerifier"] ?? null,
        args: [],
      },
      TimelockController: {
        address: timelockAddress,
        tx: timelockTx ?? null,
        // As constructed; the bootstrap then set the delay and the deployer's roles went (see governance).
        args: [
          "0",
          [deployer!.address, ...governance.proposers.filter((a) => a !== deployer!.address)],
          [deployer!.address, ...governance.executors.filter((a) => a !== deployer!.address)],
          deployer!.address,
        ],
      },
      ModelRegistry: {
        address: await registry.getAddress(),
        tx: hashes["Zkagent#ModelRegistry"] ?? null,
        args: [governor],
      },
      WindowLog: {
        address: await windowLog.getAddress(),
        tx: hashes["Zkagent#WindowLog"] ?? null,
        args: [target.priceFeed, hashers.poseidonT3, hashers.poseidonT6],
      },
      ...(federatedParts
        ? {
            AggregationVerifier0: {
              address: await federatedParts.aggregationVerifier0.getAddress(),
              tx: hashes["ZkagentFederated#AggregationVerifier0"] ?? null,
              args: [],
            },
            AggregationVerifier1: {
              address: await federatedParts.aggregationVerifier1.getAddress(),
              tx: hashes["ZkagentFederated#AggregationVerifier1"] ?? null,
              args: [],
            },
            FederatedRound: {
              address: await federatedParts.federatedRound.getAddress(),
              tx: hashes["ZkagentFederated#FederatedRound"] ?? null,
              args: [
                owner,
                await registry.getAddress(),
                await federatedParts.aggregationVerifier0.getAddress(),
                await federatedParts.aggregationVerifier1.getAddress(),
              ],
            },
          }
        : {}),
      ...(laneParts && laneSettings
        ? {
            OptimisticLane: {
              address: await laneParts.optimisticLane.getAddress(),
              tx: hashes["ZkagentOptimistic#OptimisticLane"] ?? null,
              args: [
                target.usdc,
                ...[
                  laneSettings.challengeWindow,
                  laneSettings.responseWindow,
                  laneSettings.challengeBond,
                  laneSettings.slashReward,
                  laneSettings.maxPendingClaims,
                ].map(String),
              ],
            },
          }
        : {}),
      ...(expectedHub && hubParts
        ? {
            ...Object.fromEntries(
              (["SignalVerifier1", "SignalVerifier2", "SignalVerifier4"] as const).map((name, i) => [
                name,
                { address: expectedHub.verifiers[i], tx: hashes[`ZkagentHub#${name}`] ?? null, args: [] },
              ]),
            ),
            SignalHub: {
              address: expectedHub.hub,
              tx: hashes["ZkagentHub#SignalHub"] ?? null,
              args: [owner, expectedHub.registry, String(expectedHub.maxOracleAge)],
            },
            FollowBatcher: {
              address: await hubParts.followBatcher.getAddress(),
              tx: hashes["ZkagentHub#FollowBatcher"] ?? null,
              args: [],
            },
          }
        : {}),
      DecentralizedTrader: {
        address: await trader.getAddress(),
        tx: hashes["Zkagent#DecentralizedTrader"] ?? null,
        args: [
          owner,
          {
            ...target,
            sequencerGracePeriod: String(target.sequencerGracePeriod),
            policy: undefined,
            limits: undefined,
            chainId: undefined,
            minDelay: undefined,
            optimisticLane: undefined,
            signalHub: undefined,
          },
          Object.fromEntries(Object.entries(target.policy).map(([k, v]) => [k, String(v)])),
          Object.fromEntries(Object.entries(target.limits).map(([k, v]) => [k, String(v)])),
        ],
      },
    },
    ignitionJournal: journal,
  };
  mkdirSync(outDir, { recursive: true });
  if (hubSetup) writeFileSync(hubSetupFile, `${JSON.stringify(hubSetup.calls, null, 2)}\n`);
  writeFileSync(join(outDir, "zkagent.json"), `${JSON.stringify(record, null, 2)}\n`);
  console.log(
    `trader ${record.contracts.DecentralizedTrader.address}\ntimelock ${timelockAddress} (owner and governor, delay ${governance.minDelay} s)\nwindow log ${record.contracts.WindowLog.address}\nregistry ${record.contracts.ModelRegistry.address}\nverifier ${await verifier.getAddress()} (${plonkVerifier ? `PLONK: adapter in front of ${await plonkVerifier.getAddress()}` : "Groth16"})${federatedParts ? `\nfederated round ${await federatedParts.federatedRound.getAddress()} (owned by the timelock)` : ""}\nrecord: ${join(outDir, "zkagent.json")}`,
  );
  const pending = [
    ...(record.optimisticLane?.turnOn
      ? [
          `the optimistic lane ${record.optimisticLane.address} is deployed but NOT on: the trader's owner, the timelock, turns it on:\n  ${record.optimisticLane.turnOn.schedule}\n  ${record.optimisticLane.turnOn.execute}`,
        ]
      : record.optimisticLane
        ? [`the optimistic lane ${record.optimisticLane.address} is on (the trader's optimisticLane())`]
        : []),
    ...(record.signalHub?.setup
      ? [
          `the signal hub ${record.signalHub.address} (owned by the timelock) is deployed EMPTY: no market, no verifier, so it refuses every signal until its setup operation (${hubSetupFile}: addMarket(feed, window log), setVerifier(1|2|4, …)) is executed:\n  ${record.signalHub.setup.schedule}\n  ${record.signalHub.setup.execute}\n  follow batcher ${record.signalHub.followBatcher}`,
        ]
      : record.signalHub
        ? [
            `the signal hub ${record.signalHub.address} is set up (market 0 and the verifiers for 1, 2 and 4 markets); follow batcher ${record.signalHub.followBatcher}`,
          ]
        : []),
  ];
  if (pending.length > 0) console.log(pending.join("\n"));
}
