import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { JsonRpcPayload } from "ethers";
import { network } from "hardhat";

import { auditJson, requestsToEip1193, runAudit, type NodeRequest, type ProgressStep } from "@zkagent/agent";
import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, deployTraderWorld } from "../helpers/trader-fixture.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ONE_ETH = 10n ** 18n;
const chainId = 31_337n;
const node = requestsToEip1193(connection.provider);

/** Four trades, a few empty blocks apart, so the log scans span several pages. */
async function fourTrades() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  const hashes: string[] = [];
  for (const [percent, action, size] of [
    [98n, Action.BUY, ONE_ETH],
    [102n, Action.SELL, ONE_ETH / 2n],
    [98n, Action.BUY, ONE_ETH / 4n],
    [102n, Action.SELL, ONE_ETH / 2n],
  ] as const) {
    const price = (PRICE_3000 * percent) / 100n;
    await pushPrice(tw.world.priceFeed, price);
    await movePoolToPrice(tw.world, tw.stranger, price);
    const proof = await proveTrade(tw, tw.agent, { action, size });
    const tx = await tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
    hashes.push(tx.hash);
    await networkHelpers.mine(5);
  }
  return { tw, traderAddress: await tw.trader.getAddress(), hashes };
}

const blockOf = (hex: unknown) => Number(BigInt(hex as string));
const getLogsRange = (payload: JsonRpcPayload) => {
  const [filter] = payload.params as [{ fromBlock: string; toBlock: string }];
  return [blockOf(filter.fromBlock), blockOf(filter.toBlock)] as const;
};

/** A node that refuses eth_getLogs over more than `maxBlocks` blocks, as public providers do; it keeps what it served. */
function refusingRangesOver(maxBlocks: number, request: NodeRequest) {
  const served: (readonly [number, number])[] = [];
  let refused = 0;
  const limited: NodeRequest = async (payload) => {
    if (payload.method === "eth_getLogs") {
      const [from, to] = getLogsRange(payload);
      if (to - from + 1 > maxBlocks) {
        refused++;
        return { id: payload.id, error: { code: -32005, message: `query exceeds max block range ${maxBlocks}` } };
      }
      served.push([from, to]);
    }
    return request(payload);
  };
  return { request: limited, served, refused: () => refused };
}

/** A node that goes away after answering `pages` eth_getLogs requests: the audit process dies there. */
function interruptedAfter(pages: number, request: NodeRequest): NodeRequest {
  let answered = 0;
  return async (payload) => {
    if (payload.method === "eth_getLogs" && answered++ >= pages) throw new Error("the audit was interrupted");
    return request(payload);
  };
}

const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");

