/**
 * The demo's session is the backtest runner's (packages/agent/src/backtest/run-backtest.ts) over
 * a generated price path: one code path for `pnpm demo`, `pnpm demo --prices` and
 * `zkagent backtest`. This adapter keeps the demo's names for the scenes and the benchmark.
 */
import {
  BACKTEST_POLICY,
  WINDOW,
  generatedHistory,
  runBacktest,
  type CycleReport,
  type DecisionMode,
} from "@zkagent/agent";

export { START_USDC, START_WETH, WINDOW, type SessionChain } from "@zkagent/agent";
export const DEMO_POLICY = BACKTEST_POLICY;

export interface SessionOptions {
  ticks: number;
  seed: number;
  temperature: number;
  dataDir: string;
  modelPath?: string;
  threads?: number;
  /** How the agent decides (default "llm+model": the LLM advises, the proven model decides). */
  mode?: DecisionMode;
  /** Called after each tick with its report. */
  onTick?: (report: CycleReport) => void;
}

/** `ticks` ticks of the seeded mean-reverting path (see runBacktest). */
export async function runSession(options: SessionOptions) {
  const result = await runBacktest({
    history: generatedHistory({ seed: options.seed, length: WINDOW - 1 + options.ticks }),
    temperature: options.temperature,
    seed: options.seed,
    dataDir: options.dataDir,
    ...(options.modelPath ? { modelPath: options.modelPath } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.onTick ? { onTick: (tick) => options.onTick!(tick.report) } : {}),
  });
  return { ...result, reports: result.ticks.map((t) => t.report), path: result.history.points.map((p) => p.price) };
}
