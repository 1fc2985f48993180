import type { Severity } from "../record-findings.ts";

/**
 * One executed trade as the history analyses see it: what the chain says (event, calldata,
 * block), with the figures the analyses need already derived by the caller.
 */
export interface HistoryTrade {
  txHash: string;
  blockNumber: number;
  /** Block time, seconds. */
  timestamp: number;
  agent: string;
  nonce: bigint;
  action: "BUY" | "SELL";
  size: bigint;
  /** The agent's position before the trade and the cap, from the public values. */
  position: bigint;
  maxPosition: bigint;
  modelHash: bigint;
  /** How far the proven price sat inside the band's edge, in basis points of the edge. */
  bandMarginBps: number;
  /** The adviser's bias (proven models), or a numeric signal the model produced. */
  signal?: number;
  /** Realised slippage against the oracle price, in basis points (positive: worse than the oracle). */
  slippageBps: number;
  /** The policy's slippage bound at the trade. */
  maxSlippageBps: number;
  /** The trade committed a decision record (executeTradeWithRecord). */
  recordCommitted: boolean;
}

/** A governance change the analyses relate trades to. */
export interface HistoryChange {
  kind: "policy" | "model" | "limits" | "authorisation";
  blockNumber: number;
  timestamp: number;
  detail: string;
}

/** One decision of an agent, traded or not (from its disclosed records, refusals included). */
export interface HistoryDecision {
  agent: string;
  timestamp: number;
  verdict: "hold" | "compliant" | "refused" | "malformed";
}

export type HistoryFindingKind =
  | "near-boundary-streak"
  | "sizes-at-cap"
  | "trade-after-change"
  | "signal-drift"
  | "refusal-rate-jump"
  | "slippage-at-bound"
  | "disclosure-gap";

/** Something in an agent's history a human should look at, with the evidence. */
export interface HistoryFinding {
  kind: HistoryFindingKind;
  severity: Severity;
  agent?: string;
  detail: string;
  /** The trades it rests on, and the figures that raised it. */
  evidence: { txHashes: string[]; [figure: string]: unknown };
}

/** Trades grouped by agent (lower-cased), each group in chain order. */
export function tradesByAgent(trades: readonly HistoryTrade[]): Map<string, HistoryTrade[]> {
  const groups = new Map<string, HistoryTrade[]>();
  for (const trade of trades) {
    const key = trade.agent.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), trade]);
  }
  for (const group of groups.values()) group.sort((a, b) => a.blockNumber - b.blockNumber || Number(a.nonce - b.nonce));
  return groups;
}
