import type { AggregatorV3Interface } from "./feed-abi.ts";

import { MarketDataError } from "../errors.ts";

const isRevert = (error: unknown) => (error as { code?: string })?.code === "CALL_EXCEPTION";

export interface Round {
  roundId: bigint;
  answer: bigint;
  updatedAt: bigint;
}

export interface Window {
  prices: bigint[];
  rounds: Round[];
  roundId: bigint;
}

const PHASE_OFFSET = 64n;

/**
 * The last `size` answers of a Chainlink feed, oldest first, ending at its latest round.
 * Walks back from `latestRoundData` with `getRoundData`. Chainlink round ids are
 * `phaseId << 64 | aggregatorRoundId`; when a phase's first round is reached, the walk continues
 * at the previous phase's last round. Rounds with no data (updatedAt = 0, or a reverting call)
 * are skipped, as the feed's consumers would; more than `size` such gaps is an error.
 */
export async function readFeedWindow(
  feed: AggregatorV3Interface,
  size: number,
  { maxAgeSeconds, now }: { maxAgeSeconds?: bigint; now?: bigint } = {},
): Promise<Window> {
  const [latestId, latestAnswer, , latestUpdatedAt] = await feed.latestRoundData();
  if (maxAgeSeconds !== undefined && now !== undefined && now - latestUpdatedAt > maxAgeSeconds) {
    throw new MarketDataError(
      `the feed's latest round ${latestId} is ${now - latestUpdatedAt} s old (max ${maxAgeSeconds} s)`,
    );
  }
  const rounds: Round[] = [{ roundId: latestId, answer: latestAnswer, updatedAt: latestUpdatedAt }];
  let roundId = latestId;
  let gaps = 0;
  while (rounds.length < size) {
    roundId = await previousRoundId(feed, roundId);
    if (roundId === 0n) {
      throw new MarketDataError(`the feed has only ${rounds.length} rounds; the policy needs ${size}`);
    }
    try {
      const [, answer, , updatedAt] = await feed.getRoundData(roundId);
      if (updatedAt !== 0n) {
        rounds.push({ roundId, answer, updatedAt });
        continue;
      }
    } catch (error) {
      // A reverting getRoundData is a missing round too; an RPC failure is not (it was retried).
      if (!isRevert(error)) throw error;
    }
    if (++gaps > size) throw new MarketDataError(`more than ${size} missing rounds before round ${latestId}`);
  }
  rounds.reverse();
  const bad = rounds.find((r) => r.answer <= 0n);
  if (bad) throw new MarketDataError(`round ${bad.roundId} has a non-positive answer ${bad.answer}`);
  return { prices: rounds.map((r) => r.answer), rounds, roundId: latestId };
}

/** The round before `roundId`, crossing to the previous phase when a phase's first round is reached. */
async function previousRoundId(feed: AggregatorV3Interface, roundId: bigint): Promise<bigint> {
  const phase = roundId >> PHASE_OFFSET;
  const aggregatorRound = roundId & ((1n << PHASE_OFFSET) - 1n);
  if (aggregatorRound > 1n) return roundId - 1n;
  if (phase <= 1n) return 0n;
  // The previous phase's last round: ask its aggregator through the proxy's phaseAggregators.
  const previousPhase = phase - 1n;
  const lastRound = await feed.phaseLastRound?.(previousPhase);
  return lastRound === undefined ? 0n : (previousPhase << PHASE_OFFSET) | lastRound;
}
