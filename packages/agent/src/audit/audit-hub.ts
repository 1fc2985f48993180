import { readFile } from "node:fs/promises";

import {
  ACTION_NAMES,
  evaluateSignal,
  pricesCommitment,
  proofContext,
  signalArtifactPaths,
  unpackMarketSignal,
} from "@zkagent/circuits";
import { DecentralizedTrader__factory, SignalHub__factory } from "@zkagent/contracts/typechain";
import type { Provider } from "ethers";
import * as snarkjs from "snarkjs";

import { chainlinkFeed } from "../market/feed-abi.ts";
import { readFeedWindow } from "../market/read-window.ts";
import { WindowUnavailableError } from "../errors.ts";
import { toSnarkjsProof } from "./audit-trades.ts";
import { pagedQuery, type LogPaging } from "./paged-logs.ts";
import { withVerifierCurve } from "./verifier-curve.ts";

const WINDOW_SIZE = 30;
const BPS = 10_000n;

/** One check of an audited signal or follow. */
export interface HubCheck {
  name: string;
  status: "ok" | "fail";
  detail?: string;
}

/** One publishSignal transaction: its proof, and each market's signal. */
export interface AuditedPublication {
  txHash: string;
  blockNumber: number;
  publisher: string;
  markets: { key: string; feed: string; roundId: bigint; action: string; sizeBps: bigint }[];
  checks: HubCheck[];
}

/** One followSignal execution by a vault. */
export interface AuditedFollow {
  vault: string;
  txHash: string;
  blockNumber: number;
  key: string;
  action: string;
  size: bigint;
  checks: HubCheck[];
}

export interface HubAuditReport {
  hub: string;
  fromBlock: number;
  toBlock: number;
  publications: AuditedPublication[];
  follows: AuditedFollow[];
  failures: number;
}

export interface HubAuditOptions {
  provider: Provider;
  hubAddress: string;
  /** Vaults whose follows to check (their SignalFollowed logs). */
  followers?: string[];
  fromBlock?: number;
  paging?: LogPaging;
}

/**
 * Re-verifies a signal hub from the chain alone: every publication's proof against the K-market
 * circuit's verification key, each market's window against its feed's rounds (the hub checked the
 * WindowLog; this reads the feed itself), the signal rules over those windows, and the binding to
 * the hub, the publisher and its nonce; then every follow of the given vaults: the key was
 * verified, the executed size is the signal's fraction of the vault's cap clamped to its room or
 * position at the block before, and the action is the signal's.
 */
export async function auditHub(options: HubAuditOptions): Promise<HubAuditReport> {
  return withVerifierCurve(() => auditHubWithCurve(options));
}

