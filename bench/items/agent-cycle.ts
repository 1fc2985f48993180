import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runSession } from "../../scripts/demo/session.ts";
import { stats, type Stats } from "../stats.ts";

export interface AgentCycleFigures {
  cycles: number;
  executed: number;
  /** Per step, over the cycles in which the step ran. */
  steps: Record<string, Stats>;
  /** Whole cycles that proved and submitted a trade. */
  executedCycleMs: Stats;
  /** Every cycle, whatever its verdict. */
  anyCycleMs: Stats;
  peakRssMb: number;
}

/**
 * The demo's session (tiny model, in-process chain), `cycles` ticks, timed per step. Mode "llm"
 * (the tiny model proposes, the policy proof), so the figures compare with earlier runs; the
 * proven-model circuit's proving time is its own bench item.
 */
export async function benchAgentCycle(cycles: number): Promise<AgentCycleFigures> {
  const { reports } = await runSession({
    ticks: cycles,
    seed: 11,
    temperature: 1,
    mode: "llm",
    dataDir: mkdtempSync(join(tmpdir(), "zkagent-bench-agent-")),
  });
  const steps: Record<string, number[]> = {};
  for (const r of reports) {
    for (const [step, ms] of Object.entries(r.timingsMs)) if (ms !== undefined) (steps[step] ??= []).push(ms);
  }
  const total = (r: (typeof reports)[number]) => Object.values(r.timingsMs).reduce((s: number, v) => s + (v ?? 0), 0);
  const executed = reports.filter((r) => r.outcome === "executed");
  return {
    cycles: reports.length,
    executed: executed.length,
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v)])),
    executedCycleMs: stats(executed.map(total)),
    anyCycleMs: stats(reports.map(total)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
