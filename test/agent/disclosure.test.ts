import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import {
  auditRecords,
  auditTrades,
  chainlinkFeed,
  decisionRecordOf,
  LocalRecordStore,
  newAuditorKey,
  parseViewKeyFile,
  readFeedWindow,
  sealRecord,
  type AuditorKey,
  type CycleReport,
  type DecisionRecord,
  type DecisionTrace,
  type NewAuditorKey,
  type RecordAudit,
  type RecordStore,
  RecordStoreError,
} from "@zkagent/agent";
import { Action, WINDOW_SIZE } from "@zkagent/circuits";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { deployProvenWorld } from "../helpers/models.ts";
import { closeSharedProver, proveTrade, type TradeProof } from "../helpers/prove-trade.ts";
import { TEST_MODEL_HASH, TEST_POLICY, type TraderWorld } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

const provenWorld = () => deployProvenWorld(ethers, networkHelpers);
const keyOf = (key: NewAuditorKey, revoked = false): AuditorKey => ({ id: key.id, recipient: key.recipient, revoked });
const kinds = (audit: RecordAudit) => audit.findings.map((f) => f.kind);

/**
 * The trace of a policy-proven BUY (attested model, mode "llm") whose LLM output gives exactly
 * the proven trade: the record an honest agent would write for `proof`.
 */
