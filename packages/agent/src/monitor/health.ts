/**
 * The agent's health as a supervisor sees it: is the run loop still completing polls? The loop
 * ticks only on a new oracle round (hourly on a quiet Chainlink feed), so the last cycle's age
 * alone would call a healthy agent on a quiet market dead; what must stay recent is the last
 * poll the loop completed (feed read, and the tick if there was a new round). Pure: the time is
 * passed in.
 */

/** What the loop has done so far (see AgentMetrics). */
export interface LoopProgress {
  /** When the process started serving (the loop's start, before its first poll). */
  startedAt: number;
  /** End of the last loop iteration that completed without failing (ms since the epoch). */
  lastPollAt?: number;
  /** End of the last completed cycle (a tick, skipped or not). */
  lastCycleAt?: number;
  lastCycle?: { tick: number; verdict: string; outcome?: string };
  /** The error name of the current run of failing iterations, and since when. */
  failing?: { error: string; since: number; iterations: number };
}

export interface HealthReport {
  /** "ok": a poll completed within maxAgeSeconds; "starting": none yet, within it; "stale": neither. */
  status: "ok" | "starting" | "stale";
  healthy: boolean;
  maxAgeSeconds: number;
  /** Seconds since the last completed poll (null: none yet). */
  lastPollAgeSeconds: number | null;
  lastCycleAgeSeconds: number | null;
  lastCycle: LoopProgress["lastCycle"] | null;
  failing: { error: string; forSeconds: number; iterations: number } | null;
}

/**
 * The default bound on the last poll's age: a cycle's worst case between two polls (the poll
 * interval three times over, a receipt wait of confirmTimeoutSeconds, and two minutes for
 * inference and proving on a slow machine).
 */
export function healthMaxAgeSeconds(intervalSeconds: number, confirmTimeoutSeconds: number): number {
  return Math.ceil(3 * intervalSeconds + confirmTimeoutSeconds + 120);
}

const age = (now: number, at: number | undefined) => (at === undefined ? null : Math.max(0, (now - at) / 1000));

/** The health report at `now` (ms since the epoch). */
export function healthOf(progress: LoopProgress, now: number, maxAgeSeconds: number): HealthReport {
  const lastPollAgeSeconds = age(now, progress.lastPollAt);
  const status =
    lastPollAgeSeconds !== null
      ? lastPollAgeSeconds <= maxAgeSeconds
        ? "ok"
        : "stale"
      : age(now, progress.startedAt)! <= maxAgeSeconds
        ? "starting"
        : "stale";
  return {
    status,
    healthy: status !== "stale",
    maxAgeSeconds,
    lastPollAgeSeconds,
    lastCycleAgeSeconds: age(now, progress.lastCycleAt),
    lastCycle: progress.lastCycle ?? null,
    failing: progress.failing
      ? {
          error: progress.failing.error,
          forSeconds: age(now, progress.failing.since)!,
          iterations: progress.failing.iterations,
        }
      : null,
  };
}
