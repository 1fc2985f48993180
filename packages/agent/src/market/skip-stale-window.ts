import type { CycleDeps, CycleReport } from "../cycle.ts";
import type { Window } from "./read-window.ts";
import { staleWindowOf } from "./stale-window.ts";

/**
 * True if `window` is not worth proving over (see staleWindowOf): the skip is journaled
 * (`stale-window`, with the round, its age and why) and reported, and nothing is proven or sent.
 * Checked twice per cycle: as the window is read ("window", before any inference) and again just
 * before proving ("before-proof": inference took time, and a round may have landed meanwhile).
 */
export async function skipsStaleWindow(
  deps: CycleDeps,
  tick: number,
  report: CycleReport,
  window: Window,
  maxOracleAge: bigint,
  stage: "window" | "before-proof",
): Promise<boolean> {
  const provider = deps.client.wallet.provider;
  if (!provider) return false;
  // As the window is read, its last round is the feed's latest (read a moment ago): no second read.
  const stale = await staleWindowOf(
    stage === "window" ? undefined : deps.feed,
    provider,
    window,
    maxOracleAge,
    deps.oracleAgeMarginSeconds,
    deps.client.retry,
  );
  if (!stale) return false;
  deps.journal.append({
    kind: "stale-window",
    tick,
    roundId: stale.roundId.toString(),
    stage,
    ageSeconds: stale.ageSeconds.toString(),
    maxOracleAge: stale.maxOracleAge.toString(),
    marginSeconds: stale.marginSeconds.toString(),
    ...(stale.latestRoundId === undefined ? {} : { latestRoundId: stale.latestRoundId.toString() }),
    reason: stale.reason,
  });
  report.staleWindow = stale;
  report.reason = stale.reason;
  if (stage === "window") report.verdict = "unavailable";
  deps.log.info(`tick ${tick}: nothing proven: ${stale.reason}`);
  return true;
}
