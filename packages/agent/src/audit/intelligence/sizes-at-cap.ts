import { tradesByAgent, type HistoryFinding, type HistoryTrade } from "./history.ts";

/** The most a trade could have been: the room under the cap (BUY) or the whole position (SELL). */
function roomOf(trade: HistoryTrade): bigint {
  return trade.action === "BUY" ? trade.maxPosition - trade.position : trade.position;
}

/**
 * Sizes clustered at the cap: at least `minShare` of an agent's trades (of at least `minTrades`)
 * used `atCapPercent` % or more of their room. A model that always bets the maximum is either
 * mis-specified or is being used to move as much as the policy lets through.
 */
export function sizesAtCap(
  trades: readonly HistoryTrade[],
  {
    atCapPercent = 95n,
    minShare = 0.5,
    minTrades = 5,
  }: { atCapPercent?: bigint; minShare?: number; minTrades?: number } = {},
): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  for (const [agent, history] of tradesByAgent(trades)) {
    if (history.length < minTrades) continue;
    const atCap = history.filter((t) => roomOf(t) > 0n && t.size * 100n >= roomOf(t) * atCapPercent);
    const share = atCap.length / history.length;
    if (share >= minShare) {
      findings.push({
        kind: "sizes-at-cap",
        severity: "medium",
        agent,
        detail: `${atCap.length} of ${history.length} trades (${Math.round(share * 100)} %) used ${atCapPercent} % or more of the room under the cap`,
        evidence: { txHashes: atCap.map((t) => t.txHash), share },
      });
    }
  }
  return findings;
}
