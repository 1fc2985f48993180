import type { Provider } from "ethers";

import { DEFAULT_RETRY, withRetry, type RetryOptions } from "../chain/retry.ts";
import type { AggregatorV3Interface } from "./feed-abi.ts";
import type { Window } from "./read-window.ts";

/**
 * How long before `maxOracleAge` a round stops being worth proving over: the proof, the
 * simulation and the transaction's inclusion must all fit in between, or the trader refuses the
 * trade (StaleOracle) after the work is done. 60 s covers a proof of either circuit (0.4-1.5 s warm
 * with snarkjs, bench/BENCHMARKS.md, ten times that on a loaded machine), the simulation, signing
 * and RPC retries, and a few blocks of inclusion (Arbitrum: 0.25 s; Ethereum: 12 s). A policy whose maxOracleAge is short is given at
 * most half of it as margin, so a round is never stale the moment it lands.
 */
export const ORACLE_AGE_MARGIN_SECONDS = 60n;

/** Why a window is not worth proving over: it is no longer the feed's, or it will be stale before it lands. */
export interface StaleWindow {
  roundId: bigint;
  /** The round's age in seconds at the chain's latest block. */
  ageSeconds: bigint;
  maxOracleAge: bigint;
  marginSeconds: bigint;
  /** The feed's latest round, when a newer one than the window's has landed. */
  latestRoundId?: bigint;
  reason: string;
}

/** The margin actually applied under a policy's `maxOracleAge` (see ORACLE_AGE_MARGIN_SECONDS). */
export function oracleAgeMargin(maxOracleAge: bigint, marginSeconds = ORACLE_AGE_MARGIN_SECONDS): bigint {
  return marginSeconds < maxOracleAge / 2n ? marginSeconds : maxOracleAge / 2n;
}

/**
 * Whether `window` is still worth proving over, judged at the chain's latest block: its round must
 * still be the feed's latest (a newer round makes the trader refuse it, RoundSuperseded) and must
 * be younger than `maxOracleAge` less the margin (else StaleOracle by the time it lands). Returns
 * why not, or undefined. Reads the latest block and, with a `feed`, its latest round (without one,
 * the window was just read and its last round is taken as the feed's latest).
 */
export async function staleWindowOf(
  feed: AggregatorV3Interface | undefined,
  provider: Provider,
  window: Window,
  maxOracleAge: bigint,
  marginSeconds = ORACLE_AGE_MARGIN_SECONDS,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<StaleWindow | undefined> {
  const proven = window.rounds.at(-1)!;
  const [[latestRoundId, , , updatedAt], block] = await Promise.all([
    feed ? feed.latestRoundData() : ([proven.roundId, proven.answer, 0n, proven.updatedAt, proven.roundId] as const),
    withRetry(() => provider.getBlock("latest"), retry),
  ]);
  if (!block) throw new Error("the node returned no latest block");
  const now = BigInt(block.timestamp);
  const margin = oracleAgeMargin(maxOracleAge, marginSeconds);
  if (latestRoundId !== window.roundId) {
    return {
      roundId: window.roundId,
      ageSeconds: now - proven.updatedAt,
      maxOracleAge,
      marginSeconds: margin,
      latestRoundId,
      reason: `round ${window.roundId} is no longer the feed's latest (round ${latestRoundId} landed): the trader would refuse a proof over it (RoundSuperseded)`,
    };
  }
  const ageSeconds = now - updatedAt;
  if (ageSeconds <= maxOracleAge - margin) return undefined;
  return {
    roundId: window.roundId,
    ageSeconds,
    maxOracleAge,
    marginSeconds: margin,
    reason: `round ${window.roundId} is ${ageSeconds} s old: past the policy's maxOracleAge ${maxOracleAge} s less ${margin} s for the proof and the transaction to land, the trader would refuse it (StaleOracle); waiting for a new round`,
  };
}
