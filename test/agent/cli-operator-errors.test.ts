/**
 * The CLI's read-only commands against a real node (`hardhat node`, a deployed vault), as child
 * processes: an operator's mistake is one readable line and exit 2, never a stack trace (#20,
 * item 6), and every --json report is one JSON document on stdout with nothing else there (item 9).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { expect } from "chai";
import { parseEther } from "ethers";

import { deployAgentWorld, type AgentWorld } from "../../scripts/lib/agent-world.ts";
import { freePort, startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";

const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");
const NOBODY = "0x000000000000000000000000000000000000dEaD"; // no code on the node
const POLICY = {
  maxPosition: parseEther("1"),
  thresholdBps: 100n,
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
// Init code for a contract that answers every call with the word 42: code, but not a trader.
const ANSWERS_42 = "0x600a600c600039600a6000f3602a60005260206000f3";

const cwd = mkdtempSync(join(tmpdir(), "zkagent-cli-node-"));

/** Runs the CLI without blocking this process (the node's client lives here). */
function zkagent(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", ZKAGENT_PRIVATE_KEY: undefined },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** One line naming the error, exit 2, nothing on stdout, no stack frame. */
function expectOneLine(result: { status: number; stdout: string; stderr: string }, error: RegExp): void {
  expect(result.status, result.stderr).to.equal(2);
  expect(result.stdout).to.equal("");
  expect(result.stderr.trimEnd().split("\n"), result.stderr).to.have.length(1);
  expect(result.stderr).to.match(error);
}

describe("zkagent's read-only commands on a real node: readable errors, clean --json", function () {
  this.timeout(600_000);
  let node: HardhatNode;
  let aw: AgentWorld;
  let notATrader: string;

  const configFor = (traderAddress: string, rpcUrl = node.url) => {
    const path = join(mkdtempSync(join(cwd, "config-")), "agent.json");
    writeFileSync(path, JSON.stringify({ rpcUrl, chainId: 31337, traderAddress, rpcRetries: 0 }));
    return path;
  };

  before(async () => {
    node = await startHardhatNode();
    aw = await deployAgentWorld(node.url, {
      policy: POLICY,
      vaultWeth: "1",
      vaultUsdc: "1000",
      prices: Array<bigint>(30).fill(3_000n * 10n ** 8n),
    });
    const deployed = await (await aw.owner.sendTransaction({ data: ANSWERS_42 })).wait();
    notATrader = deployed!.contractAddress!;
  });

  after(async () => {
    aw?.provider.destroy();
    await node?.stop();
  });

  describe("status", () => {
    it("a config naming an address with no contract", async () => {
      expectOneLine(
        await zkagent("status", "--config", configFor(NOBODY), "--agent", aw.agentAddress),
        /^PreflightError: no contract at traderAddress 0x000000000000000000000000000000000000dEaD on chain 31337: check the address/,
      );
    });

    it("a config naming a contract that is not a DecentralizedTrader", async () => {
      expectOneLine(
        await zkagent("status", "--config", configFor(notATrader), "--agent", aw.agentAddress),
        new RegExp(`^PreflightError: traderAddress ${notATrader} on chain 31337 is not a DecentralizedTrader`),
      );
    });

    it("a node that is down, in --json mode: the error as one JSON object on stderr", async () => {
      const down = `http://127.0.0.1:${await freePort()}`;
      const result = await zkagent(
        "status",
        "--config",
        configFor(aw.traderAddress, down),
        "--agent",
        aw.agentAddress,
        "--json",
      );
      expectOneLine(result, /^\{/);
      expect(JSON.parse(result.stderr)).to.include({ level: "error", error: "RpcUnavailableError" });
      expect(JSON.parse(result.stderr).message).to.match(/ECONNREFUSED/);
    });

    it("--json: the status alone on stdout", async () => {
      const result = await zkagent(
        "status",
        "--config",
        configFor(aw.traderAddress),
        "--agent",
        aw.agentAddress,
        "--json",
      );
      expect(result.status, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.include({ agent: aw.agentAddress, cycles: 0 });
    });

    it("--agent: no key anywhere (the config's key variable unset), and nothing written, not even the data directory", async () => {
      const config = configFor(aw.traderAddress);
      const result = await zkagent(
        "status",
        "--config",
        config,
        "--agent",
        aw.agentAddress,
        "--json",
        // ZKAGENT_PRIVATE_KEY, the default key source, is not set in the child's environment
      );
      expect(result.status, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.include({
        agent: aw.agentAddress,
        journal: {
          path: join(
            dirname(config),
            ".zkagent",
            `journal-31337-${aw.traderAddress.toLowerCase()}-${aw.agentAddress.toLowerCase()}.sqlite`,
          ),
          exists: false,
        },
      });
      expect(readdirSync(dirname(config))).to.deep.equal(["agent.json"]);
    });

    it("without --agent or a keystore, says to pass --agent", async () => {
      expectOneLine(
        await zkagent("status", "--config", configFor(aw.traderAddress)),
        /^ConfigError: status needs the agent's address: pass --agent <address>/,
      );
    });
  });

  describe("audit", () => {
    it("--trader naming an address with no contract", async () => {
      expectOneLine(
        await zkagent("audit", "--rpc-url", node.url, "--trader", NOBODY),
        /^PreflightError: no contract at --trader 0x000000000000000000000000000000000000dEaD on chain 31337/,
      );
    });

    it("--trader naming a contract that is not a DecentralizedTrader", async () => {
      expectOneLine(
        await zkagent("audit", "--rpc-url", node.url, "--trader", notATrader),
        new RegExp(`^PreflightError: --trader ${notATrader} on chain 31337 is not a DecentralizedTrader`),
      );
    });

    it("a node that is down", async () => {
      const down = `http://127.0.0.1:${await freePort()}`;
      expectOneLine(
        await zkagent("audit", "--rpc-url", down, "--trader", aw.traderAddress),
        /^RpcUnavailableError: the RPC endpoint failed 3 times: connect ECONNREFUSED .*Check the node or the rpcUrl/,
      );
    });

    it("--json: the report alone on stdout", async () => {
      const result = await zkagent("audit", "--rpc-url", node.url, "--trader", aw.traderAddress, "--json");
      expect(result.status, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.include({ failures: 0 });
    });
  });

  for (const args of [
    ["watch", "--lane", NOBODY],
    ["audit-hub", "--hub", NOBODY],
  ]) {
    it(`${args[0]} --json: the report alone on stdout`, async () => {
      const result = await zkagent(args[0]!, "--rpc-url", node.url, ...args.slice(1), "--json");
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.include({ fromBlock: 0 });
    });
  }

  it("bond status --json: the status alone on stdout", async () => {
    const config = configFor(aw.traderAddress);
    const result = await zkagent("bond", "status", "--config", config, "--agent", aw.agentAddress, "--json");
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ lane: null, bondHolds: 0 });
  });
});
