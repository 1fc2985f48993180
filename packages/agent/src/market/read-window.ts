import type { AggregatorV3Interface } from "./feed-abi.ts";

import { MarketDataError, WindowUnavailableError } from "../errors.ts";

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

/** Round ids are phaseId << 64 | aggregatorRoundId; an aggregator's rounds start at 1. */
const AGGREGATOR_ROUND_MASK = (1n << 64n) - 1n;
/** The circuit proves over prices in (0, 2^64). */
const MAX_PRICE_EXCLUSIVE = 1n << 64n;

/**
 * The feed's window exactly as the chain will accept it (WindowLog.sol): the answers of the
 * `size` consecutive round ids ending at the feed's latest round, oldest first, all in the latest
 * round's phase, each with data and an answer in (0, 2^64). A window the log would refuse (it
 * crosses a phase boundary, or holds a round with no data or an unprovable answer) is a
 * {@link WindowUnavailableError}: nothing can be proven over it, and the agent holds until the
 * feed has a provable window again. An RPC failure is not a missing round (it was retried).
 */
export async function readFeedWindow(
  feed: AggregatorV3Interface,
  size: number,
  { maxAgeSeconds, now, endingAt }: { maxAgeSeconds?: bigint; now?: bigint; endingAt?: bigint } = {},
): Promise<Window> {
  const [latestId, latestAnswer, , latestUpdatedAt] =
    endingAt === undefined ? await feed.latestRoundData() : await readRound(feed, endingAt);
  if (maxAgeSeconds !== undefined && now !== undefined && now - latestUpdatedAt > maxAgeSeconds) {
    throw new MarketDataError(
      `the feed's latest round ${latestId} is ${now - latestUpdatedAt} s old (max ${maxAgeSeconds} s)`,
    );
  }
  const roundsInPhase = latestId & AGGREGATOR_ROUND_MASK;
  if (roundsInPhase < BigInt(size)) {
    throw new WindowUnavailableError(
      `round ${latestId} is round ${roundsInPhase} of its phase: a ${size}-round window would cross a phase boundary (trading resumes when the phase has ${size} rounds)`,
    );
  }
  // Every earlier round at once: the provider sends concurrent calls as one JSON-RPC batch, so a
  // remote node costs one round trip, not size − 1. They are checked oldest first, as before.
  const earlierIds = Array.from({ length: size - 1 }, (_, i) => latestId - BigInt(size - 1 - i));
  const answers = await Promise.all(earlierIds.map((roundId) => readRound(feed, roundId)));
  const rounds: Round[] = earlierIds.map((roundId, i) => {
    const [answeredId, answer, , updatedAt] = answers[i]!;
    if (answeredId !== roundId) {
      throw new MarketDataError(`the feed answered round ${answeredId} when asked for round ${roundId}`);
    }
    return checked({ roundId, answer, updatedAt });
  });
  rounds.push(checked({ roundId: latestId, answer: latestAnswer, updatedAt: latestUpdatedAt }));
  return { prices: rounds.map((r) => r.answer), rounds, roundId: latestId };
}

async function readRound(feed: AggregatorV3Interface, roundId: bigint) {
  try {
    return await feed.getRoundData(roundId);
  } catch (error) {
    // A reverting getRoundData is a round with no data; an RPC failure is not (it was retried).
    if (!isRevert(error)) throw error;
    return [roundId, 0n, 0n, 0n, roundId] as const;
  }
}

function checked(round: Round): Round {
  if (round.updatedAt === 0n) {
    throw new WindowUnavailableError(`round ${round.roundId} has no data: no provable window contains it`);
  }
  if (round.answer <= 0n || round.answer >= MAX_PRICE_EXCLUSIVE) {
    throw new WindowUnavailableError(
      `round ${round.roundId} has answer ${round.answer}, outside the provable (0, 2^64)`,
    );
  }
  return round;
}
