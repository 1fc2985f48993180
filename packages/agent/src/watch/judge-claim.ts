import {
  ACTION_NAMES,
  evaluatePolicy,
  pricesCommitment,
  unpackPublicValues,
  type PublicValues,
} from "@zkagent/circuits";
import { DecentralizedTrader__factory, ModelRegistry__factory } from "@zkagent/contracts/typechain";
import type { Provider } from "ethers";

import { WindowUnavailableError } from "../errors.ts";
import { chainlinkFeed } from "../market/feed-abi.ts";
import { readFeedWindow } from "../market/read-window.ts";

/** The window the circuits prove over. */
const WINDOW_SIZE = 30;

/**
 * What a watcher can say about a claim from public data alone:
 * - `invalid`: no proof of it can exist (a policy rule fails over the feed's window, or its window
 *   is not the feed's); challenging it wins the agent's bond.
 * - `valid`: every rule a proof would show holds over the feed's window (an attested model's proof
 *   shows nothing more), so a challenge would lose the challenge bond.
 * - `unverifiable`: the public rules hold, but the claim names a proven model, whose decision only
 *   its private weights decide; a watcher can challenge it only at the risk of its bond.
 */
export type ClaimJudgement =
  | { verdict: "valid"; values: PublicValues }
  | { verdict: "invalid"; values: PublicValues; reason: string }
  | { verdict: "unverifiable"; values: PublicValues; reason: string };

/** The registry's kind for proven models (ModelRegistry.ModelKind.Proven). */
const PROVEN = 1n;

/**
 * Re-checks a claim's public signals against the chain: the window must be the feed's 30 rounds
 * ending at the claimed round, and the policy rules must hold over it (the same evaluatePolicy the
 * circuit's tests pin to its constraints).
 */
export async function judgeClaim(
  provider: Provider,
  trader: string,
  signals: readonly bigint[],
): Promise<ClaimJudgement> {
  // The trader unpacks the signals the same way before executing, so a claim's always unpack.
  const values = unpackPublicValues(signals);
  const vault = DecentralizedTrader__factory.connect(trader, provider);
  const feed = chainlinkFeed(await vault.priceFeed(), provider);
  let prices: bigint[];
  try {
    ({ prices } = await readFeedWindow(feed, WINDOW_SIZE, { endingAt: values.roundId }));
  } catch (error) {
    if (!(error instanceof WindowUnavailableError)) throw error;
    return {
      verdict: "invalid",
      values,
      reason: `no provable window ends at round ${values.roundId}: ${error.message}`,
    };
  }
  if (pricesCommitment(prices) !== values.pricesCommitment) {
    return {
      verdict: "invalid",
      values,
      reason: `the window commitment is not the feed's for round ${values.roundId}`,
    };
  }
  const verdict = evaluatePolicy({
    prices,
    maxPosition: values.maxPosition,
    thresholdBps: values.thresholdBps,
    position: values.position,
    action: values.action,
    size: values.size,
  });
  if (!verdict.compliant) {
    return {
      verdict: "invalid",
      values,
      reason: `${ACTION_NAMES[values.action]} ${values.size} breaks policy rule ${verdict.rule}: ${verdict.reason}`,
    };
  }
  const registry = ModelRegistry__factory.connect(await vault.modelRegistry(), provider);
  const [, kind] = await registry.approval(values.modelHash);
  if (kind === PROVEN) {
    return {
      verdict: "unverifiable",
      values,
      reason: "the policy holds, but whether the proven model decides this trade only its private weights can say",
    };
  }
  return { verdict: "valid", values };
}
