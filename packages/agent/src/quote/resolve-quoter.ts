import type { Provider } from "ethers";

import type { DecentralizedTrader } from "@zkagent/contracts/typechain";

import { withRetry, type RetryOptions } from "../chain/retry.ts";
import { PreflightError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { SwapQuoter } from "./swap-quoter.ts";

/**
 * Uniswap's QuoterV2 per chain id, where the agent knows it without configuration. Source:
 * docs.uniswap.org, "Deployment Addresses" → Arbitrum Deployments (QuoterV2 on Arbitrum One).
 * Any other chain (a local world, a fork) takes `quoterAddress` from agent.json.
 */
export const KNOWN_QUOTER_V2: Readonly<Record<string, string>> = {
  "42161": "0x61fFE014bA17989E743c5F6cB21bF9697530B21e",
};

/**
 * The quoter the agent checks each trade's swap with before proving: the configured
 * `quoterAddress`, else the chain's known QuoterV2. With neither, or with a known address that
 * holds no code on this node (a fork without it), the agent says so in one line and trades as
 * before (the trader's simulation, after the proof, is the check). A configured address with no
 * code is an operator's mistake: refused at start.
 */
export async function resolveQuoter(options: {
  configured?: string;
  chainId: bigint;
  trader: DecentralizedTrader;
  provider: Provider;
  retry: RetryOptions;
  log: Logger;
}): Promise<SwapQuoter | undefined> {
  const { configured, chainId, provider, retry, log } = options;
  const address = configured ?? KNOWN_QUOTER_V2[chainId.toString()];
  const fallback = "trades are not quoted before proving; the simulation after the proof is the check";
  if (!address) {
    log.info(`quoting: no QuoterV2 known for chain ${chainId} (set quoterAddress in agent.json): ${fallback}`);
    return undefined;
  }
  if ((await withRetry(() => provider.getCode(address), retry)) === "0x") {
    if (configured) {
      throw new PreflightError(`no contract at quoterAddress ${address} on chain ${chainId}: check the address`);
    }
    log.warn(`quoting: no contract at Uniswap's QuoterV2 ${address} on this node: ${fallback}`);
    return undefined;
  }
  log.info(`quoting: each trade's swap is quoted before proving (QuoterV2 ${address})`);
  return SwapQuoter.connect(address, options.trader, provider, retry);
}
