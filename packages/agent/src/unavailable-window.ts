import { performance } from "node:perf_hooks";

import type { CycleReport } from "./cycle.ts";
import type { WindowUnavailableError } from "./errors.ts";
import type { Journal } from "./journal/journal.ts";
import type { Logger } from "./log.ts";

/**
 * A tick with no provable window (a phase change, a round with no data): journaled and reported as
 * `unavailable`, nothing proven. One place for every path (verified, optimistic, hub).
 */
export function unavailableWindow(
  { journal, log }: { journal: Journal; log: Logger },
  tick: number,
  roundId: bigint,
  position: bigint,
  error: WindowUnavailableError,
  startedAt: number,
): CycleReport {
  const timingsMs = { data: performance.now() - startedAt, inference: 0, precheck: 0 };
  journal.append({
    kind: "cycle",
    tick,
    roundId: roundId.toString(),
    latestPrice: "0",
    movingAverage: "0",
    signal: "",
    verdict: "unavailable",
    reason: error.message,
    timingsMs,
  });
  log.info(`tick ${tick}: no provable window: ${error.message}`);
  return {
    tick,
    roundId,
    latestPrice: 0n,
    movingAverage: 0n,
    lowerBand: 0n,
    upperBand: 0n,
    position,
    verdict: "unavailable",
    reason: error.message,
    timingsMs,
  };
}
