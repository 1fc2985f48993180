/**
 * `zkagent run`'s metrics endpoint and health check (#20): Prometheus text at /metrics, the
 * loop's health at /healthz, `zkagent health` for supervisors, and the run loop's hooks that feed
 * them. No node: the loop runs a stand-in agent; the CLI runs as a child process.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { MarketDataError } from "../src/errors.ts";
import { AgentMetrics } from "../src/monitor/agent-metrics.ts";
import { healthMaxAgeSeconds, healthOf } from "../src/monitor/health.ts";
import { startMonitorServer, type MonitorServer } from "../src/monitor/monitor-server.ts";
import { runAgent, type TickResult } from "../src/run-loop.ts";
import type { Agent } from "../src/agent.ts";
import type { CycleReport } from "../src/cycle.ts";

const CLI = join(import.meta.dirname, "../bin/zkagent.js");
const IDENTITY = {
  version: "0.1.0",
  agent: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  trader: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  chainId: 31337,
  mode: "llm",
  path: "verified",
};
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const cycle = (tick: number, verdict: CycleReport["verdict"], extra: Partial<CycleReport> = {}): CycleReport => ({
  tick,
  roundId: BigInt(tick),
  latestPrice: 1n,
  movingAverage: 1n,
  lowerBand: 1n,
  upperBand: 1n,
  position: 5n * 10n ** 17n,
  verdict,
  timingsMs: { data: 12, inference: 40, precheck: 1 },
  ...extra,
});

/** A clock the test moves. */
function clock(start = 1_800_000_000_000) {
  let now = start;
  return { now: () => now, advance: (seconds: number) => void (now += seconds * 1000) };
}

describe("the agent's health (pure)", () => {
  it("is 'starting' until the first poll, within the bound; then 'ok' while polls are recent; 'stale' after", () => {
    const t0 = 1_000_000;
    expect(healthOf({ startedAt: t0 }, t0 + 5_000, 60)).to.deep.include({ status: "starting", healthy: true });
    expect(healthOf({ startedAt: t0 }, t0 + 61_000, 60)).to.deep.include({ status: "stale", healthy: false });
    const polled = { startedAt: t0, lastPollAt: t0 + 10_000 };
    expect(healthOf(polled, t0 + 70_000, 60)).to.deep.include({ status: "ok", healthy: true, lastPollAgeSeconds: 60 });
    expect(healthOf(polled, t0 + 70_001, 60)).to.deep.include({ status: "stale", healthy: false });
  });

  it("judges the last poll, not the last cycle: a quiet market (no new round for hours) is healthy", () => {
    const t0 = 1_000_000;
    const quietMarket = { startedAt: t0, lastPollAt: t0 + 3 * 3600_000, lastCycleAt: t0 + 1_000 };
    const report = healthOf(quietMarket, t0 + 3 * 3600_000 + 1_000, 60);
    expect(report).to.deep.include({ status: "ok", healthy: true });
    expect(report.lastCycleAgeSeconds).to.be.greaterThan(3 * 3600 - 1);
  });

  it("the default bound covers a cycle's worst case: three intervals, the receipt wait and two minutes", () => {
    expect(healthMaxAgeSeconds(15, 120)).to.equal(285);
  });
});