/** The in-process chain over HTTP, so the CLI (a child process) can audit it. */
async function serveOverHttp(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const payload = JSON.parse(body) as JsonRpcPayload;
      void node(payload).then((answer) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", ...answer }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Runs the CLI without blocking this process (which serves the node). */
function zkagent(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 240_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Counts the answers a node gave. */
function counting(request: NodeRequest) {
  let answered = 0;
  return {
    request: (async (payload) => {
      const answer = await request(payload);
      answered++;
      return answer;
    }) as NodeRequest,
    answered: () => answered,
  };
}

/** The report as compared between runs: everything but where the node's answers came from. */
const bigints = (_: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
const comparable = (outcome: Awaited<ReturnType<typeof runAudit>>) => JSON.stringify(auditJson(outcome), bigints);

describe("zkagent audit on a real node: pages, progress, checkpoint and one transaction", function () {
  this.timeout(300_000);
  after(closeSharedProver);
  const scratch = mkdtempSync(join(tmpdir(), "zkagent-audit-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("reads logs only in ranges the node serves, halving refused pages, and reports what an unpaged audit does", async () => {
    const { traderAddress } = await networkHelpers.loadFixture(fourTrades);
    const whole = await runAudit({ request: node, chainId, traderAddress, fromBlock: 0 });
    const limited = refusingRangesOver(3, node);
    const steps: ProgressStep[] = [];
    const paged = await runAudit({
      request: limited.request,
      chainId,
      traderAddress,
      fromBlock: 0,
      pageBlocks: 16,
      progress: (step) => steps.push(step),
    });
    expect(limited.refused()).to.be.greaterThan(0);
    expect(limited.served.every(([from, to]) => to - from + 1 <= 3)).to.equal(true);
    expect(paged.report.trades.map((t) => t.action)).to.deep.equal(["BUY", "SELL", "BUY", "SELL"]);
    expect(paged.report.failures).to.equal(0);
    expect(comparable(paged)).to.equal(comparable(whole));
    // Progress: each scan reaches its last block, and every trade is counted as checked.
    const scan = steps.filter((s) => s.what === "TradeExecuted logs");
    expect(scan.at(-1)).to.include({ done: scan.at(-1)!.total, unit: "blocks" });
    expect(scan.length).to.be.greaterThan(2);
    expect(steps.filter((s) => s.what === "trades checked").at(-1)).to.include({ done: 4, total: 4 });
  });

  it("resumes an interrupted audit from its checkpoint: nothing asked twice, the same report", async () => {
    const { traderAddress } = await networkHelpers.loadFixture(fourTrades);
    const options = { chainId, traderAddress, pageBlocks: 8 };
    const whole = counting(node);
    const reference = await runAudit({
      ...options,
      request: whole.request,
      checkpointPath: join(scratch, "whole.jsonl"),
    });

    const checkpointPath = join(scratch, "interrupted.jsonl");
    const beforeCrash = counting(interruptedAfter(5, node));
    const first = await runAudit({ ...options, request: beforeCrash.request, checkpointPath }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(first?.message).to.match(/interrupted/);
    expect(beforeCrash.answered()).to.be.greaterThan(5);
    const notes: string[] = [];
    const afterCrash = counting(node);
    const resumed = await runAudit({
      ...options,
      request: afterCrash.request,
      checkpointPath,
      note: (line) => notes.push(line),
    });
    expect(notes[0]).to.match(/resuming the audit in .*interrupted\.jsonl: \d+ answers/);
    expect(comparable(resumed)).to.equal(comparable(reference));
    // The resumed run asked the node only what the interrupted one had not been answered.
    expect(beforeCrash.answered() + afterCrash.answered()).to.equal(whole.answered());
    expect(resumed.answers.fromNode).to.equal(afterCrash.answered());

    // A finished checkpoint reproduces the report without the node.
    const offline: NodeRequest = async () => {
      throw new Error("the node is not needed");
    };
    const replayed = await runAudit({ ...options, request: offline, checkpointPath });
    expect(comparable(replayed)).to.equal(comparable(reference));
    expect(replayed.answers.fromNode).to.equal(0);

    // Another audit's checkpoint is refused, not mixed in.
    const other = await runAudit({ ...options, toBlock: 3, request: node, checkpointPath }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(other?.name).to.equal("ConfigError");
    expect(other?.message).to.match(/is of another audit \(toBlock null, not 3\)/);
  });

  it("starts at the trader's deployment block: from a deployment record, else by searching for its code", async () => {
    const { traderAddress } = await networkHelpers.loadFixture(fourTrades);
    const searched = await runAudit({ request: node, chainId, traderAddress, deploymentsDir: join(scratch, "none") });
    expect(searched.start.source).to.equal("code search");
    expect(await ethers.provider.getCode(traderAddress, searched.start.block - 1)).to.equal("0x");
    expect(await ethers.provider.getCode(traderAddress, searched.start.block)).to.not.equal("0x");
    expect(searched.report.fromBlock).to.equal(searched.start.block);
    expect(searched.report.trades).to.have.length(4);

    const records = join(scratch, "deployments");
    mkdirSync(join(records, "localhost"), { recursive: true });
    writeFileSync(
      join(records, "localhost", "zkagent.json"),
      JSON.stringify({
        chainId: 31337,
        deployedAtBlock: searched.start.block - 1,
        contracts: { DecentralizedTrader: { address: traderAddress.toLowerCase(), tx: null } },
      }),
    );
    const recorded = await runAudit({ request: node, chainId, traderAddress, deploymentsDir: records });
    expect(recorded.start).to.deep.include({ block: searched.start.block - 1, source: "deployment record" });
    // One block earlier, nothing more in it: the same trades and findings.
    expect(recorded.report.fromBlock).to.equal(searched.start.block - 1);
    expect(JSON.stringify(recorded.report.trades, bigints)).to.equal(JSON.stringify(searched.report.trades, bigints));
    expect(JSON.stringify(recorded.history, bigints)).to.equal(JSON.stringify(searched.history, bigints));
  });

  it("audits one transaction with --tx, and refuses a hash that is no trade of this trader", async () => {
    const { tw, traderAddress, hashes } = await networkHelpers.loadFixture(fourTrades);
    const one = await runAudit({ request: node, chainId, traderAddress, txHash: hashes[2]! });
    expect(one.report.trades.map((t) => [t.txHash, t.action, t.verified])).to.deep.equal([[hashes[2], "BUY", true]]);
    const block = (await ethers.provider.getTransactionReceipt(hashes[2]!))!.blockNumber;
    expect([one.report.fromBlock, one.report.toBlock]).to.deep.equal([block, block]);
    expect(one.history).to.deep.equal([]);

    const notATrade = await tw.world.priceFeed.updateAnswer(PRICE_3000);
    const refusal = await runAudit({ request: node, chainId, traderAddress, txHash: notATrade.hash }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(refusal?.message).to.match(/executed no trade on/);
    const unknown = await runAudit({ request: node, chainId, traderAddress, txHash: `0x${"ab".repeat(32)}` }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(unknown?.message).to.match(/no such transaction on chain 31337/);
  });

  it("through the CLI: --json on stdout alone, --html written, progress on stderr, --checkpoint resumed, --tx", async () => {
    const { traderAddress, hashes } = await networkHelpers.loadFixture(fourTrades);
    const { url, server } = await serveOverHttp();
    try {
      const html = join(scratch, "cli-report.html");
      const checkpoint = join(scratch, "cli-checkpoint.jsonl");
      const args = [
        "audit",
        "--rpc-url",
        url,
        "--trader",
        traderAddress,
        "--page-blocks",
        "8",
        "--checkpoint",
        checkpoint,
      ];
      const first = await zkagent(...args, "--json", "--html", html);
      expect(first.status, first.stderr).to.equal(0);
      const report = JSON.parse(first.stdout) as { trades: unknown[]; findings: unknown[]; start: { source: string } };
      expect(report.trades).to.have.length(4);
      expect(report.start.source).to.equal("code search");
      expect(existsSync(html)).to.equal(true);
      expect(readFileSync(html, "utf8")).to.include(`data-findings="${report.findings.length}"`);
      const logged = first.stderr
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { message: string });
      expect(logged.some((l) => /^audit of 0x.* blocks \d+\.\.\d+ \(from: code search/.test(l.message))).to.equal(true);
      expect(logged.some((l) => l.message === "audit: TradeExecuted logs")).to.equal(true);

      const again = await zkagent(...args, "--json");
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.equal(first.stdout);
      expect(again.stderr).to.match(/resuming the audit in .*cli-checkpoint\.jsonl/);

      const oneHtml = join(scratch, "cli-one.html");
      const one = await zkagent(
        "audit",
        "--rpc-url",
        url,
        "--trader",
        traderAddress,
        "--tx",
        hashes[1]!,
        "--html",
        oneHtml,
      );
      expect(one.status, one.stderr).to.equal(0);
      expect(one.stdout).to.match(/1 trades, 0 failing/);
      // One trade's window is too short for a band line: its own band is drawn at it.
      expect(readFileSync(oneHtml, "utf8")).to.match(/<rect [^>]*class="band"\/>/);
      const bad = await zkagent("audit", "--rpc-url", url, "--trader", traderAddress, "--tx", "0x1234");
      expect(bad.stderr).to.match(/Expected a 0x-prefixed 32-byte transaction hash/);
    } finally {
      server.close();
    }
  });
});
