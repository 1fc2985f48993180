import { BPS } from "@zkagent/circuits";
import { DecentralizedTrader__factory, ModelRegistry__factory } from "@zkagent/contracts/typechain";
import { Contract, type Provider } from "ethers";

import type { RecordAudit } from "./audit-records.ts";
import type { AuditReport } from "./audit-trades.ts";
import type { HistoryChange, HistoryDecision, HistoryTrade } from "./intelligence/history.ts";
import { pagedQuery, type LogPaging } from "./paged-logs.ts";

const DECIMALS_ABI = ["function decimals() view returns (uint8)"];

/** What the history analyses read, gathered from the chain (and from the disclosed records, if any). */
export interface ChainHistory {
  trades: HistoryTrade[];
  changes: HistoryChange[];
  decisions: HistoryDecision[];
}

/**
 * Realised slippage of a trade against the oracle price it was bounded by, in basis points
 * (positive: the vault did worse than the oracle). BUY: quote paid for `size` base; SELL: quote
 * received for `size` base. `scale` = 10^(base decimals + feed decimals − quote decimals).
 */
export function realisedSlippageBps(
  trade: { action: "BUY" | "SELL"; size: bigint; amountIn: bigint; amountOut: bigint },
  oraclePrice: bigint,
  scale: bigint,
): number {
  const oracleValue = (trade.size * oraclePrice) / scale;
  if (oracleValue === 0n) return 0;
  const worse = trade.action === "BUY" ? trade.amountIn - oracleValue : oracleValue - trade.amountOut;
  return Number((worse * BPS * 100n) / oracleValue) / 100;
}

/**
 * The history of one vault for the analyses in ./intelligence: each audited trade with its block
 * time, policy bound, realised slippage and whether it committed a record; the governance changes
 * (policy, limits, authorisations, model approvals); and the decisions the view keys disclosed.
 */
export async function historyOfChain(options: {
  provider: Provider;
  traderAddress: string;
  report: AuditReport;
  records?: RecordAudit;
  fromBlock?: number;
  paging?: LogPaging;
}): Promise<ChainHistory> {
  const { provider, traderAddress, report } = options;
  const fromBlock = options.fromBlock ?? 0;
  const toBlock = options.paging?.toBlock ?? (await provider.getBlockNumber());
  const paged = <T>(what: string, query: (from: number, to: number) => Promise<T[]>) =>
    pagedQuery(what, query, fromBlock, toBlock, options.paging);
  const trader = DecentralizedTrader__factory.connect(traderAddress, provider);
  const decimalsOf = async (address: string) =>
    BigInt(await (new Contract(address, DECIMALS_ABI, provider).getFunction("decimals")() as Promise<bigint>));
  const [base, quote, feed] = await Promise.all([
    trader.baseToken().then(decimalsOf),
    trader.quoteToken().then(decimalsOf),
    trader.priceFeed().then(decimalsOf),
  ]);
  const scale = 10n ** (base + feed - quote);
  const times = new Map<number, number>();
  const timeOf = async (block: number) => {
    if (!times.has(block)) times.set(block, (await provider.getBlock(block))?.timestamp ?? 0);
    return times.get(block)!;
  };
  const committed = new Set(
    (
      await paged("DecisionRecordCommitted", (from, to) =>
        trader.queryFilter(trader.filters.DecisionRecordCommitted(), from, to),
      )
    ).map((c) => c.transactionHash),
  );
  const currentPolicy = await trader.policy();

  const trades: HistoryTrade[] = [];
  for (const t of report.trades) {
    if (!t.values) continue; // its calldata could not be read: nothing to analyse beyond the failed check
    const policy = await trader.policy({ blockTag: t.blockNumber }).catch(() => currentPolicy);
    trades.push({
      txHash: t.txHash,
      blockNumber: t.blockNumber,
      timestamp: await timeOf(t.blockNumber),
      agent: t.agent,
      nonce: t.nonce,
      action: t.action,
      size: t.size,
      position: t.values.position,
      maxPosition: t.values.maxPosition,
      modelHash: t.modelHash,
      bandMarginBps: t.bandMarginBps ?? Number.POSITIVE_INFINITY,
      ...(t.values.advice === undefined ? {} : { signal: Number(t.values.advice) }),
      slippageBps: realisedSlippageBps(t, t.values.latestPrice, scale),
      maxSlippageBps: Number(policy.maxSlippageBps),
      recordCommitted: committed.has(t.txHash),
    });
  }

  const changes: HistoryChange[] = [];
  const change = async (kind: HistoryChange["kind"], blockNumber: number, detail: string) =>
    changes.push({ kind, blockNumber, timestamp: await timeOf(blockNumber), detail });
  for (const e of await paged("PolicyUpdated", (from, to) =>
    trader.queryFilter(trader.filters.PolicyUpdated(), from, to),
  )) {
    const p = e.args.policy;
    await change(
      "policy",
      e.blockNumber,
      `maxPosition ${p.maxPosition}, thresholdBps ${p.thresholdBps}, maxSlippageBps ${p.maxSlippageBps}`,
    );
  }
  for (const e of await paged("RiskLimitsUpdated", (from, to) =>
    trader.queryFilter(trader.filters.RiskLimitsUpdated(), from, to),
  )) {
    await change("limits", e.blockNumber, "risk limits replaced");
  }
  for (const e of await paged("AgentAuthorizationSet", (from, to) =>
    trader.queryFilter(trader.filters.AgentAuthorizationSet(), from, to),
  )) {
    await change(
      "authorisation",
      e.blockNumber,
      `${e.args.agent} ${e.args.authorized ? "authorised" : "deauthorised"}`,
    );
  }
  const registry = ModelRegistry__factory.connect(await trader.modelRegistry(), provider);
  for (const e of await paged("ModelApproved", (from, to) =>
    registry.queryFilter(registry.filters.ModelApproved(), from, to),
  )) {
    await change("model", e.blockNumber, `model ${e.args.modelHash.toString(16).slice(0, 12)}… approved`);
  }
  changes.sort((a, b) => a.blockNumber - b.blockNumber);

  const decisions: HistoryDecision[] = (options.records?.opened ?? []).map(({ record }) => ({
    agent: record.agent,
    timestamp: Math.floor(Date.parse(record.createdAt) / 1000),
    verdict: record.decision.verdict,
  }));
  return { trades, changes, decisions };
}
