import type { HealthReport } from "./health.ts";

/** What `zkagent health` says: one line, the report when the agent answered, and the verdict. */
export interface HealthVerdict {
  healthy: boolean;
  line: string;
  report?: HealthReport;
}

const seconds = (s: number | null) => (s === null ? "never" : `${Math.round(s)} s ago`);

/** Asks `url` (a running agent's /healthz) for its report, within `timeoutMs`. Never throws. */
export async function askHealth(url: string, timeoutMs = 5_000): Promise<HealthVerdict> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return {
      healthy: false,
      line: `unhealthy: no agent answers at ${url} (${cause}): is \`zkagent run\` running with its metrics endpoint on?`,
    };
  }
  let report: HealthReport;
  try {
    report = (await response.json()) as HealthReport;
  } catch {
    return { healthy: false, line: `unhealthy: ${url} answered HTTP ${response.status} without a health report` };
  }
  const last = report.lastCycle
    ? `; last cycle ${seconds(report.lastCycleAgeSeconds)} (tick ${report.lastCycle.tick}, ${report.lastCycle.verdict}${report.lastCycle.outcome ? `, ${report.lastCycle.outcome}` : ""})`
    : "; no cycle yet";
  const failing = report.failing
    ? `; failing for ${Math.round(report.failing.forSeconds)} s (${report.failing.error}, ${report.failing.iterations} polls)`
    : "";
  const healthy = response.ok && report.healthy;
  return {
    healthy,
    report,
    line: `${healthy ? "healthy" : "unhealthy"} (${report.status}): last poll ${seconds(report.lastPollAgeSeconds)}, at most ${report.maxAgeSeconds} s allowed${last}${failing}`,
  };
}