describe("the metrics endpoint (/metrics, /healthz) on 127.0.0.1", () => {
  let server: MonitorServer;
  let metrics: AgentMetrics;
  const time = clock();
  before(async () => {
    metrics = new AgentMetrics(IDENTITY, { now: time.now, faultEpisodes: () => 2 });
    server = await startMonitorServer(metrics, { host: "127.0.0.1", port: 0, maxAgeSeconds: 60 });
  });
  after(async () => server.close());

  it("listens on the loopback address given (the default: not reachable from other machines)", () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("/metrics is Prometheus text: the agent's identity, cycles by verdict, trades by outcome, phase times, faults", async () => {
    metrics.observeTick(cycle(0, "hold"));
    metrics.observeTick(cycle(1, "refused"));
    metrics.observeTick(
      cycle(2, "compliant", {
        outcome: "executed",
        positionAfter: 10n ** 18n,
        timingsMs: { data: 1, inference: 2, precheck: 1, prove: 900 },
      }),
    );
    metrics.observeTick({ tick: 3, skipped: "a sent transaction is still pending" });
    metrics.observeFailure(new MarketDataError("the feed answered nothing"));
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).to.include(
      `zkagent_info{version="0.1.0",agent="${IDENTITY.agent}",trader="${IDENTITY.trader}",chain_id="31337",mode="llm",path="verified"} 1`,
    );
    expect(text).to.include('zkagent_cycles_total{verdict="hold"} 1');
    expect(text).to.include('zkagent_cycles_total{verdict="refused"} 1');
    expect(text).to.include('zkagent_cycles_total{verdict="compliant"} 1');
    expect(text).to.include('zkagent_trades_total{outcome="executed"} 1');
    expect(text).to.include("zkagent_cycles_skipped_total 1");
    expect(text).to.include('zkagent_loop_failures_total{error="MarketDataError"} 1');
    expect(text).to.include('zkagent_cycle_phase_seconds_count{phase="prove"} 1');
    expect(text).to.include('zkagent_cycle_phase_seconds_count{phase="data"} 3');
    expect(text).to.include("zkagent_position_base_units 1000000000000000000");
    expect(text).to.include("zkagent_rpc_fault_episodes 2");
    expect(text).to.match(/^process_resident_memory_bytes \d+/m); // prom-client's process metrics
  });

  it("/healthz: 200 while polls are recent, 503 once the last one is older than the bound", async () => {
    metrics.observePoll();
    time.advance(30);
    let response = await fetch(`${server.url}/healthz`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.include({
      status: "ok",
      healthy: true,
      lastPollAgeSeconds: 30,
      lastCycle: { tick: 3, verdict: "skipped" },
      failing: null,
    });
    time.advance(31);
    response = await fetch(`${server.url}/healthz`);
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.include({ status: "stale", healthy: false, lastPollAgeSeconds: 61 });
  });

  it("anything else is 404, and writes are refused (405)", async () => {
    expect((await fetch(`${server.url}/`)).status).to.equal(404);
    expect((await fetch(`${server.url}/metrics`, { method: "POST" })).status).to.equal(405);
  });

  it("a port already taken is one line naming it", async () => {
    const port = Number(new URL(server.url).port);
    const error = await startMonitorServer(metrics, { host: "127.0.0.1", port, maxAgeSeconds: 60 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("ConfigError");
    expect(error?.message).to.equal(
      `metrics: cannot listen on 127.0.0.1:${port}: EADDRINUSE (another process has it: choose another metrics port)`,
    );
  });
});

describe("the run loop feeds the metrics through its hooks", () => {
  it("every completed iteration is a poll, every tick a cycle, every failure counted, and a recovery clears it", async () => {
    // A stand-in agent: rounds 1, 1, (feed fails), 2.
    const rounds: (bigint | Error)[] = [1n, 1n, new MarketDataError("no answer"), 2n];
    let tick = 0;
    const agent = {
      feed: {
        latestRoundData: async () => {
          const next = rounds.shift()!;
          if (next instanceof Error) throw next;
          return [next];
        },
      },
      tick: async (n: number): Promise<TickResult> =>
        cycle(n, tick++ === 0 ? "hold" : "compliant", { outcome: "executed" }),
      tendClaims: async () => undefined,
      journal: { append: () => {} },
    } as unknown as Agent;
    const metrics = new AgentMetrics(IDENTITY);
    const polls: number[] = [];
    const summary = await runAgent(agent, {
      ticks: 3,
      intervalMs: 1,
      log: quiet,
      onTick: (result) => metrics.observeTick(result),
      onPoll: () => {
        polls.push(1);
        metrics.observePoll();
      },
      onFailure: (error) => metrics.observeFailure(error),
    });
    expect(summary).to.deep.equal({ ticks: 3, failedTicks: 1, failureEpisodes: 1 });
    expect(polls).to.have.length(3); // round 1 (tick), round 1 again (no tick), round 2 (tick)
    expect(metrics.progress.failing).to.equal(undefined);
    const text = await metrics.registry.metrics();
    expect(text).to.include('zkagent_cycles_total{verdict="hold"} 1');
    expect(text).to.include('zkagent_cycles_total{verdict="compliant"} 1');
    expect(text).to.include('zkagent_loop_failures_total{error="MarketDataError"} 1');
  });
});

describe("zkagent health (the CLI as a child process)", function () {
  this.timeout(120_000);
  let server: MonitorServer;
  const time = clock(Date.now());
  const metrics = new AgentMetrics(IDENTITY, { now: time.now });
  before(async () => {
    server = await startMonitorServer(metrics, { host: "127.0.0.1", port: 0, maxAgeSeconds: 60 });
  });
  after(async () => server.close());

  const health = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // async: the server answers from this process
      import("node:child_process").then(({ execFile }) =>
        execFile(process.execPath, [CLI, "health", ...args], { encoding: "utf8" }, (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    });

  it("exit 0 and one line when the agent is healthy; the report with --json", async () => {
    metrics.observeTick(cycle(7, "hold"));
    metrics.observePoll();
    const result = await health("--url", `${server.url}/healthz`);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(
      /^healthy \(ok\): last poll 0 s ago, at most 60 s allowed; last cycle 0 s ago \(tick 7, hold\)\n$/,
    );
    const json = await health("--url", `${server.url}/healthz`, "--json");
    expect(JSON.parse(json.stdout)).to.deep.include({ status: "ok", healthy: true });
  });

  it("exit 1 when the last poll is too old", async () => {
    time.advance(120);
    const result = await health("--url", `${server.url}/healthz`);
    expect(result.status).to.equal(1);
    expect(result.stdout).to.match(/^unhealthy \(stale\): last poll 120 s ago, at most 60 s allowed/);
  });

  it("exit 1 when nothing answers", async () => {
    const closed = await startMonitorServer(metrics, { host: "127.0.0.1", port: 0, maxAgeSeconds: 60 });
    await closed.close(); // a port nothing listens on
    const result = spawnSync(process.execPath, [CLI, "health", "--url", `${closed.url}/healthz`], {
      encoding: "utf8",
    });
    expect(result.status).to.equal(1);
    expect(result.stdout).to.equal(
      `unhealthy: no agent answers at ${closed.url}/healthz (ECONNREFUSED): is \`zkagent run\` running with its metrics endpoint on?\n`,
    );
  });

  it("a config without metrics says how to turn the endpoint on (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkagent-health-"));
    writeFileSync(
      join(dir, "agent.json"),
      JSON.stringify({ rpcUrl: "http://127.0.0.1:9", chainId: 31337, traderAddress: IDENTITY.trader }),
    );
    const result = spawnSync(process.execPath, [CLI, "health", "--config", join(dir, "agent.json")], {
      encoding: "utf8",
    });
    expect(result.status).to.equal(2);
    expect(result.stderr).to.match(/^ConfigError: health: the config has no "metrics" \(the endpoint is off\)/);
  });

  it("run --metrics-port must be a port number", () => {
    const result = spawnSync(process.execPath, [CLI, "run", "--metrics-port", "http"], { encoding: "utf8" });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/option '--metrics-port <n>' argument 'http' is invalid/);
  });
});