async function auditHubWithCurve(options: HubAuditOptions): Promise<HubAuditReport> {
  const { provider, hubAddress } = options;
  const hub = SignalHub__factory.connect(hubAddress, provider);
  const { chainId } = await provider.getNetwork();
  const fromBlock = options.fromBlock ?? 0;
  const toBlock = options.paging?.toBlock ?? (await provider.getBlockNumber());
  const verifiedLogs = await pagedQuery(
    "SignalVerified",
    (from, to) => hub.queryFilter(hub.filters.SignalVerified(), from, to),
    fromBlock,
    toBlock,
    options.paging,
  );
  const byTx = new Map<string, typeof verifiedLogs>();
  for (const log of verifiedLogs) byTx.set(log.transactionHash, [...(byTx.get(log.transactionHash) ?? []), log]);

  const vkeys = new Map<number, unknown>();
  const verified = new Map<string, { action: bigint; sizeBps: bigint }>();
  const publications: AuditedPublication[] = [];
  for (const [txHash, logs] of byTx) {
    const checks: HubCheck[] = [];
    const check = (name: string, ok: boolean, detail?: string) =>
      checks.push({ name, status: ok ? "ok" : "fail", ...(detail ? { detail } : {}) });
    const tx = (await provider.getTransaction(txHash))!;
    const call = hub.interface.parseTransaction({ data: tx.data })!;
    const marketIds = (call.args.marketIds as bigint[]).map(Number);
    const signals = (call.args.publicSignals as bigint[]).map(BigInt);
    const k = marketIds.length;
    if (!vkeys.has(k)) vkeys.set(k, JSON.parse(await readFile(signalArtifactPaths(k).vkey, "utf8")));
    const proofArg = call.args.proof as { a: bigint[]; b: bigint[][]; c: bigint[] };
    const proofOk = await snarkjs.groth16.verify(
      vkeys.get(k) as object,
      signals.map(String),
      toSnarkjsProof(proofArg.a, proofArg.b, proofArg.c),
    );
    check("proof verifies (signal circuit, K = " + k + ")", proofOk);
    const expectedContext = proofContext({
      chainId,
      trader: hubAddress,
      agent: tx.from,
      nonce: await hub.nonceOf(tx.from, { blockTag: logs[0]!.blockNumber - 1 }),
    });
    check("bound to this hub, the publisher and its nonce", signals[2 * k + 2] === expectedContext);

    const markets = [];
    const statement = [];
    for (let i = 0; i < k; i++) {
      const market = await hub.market(marketIds[i]!);
      const unpacked = unpackMarketSignal(signals[k + i]!);
      const feed = chainlinkFeed(market.feed, provider);
      try {
        const { prices } = await readFeedWindow(feed, WINDOW_SIZE, { endingAt: unpacked.roundId });
        check(
          `market ${marketIds[i]}: the window is the feed's 30 rounds ending at ${unpacked.roundId}`,
          pricesCommitment(prices) === signals[i],
        );
        statement.push({ prices, action: unpacked.action, sizeBps: unpacked.sizeBps });
      } catch (error) {
        if (!(error instanceof WindowUnavailableError)) throw error;
        check(`market ${marketIds[i]}: a window exists at ${unpacked.roundId}`, false, error.message);
      }
      const log = logs.find((l) => l.args.feed === market.feed)!;
      markets.push({
        key: log.args.key,
        feed: market.feed,
        roundId: unpacked.roundId,
        action: ACTION_NAMES[unpacked.action],
        sizeBps: unpacked.sizeBps,
      });
      verified.set(log.args.key, { action: BigInt(unpacked.action), sizeBps: unpacked.sizeBps });
    }
    if (statement.length === k) {
      const verdict = evaluateSignal({ markets: statement, thresholdBps: signals[2 * k]! });
      check(
        "the signal rules hold over the feeds' windows",
        verdict.compliant,
        verdict.compliant ? undefined : `market ${verdict.market}: rule ${verdict.rule}: ${verdict.reason}`,
      );
    }
    publications.push({ txHash, blockNumber: logs[0]!.blockNumber, publisher: tx.from, markets, checks });
  }

  const follows: AuditedFollow[] = [];
  for (const vaultAddress of options.followers ?? []) {
    const vault = DecentralizedTrader__factory.connect(vaultAddress, provider);
    const logs = await pagedQuery(
      `SignalFollowed (${vaultAddress})`,
      (from, to) => vault.queryFilter(vault.filters.SignalFollowed(), from, to),
      fromBlock,
      toBlock,
      options.paging,
    );
    for (const log of logs) {
      const checks: HubCheck[] = [];
      const check = (name: string, ok: boolean, detail?: string) =>
        checks.push({ name, status: ok ? "ok" : "fail", ...(detail ? { detail } : {}) });
      const { key, publisher, action, size } = log.args;
      const signal = verified.get(key);
      check("the signal was verified by the hub", signal !== undefined);
      if (signal) {
        check("the action is the signal's", action === signal.action);
        const before = { blockTag: log.blockNumber - 1 };
        const cap = (await vault.policy(before)).maxPosition;
        const position = await vault.positionOf(publisher, before);
        const room = action === 1n ? (cap > position ? cap - position : 0n) : position;
        const wanted = (signal.sizeBps * cap) / BPS;
        const expected = wanted < room ? wanted : room;
        check(
          "the size is the signal's fraction of this vault's cap, clamped",
          size === expected,
          `${size} executed, ${expected} expected (cap ${cap}, position ${position}, ${signal.sizeBps} bps)`,
        );
      }
      follows.push({
        vault: vaultAddress,
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        key,
        action: ACTION_NAMES[Number(action) as 1 | 2],
        size,
        checks,
      });
    }
  }
  const failures = [...publications, ...follows].filter((x) => x.checks.some((c) => c.status === "fail")).length;
  return { hub: hubAddress, fromBlock, toBlock, publications, follows, failures };
}
