import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import {
  chainlinkFeed,
  decisionRecordOf,
  LocalRecordStore,
  newAuditorKey,
  readFeedWindow,
  sealRecord,
} from "@zkagent/agent";
import { Action, WINDOW_SIZE } from "@zkagent/circuits";

import { deployProvenWorld } from "../helpers/models.ts";
import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { TEST_MODEL_HASH, TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers, provider } = await network.create();
const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");

/** The in-process chain over HTTP JSON-RPC (batches included), so the CLI can run as an auditor does. */
async function serveChain(): Promise<{ url: string; server: Server }> {
  const answer = async (call: { id: unknown; method: string; params?: unknown[] }) => {
    try {
      return {
        jsonrpc: "2.0",
        id: call.id,
        result: await provider.request({ method: call.method, params: call.params ?? [] }),
      };
    } catch (error) {
      const e = error as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: call.id, error: { code: e.code ?? -32603, message: e.message, data: e.data } };
    }
  };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const parsed = JSON.parse(body) as Parameters<typeof answer>[0] | Parameters<typeof answer>[0][];
      void (Array.isArray(parsed) ? Promise.all(parsed.map(answer)) : answer(parsed)).then((result) =>
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function zkagent(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("zkagent audit --view-key (the CLI as a child process, against the chain over JSON-RPC)", function () {
  this.timeout(300_000);
  after(closeSharedProver);

  it("decrypts and checks each committed record: exit 0 when faithful, 1 with the finding when one is tampered", async () => {
    const { tw } = await deployProvenWorld(ethers, networkHelpers);
    const dir = mkdtempSync(join(tmpdir(), "zkagent-audit-cli-"));
    const acme = await newAuditorKey("acme");
    writeFileSync(join(dir, "acme.key"), acme.file);
    const store = new LocalRecordStore(join(dir, "records"));
    const proof = await proveTrade(tw, tw.agent, { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n });
    const record = decisionRecordOf(
      {
        kind: "trade",
        chainId: (await ethers.provider.getNetwork()).chainId,
        trader: await tw.trader.getAddress(),
        agent: tw.agent.address,
        traderNonce: 0n,
        mode: "llm",
        window: await readFeedWindow(
          chainlinkFeed(await tw.world.priceFeed.getAddress(), ethers.provider),
          WINDOW_SIZE,
        ),
        policy: { maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
        position: 0n,
        llm: { prompt: "…", output: '{"action":"BUY","sizePct":50,"confidence":0.8}' },
        model: { kind: "attested", hash: TEST_MODEL_HASH },
        decision: { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n, verdict: "compliant" },
        proof,
        timingsMs: {},
      },
      ["acme"],
    );
    const { envelope, recordHash } = await sealRecord(record, [
      { id: "acme", recipient: acme.recipient, revoked: false },
    ]);
    await store.put(envelope);
    await tw.trader
      .connect(tw.agent)
      .executeTradeWithRecord(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n, recordHash);

    const { url, server } = await serveChain();
    try {
      const args = [
        "audit",
        "--rpc-url",
        url,
        "--trader",
        await tw.trader.getAddress(),
        "--view-key",
        join(dir, "acme.key"),
        "--records",
        store.location,
      ];
      const faithful = await zkagent(...args, "--json");
      expect(faithful.status, faithful.stderr).to.equal(0);
      const report = JSON.parse(faithful.stdout) as {
        failures: number;
        disclosure: { committed: number; opened: number; findings: unknown[] };
      };
      expect(report.failures).to.equal(0);
      expect(report.disclosure).to.include({ committed: 1, opened: 1 });
      expect(report.disclosure.findings).to.deep.equal([]);

      const tampered = Uint8Array.from(envelope);
      tampered[tampered.length - 1]! ^= 1;
      writeFileSync(join(store.location, `${recordHash.slice(2)}.age`), tampered);
      const table = await zkagent(...args);
      expect(table.status).to.equal(1);
      expect(table.stdout).to.match(/^high\trecord-tampered\t/m);
      expect(table.stdout).to.match(/1 high, 0 medium, 0 for information/);
    } finally {
      server.close();
    }
  });
});
