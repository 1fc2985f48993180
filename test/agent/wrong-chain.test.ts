/**
 * A config naming the wrong chain is caught first: the `zkagent` CLI as a child process (its own
 * provider, built with `staticNetwork`) against a `hardhat node` (chain 31337) behind a JSON-RPC
 * proxy that records every request the CLI makes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";

import { AGENT_KEY } from "../../scripts/lib/agent-world.ts";
import { startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";
import { RpcFaultProxy } from "../../scripts/lib/rpc-fault-proxy.ts";

const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");
// The address a config written for Arbitrum One would name; on this node it holds no contract.
const TRADER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const AGENT = new Wallet(AGENT_KEY).address;

/** Runs the CLI without blocking this process: the proxy it talks to lives here. */
function zkagent(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: "utf8", env: { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("a config naming the wrong chain (the CLI's own provider over real JSON-RPC)", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let proxy: RpcFaultProxy;
  let direct: JsonRpcProvider;

  /** A config file for TRADER through the proxy, naming `chainId`, with a fresh data directory. */
  const configFor = (chainId: number) => {
    const dataDir = mkdtempSync(join(tmpdir(), "zkagent-chain-"));
    const path = join(dataDir, "agent.json");
    writeFileSync(path, JSON.stringify({ rpcUrl: proxy.url, chainId, traderAddress: TRADER, dataDir }));
    return { path, dataDir };
  };

  before(async () => {
    node = await startHardhatNode();
    proxy = await RpcFaultProxy.start(node.url);
    direct = new JsonRpcProvider(node.url, 31337, { staticNetwork: true });
  });

  after(async () => {
    direct?.destroy();
    await proxy?.close();
    await node?.stop();
  });

  beforeEach(() => {
    proxy.requests.length = 0;
    proxy.rawTransactions.length = 0;
  });

  for (const command of ["once", "status"]) {
    it(`\`zkagent ${command}\` stops with a PreflightError naming both ids, having asked the node nothing else`, async () => {
      const accountNonce = await direct.getTransactionCount(AGENT);
      const { path, dataDir } = configFor(42161);

      const { status, stderr } = await zkagent([command, "--config", path]);

      expect(status, stderr).to.equal(2);
      expect(stderr).to.include(
        `PreflightError: the node at ${proxy.url} is chain 31337 but the config says 42161: check rpcUrl and chainId\n`,
      );
      expect(stderr).not.to.match(/^\s+at /m);
      // The chain id was the first question and the last: no contract read, nothing signed or sent.
      expect(proxy.requests.map((r) => r.method)).to.deep.equal(["eth_chainId"]);
      expect(proxy.rawTransactions).to.deep.equal([]);
      expect(await direct.getTransactionCount(AGENT)).to.equal(accountNonce);
      expect(readdirSync(dataDir).filter((name) => name.startsWith("journal-"))).to.deep.equal([]);
    });
  }

  it("with the right chain id, goes on to the next check (control: the node's answer decides)", async () => {
    const { path } = configFor(31337);

    const { status, stderr } = await zkagent(["once", "--config", path]);

    expect(status, stderr).to.equal(2);
    expect(stderr).to.include(`PreflightError: no contract at traderAddress ${TRADER} on chain 31337`);
    expect(proxy.requests.map((r) => r.method).slice(0, 2)).to.deep.equal(["eth_chainId", "eth_getCode"]);
  });
});
