import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

import type { TickResult } from "../run-loop.ts";
import { healthOf, type HealthReport, type LoopProgress } from "./health.ts";

/** What the metrics' info line names (labels of zkagent_info). */
export interface AgentIdentity {
  version: string;
  agent: string;
  trader: string;
  chainId: number;
  mode: string;
  path: string;
}

/** The cycle's steps whose time is measured (CycleReport.timingsMs). */
const PHASES = ["data", "inference", "precheck", "witness", "prove", "disclose", "submit", "confirm"] as const;

/**
 * `zkagent run`'s metrics, in its own prom-client registry (never the global one: two agents in
 * one process, or a test, do not mix), and the loop's progress for /healthz. The run loop feeds
 * it through its hooks (onTick, onPoll, onFailure); the server reads it.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly progress: LoopProgress;
  private readonly cycles: Counter<"verdict">;
  private readonly trades: Counter<"outcome">;
  private readonly skipped: Counter;
  private readonly failures: Counter<"error">;
  private readonly phaseSeconds: Histogram<"phase">;
  private readonly lastCycle: Gauge;
  private readonly lastPoll: Gauge;
  private readonly position: Gauge;

  constructor(identity: AgentIdentity, options: { now?: () => number; faultEpisodes?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.progress = { startedAt: this.now() };
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "zkagent_info",
      help: "The running agent: version, agent and trader addresses, chain, decision mode and trade path (always 1)",
      labelNames: ["version", "agent", "trader", "chain_id", "mode", "path"],
      registers,
    }).set(
      {
        version: identity.version,
        agent: identity.agent,
        trader: identity.trader,
        chain_id: String(identity.chainId),
        mode: identity.mode,
        path: identity.path,
      },
      1,
    );
    this.cycles = new Counter({
      name: "zkagent_cycles_total",
      help: "Completed cycles (one per new oracle round) by verdict: hold, compliant, refused, malformed, unavailable",
      labelNames: ["verdict"],
      registers,
    });
    this.trades = new Counter({
      name: "zkagent_trades_total",
      help: "Trades sent by outcome: executed, pending, reverted, superseded",
      labelNames: ["outcome"],
      registers,
    });
    this.skipped = new Counter({
      name: "zkagent_cycles_skipped_total",
      help: "Rounds skipped (a sent transaction still pending, or a scheduled governance change)",
      registers,
    });
    this.failures = new Counter({
      name: "zkagent_loop_failures_total",
      help: "Loop iterations that failed (the RPC down after every retry, unusable market data, ...) by error",
      labelNames: ["error"],
      registers,
    });
    this.phaseSeconds = new Histogram({
      name: "zkagent_cycle_phase_seconds",
      help: "Time spent in each step of a cycle",
      labelNames: ["phase"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.lastCycle = new Gauge({
      name: "zkagent_last_cycle_timestamp_seconds",
      help: "When the last cycle completed (Unix time)",
      registers,
    });
    this.lastPoll = new Gauge({
      name: "zkagent_last_poll_timestamp_seconds",
      help: "When the loop last completed a poll of the feed (Unix time): what /healthz checks",
      registers,
    });
    this.position = new Gauge({
      name: "zkagent_position_base_units",
      help: "The agent's position after the last cycle, in the base token's smallest unit (wei for WETH)",
      registers,
    });
    const faultEpisodes = options.faultEpisodes;
    if (faultEpisodes) {
      new Gauge({
        name: "zkagent_rpc_fault_episodes",
        help: "RPC fault episodes reported since start (each outage once)",
        registers,
        collect() {
          this.set(faultEpisodes());
        },
      });
    }
  }

  private readonly now: () => number;

  /** A completed tick (run loop's onTick). */
  observeTick(result: TickResult): void {
    const at = this.now();
    this.progress.lastCycleAt = at;
    this.lastCycle.set(at / 1000);
    if ("skipped" in result) {
      this.skipped.inc();
      this.progress.lastCycle = { tick: result.tick, verdict: "skipped" };
      return;
    }
    this.progress.lastCycle = {
      tick: result.tick,
      verdict: result.verdict,
      ...(result.outcome ? { outcome: result.outcome } : {}),
    };
    this.cycles.inc({ verdict: result.verdict });
    if (result.outcome) this.trades.inc({ outcome: result.outcome });
    for (const phase of PHASES) {
      const ms = result.timingsMs[phase];
      if (ms !== undefined) this.phaseSeconds.observe({ phase }, ms / 1000);
    }
    this.position.set(Number(result.positionAfter ?? result.position));
  }

  /** A loop iteration that completed without failing (run loop's onPoll). */
  observePoll(): void {
    const at = this.now();
    this.progress.lastPollAt = at;
    delete this.progress.failing;
    this.lastPoll.set(at / 1000);
  }

  /** A loop iteration that failed (run loop's onFailure). */
  observeFailure(error: Error): void {
    this.failures.inc({ error: error.name });
    if (this.progress.failing?.error === error.name) this.progress.failing.iterations++;
    else this.progress.failing = { error: error.name, since: this.now(), iterations: 1 };
  }

  health(maxAgeSeconds: number): HealthReport {
    return healthOf(this.progress, this.now(), maxAgeSeconds);
  }
}
