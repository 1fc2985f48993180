/**
 * Selective disclosure's figures, on the in-process chain: the size of a sealed decision record,
 * the time to seal one, and the time to audit N trades that committed records (the disclosure
 * audit: fetch, hash, decrypt, check against calldata and the feed's rounds; and the trade audit
 * beside it, which re-verifies each proof), extrapolated to 1 000 trades.
 *
 *   pnpm tsx scripts/disclosure/measure.ts [--trades 40]
 *
 * Trades alternate a BUY at 2 % under 3 000 USD and a SELL at 2 % over (a tenth of the cap each),
 * each with a record sealed to two auditors. Prints one JSON object.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { network } from "hardhat";

import {
  auditRecords,
  auditTrades,
  chainlinkFeed,
  decisionRecordOf,
  LocalRecordStore,
  newAuditorKey,
  openRecord,
  parseViewKeyFile,
  readFeedWindow,
  recordMismatches,
  sealRecord,
  type AuditorKey,
  type CommittedTrade,
  type DecisionTrace,
} from "@zkagent/agent";
import { Action, terminateSnarkjs, unpackPublicValues, WINDOW_SIZE } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { closeSharedProver, proveTrade } from "../../test/helpers/prove-trade.ts";
import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY, deployTraderWorld } from "../../test/helpers/trader-fixture.ts";

const { values: flags } = parseArgs({ options: { trades: { type: "string", default: "40" } } });
const trades = Number(flags.trades);

const { ethers, networkHelpers } = await network.create();
const tw = await deployTraderWorld(ethers, networkHelpers);
const traderAddress = await tw.trader.getAddress();
const chainId = (await ethers.provider.getNetwork()).chainId;
const feed = chainlinkFeed(await tw.world.priceFeed.getAddress(), ethers.provider);
const acme = await newAuditorKey("acme");
const bcorp = await newAuditorKey("bcorp");
const auditors: AuditorKey[] = [
  { id: acme.id, recipient: acme.recipient, revoked: false },
  { id: bcorp.id, recipient: bcorp.recipient, revoked: false },
];
const store = new LocalRecordStore(mkdtempSync(join(tmpdir(), "zkagent-measure-records-")));

const size = TEST_POLICY.maxPosition / 10n;
const sizes: number[] = [];
const sealMs: number[] = [];
let position = 0n;
let sampleTrace: DecisionTrace | undefined;
for (let i = 0; i < trades; i++) {
  const buy = i % 2 === 0;
  const price = (PRICE_3000 * (buy ? 98n : 102n)) / 100n;
  await pushPrice(tw.world.priceFeed, price);
  await movePoolToPrice(tw.world, tw.stranger, price);
  const action = buy ? Action.BUY : Action.SELL;
  const proof = await proveTrade(tw, tw.agent, { action, size });
  const trace: DecisionTrace = {
    kind: "trade",
    chainId,
    trader: traderAddress,
    agent: tw.agent.address,
    traderNonce: BigInt(i),
    mode: "llm",
    window: await readFeedWindow(feed, WINDOW_SIZE),
    policy: { maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
    position,
    // A realistic prompt: the window as the agent's prompt lists it.
    llm: {
      prompt: `You are a trading agent. Prices (oldest first): ${proof.request.prices.join(", ")}. Position ${position}, cap ${TEST_POLICY.maxPosition}, band 1 %. Answer with JSON.`,
      output: JSON.stringify({ action: buy ? "BUY" : "SELL", sizePct: 10, confidence: 0.7 }),
    },
    model: { kind: "attested", hash: TEST_MODEL_HASH },
    decision: { action, size, verdict: "compliant" },
    proof,
    timingsMs: { data: 20, inference: 300, precheck: 1, witness: 60, prove: 400 },
  };
  sampleTrace ??= trace;
  const started = performance.now();
  const { envelope, recordHash } = await sealRecord(decisionRecordOf(trace, ["acme", "bcorp"]), auditors);
  await store.put(envelope);
  sealMs.push(performance.now() - started);
  sizes.push(envelope.length);
  await tw.trader
    .connect(tw.agent)
    .executeTradeWithRecord(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n, recordHash);
  position += buy ? size : -size;
}
await closeSharedProver();

const viewKeys = parseViewKeyFile(acme.file);
let started = performance.now();
const recordAudit = await auditRecords({ provider: ethers.provider, traderAddress, store, viewKeys });
const recordAuditMs = performance.now() - started;
started = performance.now();
const tradeAudit = await auditTrades({ provider: ethers.provider, traderAddress });
const tradeAuditMs = performance.now() - started;
await terminateSnarkjs();

// The record audit's own work without the chain: open and check 1 000 records.
const { envelope } = await sealRecord(decisionRecordOf(sampleTrace!, ["acme", "bcorp"]), auditors);
const committed: CommittedTrade = {
  chainId,
  trader: traderAddress,
  agent: tw.agent.address,
  nonce: 0n,
  modelKind: 0n,
  publicSignals: sampleTrace!.proof!.publicSignals,
  values: unpackPublicValues(sampleTrace!.proof!.publicSignals),
  proof: sampleTrace!.proof!.solidityProof,
};
started = performance.now();
for (let i = 0; i < 1_000; i++) recordMismatches(await openRecord(envelope, viewKeys), committed);
const offline1000Ms = performance.now() - started;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  JSON.stringify(
    {
      trades,
      findings: recordAudit.findings.length,
      tradeAuditFailures: tradeAudit.failures,
      recordBytes: { mean: Math.round(mean(sizes)), min: Math.min(...sizes), max: Math.max(...sizes), auditors: 2 },
      sealAndStoreMs: Number(mean(sealMs).toFixed(2)),
      recordAudit: {
        totalMs: Math.round(recordAuditMs),
        perTradeMs: Number((recordAuditMs / trades).toFixed(1)),
        per1000TradesS: Number((((recordAuditMs / trades) * 1000) / 1000).toFixed(1)),
      },
      tradeAudit: {
        totalMs: Math.round(tradeAuditMs),
        perTradeMs: Number((tradeAuditMs / trades).toFixed(1)),
        per1000TradesS: Number((((tradeAuditMs / trades) * 1000) / 1000).toFixed(1)),
      },
      openAndCheck1000RecordsOfflineMs: Math.round(offline1000Ms),
    },
    null,
    2,
  ),
);
