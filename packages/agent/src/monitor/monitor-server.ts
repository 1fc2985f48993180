import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { ConfigError } from "../errors.ts";
import type { AgentMetrics } from "./agent-metrics.ts";

export interface MonitorServer {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format, from the agent's own registry) and `GET /healthz`
 * (the health report as JSON: 200 when healthy, 503 when not) on `host:port`; anything else is
 * 404. Read-only: nothing here changes the agent. `port` 0 picks a free port (tests).
 */
export async function startMonitorServer(
  metrics: AgentMetrics,
  options: { host: string; port: number; maxAgeSeconds: number },
): Promise<MonitorServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (path === "/healthz") {
      const report = metrics.health(options.maxAgeSeconds);
      response
        .writeHead(report.healthy ? 200 : 503, { "content-type": "application/json" })
        .end(`${JSON.stringify(report)}\n`);
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics or /healthz\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          `metrics: cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}${error.code === "EADDRINUSE" ? " (another process has it: choose another metrics port)" : ""}`,
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
