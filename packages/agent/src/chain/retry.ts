import { RpcUnavailableError } from "../errors.ts";
import type { FaultReporter } from "./fault-reporter.ts";

export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Told of every transient failure and every success: reports each fault episode once. */
  faults?: FaultReporter;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

const TRANSIENT_CODES = new Set([
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
]);

/**
 * The node's own JSON-RPC error inside an ethers error. ethers keeps it in `error`, except on
 * eth_call and eth_estimateGas, where it dresses it up as a CALL_EXCEPTION and keeps it in `info`.
 */
export function nodeRpcError(error: unknown): { code?: number; message?: string } | undefined {
  const e = error as { error?: { code?: number; message?: string }; info?: { error?: { code?: number } } };
  return e?.error ?? e?.info?.error;
}

/** JSON-RPC codes providers use for rate limits. */
export const isRateLimitCode = (code: number | undefined) => code === 429 || code === -32005;

/** Whether an error is a transient RPC failure (connection, timeout, HTTP 429/5xx), not a revert. */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; status?: number; cause?: unknown; message?: string };
  if (e?.code && TRANSIENT_CODES.has(e.code)) return true;
  if (typeof e?.status === "number" && (e.status === 429 || e.status >= 500)) return true;
  if (isRateLimitCode(nodeRpcError(error)?.code)) return true;
  if (/\b(429|502|503|504)\b|socket hang up|ECONNREFUSED|ECONNRESET|fetch failed/.test(String(e?.message ?? "")))
    return true;
  return e?.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

/** Runs `operation`, retrying transient failures with capped exponential backoff and jitter. */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await operation();
      options.faults?.succeeded();
      return result;
    } catch (error) {
      if (!isTransient(error)) throw error;
      options.faults?.failed(error);
      if (attempt >= options.retries) {
        throw new RpcUnavailableError(
          `the RPC endpoint failed ${attempt + 1} times: ${(error as Error).message}. Check the node or the rpcUrl (in the config, or --rpc-url).`,
        );
      }
      const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
