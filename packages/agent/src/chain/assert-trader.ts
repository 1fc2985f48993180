import type { Provider } from "ethers";

import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";

import { AgentError, PreflightError } from "../errors.ts";
import { isTransient } from "./retry.ts";

/**
 * That `address` holds a DecentralizedTrader: some code, and an answer to `policy()`. Read-only
 * commands (status, audit) check this first, so an address of nothing or of another contract is
 * one PreflightError naming where the address came from (`source`: "traderAddress", "--trader"),
 * not a decoding error from deep inside ethers.
 */
export async function assertDecentralizedTrader(
  provider: Provider,
  address: string,
  source: string,
  chainId?: bigint,
): Promise<void> {
  const chain = chainId === undefined ? "" : ` on chain ${chainId}`;
  if ((await provider.getCode(address)) === "0x") {
    throw new PreflightError(
      `no contract at ${source} ${address}${chain}: check the address, and that the node serves the chain it was deployed on`,
    );
  }
  try {
    await DecentralizedTrader__factory.connect(address, provider).policy();
  } catch (error) {
    if (error instanceof AgentError || isTransient(error)) throw error;
    throw new PreflightError(
      `${source} ${address}${chain} is not a DecentralizedTrader (its policy() call fails): check the address`,
    );
  }
}
