import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { ArgumentType } from "hardhat/types/arguments";
import { configVariable, defineConfig, emptyTask, task } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * solc comes from the npm `solc` package (its WebAssembly build), never from
 * the compiler download service: installs and builds must work with only the
 * npm registry reachable. `version` must equal the installed npm version.
 */
const SOLC_VERSION = "0.8.28";
const solcPath = require.resolve("solc/soljson.js");
/** Chainlink's aggregator proxy pins 0.8.26; it is built only for tests (phase changes, gas). */
const PROXY_SOLC_VERSION = "0.8.26";
const proxySolcPath = require.resolve("solc-0.8.26/soljson.js");

function compilerSettings(viaIR: boolean) {
  return { optimizer: { enabled: true, runs: 1_000_000 }, evmVersion: "cancun", viaIR };
}

/** `hardhat deploy --network arbitrum`: see scripts/deploy/deploy-task.ts. */
const deployTask = task("deploy", "Deploy the zkagent contracts (verifiers, timelock, registry, trader) to --network")
  // Who governs (#15): each flag, else deployments/<network>/governance.json (scripts/deploy/governance-config.ts).
  .addOption({
    name: "proposers",
    description: "timelock proposers and cancellers, comma-separated (a multisig on a live network)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "executors",
    description: 'timelock executors, comma-separated, or "anyone"',
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "guardian",
    description: 'the trader\'s guardian, who may pause at once (or "none")',
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "minDelay",
    description: "timelock delay in seconds (default: the network's, packages/contracts/deploy/networks.ts)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "deploymentId",
    description: "Ignition deployment id (resume key)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "out",
    description: "where to write zkagent.json (default deployments/<network>)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addFlag({
    name: "allowUnsafeCeremony",
    description:
      "TESTNETS ONLY: deploy a verifier whose ceremony lacks a public phase 1 or two phase-2 contributions (its setup's randomness may be known)",
  })
  .addFlag({
    name: "federated",
    description: "also deploy federated training: the aggregation verifiers and a FederatedRound owned by the timelock",
  })
  .addFlag({
    name: "optimistic",
    description:
      "also deploy an OptimisticLane bonded in the quote token (parameters: the network's optimisticLane settings); it stays off until the timelock's setOptimisticLane, which the task prints",
  })
  .addFlag({
    name: "hub",
    description:
      "also deploy a SignalHub owned by the timelock, the signal verifiers for 1, 2 and 4 markets and a FollowBatcher; the hub's setup (market, verifiers) is one governed operation, written to hub-setup.json",
  })
  .addOption({
    name: "proofSystem",
    description:
      'the trader\'s policy proofs: "groth16" (PolicyVerifier) or "plonk" (PlonkPolicyVerifier behind a PlonkVerifierAdapter; no phase 2, a public phase 1). The proven-model verifier stays Groth16: its PLONK form needs a power-15 phase 1, not committed',
    type: ArgumentType.STRING,
    defaultValue: "groth16",
  })
  .setAction(() => import("./scripts/deploy/deploy-task.ts"))
  .build();

/**
 * `hardhat gov schedule | list | execute | cancel --network <name>`: changes through the timelock
 * that owns the trader and governs the registry, each shown decoded before it is signed
 * (scripts/gov/). Hardhat tasks, not `zkagent` commands: governing is the deployers' job, with
 * the deployers' keys and network config; the agent's CLI never signs anything but trades.
 */
const recordOption = {
  name: "record",
  description: "the deployment record (default deployments/<network>/zkagent.json)",
  type: ArgumentType.STRING,
  defaultValue: "",
} as const;
const yesFlag = { name: "yes", description: "sign without asking (after showing the decoded calls)" } as const;
const text = <Name extends string>(name: Name, description: string) => ({
  name,
  description,
  type: ArgumentType.STRING as const,
  defaultValue: "",
});
const govTasks = [
  emptyTask("gov", "Time-locked governance of the trader and the registry").build(),
  task(["gov", "schedule"], "Schedule a change on the timelock (shows the decoded calls first)")
    .addOption(text("target", "trader, registry, timelock; hub, lane, federatedRound when deployed; or an address"))
    .addOption(text("function", "the function (a name; a full signature for other contracts)"))
    .addOption(text("args", "its arguments as a JSON array"))
    .addOption(text("calldata", "raw calldata instead of --function/--args"))
    .addOption(text("value", "wei to send with the call"))
    .addOption(text("batch", "a JSON file listing calls {target, function, args} scheduled as one operation"))
    .addOption(text("delay", "seconds (default and minimum: the timelock's delay)"))
    .addOption(text("salt", "32-byte salt (default random)"))
    .addOption(text("predecessor", "an operation that must be executed first"))
    .addOption(recordOption)
    .addFlag(yesFlag)
    .setAction(() => import("./scripts/gov/schedule-task.ts"))
    .build(),
  task(["gov", "list"], "List the timelock's pending operations, decoded, with when each becomes executable")
    .addOption(recordOption)
    .addFlag({ name: "all", description: "also executed and cancelled ones" })
    .addFlag({ name: "json", description: "machine-readable" })
    .setAction(() => import("./scripts/gov/list-task.ts"))
    .build(),
  task(["gov", "execute"], "Execute a ready operation (shows its decoded calls first)")
    .addOption(text("id", "the operation id (hardhat gov list)"))
    .addOption(recordOption)
    .addFlag(yesFlag)
    .setAction(() => import("./scripts/gov/execute-task.ts"))
    .build(),
  task(["gov", "cancel"], "Cancel a pending operation (a proposer)")
    .addOption(text("id", "the operation id (hardhat gov list)"))
    .addOption(recordOption)
    .addFlag(yesFlag)
    .setAction(() => import("./scripts/gov/cancel-task.ts"))
    .build(),
];

