/**
 * Time to audit N trades (default 1 000) on the in-process chain: N real trades (each with its own
 * Groth16 proof, alternating small BUYs and SELLs at 2 % either side of the moving average), then
 * `runAudit` over them as `zkagent audit` runs it — every proof re-verified, every window read
 * back from the feed, the history analysed — timed, with the load average; then the same audit
 * replayed from its checkpoint, and the HTML report rendered. Not part of `pnpm bench` (making
 * the trades takes minutes); run it by hand:
 *
 *   ./node_modules/.bin/hardhat run bench/audit-scale.ts        (ZKAGENT_AUDIT_TRADES=N to change N)
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";

import { auditJson, renderAuditHtml, requestsToEip1193, runAudit } from "@zkagent/agent";
import { Action, terminateSnarkjs } from "@zkagent/circuits";
import { pushPrice } from "@zkagent/contracts/world";

import { closeSharedProver, proveTrade, sharedProver } from "../test/helpers/prove-trade.ts";
import { PRICE_3000, TEST_POLICY, deployTraderWorld } from "../test/helpers/trader-fixture.ts";

const TRADES = Number(process.env.ZKAGENT_AUDIT_TRADES ?? 1_000);
const SIZE = 10n ** 16n; // 0.01 ETH: the pool hardly moves, so it can stay where it is

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const tw = await deployTraderWorld(ethers, networkHelpers);
// The pool stays at 3 000 while the oracle swings 2 % either way: a 3 % slippage bound lets the
// trades fill without moving the pool before each (the proof does not cover the bound).
await tw.trader.setPolicy({ ...TEST_POLICY, maxSlippageBps: 300n });
const traderAddress = await tw.trader.getAddress();
const backend = (await sharedProver()).backend.name;

const made = performance.now();
for (let i = 0; i < TRADES; i++) {
  // The vault's limits count trades per day: a day passes every 400 trades.
  if (i > 0 && i % 400 === 0) await networkHelpers.time.increase(86_400);
  const buy = i % 2 === 0;
  await pushPrice(tw.world.priceFeed, (PRICE_3000 * (buy ? 98n : 102n)) / 100n);
  const proof = await proveTrade(tw, tw.agent, { action: buy ? Action.BUY : Action.SELL, size: SIZE });
  await tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
  if ((i + 1) % 100 === 0) {
    process.stderr.write(`${i + 1} trades made (${((performance.now() - made) / 1000).toFixed(0)} s)\n`);
  }
}
await closeSharedProver();
const makeSeconds = (performance.now() - made) / 1000;

const dir = mkdtempSync(join(tmpdir(), "zkagent-audit-scale-"));
const checkpointPath = join(dir, "checkpoint.jsonl");
const request = requestsToEip1193(connection.provider);
const loadBefore = loadavg();
const started = performance.now();
const outcome = await runAudit({ request, chainId: 31_337n, traderAddress, checkpointPath });
const auditSeconds = (performance.now() - started) / 1000;
const loadAfter = loadavg();

const replayStarted = performance.now();
const replayed = await runAudit({ request, chainId: 31_337n, traderAddress, checkpointPath });
const replaySeconds = (performance.now() - replayStarted) / 1000;

const htmlStarted = performance.now();
const html = renderAuditHtml(outcome);
const htmlMs = performance.now() - htmlStarted;
const json = JSON.stringify(auditJson(outcome), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
writeFileSync(join(dir, "audit.html"), html);
writeFileSync(join(dir, "audit.json"), json);

const result = {
  trades: outcome.report.trades.length,
  failing: outcome.report.trades.filter((t) => !t.verified).length,
  findings: outcome.history.length,
  blocks: outcome.report.toBlock - outcome.report.fromBlock + 1,
  proverBackend: backend,
  makeTradesSeconds: Math.round(makeSeconds),
  auditSeconds: Number(auditSeconds.toFixed(1)),
  msPerTrade: Math.round((auditSeconds * 1000) / outcome.report.trades.length),
  requests: outcome.answers.fromNode + outcome.answers.reused,
  answeredByNode: outcome.answers.fromNode,
  replayFromCheckpointSeconds: Number(replaySeconds.toFixed(1)),
  replayAnsweredByNode: replayed.answers.fromNode,
  checkpointMb: Number((statSync(checkpointPath).size / 2 ** 20).toFixed(1)),
  htmlKb: Math.round(html.length / 1024),
  htmlRenderMs: Math.round(htmlMs),
  jsonKb: Math.round(json.length / 1024),
  loadAverage1m: { before: Number(loadBefore[0]!.toFixed(2)), after: Number(loadAfter[0]!.toFixed(2)) },
  cpus: cpus().length,
  output: dir,
};
console.log(JSON.stringify(result, null, 2));
// The verifier's worker threads would keep the process alive.
await terminateSnarkjs();