async function honestTrace(tw: TraderWorld, proof: TradeProof): Promise<DecisionTrace> {
  const window = await readFeedWindow(
    chainlinkFeed(await tw.world.priceFeed.getAddress(), ethers.provider),
    WINDOW_SIZE,
  );
  return {
    kind: "trade",
    chainId: (await ethers.provider.getNetwork()).chainId,
    trader: await tw.trader.getAddress(),
    agent: tw.agent.address,
    traderNonce: await tw.trader.nonceOf(tw.agent.address),
    mode: "llm",
    window,
    policy: { maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
    position: 0n,
    llm: { prompt: "the market…", output: '{"action":"BUY","sizePct":50,"confidence":0.8}' },
    model: { kind: "attested", hash: TEST_MODEL_HASH },
    decision: { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n, verdict: "compliant" },
    proof,
    timingsMs: { prove: 400 },
  };
}

describe("selective disclosure on chain: records committed with trades, audited with view keys", function () {
  this.timeout(300_000);
  after(closeSharedProver);

  let acme: NewAuditorKey;
  let bcorp: NewAuditorKey;
  let retired: NewAuditorKey;
  before(async () => {
    [acme, bcorp, retired] = await Promise.all([
      newAuditorKey("acme"),
      newAuditorKey("bcorp"),
      newAuditorKey("acme-2026q3"),
    ]);
  });

  it("an agent with disclosure on commits its sealed record with the trade; each auditor's view key finds it faithful; a revoked key cannot read it", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const { dataDir } = await prepareAgentData(tw);
    const store = new LocalRecordStore(join(dataDir, "records"));
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      mode: "llm+model",
      decisionModel: model,
      disclosure: { auditors: [keyOf(retired, true), keyOf(acme), keyOf(bcorp)], store },
    });
    let report: CycleReport;
    try {
      report = (await agent.tick(0)) as CycleReport;
    } finally {
      await agent.close();
    }
    expect(report.outcome).to.equal("executed");
    const [commitment] = await tw.trader.queryFilter(tw.trader.filters.DecisionRecordCommitted(tw.agent.address));
    expect(commitment!.args.recordHash).to.equal(report.recordHash);
    expect(commitment!.args.nonce).to.equal(0n);
    expect(await store.list()).to.deep.equal([report.recordHash]);

    const traderAddress = await tw.trader.getAddress();
    for (const key of [acme, bcorp]) {
      const audit = await auditRecords({
        provider: ethers.provider,
        traderAddress,
        store,
        viewKeys: parseViewKeyFile(key.file),
      });
      expect(audit.findings).to.deep.equal([]);
      expect(audit.committed).to.equal(1);
      const record = audit.opened[0]!.record;
      expect([record.mode, record.model.kind, record.recipients]).to.deep.equal([
        "llm+model",
        "proven",
        ["acme", "bcorp"],
      ]);
      expect(record.llm?.output).to.be.a("string");
      expect(record.model.features).to.have.length(8);
    }
    const revoked = await auditRecords({
      provider: ethers.provider,
      traderAddress,
      store,
      viewKeys: parseViewKeyFile(retired.file),
    });
    expect(kinds(revoked)).to.deep.equal(["record-unreadable"]);
    // The trade audit re-verifies executeTradeWithRecord's calldata like executeTrade's.
    const trades = await auditTrades({ provider: ethers.provider, traderAddress });
    expect(trades.failures).to.equal(0);
  });

  it("a vault that requires records: an agent without disclosure is refused at start, in one line; with it, it trades", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    await tw.trader.connect(tw.owner).setDecisionRecordsRequired(true);
    const { dataDir } = await prepareAgentData(tw);
    const refused = await startTestAgent(ethers, tw, dataDir, { mode: "model", decisionModel: model }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(refused?.name).to.equal("PreflightError");
    expect(refused?.message).to.match(/requires a decision record with every trade: configure "disclosure"/);
    expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(0n);

    const store = new LocalRecordStore(join(dataDir, "records"));
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      mode: "model",
      decisionModel: model,
      disclosure: { auditors: [keyOf(acme)], store },
    });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      expect(await store.list()).to.deep.equal([report.recordHash]);
    } finally {
      await agent.close();
    }
  });

  it("sends nothing when the record cannot be stored: the tick fails, no proof journaled, the nonce unspent", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const { dataDir } = await prepareAgentData(tw);
    const unreachable: RecordStore = {
      location: "http://records.invalid",
      put: () => Promise.reject(new RecordStoreError("record store http://records.invalid unreachable")),
      get: () => Promise.resolve(undefined),
      list: () => Promise.resolve([]),
    };
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      mode: "model",
      decisionModel: model,
      disclosure: { auditors: [keyOf(acme)], store: unreachable },
    });
    try {
      const error = await agent.tick(0).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.name).to.equal("RecordStoreError");
      expect(agent.journal.records().map((r) => r.kind)).to.deep.equal(["cycle"]);
    } finally {
      await agent.close();
    }
    expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(0n);
  });

  it("refusals are sealed too when the operator opts in, and never committed (for information)", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const { dataDir } = await prepareAgentData(tw);
    const store = new LocalRecordStore(join(dataDir, "records"));
    // The policy turns the model's BUY into HOLD: a threshold no price is below.
    await tw.trader.setPolicy({ ...TEST_POLICY, thresholdBps: 5_000n });
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      mode: "model",
      decisionModel: model,
      disclosure: { auditors: [keyOf(acme)], store, refusals: true },
    });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect([report.action, report.rule]).to.deep.equal(["HOLD", "BAND"]);
      expect(report.recordHash).to.match(/^0x[0-9a-f]{64}$/);
    } finally {
      await agent.close();
    }
    const audit = await auditRecords({
      provider: ethers.provider,
      traderAddress: await tw.trader.getAddress(),
      store,
      viewKeys: parseViewKeyFile(acme.file),
      uncommitted: true,
    });
    expect(kinds(audit)).to.deep.equal(["record-uncommitted"]);
    expect(audit.findings[0]!.severity).to.equal("info");
    expect(audit.opened[0]!.record.decision).to.include({ action: "HOLD", verdict: "refused", rule: "BAND" });
  });

  describe("findings, each on a crafted record committed by a real trade", () => {
    /** A BUY proved over the feed's window; `record` may alter the honest record before it is sealed. */
    async function tradeWithRecord(
      options: {
        alter?: (record: DecisionRecord) => void;
        keys?: AuditorKey[];
        store?: (envelope: Uint8Array, store: LocalRecordStore) => Promise<void>;
      } = {},
    ) {
      const { tw } = await networkHelpers.loadFixture(provenWorld);
      const store = new LocalRecordStore(mkdtempSync(join(tmpdir(), "zkagent-records-")));
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n });
      const record = decisionRecordOf(await honestTrace(tw, proof), ["acme"]);
      options.alter?.(record);
      const { envelope, recordHash } = await sealRecord(record, options.keys ?? [keyOf(acme)]);
      await (options.store ? options.store(envelope, store) : store.put(envelope).then(() => undefined));
      await tw.trader
        .connect(tw.agent)
        .executeTradeWithRecord(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n, recordHash);
      const audit = await auditRecords({
        provider: ethers.provider,
        traderAddress: await tw.trader.getAddress(),
        store,
        viewKeys: parseViewKeyFile(acme.file),
        uncommitted: true,
      });
      return { tw, audit, recordHash, store };
    }

    it("an honest record: no finding", async () => {
      const { audit } = await tradeWithRecord();
      expect(audit.findings).to.deep.equal([]);
      expect(audit.opened).to.have.length(1);
    });

    it("a missing record: the chain commits a hash the store has nothing for", async () => {
      const { audit, recordHash } = await tradeWithRecord({ store: async () => undefined });
      expect(kinds(audit)).to.deep.equal(["record-missing"]);
      expect(audit.findings[0]).to.include({ severity: "high", recordHash });
    });

    it("a tampered record: the stored bytes were changed after the commitment", async () => {
      const { audit } = await tradeWithRecord({
        store: async (envelope, store) => {
          const hash = await store.put(envelope);
          const tampered = Uint8Array.from(envelope);
          tampered[tampered.length - 1]! ^= 1;
          writeFileSync(join(store.location, `${hash.slice(2)}.age`), tampered);
        },
      });
      expect(kinds(audit)).to.deep.equal(["record-tampered"]);
    });

    it("a wrong window: the record's prices are not the proof's commitment nor the feed's rounds", async () => {
      const { audit } = await tradeWithRecord({
        alter: (record) => {
          const first = record.window.rounds[0]!;
          first.answer = (BigInt(first.answer) - 5_00000000n).toString();
        },
      });
      expect([...new Set(kinds(audit))]).to.deep.equal(["record-window-mismatch"]);
      expect(audit.findings.map((f) => f.detail)).to.include("its prices do not open the proof's window commitment");
      expect(audit.findings.some((f) => /the feed \d+ at/.test(f.detail))).to.equal(true);
    });

    it("a record sealed to another auditor's key only: unreadable with this auditor's view key", async () => {
      const { audit } = await tradeWithRecord({ keys: [keyOf(bcorp)] });
      expect(kinds(audit)).to.deep.equal(["record-unreadable"]);
      expect(audit.findings[0]!.severity).to.equal("medium");
    });

    it("a record whose LLM output does not give the proven trade, or that names another model", async () => {
      const { audit } = await tradeWithRecord({
        alter: (record) => {
          record.llm = { prompt: "…", output: '{"action":"HOLD","sizePct":0,"confidence":0.1}' };
          record.model.hash = "1";
        },
      });
      expect(kinds(audit).sort()).to.deep.equal(["record-decision-mismatch", "record-model-mismatch"]);
    });

    it("a store shared with other vaults: their records, readable or not, are not this audit's findings", async () => {
      const { audit } = await tradeWithRecord({
        store: async (envelope, store) => {
          await store.put(envelope);
          const { tw } = await networkHelpers.loadFixture(provenWorld);
          const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n });
          const trace = await honestTrace(tw, proof);
          const otherVault = decisionRecordOf({ ...trace, trader: tw.otherAgent.address }, ["acme"]);
          await store.put((await sealRecord(otherVault, [keyOf(acme)])).envelope);
          await store.put((await sealRecord(otherVault, [keyOf(bcorp)])).envelope);
        },
      });
      expect(audit.findings).to.deep.equal([]);
    });

    it("a store that cannot answer: the committed record is a missing-record finding, not a crash", async () => {
      const { tw, recordHash } = await tradeWithRecord();
      const failing: RecordStore = {
        location: "http://records.invalid",
        put: () => Promise.reject(new RecordStoreError("unreachable")),
        get: () => Promise.reject(new RecordStoreError("record store http://records.invalid unreachable")),
        list: () => Promise.resolve([]),
      };
      const audit = await auditRecords({
        provider: ethers.provider,
        traderAddress: await tw.trader.getAddress(),
        store: failing,
        viewKeys: parseViewKeyFile(acme.file),
      });
      expect(audit.findings.map((f) => [f.kind, f.recordHash])).to.deep.equal([["record-missing", recordHash]]);
      expect(audit.findings[0]!.detail).to.match(/could not return .* unreachable/);
    });

    it("a trade sent with plain executeTrade: no record committed, a gap in disclosure", async () => {
      const { tw } = await networkHelpers.loadFixture(provenWorld);
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n });
      await tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
      const audit = await auditRecords({
        provider: ethers.provider,
        traderAddress: await tw.trader.getAddress(),
        store: new LocalRecordStore(mkdtempSync(join(tmpdir(), "zkagent-records-"))),
        viewKeys: parseViewKeyFile(acme.file),
      });
      expect(kinds(audit)).to.deep.equal(["record-not-committed"]);
      expect(audit.notCommitted).to.equal(1);
    });
  });

  it("gas: committing the record's hash adds a fixed amount to a trade (same world, same proof)", async () => {
    const gasOf = async (withRecord: boolean) => {
      const { tw } = await networkHelpers.loadFixture(provenWorld);
      const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n });
      const trader = tw.trader.connect(tw.agent);
      const tx = withRecord
        ? await trader.executeTradeWithRecord(
            proof.solidityProof,
            proof.publicSignals,
            2n ** 64n,
            0n,
            `0x${"5a".repeat(32)}`,
          )
        : await trader.executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
      return (await tx.wait())!.gasUsed;
    };
    const plain = await gasOf(false);
    const withRecord = await gasOf(true);
    const added = withRecord - plain;
    console.log(`      executeTrade ${plain} gas, executeTradeWithRecord ${withRecord} gas: +${added}`);
    // One LOG3 (375 + 3 · 375 + 8 · 32 = 1 756), 32 bytes of calldata, a selector's dispatch.
    expect(added > 0n && added < 3_500n).to.equal(true);
  });
});
