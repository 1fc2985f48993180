import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

const hardhat = join(import.meta.dirname, "../../node_modules/.bin/hardhat");

/** A `hardhat node` this process started, and how to stop it. */
export interface HardhatNode {
  url: string;
  /** The node's process id; it leads its own process group. */
  pid: number;
  /** Settles when the node process ends, with its exit code (null if a signal ended it). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
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

/** Refuses a port something already listens on: the RPC check would otherwise find that node instead. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} on 127.0.0.1 is in use (another node?): stop it or choose another port`)
          : error,
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
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

/**
 * Starts `hardhat node` on 127.0.0.1 in its own process group (Hardhat may re-spawn itself), on
 * `port` or a free one.
 */
export async function startHardhatNode(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
  { port: wantedPort }: { port?: number } = {},
): Promise<HardhatNode> {
  if (wantedPort !== undefined) await assertPortFree(wantedPort);
  const port = wantedPort ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(hardhat, ["node", ...extraArgs, "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // If this process ends without stop() (a failed test, process.exit), the node must not outlive
  // it: it holds our stderr, and a parent waiting for that pipe to close would wait forever.
  const killOnExit = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
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
  return { url, pid: child.pid!, exited, stop };
}
