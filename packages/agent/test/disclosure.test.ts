import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Encrypter } from "age-encryption";
import { expect } from "chai";
import {
  Action,
  extractFeatures,
  packPublicValues,
  pricesCommitment,
  unpackPublicValues,
  type PolicyProof,
  type PublicValues,
} from "@zkagent/circuits";

import {
  ConfigError,
  CorruptEnvelopeError,
  decisionRecordOf,
  Discloser,
  feedRoundMismatches,
  HttpRecordStore,
  LocalRecordStore,
  loadConfig,
  MalformedRecordError,
  newAuditorKey,
  NoActiveAuditorError,
  NotForTheseKeysError,
  openRecord,
  parseViewKeyFile,
  recordHashOf,
  recordMismatches,
  sealRecord,
  type CommittedTrade,
  type DecisionRecord,
  type DecisionTrace,
  type RecordHash,
  type Round,
} from "../src/index.ts";

const AGENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TRADER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const dir = (prefix: string) => mkdtempSync(join(tmpdir(), `zkagent-${prefix}-`));

/** 30 rounds of a gentle downward path: the last price sits 2 % under the first. */
function rounds(): Round[] {
  return Array.from({ length: 30 }, (_, i) => ({
    roundId: 101n + BigInt(i),
    answer: 3_000_00000000n - BigInt(i) * 2_000000n,
    updatedAt: 1_700_000_000n + BigInt(i) * 60n,
  }));
}

/** A proven-model BUY as a cycle would trace it, with its public values and a stand-in proof. */
function provenTrade(): { trace: DecisionTrace; committed: CommittedTrade } {
  const window = { rounds: rounds(), prices: rounds().map((r) => r.answer), roundId: 130n };
  const maxPosition = 2n * 10n ** 18n;
  const position = 0n;
  const advice = 40n;
  const values: PublicValues = {
    pricesCommitment: pricesCommitment(window.prices),
    roundId: window.roundId,
    latestPrice: window.prices.at(-1)!,
    maxPosition,
    thresholdBps: 100n,
    position,
    action: Action.BUY,
    size: 10n ** 18n,
    modelHash: 12345n,
    context: 777n,
    advice,
  };
  const publicSignals = packPublicValues(values);
  const solidityProof = {
    a: [1n, 2n],
    b: [
      [3n, 4n],
      [5n, 6n],
    ],
    c: [7n, 8n],
  } as PolicyProof["solidityProof"];
  const proof = { solidityProof, publicSignals, publicValues: values } as unknown as PolicyProof;
  const trace: DecisionTrace = {
    kind: "trade",
    chainId: 31337n,
    trader: TRADER,
    agent: AGENT,
    traderNonce: 3n,
    mode: "llm+model",
    window,
    policy: { maxPosition, thresholdBps: 100n },
    position,
    llm: { prompt: "the market…", output: '{"action":"BUY","sizePct":50,"confidence":0.4}' },
    model: {
      kind: "proven",
      hash: 12345n,
      advice,
      features: extractFeatures({ prices: window.prices, position, maxPosition, advice }),
      outputs: [90n, 800n],
      modelAction: Action.BUY,
      modelSize: 10n ** 18n,
    },
    decision: { action: Action.BUY, size: 10n ** 18n, verdict: "compliant" },
    proof,
    timingsMs: { data: 3, inference: 40, prove: 900 },
  };
  const committed: CommittedTrade = {
    chainId: 31337n,
    trader: TRADER,
    agent: AGENT,
    nonce: 3n,
    modelKind: 1n,
    publicSignals,
    values: unpackPublicValues(publicSignals),
    proof: solidityProof,
  };
  return { trace, committed };
}

const kinds = (mismatches: [string, string][]) => [...new Set(mismatches.map(([kind]) => kind))];

