import {
  JsonRpcApiProvider,
  Network,
  type JsonRpcProvider,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";

import { withRetry } from "../chain/retry.ts";
import type { AuditCheckpoint } from "./audit-checkpoint.ts";
import { isRangeTooLarge } from "./paged-logs.ts";

/** One JSON-RPC request to a node, answered with its result or its JSON-RPC error (a transport failure throws). */
export type NodeRequest = (payload: JsonRpcPayload) => Promise<JsonRpcResult | JsonRpcError>;

/** The node's answers an audit used: asked of the node, or reused (a repeated request, or one an earlier run checkpointed). */
export interface NodeAnswerCounts {
  reused: number;
  fromNode: number;
}

/**
 * The auditor's view of a node: an ethers provider that asks the node each distinct request once
 * (trades' windows overlap in 29 of their 30 rounds, so most reads repeat) and appends every
 * answer (results and the node's own errors, reverts included) to the checkpoint, if any, serving
 * it from there when the same request comes again. An audit is a deterministic function of those
 * answers, so a run that was interrupted and is started again with the same checkpoint asks the
 * node only what it had not answered yet, and produces the same report. Transport failures are
 * retried and never recorded.
 */
export class AuditNode extends JsonRpcApiProvider {
  readonly counts: NodeAnswerCounts = { reused: 0, fromNode: 0 };
  readonly #request: NodeRequest;
  readonly #checkpoint: AuditCheckpoint | undefined;
  /** This run's answers when there is no checkpoint file to keep them. */
  readonly #answers = new Map<string, Record<string, unknown>>();

  constructor(request: NodeRequest, chainId: bigint, checkpoint?: AuditCheckpoint) {
    const network = Network.from(chainId);
    super(network, { staticNetwork: network, batchMaxCount: 1 });
    this.#request = request;
    this.#checkpoint = checkpoint;
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<(JsonRpcResult | JsonRpcError)[]> {
    return Promise.all((Array.isArray(payload) ? payload : [payload]).map((one) => this.#answer(one)));
  }

  async #answer(payload: JsonRpcPayload): Promise<JsonRpcResult | JsonRpcError> {
    const key = `${payload.method} ${JSON.stringify(payload.params ?? [])}`;
    const saved = this.#checkpoint ? this.#checkpoint.answer(key) : this.#answers.get(key);
    if (saved !== undefined) {
      this.counts.reused++;
      return { id: payload.id, ...saved } as JsonRpcResult | JsonRpcError;
    }
    const answer = await withRetry(async () => {
      const reply = await this.#request(payload);
      // A rate limit is the node's mood, not an answer: retried like a dropped connection.
      if ("error" in reply && isRateLimit(reply.error))
        throw Object.assign(new Error(reply.error.message), { code: "SERVER_ERROR", error: reply.error });
      return reply;
    });
    this.counts.fromNode++;
    const { id: _id, ...body } = answer as { id: number } & Record<string, unknown>;
    // Kept: results, reverts and range refusals (the same request always gets them). Another error
    // is passed on and asked again next time.
    if (!("error" in answer) || isLasting(payload.method, answer.error)) {
      if (this.#checkpoint) this.#checkpoint.record(key, body);
      else this.#answers.set(key, body);
    }
    return { ...answer, id: payload.id };
  }
}

/** A node's JSON-RPC error that says "slow down" (providers differ: HTTP 429 as a code, -32005, or words). */
export function isRateLimit(error: JsonRpcError["error"]): boolean {
  const message = error.message ?? "";
  return (
    error.code === 429 ||
    /rate limit|too many requests|exceeded .*(capacity|throughput|quota)|compute units/i.test(message) ||
    (error.code === -32005 && !isRangeTooLarge({ message }) && !/more than|range|results/i.test(message))
  );
}

/** An error the same request would get again from this node: a revert, or a log range it will not serve. */
function isLasting(method: string, error: JsonRpcError["error"]): boolean {
  return (
    error.code === 3 ||
    /revert/i.test(error.message ?? "") ||
    (method === "eth_getLogs" && isRangeTooLarge({ message: error.message, error }))
  );
}

/** A node the CLI opened (openNode: its chain id checked), asked one request at a time. */
export function requestsVia(rpc: JsonRpcProvider): NodeRequest {
  return async (payload) => {
    const [answer] = await rpc._send(payload);
    if (!answer) throw new Error(`the node sent no answer to ${payload.method}`);
    return answer;
  };
}

/** An EIP-1193 provider (Hardhat's in-process network, a browser wallet) as a {@link NodeRequest}. */
export function requestsToEip1193(provider: {
  request: (args: { method: string; params?: unknown[] }) => Promise<unknown>;
}): NodeRequest {
  return async (payload) => {
    try {
      const params = (payload.params ?? []) as unknown[];
      return { id: payload.id, result: await provider.request({ method: payload.method, params }) };
    } catch (error) {
      const e = error as { code?: unknown; message?: string; data?: unknown };
      if (typeof e.code !== "number") throw error;
      return { id: payload.id, error: { code: e.code, message: e.message ?? "", data: e.data } };
    }
  };
}
