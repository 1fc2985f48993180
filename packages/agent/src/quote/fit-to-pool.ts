import { Action } from "@zkagent/circuits";

import type { SwapQuoter, TradeAction } from "./swap-quoter.ts";

/**
 * The smallest resize the agent makes, as a divisor of the decided size: a trade is sized down to
 * no less than a tenth of it. The policy has no minimum size of its own (only a bound of zero is
 * refused, ZeroSlippageBound), but a tenth of the decision is no longer the decision, and a trade's
 * gas (~395k) is paid whatever its size: below that the agent skips, and says so.
 */
export const MIN_RESIZE_DIVISOR = 10n;
/** Halvings of the search between a tenth and the whole size (12: within 0.03 % of the decided size of the largest size that fits). */
const SEARCH_STEPS = 12;

/** A trade's swap quoted against the oracle bound the trader enforces, and what the agent did about it. */
export interface QuoteCheck {
  action: "BUY" | "SELL";
  /** The decided size. */
  size: bigint;
  /** What the swap of `size` would pay (BUY) or get (SELL); undefined if the pool cannot fill it. */
  quoted?: bigint;
  /** The trader's bound for `size`: the most a BUY may pay, the least a SELL must get. */
  bound: bigint;
  /** "fits": traded as decided; "resized": traded as `resizedTo`; "skipped": nothing proven or sent. */
  outcome: "fits" | "resized" | "skipped";
  resizedTo?: bigint;
  resizedQuote?: bigint;
  resizedBound?: bigint;
  /** Quoter calls made. */
  quotes: number;
  /** Why the trade was resized or skipped. */
  reason?: string;
}

export interface QuoteRequest {
  action: TradeAction;
  size: bigint;
  /** The oracle's latest answer: the proof's latest price, the trader's reference price. */
  price: bigint;
  maxSlippageBps: bigint;
  poolFee: bigint;
  /** Whether a smaller size can be proven (the attested model's, chosen by the agent) or not (the proven model's, computed in its circuit). */
  resizable: boolean;
}

/**
 * Quotes `request`'s swap and, if the quote breaks the bound, searches (by halving) the largest
 * size between a tenth and the whole whose quote fits, when the size may change. The bound is
 * linear in the size and a swap's average price only worsens with its size, so "fits" is monotone
 * and the search is sound.
 */
export async function fitToPool(quoter: SwapQuoter, request: QuoteRequest): Promise<QuoteCheck> {
  const { action, size, price, maxSlippageBps, poolFee } = request;
  let quotes = 0;
  const check = async (candidate: bigint) => {
    const bound = quoter.bound(action, candidate, price, maxSlippageBps);
    quotes++;
    const quoted = await quoter.quote(action, candidate, poolFee);
    const fits = bound > 0n && quoted !== undefined && (action === Action.BUY ? quoted <= bound : quoted >= bound);
    return { size: candidate, bound, quoted, fits };
  };
  const name = action === Action.BUY ? "BUY" : "SELL";
  const whole = await check(size);
  const base = {
    action: name,
    size,
    bound: whole.bound,
    ...(whole.quoted === undefined ? {} : { quoted: whole.quoted }),
  } as const;
  if (whole.fits) return { ...base, outcome: "fits", quotes };

  const breach = describeBreach(name, whole);
  if (!request.resizable) {
    return {
      ...base,
      outcome: "skipped",
      quotes,
      reason: `${breach}; the proven model's size is computed in its circuit, so a smaller one cannot be proven: skipped`,
    };
  }
  const smallest = (size + MIN_RESIZE_DIVISOR - 1n) / MIN_RESIZE_DIVISOR;
  let fitting = smallest < size ? await check(smallest) : whole;
  if (!fitting.fits) {
    return {
      ...base,
      outcome: "skipped",
      quotes,
      reason: `${breach}, and so does a tenth of it (${describeBreach(name, fitting)}): skipped`,
    };
  }
  let above = size;
  for (let step = 0; step < SEARCH_STEPS && above - fitting.size > 1n; step++) {
    const middle = await check((fitting.size + above) / 2n);
    if (middle.fits) fitting = middle;
    else above = middle.size;
  }
  return {
    ...base,
    outcome: "resized",
    resizedTo: fitting.size,
    resizedQuote: fitting.quoted!,
    resizedBound: fitting.bound,
    quotes,
    reason: `${breach}: sized down to ${fitting.size}, the largest size found whose quote (${fitting.quoted}) fits its bound (${fitting.bound})`,
  };
}

function describeBreach(
  name: "BUY" | "SELL",
  { size, quoted, bound }: { size: bigint; quoted: bigint | undefined; bound: bigint },
): string {
  if (bound === 0n) return `a ${name} of ${size} is too small to bound (ZeroSlippageBound)`;
  if (quoted === undefined) return `the pool cannot fill a ${name} of ${size}`;
  return name === "BUY"
    ? `a BUY of ${size} would pay ${quoted}, above the oracle bound ${bound} (SwapInputAboveBound)`
    : `a SELL of ${size} would get ${quoted}, below the oracle bound ${bound} (SwapOutputBelowBound)`;
}
