import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import hre, { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { marketOf, type MarketAddresses } from "@zkagent/contracts/world";

import deployAction from "../../scripts/deploy/deploy-task.ts";
import executeAction from "../../scripts/gov/execute-task.ts";
import scheduleAction from "../../scripts/gov/schedule-task.ts";
import { serveChain } from "./serve-chain.ts";
import { TEST_POLICY } from "./trader-fixture.ts";
import { deployTestWorld } from "./world-fixture.ts";

/** What `hardhat deploy` wrote (the fields the deploy tests read). */
export interface DeploymentRecord {
  deployer: string;
  owner: string;
  governance: { timelock: string };
  contracts: Record<string, { address: string; tx: string | null; args: unknown[] } | undefined>;
  [block: string]: unknown;
}

/** One run of a task's action: its exit code and everything it printed. */
export interface TaskRun {
  exitCode: number;
  output: string;
}

/** The parts `hardhat deploy` may add. */
export interface DeployFlags {
  federated?: boolean;
  optimistic?: boolean;
  hub?: boolean;
  proofSystem?: string;
}

/** Prefix of the sandboxes' Ignition deployment ids (git-ignored; each removed by cleanUp). */
const DEPLOYMENT_ID_PREFIX = "deploy-test-";

/**
 * Writes `<outDir>/world.json`, the book the `localhost` network entry reads its market from
 * (packages/contracts/deploy/networks.ts), for a test world's market.
 */
export function writeWorldBook(outDir: string, market: MarketAddresses): void {
  const book = {
    chainId: 31337,
    name: "test world",
    weth: market.weth,
    usdc: market.usdc,
    uniswapV3Factory: market.uniswapFactory,
    ethUsdFeed: market.priceFeed,
    sequencerUptimeFeed: market.sequencerUptimeFeed,
    poolFee: Number(TEST_POLICY.poolFee),
  };
  writeFileSync(join(outDir, "world.json"), JSON.stringify(book));
}

/**
 * One market on the in-process chain, deployed to as the `localhost` network would be: over HTTP
 * (the in-process chain served on a local port, so that Ignition journals each deployment and a
 * rerun with the same id resumes from the journal, as on a real node), its market from a world
 * record beside the deployment record. The `hardhat gov` tasks run against that record. Account
 * #0 deploys and is the timelock's only proposer and executor (the gov tasks sign with it).
 */
export class DeploySandbox {
  readonly outDir = mkdtempSync(join(tmpdir(), "zkagent-deploy-"));
  private readonly localHre: HardhatRuntimeEnvironment;
  private readonly deploymentIds = new Set<string>();

  private constructor(
    /** The in-process chain: what the tests read, and whose clock they move. */
    readonly connection: NetworkConnection,
    /** The same chain over HTTP: what the tasks use. */
    private readonly served: NetworkConnection,
    private readonly server: Server,
    readonly market: MarketAddresses,
  ) {
    this.localHre = {
      globalOptions: { network: "localhost" },
      config: { paths: { root: hre.config.paths.root, ignition: hre.config.paths.ignition } },
      network: { create: async () => served },
    } as unknown as HardhatRuntimeEnvironment;
  }

  static async create(connection: NetworkConnection): Promise<DeploySandbox> {
    const ethers: HardhatEthers = connection.ethers;
    const market = await marketOf(await deployTestWorld(ethers));
    const { url, server } = await serveChain(connection.provider);
    const served = await network.create({ network: "localhost", override: { url } });
    const sandbox = new DeploySandbox(connection, served, server, market);
    writeWorldBook(sandbox.outDir, market);
    return sandbox;
  }

  get recordPath(): string {
    return join(this.outDir, "zkagent.json");
  }

  /** The record the last successful deployment wrote. */
  record(): DeploymentRecord {
    return JSON.parse(readFileSync(this.recordPath, "utf8")) as DeploymentRecord;
  }

  /** Removes the record, so a refused run can be seen to write none. */
  dropRecord(): void {
    rmSync(this.recordPath, { force: true });
  }

  hasRecord(): boolean {
    return existsSync(this.recordPath);
  }

  /** `hardhat deploy --network localhost [flags] --deployment-id <name, made unique to this process>`. */
  async deploy(name: string, flags: DeployFlags = {}): Promise<TaskRun> {
    const [deployer] = await this.connection.ethers.getSigners();
    const deploymentId = `${DEPLOYMENT_ID_PREFIX}${process.pid}-${name}`;
    this.deploymentIds.add(deploymentId);
    return captured(() =>
      deployAction(
        {
          deploymentId,
          out: this.outDir,
          allowUnsafeCeremony: false,
          federated: flags.federated ?? false,
          optimistic: flags.optimistic ?? false,
          hub: flags.hub ?? false,
          proofSystem: flags.proofSystem ?? "",
          minDelay: "",
          proposers: deployer!.address,
          executors: deployer!.address,
          guardian: "none",
        },
        this.localHre,
      ),
    );
  }

  /** `hardhat gov schedule --yes` against this record; returns the run and the operation id it printed. */
  async schedule(spec: { target?: string; function?: string; args?: string; batch?: string }) {
    const run = await captured(() =>
      scheduleAction(
        {
          target: spec.target ?? "",
          function: spec.function ?? "",
          args: spec.args ?? "",
          calldata: "",
          value: "",
          batch: spec.batch ?? "",
          delay: "",
          salt: "",
          predecessor: "",
          record: this.recordPath,
          yes: true,
        },
        this.localHre,
      ),
    );
    return { ...run, operationId: /operation (0x[0-9a-f]{64})/.exec(run.output)?.[1] };
  }

  /** `hardhat gov execute --yes --id <id>` against this record. */
  async execute(operationId: string): Promise<TaskRun> {
    return captured(() => executeAction({ id: operationId, record: this.recordPath, yes: true }, this.localHre));
  }

  /** The deployer's account nonce and the chain's height: both unchanged when nothing was sent. */
  async sent(): Promise<{ nonce: number; block: number }> {
    const [deployer] = await this.connection.ethers.getSigners();
    return {
      nonce: await this.connection.ethers.provider.getTransactionCount(deployer!.address),
      block: await this.connection.ethers.provider.getBlockNumber(),
    };
  }

  async cleanUp(): Promise<void> {
    rmSync(this.outDir, { recursive: true, force: true });
    for (const id of this.deploymentIds)
      rmSync(join(hre.config.paths.ignition, "deployments", id), { recursive: true, force: true });
    await this.served.close();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Runs a task's action with its console output captured and its exit code read (and reset). */
async function captured(action: () => Promise<void>): Promise<TaskRun> {
  const lines: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const keep = (...parts: unknown[]) => void lines.push(parts.map(String).join(" "));
  console.log = console.warn = console.error = keep;
  process.exitCode = undefined;
  try {
    await action();
  } finally {
    Object.assign(console, saved);
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { exitCode, output: lines.join("\n") };
}
