import { tradesByAgent, type HistoryFinding, type HistoryTrade } from "./history.ts";

/** The two-sample Kolmogorov–Smirnov statistic: the largest gap between the samples' empirical CDFs. */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const xs = [...a].sort((x, y) => x - y);
  const ys = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < xs.length && j < ys.length) {
    const value = Math.min(xs[i]!, ys[j]!);
    while (i < xs.length && xs[i]! <= value) i++;
    while (j < ys.length && ys[j]! <= value) j++;
    gap = Math.max(gap, Math.abs(i / xs.length - j / ys.length));
  }
  return gap;
}

/**
 * A model whose signal drifts from its own history: for each agent and model, the last `recent`
 * signals against every earlier one (at least `minReference`), by the two-sample KS statistic;
 * a statistic above the critical value at `alpha` (c(α)·√((n+m)/(n·m))) is a finding. Same model
 * hash, different behaviour: its inputs changed (an adviser, notes), or it is not the model it says.
 */
export function signalDrift(
  trades: readonly HistoryTrade[],
  { recent = 20, minReference = 20, alpha = 0.01 }: { recent?: number; minReference?: number; alpha?: number } = {},
): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  const c = Math.sqrt(-0.5 * Math.log(alpha / 2));
  for (const [agent, history] of tradesByAgent(trades)) {
    const models = new Set(history.map((t) => t.modelHash));
    for (const model of models) {
      const signals = history.filter((t) => t.modelHash === model && t.signal !== undefined);
      if (signals.length < recent + minReference) continue;
      const reference = signals.slice(0, -recent);
      const latest = signals.slice(-recent);
      const statistic = ksStatistic(
        reference.map((t) => t.signal!),
        latest.map((t) => t.signal!),
      );
      const critical = c * Math.sqrt((reference.length + latest.length) / (reference.length * latest.length));
      if (statistic > critical) {
        findings.push({
          kind: "signal-drift",
          severity: "medium",
          agent,
          detail: `model ${model.toString(16).slice(0, 12)}…: its last ${latest.length} signals differ from its ${reference.length} earlier ones (KS ${statistic.toFixed(2)} > ${critical.toFixed(2)} at α = ${alpha})`,
          evidence: { txHashes: latest.map((t) => t.txHash), statistic, critical },
        });
      }
    }
  }
  return findings;
}