describe("selective disclosure (decision records sealed to auditors' view keys)", () => {
  describe("sealing and opening", () => {
    it("seals one record to two auditors, each of whom opens it alone; a third key cannot", async () => {
      const [a, b, stranger] = await Promise.all(["acme", "bcorp", "stranger"].map((id) => newAuditorKey(id)));
      const record = decisionRecordOf(provenTrade().trace, ["acme", "bcorp"]);
      const { envelope, recordHash } = await sealRecord(record, [
        { id: a!.id, recipient: a!.recipient, revoked: false },
        { id: b!.id, recipient: b!.recipient, revoked: false },
      ]);
      expect(recordHash).to.equal(recordHashOf(envelope));
      expect(await openRecord(envelope, parseViewKeyFile(a!.file))).to.deep.equal(record);
      expect(await openRecord(envelope, parseViewKeyFile(b!.file))).to.deep.equal(record);
      const refused = await openRecord(envelope, parseViewKeyFile(stranger!.file)).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(NotForTheseKeysError);
    });

    it("opens a post-quantum hybrid key's records too", async () => {
      const pq = await newAuditorKey("acme-pq", { postQuantum: true });
      expect(pq.recipient).to.match(/^age1pq1/);
      const record = decisionRecordOf(provenTrade().trace, ["acme-pq"]);
      const { envelope } = await sealRecord(record, [{ id: pq.id, recipient: pq.recipient, revoked: false }]);
      expect((await openRecord(envelope, parseViewKeyFile(pq.file))).agent).to.equal(AGENT);
    });

    it("rotation: a revoked key stops receiving new records; the auditor's file with both keys opens old and new", async () => {
      const old = await newAuditorKey("acme-2026q3");
      const rotated = await newAuditorKey("acme-2026q4");
      const store = new LocalRecordStore(dir("records"));
      const before = new Discloser({ auditors: [{ id: old.id, recipient: old.recipient, revoked: false }], store });
      const after = new Discloser({
        auditors: [
          { id: old.id, recipient: old.recipient, revoked: true },
          { id: rotated.id, recipient: rotated.recipient, revoked: false },
        ],
        store,
      });
      const { trace } = provenTrade();
      const first = await before.disclose(trace);
      const second = await after.disclose({ ...trace, traderNonce: 4n });
      const envelope = async (hash: RecordHash) => (await store.get(hash))!;

      expect((await openRecord(await envelope(first.recordHash), parseViewKeyFile(old.file))).recipients).to.deep.equal(
        ["acme-2026q3"],
      );
      const revoked = await openRecord(await envelope(second.recordHash), parseViewKeyFile(old.file)).catch(
        (e: unknown) => e,
      );
      expect(revoked).to.be.instanceOf(NotForTheseKeysError);
      const both = parseViewKeyFile(old.file + rotated.file);
      expect(both.map((k) => k.id)).to.deep.equal(["acme-2026q3", "acme-2026q4"]);
      expect((await openRecord(await envelope(first.recordHash), both)).traderNonce).to.equal("3");
      const opened = await openRecord(await envelope(second.recordHash), both);
      expect([opened.traderNonce, opened.recipients]).to.deep.equal(["4", ["acme-2026q4"]]);
    });

    it("refuses to start disclosing when every auditor key is revoked", async () => {
      const key = await newAuditorKey("gone");
      expect(
        () =>
          new Discloser({
            auditors: [{ id: key.id, recipient: key.recipient, revoked: true }],
            store: new LocalRecordStore(dir("records")),
          }),
      ).to.throw(NoActiveAuditorError);
    });

    it("pads records to whole KiB, so prompts of different lengths seal to envelopes of one size", async () => {
      const acme = await newAuditorKey("acme");
      const keys = [{ id: acme.id, recipient: acme.recipient, revoked: false }];
      const { trace } = provenTrade();
      const sizeWith = async (prompt: string) =>
        (await sealRecord(decisionRecordOf({ ...trace, llm: { ...trace.llm!, prompt } }, ["acme"]), keys)).envelope
          .length;
      expect(await sizeWith("short")).to.equal(await sizeWith("a much longer prompt ".repeat(10)));
      expect(await sizeWith("x".repeat(3_000))).to.be.greaterThan(await sizeWith("short"));
    });

    it("tells a corrupt envelope from a well-sealed file that is not a record", async () => {
      const acme = await newAuditorKey("acme");
      const keys = parseViewKeyFile(acme.file);
      const garbage = await openRecord(new TextEncoder().encode("not an age file"), keys).catch((e: unknown) => e);
      expect(garbage).to.be.instanceOf(CorruptEnvelopeError);
      const encrypter = new Encrypter();
      encrypter.addRecipient(acme.recipient);
      const notRecord = await openRecord(await encrypter.encrypt('{"hello":"auditor"}'), keys).catch((e: unknown) => e);
      expect(notRecord).to.be.instanceOf(MalformedRecordError);
      expect((notRecord as Error).message).to.match(/^version: /);
    });

    it("reads view-key files: ids from comments, several keys, and a clear error for a line that is not a key", () => {
      expect(() => parseViewKeyFile("# id: x\nnot-a-key\n", "k.txt")).to.throw(/k.txt, line 2: not an age identity/);
      expect(() => parseViewKeyFile("# nothing here\n", "k.txt")).to.throw(/holds no key/);
    });
  });

  describe("record stores (content-addressed, untrusted)", () => {
    it("a local directory: put is idempotent, get by hash, list, and nothing for an unknown hash", async () => {
      const store = new LocalRecordStore(join(dir("records"), "nested"));
      const bytes = new TextEncoder().encode("age-encryption.org/v1 …");
      const hash = await store.put(bytes);
      expect(await store.put(bytes)).to.equal(hash);
      expect(hash).to.equal(recordHashOf(bytes));
      expect(await store.get(hash)).to.deep.equal(bytes);
      expect(await store.list()).to.deep.equal([hash]);
      expect(await store.get(`0x${"00".repeat(32)}`)).to.equal(undefined);
      expect(readFileSync(join(store.location, `${hash.slice(2)}.age`))).to.deep.equal(Buffer.from(bytes));
    });

    it("an HTTP store: PUT and GET by hash, a JSON listing, 404 as absent", async () => {
      const objects = new Map<string, Buffer>();
      const server: Server = createServer((request, response) => {
        const name = (request.url ?? "").replace(/^\/records\//, "");
        if (request.method === "PUT") {
          const chunks: Buffer[] = [];
          request.on("data", (c: Buffer) => chunks.push(c));
          request.on("end", () => {
            objects.set(name, Buffer.concat(chunks));
            response.writeHead(201).end();
          });
        } else if (name === "") {
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify([...objects.keys()]));
        } else if (objects.has(name)) {
          response.writeHead(200).end(objects.get(name));
        } else {
          response.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = server.address() as { port: number };
        const store = new HttpRecordStore(`http://127.0.0.1:${port}/records/`);
        const bytes = new Uint8Array([1, 2, 3]);
        const hash = await store.put(bytes);
        expect(hash).to.equal(recordHashOf(bytes));
        expect(await store.get(hash)).to.deep.equal(bytes);
        expect(await store.list()).to.deep.equal([hash]);
        expect(await store.get(`0x${"ab".repeat(32)}`)).to.equal(undefined);
      } finally {
        server.close();
      }
    });
  });

  describe("config (disclosure, additive)", () => {
    const valid = {
      rpcUrl: "http://127.0.0.1:8545",
      chainId: 31337,
      traderAddress: TRADER,
    };
    const configFile = (disclosure: unknown) => {
      const path = join(dir("config"), "agent.json");
      writeFileSync(path, JSON.stringify({ ...valid, disclosure }));
      return path;
    };

    it("stores records in dataDir/records by default, a directory relative to the file, or a URL", async () => {
      const key = await newAuditorKey("acme");
      const auditors = [{ id: "acme", recipient: key.recipient }];
      const path = configFile({ auditors });
      const config = await loadConfig(path, {}, {});
      expect(config.disclosure?.store).to.equal(join(config.dataDir, "records"));
      expect(config.disclosure?.refusals).to.equal(false);
      expect(config.disclosure?.auditors[0]?.revoked).to.equal(false);
      const relative = await loadConfig(configFile({ auditors, store: "sealed" }), {}, {});
      expect(relative.disclosure?.store).to.match(/sealed$/);
      const url = await loadConfig(configFile({ auditors, store: "https://records.example/v1" }), {}, {});
      expect(url.disclosure?.store).to.equal("https://records.example/v1");
    });

    it("names the bad field: a recipient that is not an age key, two keys with one id, every key revoked", async () => {
      const key = await newAuditorKey("acme");
      const other = await newAuditorKey("other");
      const error = (disclosure: unknown) =>
        loadConfig(configFile(disclosure), {}, {}).then(
          () => null,
          (e: unknown) => e as Error,
        );
      const notAge = await error({ auditors: [{ id: "acme", recipient: "age1nope" }] });
      expect(notAge).to.be.instanceOf(ConfigError);
      expect(notAge?.message).to.match(/disclosure.auditors.0.recipient: must be an age recipient/);
      const twice = await error({
        auditors: [
          { id: "acme", recipient: key.recipient },
          { id: "acme", recipient: other.recipient },
        ],
      });
      expect(twice?.message).to.match(/auditor ids must be unique/);
      const allRevoked = await error({ auditors: [{ id: "acme", recipient: key.recipient, revoked: true }] });
      expect(allRevoked?.message).to.match(/every auditor key is revoked/);
    });
  });

  describe("finding a record unfaithful to its trade (pure checks)", () => {
    const feed = (changed?: (r: Round) => Round) =>
      new Map(rounds().map((r) => [r.roundId, changed ? changed(r) : r] as [bigint, Round]));

    it("a faithful record has no mismatch", () => {
      const { trace, committed } = provenTrade();
      const record = decisionRecordOf(trace, ["acme"]);
      expect(recordMismatches(record, committed)).to.deep.equal([]);
      expect(feedRoundMismatches(record, feed())).to.deep.equal([]);
    });

    it("a wrong window: one price changed is neither the proof's commitment nor the feed's round", () => {
      const { trace, committed } = provenTrade();
      const record = decisionRecordOf(trace, ["acme"]);
      const forged: DecisionRecord = structuredClone(record);
      forged.window.rounds[0]!.answer = (BigInt(forged.window.rounds[0]!.answer) + 1n).toString();
      const mismatches = recordMismatches(forged, committed);
      expect(mismatches).to.deep.include([
        "record-window-mismatch",
        "its prices do not open the proof's window commitment",
      ]);
      expect(kinds(feedRoundMismatches(forged, feed()))).to.deep.equal(["record-window-mismatch"]);
    });

    it("a window shifted by a round, and rounds the feed reports differently", () => {
      const { trace, committed } = provenTrade();
      const shifted = decisionRecordOf(
        {
          ...trace,
          window: { ...trace.window, rounds: trace.window.rounds.map((r) => ({ ...r, roundId: r.roundId - 1n })) },
        },
        ["acme"],
      );
      expect(recordMismatches(shifted, committed).map(([, d]) => d)).to.include(
        "its rounds are not the 30 consecutive rounds ending at 130",
      );
      const record = decisionRecordOf(trace, ["acme"]);
      const later = feed((r) => (r.roundId === 120n ? { ...r, updatedAt: r.updatedAt + 1n } : r));
      expect(feedRoundMismatches(record, later)).to.have.length(1);
    });

    it("another agent's or nonce's record, another model, another proof, a decision the inputs do not give", () => {
      const { trace, committed } = provenTrade();
      const record = decisionRecordOf(trace, ["acme"]);
      expect(kinds(recordMismatches(record, { ...committed, nonce: 4n }))).to.deep.equal(["record-context-mismatch"]);
      expect(kinds(recordMismatches(record, { ...committed, modelKind: 0n }))).to.deep.equal(["record-model-mismatch"]);
      const otherProof = { ...committed.proof, a: [1n, 3n] as [bigint, bigint] };
      expect(kinds(recordMismatches(record, { ...committed, proof: otherProof }))).to.deep.equal([
        "record-proof-mismatch",
      ]);
      // The adviser's raw output says SELL (a negative bias) while the proof carries +40.
      const lied = decisionRecordOf(
        { ...trace, llm: { prompt: "…", output: '{"action":"SELL","sizePct":50,"confidence":0.4}' } },
        ["acme"],
      );
      expect(recordMismatches(lied, committed)).to.deep.equal([
        ["record-decision-mismatch", "the adviser's output gives a bias of -40, the proof's is 40"],
      ]);
      const features = decisionRecordOf(
        { ...trace, model: { ...trace.model, features: trace.model.features!.map((f, i) => (i === 6 ? f + 1n : f)) } },
        ["acme"],
      );
      expect(kinds(recordMismatches(features, committed))).to.deep.equal(["record-decision-mismatch"]);
    });
  });
});
