/**
 * README command 1's demo: an in-process Hardhat chain with the real Uniswap V3 world, the
 * generated verifier, ModelRegistry and DecentralizedTrader; the bundled tiny model registered;
 * one agent authorised; then a seeded mean-reverting price path, one real agent cycle per tick.
 * Prints a per-tick table and a summary; writes an HTML report and the figures as JSON.
 *
 *   pnpm demo [--ticks 60] [--seed 7] [--model file.gguf] [--temperature 1] [--out demo-output]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { Agent, ensureTinyModel, memoryLogger, modelHashOf, type CycleReport } from "@zkagent/agent";
import {
  deployWorld,
  deployZkagent,
  hardhatWallet,
  marketOf,
  movePoolToPrice,
  pushPrices,
  pushPrice,
} from "@zkagent/contracts/world";
import { formatEther, formatUnits, parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import { meanRevertingPath } from "./price-path.ts";
import { renderReport, type DemoSummary, type TickRow } from "./report-html.ts";

const { values } = parseArgs({
  options: {
    ticks: { type: "string", default: "60" },
    seed: { type: "string", default: "7" },
    model: { type: "string" },
    temperature: { type: "string", default: "1" },
    threads: { type: "string" },
    out: { type: "string", default: "demo-output" },
  },
});
const ticks = Number(values.ticks);
const seed = Number(values.seed);
const temperature = Number(values.temperature);
if (!Number.isInteger(ticks) || ticks < 1 || ticks > 10_000) throw new Error("--ticks must be an integer in 1..10000");
if (!Number.isInteger(seed) || seed < 0) throw new Error("--seed must be a non-negative integer");

const WINDOW = 30;
const POLICY = {
  maxPosition: parseEther("2"),
  thresholdBps: 100n, // trade only beyond ±1 % of the 30-round average
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
const started = performance.now();
const out = resolve(values.out);
const dataDir = join(out, "agent");
rmSync(dataDir, { recursive: true, force: true }); // a new chain every run: never recover a previous run's journal
mkdirSync(dataDir, { recursive: true });

console.log(`zkagent demo: ${ticks} ticks, seed ${seed}, in-process Hardhat chain`);
const { ethers, networkHelpers } = await network.create();
const [deployer, , arbitrageur] = await ethers.getSigners();
const path = meanRevertingPath({ seed, length: WINDOW - 1 + ticks });

const world = await deployWorld(deployer!, { initialPrice: path[0]! });
const { registry, trader } = await deployZkagent(deployer!, await marketOf(world), POLICY, {
  owner: deployer!.address,
  governor: deployer!.address,
});
const traderAddress = await trader.getAddress();
const modelPath = values.model ? resolve(values.model) : ensureTinyModel(dataDir);
const modelHash = await modelHashOf(modelPath);
await registry.register(
  modelHash,
  values.model ? "operator model" : "zkagent tiny stand-in",
  "1",
  `file://${modelPath}`,
);
await registry.approve(modelHash);
const agentWallet = hardhatWallet(1, ethers.provider);
await trader.setAgentAuthorization(agentWallet.address, true);

// The vault: 1 WETH and 10 000 USDC of the owner's.
const startWeth = parseEther("1");
const startUsdc = parseUnits("10000", 6);
await world.weth.deposit({ value: startWeth });
await world.weth.approve(traderAddress, startWeth);
await trader.deposit(await world.weth.getAddress(), startWeth);
await world.usdc.mint(deployer!.address, startUsdc);
await world.usdc.approve(traderAddress, startUsdc);
await trader.deposit(await world.usdc.getAddress(), startUsdc);
await networkHelpers.time.increase(3601); // the (mock) L2 sequencer has been up past its grace period
await pushPrices(world.priceFeed, path.slice(1, WINDOW - 1)); // the first window's history
console.log(
  `deployed: trader ${traderAddress}, model ${modelPath} (modelHash 0x${modelHash.toString(16).slice(0, 12)}…)`,
);

const log = memoryLogger();
const agent = await Agent.start({
  wallet: agentWallet,
  traderAddress,
  chainId: (await ethers.provider.getNetwork()).chainId,
  dataDir,
  modelPath,
  temperature,
  seed,
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  log,
});

const usd = (p: bigint) => Number(p) / 1e8;
const header = ["tick", "price", "MA", "band", "signal", "pre-check", "proof ms", "gas", "tx"];
const widths = [4, 9, 9, 19, 11, 22, 8, 7, 12];
const row = (cells: string[]) =>
  cells.map((c, i) => (i >= 4 && i <= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
console.log(`\n${row(header)}\n${"-".repeat(row(header).length)}`);

const rows: TickRow[] = [];
for (let tick = 0; tick < ticks; tick++) {
  const price = path[WINDOW - 1 + tick]!;
  await pushPrice(world.priceFeed, price);
  await movePoolToPrice(world, arbitrageur!, price);
  const result = await agent.tick(tick);
  if ("skipped" in result) throw new Error(`tick ${tick} skipped: ${result.skipped}`);
  const r: CycleReport = result;
  const verdict = r.verdict === "refused" ? `refused ${r.rule}` : r.outcome === "reverted" ? `reverted` : r.verdict;
  const signal = r.action
    ? `${r.action}${r.signal && r.action !== "HOLD" ? ` ${r.signal.sizePct}%` : ""}`
    : "malformed";
  console.log(
    row([
      String(tick),
      usd(r.latestPrice).toFixed(2),
      usd(r.movingAverage).toFixed(2),
      `${usd(r.lowerBand).toFixed(0)}–${usd(r.upperBand).toFixed(0)}`,
      signal,
      verdict,
      r.timingsMs.prove ? r.timingsMs.prove.toFixed(0) : "",
      r.gasUsed ? String(r.gasUsed) : "",
      r.txHash ? `${r.txHash.slice(0, 10)}…` : "",
    ]),
  );
  rows.push({
    tick,
    price: usd(r.latestPrice),
    movingAverage: usd(r.movingAverage),
    lower: usd(r.lowerBand),
    upper: usd(r.upperBand),
    action: r.action ?? "—",
    verdict: r.verdict,
    ...(r.rule ? { rule: r.rule } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    positionEth: Number(formatEther(r.positionAfter ?? r.position)),
    ...(r.gasUsed ? { gasUsed: Number(r.gasUsed) } : {}),
    ...(r.txHash ? { txHash: r.txHash } : {}),
    timingsMs: r.timingsMs,
  });
}
await agent.close();

const finalPrice = usd(path.at(-1)!);
const vaultWeth = Number(formatEther(await world.weth.balanceOf(traderAddress)));
const vaultUsdc = Number(formatUnits(await world.usdc.balanceOf(traderAddress), 6));
const executed = rows.filter((r) => r.outcome === "executed");
const proved = rows.filter((r) => r.timingsMs.prove !== undefined);
const refusedByRule: Record<string, number> = {};
for (const r of rows) if (r.verdict === "refused") refusedByRule[r.rule!] = (refusedByRule[r.rule!] ?? 0) + 1;
const totalGas = executed.reduce((s, r) => s + (r.gasUsed ?? 0), 0);
const summary: DemoSummary = {
  ticks,
  seed,
  model: values.model ? modelPath : "bundled tiny stand-in (seeded weights)",
  modelHash: `0x${modelHash.toString(16)}`,
  executed: {
    buy: executed.filter((r) => r.action === "BUY").length,
    sell: executed.filter((r) => r.action === "SELL").length,
  },
  refusedByRule,
  holds: rows.filter((r) => r.verdict === "hold").length,
  revertedOnChain: rows.filter((r) => r.outcome === "reverted").length,
  finalPositionEth: Number(formatEther(await trader.positionOf(agentWallet.address))),
  vaultValueUsd: vaultWeth * finalPrice + vaultUsdc,
  buyAndHoldUsd: Number(formatEther(startWeth)) * finalPrice + Number(formatUnits(startUsdc, 6)),
  startValueUsd: Number(formatEther(startWeth)) * usd(path[WINDOW - 1]!) + Number(formatUnits(startUsdc, 6)),
  totalGas,
  meanGas: executed.length ? totalGas / executed.length : 0,
  meanProofMs: proved.length
    ? proved.reduce((s, r) => s + (r.timingsMs.prove ?? 0) + (r.timingsMs.witness ?? 0), 0) / proved.length
    : 0,
  meanInferenceMs: rows.reduce((s, r) => s + (r.timingsMs.inference ?? 0), 0) / rows.length,
  wallSeconds: (performance.now() - started) / 1000,
};

const refusedText =
  Object.entries(refusedByRule)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(", ") || "none";
console.log(`
summary
  trades executed        ${summary.executed.buy + summary.executed.sell} (${summary.executed.buy} BUY, ${summary.executed.sell} SELL), ${summary.revertedOnChain} reverted on-chain
  refused by the policy  ${Object.values(refusedByRule).reduce((a, b) => a + b, 0)} (${refusedText}); ${summary.holds} HOLD
  position               ${summary.finalPositionEth.toFixed(4)} ETH (cap ${formatEther(POLICY.maxPosition)} ETH)
  vault value            ${summary.vaultValueUsd.toFixed(2)} USD vs ${summary.buyAndHoldUsd.toFixed(2)} USD holding the initial vault
  gas                    ${totalGas} total, ${summary.meanGas.toFixed(0)} mean per trade
  proof (witness+prove)  ${summary.meanProofMs.toFixed(0)} ms mean over ${proved.length} proofs; inference ${summary.meanInferenceMs.toFixed(1)} ms mean
  wall time              ${summary.wallSeconds.toFixed(1)} s`);

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "report.html"), renderReport(rows, summary, Number(formatEther(POLICY.maxPosition))));
writeFileSync(join(out, "summary.json"), `${JSON.stringify({ summary, rows }, null, 2)}\n`);
console.log(`\nreport: ${join(out, "report.html")}\nfigures: ${join(out, "summary.json")}`);