/**
 * Fuzz and invariant depth: a CI profile by default, a deep one with ZKAGENT_FUZZ=deep
 * (≥ 10 000 runs per invariant; minutes, not seconds).
 */
const deepFuzz = process.env.ZKAGENT_FUZZ === "deep";
const solidityTestProfile = deepFuzz
  ? { fuzz: { runs: 10_000 }, invariant: { runs: 10_000, depth: 32 } }
  : { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 32 } };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks: [deployTask, ...govTasks],
  paths: {
    // Hand-written Solidity and the generated verifier live in the contracts
    // package; the cross-package mocha suites live in the top-level test/.
    sources: "packages/contracts/src",
    // Ignition's journals (resumable deployments) live beside the deployment records.
    ignition: "deployments/ignition",
    tests: {
      mocha: "test",
      solidity: "packages/contracts/test",
    },
  },
  solidity: {
    // Trades are the hot path and deployment is rare: optimise for runtime gas. The IR pipeline
    // saves ~2.4k gas per trade; the generated verifier (plain assembly) is cheaper without it.
    compilers: [
      { version: SOLC_VERSION, path: solcPath, settings: compilerSettings(true) },
      { version: PROXY_SOLC_VERSION, path: proxySolcPath, settings: compilerSettings(false) },
    ],
    overrides: {
      // Four entry points (proven, with a disclosure record, optimistic, following a signal) and
      // the pool's swap callback: 1,000 runs leave 0.9 KB under the 24 KB code limit and save
      // ~0.6k gas per trade over 500 runs (2.4 KB left); 2,000 runs exceed the limit.
      "packages/contracts/src/DecentralizedTrader.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { ...compilerSettings(true), optimizer: { enabled: true, runs: 1000 } },
      },
      // The invariant suites compile the trader too: with the default 1M runs, solc's WebAssembly
      // build runs out of memory on it ("memory access out of bounds"), so they use the trader's.
      "packages/contracts/test/TraderInvariants.t.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { ...compilerSettings(true), optimizer: { enabled: true, runs: 1000 } },
      },
      "packages/contracts/test/GovernedTraderInvariants.t.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { ...compilerSettings(true), optimizer: { enabled: true, runs: 1000 } },
      },
      // The differential test of the trader's hand-encoded calls: at the default 1M runs, a clean
      // build's WebAssembly solc runs out of memory on it; its gas is not what it measures.
      "packages/contracts/test/TradeCalls.t.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { ...compilerSettings(true), optimizer: { enabled: true, runs: 1000 } },
      },
      "packages/contracts/src/generated/PolicyVerifier.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: compilerSettings(false),
      },
      // snarkjs's PLONK verifier (#15) is plain assembly too: cheaper without the IR pipeline.
      "packages/contracts/src/generated/PlonkPolicyVerifier.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: compilerSettings(false),
      },
    },
    // Built for their artifacts and typechain bindings: Chainlink's own mock
    // feed and canonical WETH9 for local worlds, Uniswap's interfaces for typing.
    npmFilesToBuild: [
      "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol",
      // The aggregator proxy with phases, as deployed for every Chainlink feed: the real-shaped
      // feed of the window tests and the gas bench puts an OCR2-shaped aggregator behind it.
      "@chainlink/contracts/src/v0.8/data-feeds/test/helpers/DataFeedsLegacyAggregatorProxy.sol",
      "@chainlink/contracts/src/v0.8/vendor/canonical-weth/WETH9.sol",
      // OpenZeppelin's own timelock: the registry's governor and each trader's owner (#15).
      "@openzeppelin/contracts/governance/TimelockController.sol",
      "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol",
      "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol",
    ],
  },
  test: { solidity: solidityTestProfile },
  // Bindings live with the contracts package so the agent imports them from there.
  typechain: { outDir: "packages/contracts/typechain" },
  // A fork of a local `hardhat node` (chain 31337) needs to know which rules
  // that chain's blocks ran under; the node runs the default network's hardfork.
  chainDescriptors: {
    31337: { name: "Hardhat (local node)", chainType: "l1", hardforkHistory: { cancun: { blockNumber: 0 } } },
  },
  networks: {
    // The in-process chain every test and the demo run on (also what `hardhat node` serves).
    default: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
    },
    localhost: {
      type: "http",
      url: process.env.LOCALHOST_URL ?? "http://127.0.0.1:8545",
    },
    // A simulated chain forking FORK_URL: a local `hardhat node` in CI
    // (scripts/fork-suite.ts) or a real chain's RPC.
    fork: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
      forking: { url: configVariable("FORK_URL") },
    },
    arbitrum: {
      type: "http",
      chainId: 42161,
      url: configVariable("ARBITRUM_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    arbitrumSepolia: {
      type: "http",
      chainId: 421614,
      url: configVariable("ARBITRUM_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
