import type { Agent } from "./agent.ts";
import type { CycleReport } from "./cycle.ts";
import { AgentError, IllegalTransitionError } from "./errors.ts";
import type { Logger } from "./log.ts";

export type TickResult = CycleReport | { tick: number; skipped: string };

export interface RunOptions {
  /** Stop after this many ticks (failed ones included); default: until `shouldStop`. */
  ticks?: number;
  /** How often the feed is polled for a new round. */
  intervalMs: number;
  shouldStop?: () => boolean;
  log: Logger;
  /** Called with every completed tick (the CLI prints a summary line). */
  onTick?: (result: TickResult) => void;
  /** Called after every loop iteration that completed without failing, a tick or a bare poll (health). */
  onPoll?: () => void;
  /** Called with every loop iteration's failure, repeats included (metrics). */
  onFailure?: (error: AgentError) => void;
}

export interface RunSummary {
  ticks: number;
  failedTicks: number;
  /** Failure episodes: consecutive ticks failing with the same error count once. */
  failureEpisodes: number;
}

/**
 * The operator's loop: one cycle per new oracle round until stopped. A tick that fails with an
 * AgentError (the RPC still down after every retry, unusable market data, a revert) fails alone:
 * the loop goes on and the same round is tried again at the next interval. A failure is reported
 * and journaled once per episode — consecutive ticks failing the same way stay quiet — and the
 * first tick that succeeds again says how many failed. Anything else is a bug and stops the loop,
 * an IllegalTransitionError (the journal refusing a trade step) included.
 */
export async function runAgent(agent: Agent, options: RunOptions): Promise<RunSummary> {
  const { log } = options;
  const summary: RunSummary = { ticks: 0, failedTicks: 0, failureEpisodes: 0 };
  let lastRound = -1n;
  let failing: { name: string; ticks: number } | undefined;
  let lastSkip: string | undefined;
  const done = () => options.shouldStop?.() || (options.ticks !== undefined && summary.ticks >= options.ticks);

  while (!done()) {
    let ticked = false;
    try {
      const [roundId] = await agent.feed.latestRoundData();
      if (roundId !== lastRound) {
        ticked = true;
        const result = await agent.tick(summary.ticks++);
        lastRound = roundId;
        if (failing) {
          log.info(`ticks resumed after ${failing.ticks} failed (${failing.name})`);
          failing = undefined;
        }
        if ("skipped" in result) {
          if (result.skipped !== lastSkip) log.warn(`tick ${result.tick} skipped: ${result.skipped}`);
          lastSkip = result.skipped;
        } else {
          lastSkip = undefined;
        }
        options.onTick?.(result);
      } else {
        await agent.tendClaims(); // optimistic path: answer a challenge without waiting for a new round
      }
      options.onPoll?.();
    } catch (error) {
      if (!(error instanceof AgentError) || error instanceof IllegalTransitionError) throw error;
      options.onFailure?.(error);
      if (!ticked) summary.ticks++; // polling the feed failed: that counts as a failed tick
      summary.failedTicks++;
      if (failing?.name === error.name) {
        failing.ticks++;
      } else {
        failing = { name: error.name, ticks: 1 };
        summary.failureEpisodes++;
        agent.journal.append({ kind: "fault", message: `${error.name}: ${error.message}` });
        log.error(`tick failed: ${error.name}: ${error.message} (the agent keeps going; repeats stay quiet)`);
      }
    }
    if (!done()) await new Promise((r) => setTimeout(r, options.intervalMs));
  }
  return summary;
}
