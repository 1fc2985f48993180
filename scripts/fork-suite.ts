/**
 * The fork suite, for real: starts `hardhat node` (A) on 127.0.0.1 at a free port,
 * deploys the world onto it, then starts a second node (B) that forks A and serves
 * the fork over JSON-RPC. test/fork runs against both: the Uniswap tests on an
 * in-process network forking A, the end-to-end test with the agent as a child
 * process (the CLI a user runs) against B. Both nodes stop on exit, failure or Ctrl-C.
 *
 * With FORK_URL already set (a real chain's RPC), no node is started: the
 * suite forks FORK_URL and uses the canonical address book for its chain.
 *
 *   tsx scripts/fork-suite.ts
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { addressBookOf, deployWorld, hardhatWallet } from "@zkagent/contracts/world";
import { JsonRpcProvider } from "ethers";

import { startHardhatNode, type HardhatNode } from "./lib/hardhat-node.ts";

const hardhat = join(process.cwd(), "node_modules/.bin/hardhat");

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(hardhat, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const testArgs = [
  "test",
  "mocha",
  "--network",
  "fork",
  "test/fork/uniswap-on-fork.test.ts",
  "test/fork/agent-e2e.test.ts",
  "test/fork/arbitrum-rehearsal.test.ts",
];

if (process.env.FORK_URL) {
  console.log("fork suite: mode = real chain (FORK_URL is set); canonical address book");
  process.exit(await run(testArgs, {}));
}

const work = mkdtempSync(join(tmpdir(), "zkagent-fork-"));
const addressBook = join(work, "address-book.json");
const nodes: HardhatNode[] = [];
const stopAll = async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  rmSync(work, { recursive: true, force: true });
};
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

let code = 1;
try {
  const base = await startHardhatNode([]);
  nodes.push(base);
  console.log(`fork suite: mode = local node (hardhat node A on ${base.url}, world deployed onto it)`);
  const provider = new JsonRpcProvider(base.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const world = await deployWorld(hardhatWallet(0, provider));
    writeFileSync(addressBook, JSON.stringify(await addressBookOf(world, 31337, "local hardhat node"), null, 2));
  } finally {
    provider.destroy();
  }
  const fork = await startHardhatNode(["--network", "fork"], { FORK_URL: base.url });
  nodes.push(fork);
  console.log(`fork suite: hardhat node B on ${fork.url} serves a fork of A over JSON-RPC`);
  const arbitrum = await startHardhatNode(["--chain-id", "42161"]);
  nodes.push(arbitrum);
  console.log(
    `fork suite: hardhat node C on ${arbitrum.url} plays Arbitrum One (chain 42161) for the deploy rehearsal`,
  );
  code = await run(testArgs, {
    FORK_URL: base.url,
    ZKAGENT_ADDRESS_BOOK: addressBook,
    E2E_RPC_URL: fork.url,
    ARBITRUM_REHEARSAL_RPC_URL: arbitrum.url,
  });
} catch (error) {
  console.error(`fork suite: ${(error as Error).message}`);
} finally {
  await stopAll();
}
process.exit(code);
