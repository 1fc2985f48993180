/**
 * A JSON-RPC proxy on 127.0.0.1 that forwards to a node and injects faults on demand: HTTP error
 * statuses, dropped connections, stalls longer than the client's timeout, JSON-RPC errors, a
 * transaction that is accepted but never reaches the node, and the endpoint going away and coming
 * back (what a client sees while its node restarts). It records every request, so a test can count
 * what the client sent — above all, every signed transaction.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { keccak256 } from "ethers";

export type Fault =
  /** Answer with this HTTP status (429, 500, 502, 503…) without forwarding. */
  | { kind: "http"; status: number }
  /** Destroy the connection before forwarding: the node never sees the request. */
  | { kind: "drop" }
  /** Forward, then destroy the connection instead of answering: the node acted, the client cannot know. */
  | { kind: "drop-after-forward" }
  /** Hold the request for `ms` (longer than the client's timeout), after forwarding it or not. */
  | { kind: "stall"; ms: number; forward: boolean }
  /** A JSON-RPC error with HTTP 200, as providers send for rate limits (-32005). */
  | { kind: "rpc-error"; code: number; message: string }
  /** eth_sendRawTransaction only: answer with the hash but never forward (dropped from the mempool). */
  | { kind: "swallow-tx" }
  /** Run `action` against the chain, then forward: someone else's transaction lands first. */
  | { kind: "front-run"; action: () => Promise<void> };

interface Rule {
  fault: Fault;
  method?: string;
  remaining: number;
}

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface ProxyRecord {
  method: string;
  fault?: Fault["kind"];
}

export class RpcFaultProxy {
  /** Every JSON-RPC request that reached the proxy, in order, with the fault it met. */
  readonly requests: ProxyRecord[] = [];
  /** Every raw transaction the client sent (forwarded or not), in order. */
  readonly rawTransactions: string[] = [];
  private rules: Rule[] = [];
  private down = false;

  private constructor(
    private readonly server: Server,
    readonly upstreamUrl: string,
    readonly port: number,
    private readonly record: boolean,
  ) {}

  /** `record: false` keeps no request log (a soak must not grow the heap it measures). */
  static async start(upstreamUrl: string, { record = true }: { record?: boolean } = {}): Promise<RpcFaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new RpcFaultProxy(server, upstreamUrl, (server.address() as AddressInfo).port, record);
    server.on("request", (req, res) => void proxy.handle(req, res));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` requests (for `method`, if given) meet `fault`. */
  inject(fault: Fault, options: { method?: string; times?: number } = {}): void {
    this.rules.push({ fault, ...(options.method ? { method: options.method } : {}), remaining: options.times ?? 1 });
  }

  /** Faults injected but not yet met. */
  get armed(): number {
    return this.rules.reduce((sum, r) => sum + r.remaining, 0);
  }

  clearFaults(): void {
    this.rules = [];
  }

  /** Stops listening and cuts every connection for `downMs` (connections are refused), then listens again on the same port. */
  async restart(downMs: number): Promise<void> {
    this.down = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await new Promise((r) => setTimeout(r, downMs));
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
    this.down = false;
  }

  async close(): Promise<void> {
    if (this.down) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private takeFault(calls: JsonRpcRequest[]): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && (!r.method || calls.some((c) => c.method === r.method)));
    if (!rule) return undefined;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let parsed: JsonRpcRequest | JsonRpcRequest[];
    try {
      parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
    } catch {
      res.writeHead(400).end();
      return;
    }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const fault = this.takeFault(calls);
    for (const call of this.record ? calls : []) {
      this.requests.push({ method: call.method, ...(fault ? { fault: fault.kind } : {}) });
      if (call.method === "eth_sendRawTransaction") this.rawTransactions.push(String(call.params?.[0]));
    }

    switch (fault?.kind) {
      case "http":
        res.writeHead(fault.status, { "content-type": "text/plain" }).end(`injected HTTP ${fault.status}`);
        return;
      case "drop":
        req.socket.destroy();
        return;
      case "drop-after-forward":
        await this.forward(calls);
        req.socket.destroy();
        return;
      case "stall": {
        const answer = fault.forward ? await this.forward(calls) : undefined;
        await new Promise((r) => setTimeout(r, fault.ms));
        if (!res.destroyed && answer) this.reply(res, parsed, answer);
        else req.socket.destroy();
        return;
      }
      case "front-run":
        await fault.action();
        this.reply(res, parsed, await this.forward(calls));
        return;
      case "rpc-error":
        this.reply(
          res,
          parsed,
          calls.map((c) => ({ jsonrpc: "2.0", id: c.id, error: { code: fault.code, message: fault.message } })),
        );
        return;
      case "swallow-tx": {
        const answers = await Promise.all(
          calls.map((c) =>
            c.method === "eth_sendRawTransaction"
              ? { jsonrpc: "2.0", id: c.id, result: keccak256(String(c.params?.[0])) }
              : this.forwardOne(c),
          ),
        );
        this.reply(res, parsed, answers);
        return;
      }
      default:
        this.reply(res, parsed, await this.forward(calls));
    }
  }

  private forward(calls: JsonRpcRequest[]): Promise<unknown[]> {
    return Promise.all(calls.map((c) => this.forwardOne(c)));
  }

  private async forwardOne(call: JsonRpcRequest): Promise<unknown> {
    const response = await fetch(this.upstreamUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call),
    });
    return response.json();
  }

  private reply(res: ServerResponse, request: unknown, answers: unknown[]): void {
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(Array.isArray(request) ? answers : answers[0]));
  }
}
