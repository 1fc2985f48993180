/**
 * `zkagent run` with its metrics endpoint on, against a `hardhat node` (#20): /metrics and
 * /healthz answer while it runs, `zkagent health --config` exits 0, and SIGTERM stops the loop
 * after its cycle and closes the port.
 */
import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { parseEther } from "ethers";

import { AGENT_KEY, deployAgentWorld, type AgentWorld } from "../../scripts/lib/agent-world.ts";
import { freePort, startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";

const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");
const env = { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY };

describe("zkagent run with its metrics endpoint", function () {
  this.timeout(600_000);
  let node: HardhatNode;
  let aw: AgentWorld;

  before(async () => {
    node = await startHardhatNode();
    aw = await deployAgentWorld(node.url, {
      policy: {
        maxPosition: parseEther("1"),
        thresholdBps: 100n,
        maxSlippageBps: 100n,
        maxOracleAge: 3600n,
        poolFee: 3000n,
      },
      vaultWeth: "1",
      vaultUsdc: "1000",
      prices: Array<bigint>(30).fill(3_000n * 10n ** 8n),
    });
  });

  after(async () => {
    aw?.provider.destroy();
    await node?.stop();
  });

  it("serves /metrics and /healthz while it runs; zkagent health exits 0; SIGTERM closes it", async () => {
    const port = await freePort();
    const config = join(aw.dataDir, "agent.json");
    writeFileSync(
      config,
      JSON.stringify({
        rpcUrl: node.url,
        chainId: 31337,
        traderAddress: aw.traderAddress,
        dataDir: aw.dataDir,
        intervalSeconds: 0.5,
        metrics: { port },
      }),
    );
    const run = spawn(process.execPath, [CLI, "run", "--config", config, "--json"], { env, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => run.once("exit", (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      let health: { status: string; lastCycle: { verdict: string } | null } | undefined;
      for (let i = 0; i < 240 && !health?.lastCycle; i++) {
        await new Promise((r) => setTimeout(r, 500));
        health = await fetch(`${base}/healthz`).then(
          (r) => r.json() as Promise<typeof health>,
          () => undefined,
        );
      }
      expect(health).to.deep.include({ status: "ok" });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).to.include(`agent="${aw.agentAddress}"`);
      expect(metrics).to.match(/^zkagent_cycles_total\{verdict="\w+"\} 1$/m);
      expect(metrics).to.match(/^zkagent_last_poll_timestamp_seconds \d/m);

      const check = await new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [CLI, "health", "--config", config], { encoding: "utf8" }, (error, stdout) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
        ),
      );
      expect(check.code, check.stdout).to.equal(0);
      expect(check.stdout).to.match(/^healthy \(ok\): last poll \d+ s ago/);
    } finally {
      run.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
    const after = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => "answered",
      () => "closed",
    );
    expect(after).to.equal("closed");
  });
});
