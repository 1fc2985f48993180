import { JsonRpcProvider } from "ethers";

import { AgentError, RpcUnavailableError } from "../errors.ts";
import { nodeChainId } from "./assert-chain-id.ts";
import { describeRpcFault } from "./fault-reporter.ts";
import type { RetryOptions } from "./retry.ts";
import { rpcProvider } from "./rpc-provider.ts";

/** A one-shot command waits a few seconds for a node, not the agent's half a minute. */
const COMMAND_RETRY: RetryOptions = { retries: 2, baseDelayMs: 250, maxDelayMs: 1_000 };

/**
 * The node a one-shot command (audit, audit-hub, watch) was pointed at with --rpc-url: asked for
 * its chain id once, so a node that is down or a URL that is no JSON-RPC endpoint is one readable
 * error before any work starts, rather than ethers' endless "failed to detect network" and a stack
 * trace. The provider's network is then that chain (static: never detected again).
 */
export async function openNode(url: string, retry: RetryOptions = COMMAND_RETRY): Promise<JsonRpcProvider> {
  const probe = rpcProvider(url, 1, { timeoutMs: 15_000 });
  let chainId: bigint;
  try {
    chainId = await nodeChainId(probe, retry);
  } catch (error) {
    if (error instanceof AgentError) throw error;
    throw new RpcUnavailableError(`cannot reach the node at ${url}: ${describeRpcFault(error).text}`);
  } finally {
    probe.destroy();
  }
  return new JsonRpcProvider(url, Number(chainId), { staticNetwork: true });
}
