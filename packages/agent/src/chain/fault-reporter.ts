import type { Logger } from "../log.ts";
import { isRateLimitCode, nodeRpcError } from "./retry.ts";

/** What an RPC failure was, in words an operator can act on. `kind` groups repeats of one fault. */
export function describeRpcFault(error: unknown): { kind: string; text: string } {
  const e = error as {
    code?: string;
    status?: number;
    message?: string;
    info?: { responseStatus?: string };
    cause?: unknown;
  };
  const status = e?.info?.responseStatus ?? (typeof e?.status === "number" ? `${e.status}` : undefined);
  if (status) {
    const rateLimited = status.startsWith("429");
    return {
      kind: `http ${status.slice(0, 3)}`,
      text: rateLimited ? `rate limited by the endpoint (HTTP ${status})` : `the endpoint answered HTTP ${status}`,
    };
  }
  const rpcError = nodeRpcError(error);
  if (rpcError && isRateLimitCode(rpcError.code))
    return {
      kind: "rpc rate limit",
      text: `rate limited by the node (JSON-RPC ${rpcError.code}: ${rpcError.message})`,
    };
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  if (code === "TIMEOUT") return { kind: "timeout", text: "no answer within the request timeout (rpcTimeoutSeconds)" };
  if (code === "ECONNREFUSED") return { kind: "refused", text: "connection refused: the node is down or restarting" };
  if (code === "ECONNRESET" || /socket hang up/.test(String(e?.message)))
    return { kind: "dropped", text: "the connection was dropped before an answer came" };
  const first = String(e?.message ?? error)
    .split("\n")[0]!
    .slice(0, 160);
  return { kind: first, text: first };
}

/**
 * Reports RPC trouble once per episode: the first failure of a kind logs one warning; retries of
 * the same fault stay quiet; the next success logs one line saying how long it lasted. An
 * operator reading the log at 3 a.m. sees each fault once, not once per retry.
 */
export class FaultReporter {
  private episode?: { kind: string; since: number; failures: number };
  /** Every fault reported, in order (for tests and the soak's figures). */
  readonly reported: string[] = [];

  constructor(private readonly log: Logger) {}

  failed(error: unknown): void {
    const { kind, text } = describeRpcFault(error);
    if (this.episode?.kind === kind) {
      this.episode.failures++;
      return;
    }
    this.episode = { kind, since: Date.now(), failures: 1 };
    this.reported.push(kind);
    this.log.warn(`RPC fault: ${text}; retrying with backoff`);
  }

  succeeded(): void {
    if (!this.episode) return;
    const { kind, since, failures } = this.episode;
    this.episode = undefined;
    this.log.info(`RPC recovered (${kind}) after ${failures} failed attempt(s) over ${Date.now() - since} ms`);
  }
}
