/**
 * Fault injection: one agent, driven over real JSON-RPC through a fault-injecting proxy on
 * 127.0.0.1 in front of a `hardhat node`, meets one fault per test — HTTP 429/5xx, a JSON-RPC
 * rate limit, dropped connections (before and after the node acted), timeouts, a state change
 * between simulation and inclusion, a node refusing the transaction, a transaction that is never
 * mined, one stuck in the mempool, a chain reorganisation, a node restart and an outage longer
 * than the retry budget. Each time the agent keeps going, sends no second transaction for
 * a trade, and reports the fault once, readably. The books are checked at the end.
 */
import { expect } from "chai";

import {
  Agent,
  memoryLogger,
  rpcProvider,
  runAgent,
  SignalModel,
  type CycleReport,
  type TickResult,
} from "@zkagent/agent";
import { hardhatWallet, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { parseEther } from "ethers";

import { booksOf, deployAgentWorld, type AgentWorld } from "../../scripts/lib/agent-world.ts";
import { startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";
import { RpcFaultProxy, type Fault } from "../../scripts/lib/rpc-fault-proxy.ts";
import { readWindow } from "../helpers/market.ts";
import { seedFor } from "../helpers/seed-for.ts";

const POLICY = {
  maxPosition: parseEther("30"),
  thresholdBps: 100n,
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
const PRICE = 3_000n * 10n ** 8n;
const BELOW_BAND = (PRICE * 98n) / 100n; // BUY is in policy here
const smallBuy = (action: string, pct: number) => action === "BUY" && pct > 0 && pct <= 5;
const hold = (action: string) => action === "HOLD";

describe("fault injection: the agent over a faulty JSON-RPC endpoint", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let proxy: RpcFaultProxy;
  let aw: AgentWorld;
  let agent: Agent;
  let seedModel: SignalModel; // a second copy of the stand-in, to find the seed for each scenario
  const log = memoryLogger();

  before(async () => {
    node = await startHardhatNode();
    proxy = await RpcFaultProxy.start(node.url);
    aw = await deployAgentWorld(node.url, {
      policy: POLICY,
      vaultWeth: "10",
      vaultUsdc: "200000",
      prices: [...Array<bigint>(29).fill(PRICE), BELOW_BAND],
    });
    await movePoolToPrice(aw.world, hardhatWallet(2, aw.provider), BELOW_BAND);
    seedModel = await SignalModel.load({ modelPath: aw.modelPath, threads: 1 });
    const provider = rpcProvider(proxy.url, 31337, { timeoutMs: 1_500, pollingIntervalMs: 100 });
    agent = await Agent.start({
      wallet: hardhatWallet(1, provider),
      traderAddress: aw.traderAddress,
      chainId: 31337n,
      dataDir: aw.dataDir,
      threads: 1,
      temperature: 1,
      log,
      retry: { retries: 8, baseDelayMs: 100, maxDelayMs: 500 },
      confirmTimeoutMs: 1_500,
      receiptPollMs: 100,
    });
  });

  afterEach(async () => {
    proxy.clearFaults();
    await movePoolToPrice(aw.world, hardhatWallet(2, aw.provider), BELOW_BAND); // undo the trades' price impact
  });

  after(async () => {
    await agent?.close();
    await seedModel?.dispose();
    await proxy?.close();
    aw?.provider.destroy();
    await node?.stop();
  });

  /** The tick number whose sampling seed makes the stand-in say what `wanted` accepts, for `position`. */
  async function tickFor(wanted: (action: string, pct: number) => boolean, position?: bigint): Promise<number> {
    const { prices } = await readWindow(aw.world.priceFeed);
    return seedFor(
      seedModel,
      {
        prices,
        position: position ?? (await aw.trader.positionOf(aw.agentAddress)),
        maxPosition: POLICY.maxPosition,
        thresholdBps: POLICY.thresholdBps,
      },
      wanted,
    );
  }

  /** Marks where a scenario starts, and reads back what happened since. */
  async function mark() {
    const at = {
      lines: log.lines.length,
      raw: proxy.rawTransactions.length,
      faults: agent.faults.reported.length,
      nonce: await aw.trader.nonceOf(aw.agentAddress),
    };
    return async () => ({
      lines: log.lines.slice(at.lines),
      faults: agent.faults.reported.slice(at.faults),
      distinctTransactions: new Set(proxy.rawTransactions.slice(at.raw)).size,
      nonceAdvance: (await aw.trader.nonceOf(aw.agentAddress)) - at.nonce,
    });
  }

  const linesMatching = (lines: { message: string }[], re: RegExp) => lines.filter((l) => re.test(l.message));

  /** One BUY cycle with `fault` armed: it executes, one transaction, the fault reported exactly once. */
  async function tradesThrough(fault: Fault, method: string, times: number, expectedKind: string) {
    const since = await mark();
    const tick = await tickFor(smallBuy);
    proxy.inject(fault, { method, times });
    const report = (await agent.tick(tick)) as CycleReport;
    const seen = await since();
    expect(proxy.armed, "every injected fault was met").to.equal(0);
    expect(report.outcome).to.equal("executed");
    expect(seen.nonceAdvance).to.equal(1n);
    expect(seen.distinctTransactions, "one signed transaction for the trade").to.equal(1);
    expect(seen.faults).to.deep.equal([expectedKind]);
    expect(linesMatching(seen.lines, /^RPC fault: /)).to.have.length(1);
    expect(linesMatching(seen.lines, /^RPC recovered/)).to.have.length(1);
    return { report, seen };
  }

  for (const [status, method] of [
    [429, "eth_estimateGas"],
    [500, "eth_getTransactionCount"],
    [502, "eth_getTransactionReceipt"],
    [503, "eth_getBlockByNumber"],
  ] as const) {
    it(`HTTP ${status} on ${method}: retried with backoff, reported once, one trade`, async () => {
      const { seen } = await tradesThrough({ kind: "http", status }, method, 3, `http ${status}`);
      const [line] = linesMatching(seen.lines, /^RPC fault: /);
      expect(line!.message).to.contain(`HTTP ${status}`);
      if (status === 429) expect(line!.message).to.contain("rate limited");
    });
  }

  it("a JSON-RPC rate-limit error (-32005, HTTP 200): retried, reported once, one trade", async () => {
    const { seen } = await tradesThrough(
      { kind: "rpc-error", code: -32005, message: "daily request count exceeded" },
      "eth_call",
      2,
      "rpc rate limit",
    );
    expect(linesMatching(seen.lines, /^RPC fault: rate limited by the node/)).to.have.length(1);
  });

  it("a connection dropped before the node saw the transaction: sent again, one trade", async () => {
    await tradesThrough({ kind: "drop" }, "eth_sendRawTransaction", 1, "dropped");
  });

  it("a connection dropped after the node took the transaction: the same bytes again, no second trade", async () => {
    const { seen } = await tradesThrough({ kind: "drop-after-forward" }, "eth_sendRawTransaction", 1, "dropped");
    expect(seen.nonceAdvance).to.equal(1n);
  });

  it("a send that times out after reaching the node: the same bytes again, no second trade", async () => {
    await tradesThrough({ kind: "stall", ms: 3_000, forward: true }, "eth_sendRawTransaction", 1, "timeout");
  });

  it("a read that hangs past the request timeout: retried, one trade", async () => {
    await tradesThrough({ kind: "stall", ms: 3_000, forward: false }, "eth_call", 1, "timeout");
  });

  it("the owner pauses between the simulation and the transaction (Hardhat reports the revert at submission): journaled reverted, nothing re-sent", async () => {
    const since = await mark();
    const buy = await tickFor(smallBuy);
    proxy.inject(
      { kind: "front-run", action: async () => void (await (await aw.trader.pause()).wait()) },
      { method: "eth_sendRawTransaction" },
    );
    let report: CycleReport;
    try {
      report = (await agent.tick(buy)) as CycleReport;
    } finally {
      await (await aw.trader.unpause()).wait();
    }
    const seen = await since();
    expect(report.outcome).to.equal("reverted");
    expect(seen.nonceAdvance).to.equal(0n);
    expect(seen.distinctTransactions).to.equal(1);
    const outcome = agent.journal.records().filter((r) => r.kind === "confirmed" && r.txHash === report.txHash);
    expect(outcome).to.have.length(1);
    expect(outcome[0]).to.include({ status: "reverted" });
    expect(agent.journal.records().at(-1)).to.include({ kind: "confirmed", status: "reverted" });
    // The mined revert keeps its receipt: the gas it cost and its block, as the chain has them.
    const receipt = (await aw.provider.getTransactionReceipt(report.txHash!))!;
    expect(outcome[0]).to.include({ gasUsed: receipt.gasUsed.toString(), blockNumber: receipt.blockNumber });
    expect(receipt.blockNumber).to.be.greaterThan(0);
  });

  it("a node that refuses the transaction as reverting: journaled abandoned by hash, no retry, the next cycle proves afresh", async () => {
    const since = await mark();
    const buy = await tickFor(smallBuy);
    proxy.inject({ kind: "rpc-error", code: 3, message: "execution reverted" }, { method: "eth_sendRawTransaction" });
    const report = (await agent.tick(buy)) as CycleReport;
    expect(report.outcome).to.equal("reverted");
    expect(report.reason).to.match(/refused the transaction at submission/);
    const [signed] = agent.journal
      .records()
      .filter((r) => r.kind === "signed")
      .slice(-1);
    expect(agent.journal.records().at(-1)).to.deep.include({
      kind: "abandoned",
      txHash: (signed as { txHash: string }).txHash,
    });
    expect(agent.journal.records().filter((r) => r.kind === "abandoned" && r.seq > signed!.seq)).to.have.length(1);
    expect((await since()).nonceAdvance).to.equal(0n);
    // The next cycle is not blocked by it: it proves and trades afresh at the same nonce.
    const again = (await agent.tick(await tickFor(smallBuy))) as CycleReport;
    expect(again.outcome).to.equal("executed");
    expect((await since()).nonceAdvance).to.equal(1n);
  });

  it("a transaction accepted but never mined: no new trade until it settles; the same bytes re-sent, one trade", async () => {
    const since = await mark();
    const buy = await tickFor(smallBuy);
    proxy.inject({ kind: "swallow-tx" }, { method: "eth_sendRawTransaction" });
    const first = (await agent.tick(buy)) as CycleReport;
    expect(first.outcome).to.equal("pending");
    expect((await since()).nonceAdvance).to.equal(0n);

    const position = await aw.trader.positionOf(aw.agentAddress);
    const second = await agent.tick(await tickFor(hold, position + first.size!));
    const seen = await since();
    expect(second).to.include({ verdict: "hold" });
    expect(seen.nonceAdvance).to.equal(1n);
    expect(seen.distinctTransactions).to.equal(1);
    const settled = agent.journal.records().filter((r) => r.kind === "confirmed" && r.txHash === first.txHash);
    expect(settled).to.have.length(1);
    expect(linesMatching(seen.lines, /not mined yet/)).to.have.length(1);
    expect(linesMatching(seen.lines, /re-sending the same signed bytes/)).to.have.length(0);
  });

  it("a transaction stuck in the mempool: later ticks skip and stay quiet; it settles when mined", async () => {
    const since = await mark();
    const buy = await tickFor(smallBuy);
    await aw.provider.send("evm_setAutomine", [false]);
    let first: CycleReport;
    const skips: TickResult[] = [];
    try {
      first = (await agent.tick(buy)) as CycleReport;
      expect(first.outcome).to.equal("pending");
      skips.push(await agent.tick(buy + 1), await agent.tick(buy + 2));
    } finally {
      await aw.provider.send("evm_setAutomine", [true]);
    }
    await aw.provider.send("evm_mine", []);
    for (const skip of skips)
      expect(skip).to.deep.equal({ tick: skip.tick, skipped: "a sent transaction is still pending" });

    const position = await aw.trader.positionOf(aw.agentAddress);
    await agent.tick(await tickFor(hold, position));
    const seen = await since();
    expect(seen.nonceAdvance).to.equal(1n);
    expect(seen.distinctTransactions).to.equal(1);
    expect(
      seen.lines.filter((l) => l.level === "warn"),
      seen.lines.map((l) => l.message).join(" | "),
    ).to.have.length(1);
    const outcome = agent.journal.records().filter((r) => r.kind === "confirmed" && r.txHash === first!.txHash);
    expect(outcome).to.have.length(1);
  });

  it("a chain reorganisation that drops an executed trade: journaled once, the same bytes re-sent, one trade", async () => {
    const since = await mark();
    const buy = await tickFor(smallBuy);
    const snapshot = (await aw.provider.send("evm_snapshot", [])) as string;
    const first = (await agent.tick(buy)) as CycleReport;
    expect(first.outcome).to.equal("executed");
    const minedIn = first.txHash && (await aw.provider.getTransactionReceipt(first.txHash))!.blockNumber;

    // The block holding the trade is replaced by a longer chain without it.
    await aw.provider.send("evm_revert", [snapshot]);
    for (let i = 0; i < 3; i++) await aw.provider.send("evm_mine", []);
    expect(await aw.provider.getTransactionReceipt(first.txHash!)).to.equal(null);
    expect((await since()).nonceAdvance, "the reorganisation undid the trade").to.equal(0n);

    const position = await aw.trader.positionOf(aw.agentAddress);
    await agent.tick(await tickFor(hold, position + first.size!));
    const seen = await since();
    expect(seen.nonceAdvance).to.equal(1n);
    expect(seen.distinctTransactions).to.equal(1);
    const receipt = await aw.provider.getTransactionReceipt(first.txHash!);
    expect(receipt!.status).to.equal(1);
    expect(receipt!.blockNumber).to.not.equal(minedIn);
    const records = agent.journal.records();
    expect(records.filter((r) => r.kind === "reorged")).to.have.length(1);
    expect(linesMatching(seen.lines, /^chain reorganisation/)).to.have.length(1);
  });

  it("a node restart mid-cycle: every call retried until it is back, each fault reported once, one trade", async () => {
    const since = await mark();
    const buy = await tickFor(smallBuy);
    const tick = agent.tick(buy);
    await new Promise((r) => setTimeout(r, 150));
    await proxy.restart(1_200);
    const report = (await tick) as CycleReport;
    const seen = await since();
    expect(report.outcome).to.equal("executed");
    expect(seen.nonceAdvance).to.equal(1n);
    expect(seen.distinctTransactions).to.be.at.most(1);
    expect(seen.faults).to.include("refused");
    expect(new Set(seen.faults).size, "no fault reported twice").to.equal(seen.faults.length);
    expect(linesMatching(seen.lines, /^RPC fault: connection refused: the node is down or restarting/)).to.have.length(
      1,
    );
  });

  it("an outage longer than the retry budget: the failing ticks are reported once, the loop keeps going", async () => {
    const since = await mark();
    let stop = false;
    let back = false;
    const after: TickResult[] = [];
    const loop = runAgent(agent, {
      intervalMs: 100,
      log,
      shouldStop: () => stop,
      onTick: (result) => {
        if (back) {
          after.push(result);
          stop = true;
        }
      },
    });
    await new Promise((r) => setTimeout(r, 300)); // the loop's first tick runs on the current round
    await proxy.restart(6_000);
    back = true;
    await pushPrice(aw.world.priceFeed, BELOW_BAND); // a new round: the loop ticks again
    const summary = await loop;
    const seen = await since();
    expect(after, "a tick completed after the outage").to.have.length(1);
    expect(summary.failedTicks).to.be.greaterThan(0);
    expect(summary.failureEpisodes).to.equal(1);
    expect(linesMatching(seen.lines, /^tick failed: RpcUnavailableError/)).to.have.length(1);
    expect(linesMatching(seen.lines, /^ticks resumed after \d+ failed/)).to.have.length(1);
    expect(seen.faults.filter((k) => k === "refused")).to.have.length(1);
    expect(agent.journal.records().filter((r) => r.kind === "fault")).to.have.length(1);
  });

  it("afterwards the books agree: trades on chain = journaled = nonce advances, never two open transactions for a nonce", async () => {
    const books = await booksOf(aw, agent.journal);
    expect(books).to.include({ consistent: true, noNonceExecutedTwice: true });
    expect(books.tradesOnChain).to.be.at.least(12);
    // A nonce is signed again only after its previous transaction settled (reverted or refused).
    const open = new Map<string, string>();
    for (const r of agent.journal.records()) {
      if (r.kind === "signed") {
        expect(open.has(r.traderNonce), `nonce ${r.traderNonce} signed twice while open`).to.equal(false);
        open.set(r.traderNonce, r.txHash);
      } else if ((r.kind === "confirmed" || r.kind === "abandoned") && r.txHash) open.delete(r.traderNonce);
      else if (r.kind === "reorged") open.set(r.traderNonce, r.txHash);
    }
    const signed = agent.journal.records().filter((r) => r.kind === "signed");
    expect(new Set(proxy.rawTransactions).size, "every transaction sent was journaled first").to.equal(signed.length);
  });
});
