/**
 * `zkagent once --dry-run` (#20, "The report and the CLI"): one real cycle up to the signed
 * transaction, which is printed and never sent. The dry run leaves the trader nonce, the account
 * nonce, the vault's funds, the chain and the journal as they were; the next real `once` sends
 * the trade it showed. The CLI runs as a child process against a `hardhat node`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { parseEther } from "ethers";

import { JournalView, journalPath } from "@zkagent/agent";
import { modelCommitment } from "@zkagent/circuits";
import { hardhatWallet, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { AGENT_KEY, deployAgentWorld, type AgentWorld } from "../../scripts/lib/agent-world.ts";
import { startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";
import { meanReversionModel } from "../helpers/models.ts";

const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");
const SHIPPED_MODEL = join(import.meta.dirname, "../../packages/agent/models/decision-model-v1.json");
const PRICE = 3_000n * 10n ** 8n;

function zkagent(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: "utf8", env: { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY }, timeout: 300_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A proven-model file holding the hand-made mean-reversion model (BUY half the room under the average). */
function writeMeanReversionModel(dir: string): { path: string; commitment: bigint } {
  const model = meanReversionModel();
  const commitment = modelCommitment(model);
  const file = JSON.parse(readFileSync(SHIPPED_MODEL, "utf8")) as Record<string, unknown>;
  const numbers = (rows: bigint[] | bigint[][]): unknown =>
    rows.map((row) => (Array.isArray(row) ? row.map(Number) : Number(row)));
  file.weights = { w1: numbers(model.w1), b1: numbers(model.b1), w2: numbers(model.w2), b2: numbers(model.b2) };
  file.commitment = { decimal: commitment.toString(), hex: `0x${commitment.toString(16).padStart(64, "0")}` };
  const path = join(dir, "mean-reversion.json");
  writeFileSync(path, JSON.stringify(file));
  return { path, commitment };
}

describe("zkagent once --dry-run", function () {
  this.timeout(600_000);
  let node: HardhatNode;
  let aw: AgentWorld;
  let config: string;

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
      vaultUsdc: "10000",
      prices: Array<bigint>(29).fill(PRICE),
    });
    const dir = mkdtempSync(join(tmpdir(), "zkagent-dry-run-test-"));
    const model = writeMeanReversionModel(dir);
    await (
      await aw.registry.registerProven(model.commitment, "mean reversion (hand-made)", "1", "test://model")
    ).wait();
    await (await aw.registry.approve(model.commitment)).wait();
    config = join(dir, "agent.json");
    writeFileSync(
      config,
      JSON.stringify({
        rpcUrl: node.url,
        chainId: 31337,
        traderAddress: aw.traderAddress,
        dataDir: aw.dataDir,
        mode: "model",
        decisionModelPath: model.path,
      }),
    );
  });

  after(async () => {
    aw?.provider.destroy();
    await node?.stop();
  });

  /** What a dry run must not change. */
  const snapshot = async () => {
    const journalFile = journalPath(aw.dataDir, 31337n, aw.traderAddress, aw.agentAddress);
    const view = JournalView.openReadOnly(journalFile);
    const records = view?.records().length ?? 0;
    view?.close();
    return {
      block: await aw.provider.getBlockNumber(),
      traderNonce: await aw.trader.nonceOf(aw.agentAddress),
      accountNonce: await aw.provider.getTransactionCount(aw.agentAddress, "pending"),
      position: await aw.trader.positionOf(aw.agentAddress),
      vaultWeth: await aw.world.weth.balanceOf(aw.traderAddress),
      vaultUsdc: await aw.world.usdc.balanceOf(aw.traderAddress),
      journalRecords: records,
      journalBytes: readFileSync(journalFile).toString("base64"),
    };
  };

  it("a HOLD: says nothing would be sent, and why", async () => {
    await pushPrice(aw.world.priceFeed, PRICE); // the 30th round, at the average: HOLD
    const first = await zkagent("once", "--config", config); // the agent's journal now exists
    expect(first.status, first.stderr).to.equal(0);
    const before = await snapshot();
    const result = await zkagent("once", "--config", config, "--dry-run", "--json");
    expect(result.status, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).to.deep.include({ dryRun: true, wouldSend: null, why: "verdict hold" });
    expect(await snapshot()).to.deep.equal(before);
  });

  it("a compliant BUY: proven, simulated and signed, printed, not sent; nonces, funds, chain and journal unchanged", async () => {
    const below = (PRICE * 98n) / 100n;
    await movePoolToPrice(aw.world, hardhatWallet(2, aw.provider), below);
    await pushPrice(aw.world.priceFeed, below);
    const before = await snapshot();

    const result = await zkagent("once", "--config", config, "--dry-run", "--json");

    expect(result.status, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as {
      wouldSend: { to: string; from: string; function: string; nonce: number; args: { publicSignals: string[] } };
      cycle: { verdict: string };
    };
    expect(report.cycle.verdict).to.equal("compliant");
    expect(report.wouldSend).to.deep.include({
      to: aw.traderAddress,
      from: aw.agentAddress,
      function: "executeTrade",
      nonce: before.accountNonce,
    });
    expect(await snapshot()).to.deep.equal(before);

    // The next real cycle sends what the dry run showed.
    const real = await zkagent("once", "--config", config, "--json");
    expect(real.status, real.stderr).to.equal(0);
    const [executed] = await aw.trader.queryFilter(aw.trader.filters.TradeExecuted(aw.agentAddress));
    const tx = await aw.provider.getTransaction(executed!.transactionHash);
    const sent = aw.trader.interface.parseTransaction({ data: tx!.data })!;
    expect(sent.name).to.equal("executeTrade");
    expect(sent.args.publicSignals.map(String)).to.deep.equal(report.wouldSend.args.publicSignals);
    expect(tx!.nonce).to.equal(report.wouldSend.nonce);
  });
});
