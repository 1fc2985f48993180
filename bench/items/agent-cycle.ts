import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { resolveProverChoice } from "@zkagent/circuits";

import { runSession } from "../../scripts/demo/session.ts";
import { stats, type Stats } from "../stats.ts";

export interface AgentCycleFigures {
  cycles: number;
  executed: number;
  /** Per step, over the cycles in which the step ran. */
  steps: Record<string, Stats>;
  /**
   * Per step over the executed trades only, with "untimed": the tick's wall time less its timed
   * steps (journal writes, state reads between steps). Absent from older runs.
   */
  executedSteps?: Record<string, Stats>;
  /** Whole cycles that proved and submitted a trade (tick → receipt: Agent.tick's wall time where measured). */
  executedCycleMs: Stats;
  /** Every cycle, whatever its verdict. */
  anyCycleMs: Stats;
  peakRssMb: number;
  /** The prover backend the agent used ("native" or "snarkjs"); absent from older runs. */
  prover?: string;
  /** Load average (1, 5, 15 min) before and after the session: the machine is shared. Absent from older runs. */
  loadAverage?: { before: number[]; after: number[] };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * The demo's session (tiny model, in-process chain), `cycles` ticks, timed per step. Mode "llm"
 * (the tiny model proposes, the policy proof), so the figures compare with earlier runs; the
 * proven-model circuit's proving time is its own bench item.
 */
export async function benchAgentCycle(cycles: number): Promise<AgentCycleFigures> {
  const before = loadavg();
  const { reports } = await runSession({
    ticks: cycles,
    seed: 11,
    temperature: 1,
    mode: "llm",
    dataDir: mkdtempSync(join(tmpdir(), "zkagent-bench-agent-")),
  });
  const after = loadavg();
  const steps: Record<string, number[]> = {};
  for (const r of reports) {
    for (const [step, ms] of Object.entries(r.timingsMs)) if (ms !== undefined) (steps[step] ??= []).push(ms);
  }
  const timed = (r: (typeof reports)[number]) => Object.values(r.timingsMs).reduce((s: number, v) => s + (v ?? 0), 0);
  const total = (r: (typeof reports)[number]) => r.elapsedMs ?? timed(r);
  const executed = reports.filter((r) => r.outcome === "executed");
  const executedSteps: Record<string, number[]> = {};
  for (const r of executed) {
    for (const [step, ms] of Object.entries(r.timingsMs)) if (ms !== undefined) (executedSteps[step] ??= []).push(ms);
    if (r.elapsedMs !== undefined) (executedSteps.untimed ??= []).push(r.elapsedMs - timed(r));
  }
  return {
    cycles: reports.length,
    executed: executed.length,
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v)])),
    executedSteps: Object.fromEntries(Object.entries(executedSteps).map(([k, v]) => [k, stats(v)])),
    executedCycleMs: stats(executed.map(total)),
    anyCycleMs: stats(reports.map(total)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    prover: resolveProverChoice("auto").backend,
    loadAverage: { before: before.map(round2), after: after.map(round2) },
  };
}
