/**
 * Kill -9 at random points: runs the real `zkagent run` CLI against a local `hardhat node` while
 * new oracle rounds arrive, kills it with SIGKILL after a random 1.5–6 s (during start-up,
 * inference, proving, signing, broadcasting or waiting for a receipt), restarts it, and repeats
 * until the journal holds at least `--cycles` cycles. Then one clean `once` reconciles, and the
 * books are compared: trades on chain = trades journaled as executed = nonce advances, with
 * at most one execution per nonce. The policy band is narrow (20 bps) and the market volatile so
 * that trades do happen; a run with no trade fails. Prints and writes scripts/chaos/kill-loop-report.json.
 *
 *   tsx scripts/chaos/kill-loop.ts [--cycles 200] [--seed 3]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { ensureTinyModel, Journal, journalPath, modelHashOf } from "@zkagent/agent";
import { seededRandom } from "@zkagent/circuits";
import {
  deployWorld,
  deployZkagent,
  hardhatWallet,
  marketOf,
  movePoolToPrice,
  pushPrice,
  pushPrices,
} from "@zkagent/contracts/world";
import { JsonRpcProvider, parseEther, parseUnits } from "ethers";

import { meanRevertingPath } from "../demo/price-path.ts";
import { startHardhatNode } from "../lib/hardhat-node.ts";

const { values } = parseArgs({
  options: { cycles: { type: "string", default: "200" }, seed: { type: "string", default: "3" } },
});
const targetCycles = Number(values.cycles);
const random = seededRandom(Number(values.seed));
const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");
const AGENT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // Hardhat dev key #1
const POLICY = {
  maxPosition: parseEther("2"),
  thresholdBps: 20n,
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};

const node = await startHardhatNode();
const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
provider.pollingInterval = 250;
try {
  const owner = hardhatWallet(0, provider);
  const agentAddress = hardhatWallet(1, provider).address;
  const world = await deployWorld(owner);
  const { registry, trader } = await deployZkagent(owner, await marketOf(world), POLICY, {
    owner: owner.address,
    governor: owner.address,
  });
  const traderAddress = await trader.getAddress();
  const dataDir = mkdtempSync(join(tmpdir(), "zkagent-chaos-"));
  const modelHash = await modelHashOf(ensureTinyModel(dataDir));
  await (await registry.register(modelHash, "tiny", "1", "zkagent://tiny")).wait();
  await (await registry.approve(modelHash)).wait();
  await (await trader.setAgentAuthorization(agentAddress, true)).wait();
  await (await world.weth.deposit({ value: parseEther("2") })).wait();
  await (await world.weth.approve(traderAddress, parseEther("2"))).wait();
  await (await trader.deposit(await world.weth.getAddress(), parseEther("2"))).wait();
  await (await world.usdc.mint(owner.address, parseUnits("100000", 6))).wait();
  await (await world.usdc.approve(traderAddress, parseUnits("100000", 6))).wait();
  await (await trader.deposit(await world.usdc.getAddress(), parseUnits("100000", 6))).wait();
  await provider.send("evm_increaseTime", [3601]);
  const path = meanRevertingPath({ seed: Number(values.seed), length: 29 + 5_000, volatility: 0.03, reversion: 0.35 });
  await pushPrices(world.priceFeed, path.slice(0, 29));
  const configPath = join(dataDir, "agent.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      rpcUrl: node.url,
      chainId: 31337,
      traderAddress,
      dataDir,
      temperature: 1,
      seed: 1,
      intervalSeconds: 0.1,
      rpcRetries: 3,
    }),
  );
  const journalFile = journalPath(dataDir, 31337n, traderAddress, agentAddress);
  const env = { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY };

  // The market: a new round and an arbitrage every ~300 ms, until stopped.
  let marketRunning = true;
  let tick = 29;
  const arbitrageur = hardhatWallet(2, provider);
  const market = (async () => {
    while (marketRunning) {
      const price = path[tick++ % path.length]!;
      await pushPrice(world.priceFeed, price);
      await movePoolToPrice(world, arbitrageur, price);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();

  const cyclesSoFar = () => {
    const journal = Journal.open(journalFile);
    const records = journal.records();
    journal.close();
    return { cycles: records.filter((r) => r.kind === "cycle").length, torn: journal.repairedTornLine };
  };

  let kills = 0;
  let tornLines = 0;
  for (let cycles = 0; cycles < targetCycles;) {
    const child = spawn(process.execPath, [CLI, "run", "--config", configPath, "--json"], { env, stdio: "ignore" });
    const delay = 1_500 + random() * 4_500;
    await new Promise((r) => setTimeout(r, delay));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    kills++;
    const seen = cyclesSoFar();
    if (seen.torn) tornLines++;
    cycles = seen.cycles;
    process.stdout.write(`\rkills ${kills}, cycles ${cycles}/${targetCycles}   `);
  }
  marketRunning = false;
  await market;

  // One clean start reconciles whatever the last kill left behind.
  const last = spawnSync(process.execPath, [CLI, "once", "--config", configPath], {
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (last.status !== 0) throw new Error(`final reconcile failed: ${last.stderr}`);

  const journal = Journal.open(journalFile);
  const records = journal.records();
  journal.close();
  const executedNonces = records
    .filter((r) => r.kind === "confirmed" && r.status === "executed")
    .map((r) => (r as { traderNonce: string }).traderNonce);
  const events = await trader.queryFilter(trader.filters.TradeExecuted(agentAddress));
  const nonce = await trader.nonceOf(agentAddress);
  const report = {
    kills,
    tornLinesRepaired: tornLines,
    cycles: records.filter((r) => r.kind === "cycle").length,
    refusedByPolicy: records.filter((r) => r.kind === "cycle" && r.verdict === "refused").length,
    signed: records.filter((r) => r.kind === "signed").length,
    abandoned: records.filter((r) => r.kind === "abandoned").length,
    tradesOnChain: events.length,
    tradesJournaled: executedNonces.length,
    nonceAdvances: Number(nonce),
    noNonceExecutedTwice:
      new Set(executedNonces).size === executedNonces.length &&
      new Set(events.map((e) => e.args.nonce)).size === events.length,
  };
  const consistent =
    report.tradesOnChain === report.tradesJournaled &&
    report.tradesJournaled === report.nonceAdvances &&
    report.noNonceExecutedTwice;
  console.log(`\n${JSON.stringify({ ...report, consistent }, null, 2)}`);
  writeFileSync(
    join(import.meta.dirname, "kill-loop-report.json"),
    `${JSON.stringify({ date: new Date().toISOString(), ...report, consistent }, null, 2)}\n`,
  );
  // Agreeing books prove nothing if nothing traded.
  process.exitCode = consistent && report.tradesOnChain > 0 ? 0 : 1;
} finally {
  provider.destroy();
  await node.stop();
}
