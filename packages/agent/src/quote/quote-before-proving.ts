import { Action } from "@zkagent/circuits";

import type { TraderState } from "../chain/trader-client.ts";
import type { CycleDeps, CycleReport } from "../cycle.ts";
import { fitToPool } from "./fit-to-pool.ts";

/**
 * Before a trade is proven: its swap quoted on the vault's pool against the trader's oracle bound
 * (see fitToPool). Returns the trade to prove — as decided, or sized down when the pool is thin
 * and the size may change (`resizable`) — or undefined when it cannot fill within the bound: then
 * nothing is proven or sent. A resize or skip is journaled (`quote`) with the figures and why.
 * Without a quoter (none configured or known for the chain) the trade goes on as decided and the
 * trader's simulation remains the check. A smaller trade in the same direction keeps every policy
 * rule the decided one met: the cap and no-short only loosen, the band does not depend on size.
 */
export async function quoteBeforeProving(
  deps: CycleDeps,
  tick: number,
  report: CycleReport,
  state: TraderState,
  trade: { action: Action; size: bigint },
  resizable: boolean,
): Promise<{ action: Action; size: bigint } | undefined> {
  if (!deps.quoter || trade.action === Action.HOLD) return trade;
  const check = await fitToPool(deps.quoter, {
    action: trade.action,
    size: trade.size,
    price: report.latestPrice,
    maxSlippageBps: state.maxSlippageBps,
    poolFee: state.poolFee,
    resizable,
  });
  report.quote = check;
  if (check.outcome === "fits") return trade;
  deps.journal.append({
    kind: "quote",
    tick,
    roundId: report.roundId.toString(),
    action: check.action,
    size: check.size.toString(),
    ...(check.quoted === undefined ? {} : { quoted: check.quoted.toString() }),
    bound: check.bound.toString(),
    outcome: check.outcome,
    ...(check.resizedTo === undefined
      ? {}
      : {
          resizedTo: check.resizedTo.toString(),
          resizedQuote: check.resizedQuote!.toString(),
          resizedBound: check.resizedBound!.toString(),
        }),
    quotes: check.quotes,
    reason: check.reason!,
  });
  if (check.outcome === "skipped") {
    report.reason = check.reason!;
    deps.log.warn(`tick ${tick}: ${check.action} ${check.size} not proven or sent: ${check.reason}`);
    return undefined;
  }
  report.size = check.resizedTo!;
  deps.log.info(`tick ${tick}: ${check.action} sized down from ${check.size} to ${check.resizedTo}: ${check.reason}`);
  return { action: trade.action, size: check.resizedTo! };
}
