import { JsonRpcProvider, type Provider } from "ethers";
import { z } from "zod";

import { PreflightError } from "../errors.ts";
import { DEFAULT_RETRY, withRetry, type RetryOptions } from "./retry.ts";

/** A provider that passes raw JSON-RPC requests to its node (ethers' JsonRpcProvider, Hardhat's provider). */
interface RawJsonRpc {
  send(method: string, params: unknown[]): Promise<unknown>;
}

const hasRawJsonRpc = (provider: Provider): provider is Provider & RawJsonRpc =>
  typeof (provider as Partial<RawJsonRpc>).send === "function";

const chainIdAnswer = z.string().regex(/^0x[0-9a-fA-F]{1,16}$/);

/**
 * The chain id the node itself answers (`eth_chainId`, through the retry layer), or a
 * PreflightError when the answer is not one. `provider.getNetwork()` would not do: the agent's
 * provider is built with `staticNetwork`, so it only echoes the configured id back.
 */
export async function nodeChainId(provider: Provider, retry: RetryOptions = DEFAULT_RETRY): Promise<bigint> {
  if (!hasRawJsonRpc(provider)) {
    // Not a JSON-RPC provider (a FallbackProvider, say): its network is its own detection's.
    return (await withRetry(() => provider.getNetwork(), retry)).chainId;
  }
  const raw = await withRetry(() => provider.send("eth_chainId", []), retry);
  const answer = chainIdAnswer.safeParse(raw);
  if (!answer.success) {
    throw new PreflightError(
      `${nodeName(provider)} answered eth_chainId with ${String(JSON.stringify(raw)).slice(0, 80)}, not a chain id: is rpcUrl an EVM chain's JSON-RPC endpoint?`,
    );
  }
  return BigInt(answer.data);
}

const nodeName = (provider: Provider) =>
  provider instanceof JsonRpcProvider ? `the node at ${provider._getConnection().url}` : "the node";

/**
 * Asks the node which chain it serves ({@link nodeChainId}) and throws a PreflightError naming
 * both ids when it is not `expectedChainId`; returns the node's chain id. Checked first, or a
 * wrong chain would surface as some later, baffling failure ("no contract at traderAddress").
 */
export async function assertChainId(
  provider: Provider,
  expectedChainId: bigint,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<bigint> {
  const chainId = await nodeChainId(provider, retry);
  if (chainId !== expectedChainId) {
    throw new PreflightError(
      `${nodeName(provider)} is chain ${chainId} but the config says ${expectedChainId}: check rpcUrl and chainId`,
    );
  }
  return chainId;
}
