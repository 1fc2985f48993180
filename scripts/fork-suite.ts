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
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hardhat = join(process.cwd(), "node_modules/.bin/hardhat");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForRpc(url: string, node: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exitCode !== null) throw new Error(`hardhat node exited early with code ${node.exitCode}`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hardhat node did not answer at ${url} within ${timeoutMs} ms`);
}

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

interface Node {
  url: string;
  stop(): Promise<void>;
}

/** Starts `hardhat node` in its own process group (Hardhat may re-spawn itself; the group stops together). */
async function startNode(extraArgs: string[], env: NodeJS.ProcessEnv = {}): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(hardhat, ["node", ...extraArgs, "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
    env: { ...process.env, ...env },
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    signalGroup("SIGTERM");
    const killTimer = setTimeout(() => signalGroup("SIGKILL"), 3_000);
    await exited;
    clearTimeout(killTimer);
  };
  try {
    await waitForRpc(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

const work = mkdtempSync(join(tmpdir(), "zkagent-fork-"));
const addressBook = join(work, "address-book.json");
const nodes: Node[] = [];
const stopAll = async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  rmSync(work, { recursive: true, force: true });
};
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

let code = 1;
try {
  const base = await startNode([]);
  nodes.push(base);
  console.log(`fork suite: mode = local node (hardhat node A on ${base.url}, world deployed onto it)`);
  const deployed = await run(["run", "--network", "localhost", "scripts/deploy-local-world.ts"], {
    LOCALHOST_URL: base.url,
    ZKAGENT_ADDRESS_BOOK: addressBook,
  });
  if (deployed !== 0) throw new Error(`deploying the world onto the node failed (exit ${deployed})`);
  const fork = await startNode(["--network", "fork"], { FORK_URL: base.url });
  nodes.push(fork);
  console.log(`fork suite: hardhat node B on ${fork.url} serves a fork of A over JSON-RPC`);
  const arbitrum = await startNode(["--chain-id", "42161"]);
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
