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
 * Asks the node which chain it serves (`eth_chainId`, through the retry layer) and throws a
 * PreflightError naming both ids when it is not `expectedChainId`; returns the node's chain id.
 *
 * `provider.getNetwork()` would not do: the agent's provider is built with `staticNetwork`, so it
 * only echoes the configured id back and a wrong chain would first surface as some later, baffling
 * failure ("no contract at traderAddress").
 */
export async function assertChainId(
  provider: Provider,
  expectedChainId: bigint,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<bigint> {
  const node = provider instanceof JsonRpcProvider ? `the node at ${provider._getConnection().url}` : "the node";
  let chainId: bigint;
  if (hasRawJsonRpc(provider)) {
    const raw = await withRetry(() => provider.send("eth_chainId", []), retry);
    const answer = chainIdAnswer.safeParse(raw);
    if (!answer.success) {
      throw new PreflightError(
        `${node} answered eth_chainId with ${String(JSON.stringify(raw)).slice(0, 80)}, not a chain id: is rpcUrl an EVM chain's JSON-RPC endpoint?`,
      );
    }
    chainId = BigInt(answer.data);
  } else {
    // Not a JSON-RPC provider (a FallbackProvider, say): its network is its own detection's.
    chainId = (await withRetry(() => provider.getNetwork(), retry)).chainId;
  }
  if (chainId !== expectedChainId) {
    throw new PreflightError(
      `${node} is chain ${chainId} but the config says ${expectedChainId}: check rpcUrl and chainId`,
    );
  }
  return chainId;
}
