import { FetchRequest, JsonRpcProvider } from "ethers";

export interface RpcProviderOptions {
  /** Per-request timeout; ethers' default is five minutes, far too long to notice a hung node. */
  timeoutMs?: number;
  pollingIntervalMs?: number;
}

/**
 * The agent's JSON-RPC provider.
 * - No response cache: ethers otherwise reuses an identical request's answer for 250 ms, and a
 *   stale account nonce is a failed transaction.
 * - HTTP 429 is handed to the agent's retry layer instead of ethers' silent internal retries (up
 *   to 12), so a rate limit is reported and backed off like every other fault.
 * - `staticNetwork`: ethers takes `chainId` as given and never detects the network (no extra
 *   eth_chainId per start, no network-changed errors mid-run). So `getNetwork()` only echoes
 *   `chainId` back: the node's real chain id is checked by `assertChainId`, first in preflight.
 */
export function rpcProvider(url: string, chainId: number, options: RpcProviderOptions = {}): JsonRpcProvider {
  const request = new FetchRequest(url);
  request.timeout = options.timeoutMs ?? 30_000;
  request.retryFunc = async () => false;
  const provider = new JsonRpcProvider(request, chainId, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = options.pollingIntervalMs ?? 1_000;
  return provider;
}
