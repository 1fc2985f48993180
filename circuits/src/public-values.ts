import { InvalidPolicyInputError } from "./errors.ts";
import {
  AMOUNT_BITS,
  Action,
  MAX_AMOUNT_EXCLUSIVE,
  MAX_PRICE_EXCLUSIVE,
  MAX_ROUND_EXCLUSIVE,
  PRICE_BITS,
  SNARK_SCALAR_FIELD,
  THRESHOLD_BITS,
} from "./policy-constants.ts";

/**
 * The proof's six public inputs, in circuit order. Packing (low bits first)
 * mirrors policy.circom and packages/contracts/src/libraries/PublicValues.sol.
 */
export interface PublicValues {
  pricesCommitment: bigint;
  roundId: bigint;
  latestPrice: bigint;
  maxPosition: bigint;
  thresholdBps: bigint;
  position: bigint;
  action: Action;
  size: bigint;
  modelHash: bigint;
  context: bigint;
}

/** The six field elements a verifier sees. */
export type PublicSignals = readonly [bigint, bigint, bigint, bigint, bigint, bigint];

function assertBelow(field: string, value: bigint, bound: bigint): void {
  if (value < 0n || value >= bound) {
    throw new InvalidPolicyInputError(field, `must be in [0, ${bound}), got ${value}`);
  }
}

/** roundAndPrice = latestPrice | roundId << 64 */
export function packRoundAndPrice(roundId: bigint, latestPrice: bigint): bigint {
  assertBelow("roundId", roundId, MAX_ROUND_EXCLUSIVE);
  assertBelow("latestPrice", latestPrice, MAX_PRICE_EXCLUSIVE);
  return latestPrice | (roundId << PRICE_BITS);
}

/** policyAndPosition = maxPosition | thresholdBps << 96 | position << 112 */
export function packPolicyAndPosition(maxPosition: bigint, thresholdBps: bigint, position: bigint): bigint {
  assertBelow("maxPosition", maxPosition, MAX_AMOUNT_EXCLUSIVE);
  assertBelow("thresholdBps", thresholdBps, 1n << THRESHOLD_BITS);
  assertBelow("position", position, MAX_AMOUNT_EXCLUSIVE);
  return maxPosition | (thresholdBps << AMOUNT_BITS) | (position << (AMOUNT_BITS + THRESHOLD_BITS));
}

/** trade = size | action << 96 */
export function packTrade(action: Action, size: bigint): bigint {
  if (action !== Action.HOLD && action !== Action.BUY && action !== Action.SELL) {
    throw new InvalidPolicyInputError("action", `must be 0 (HOLD), 1 (BUY) or 2 (SELL), got ${String(action)}`);
  }
  assertBelow("size", size, MAX_AMOUNT_EXCLUSIVE);
  return size | (BigInt(action) << AMOUNT_BITS);
}

const mask = (bits: bigint) => (1n << bits) - 1n;

/** Packs the values into the verifier's six public signals. */
export function packPublicValues(values: PublicValues): PublicSignals {
  assertBelow("pricesCommitment", values.pricesCommitment, SNARK_SCALAR_FIELD);
  assertBelow("modelHash", values.modelHash, SNARK_SCALAR_FIELD);
  assertBelow("context", values.context, SNARK_SCALAR_FIELD);
  return [
    values.pricesCommitment,
    packRoundAndPrice(values.roundId, values.latestPrice),
    packPolicyAndPosition(values.maxPosition, values.thresholdBps, values.position),
    packTrade(values.action, values.size),
    values.modelHash,
    values.context,
  ];
}

/** The inverse of {@link packPublicValues} (used by the auditor on calldata). */
export function unpackPublicValues(signals: readonly bigint[]): PublicValues {
  if (signals.length !== 6) {
    throw new InvalidPolicyInputError("publicSignals", `expected 6 values, got ${signals.length}`);
  }
  const [pricesCommitment, roundAndPrice, policyAndPosition, trade, modelHash, context] = signals as PublicSignals;
  const actionBits = trade >> AMOUNT_BITS;
  if (actionBits > 2n) throw new InvalidPolicyInputError("trade", `action bits ${actionBits} are not an action`);
  return {
    pricesCommitment,
    latestPrice: roundAndPrice & mask(PRICE_BITS),
    roundId: roundAndPrice >> PRICE_BITS,
    maxPosition: policyAndPosition & mask(AMOUNT_BITS),
    thresholdBps: (policyAndPosition >> AMOUNT_BITS) & mask(THRESHOLD_BITS),
    position: policyAndPosition >> (AMOUNT_BITS + THRESHOLD_BITS),
    action: Number(actionBits) as Action,
    size: trade & mask(AMOUNT_BITS),
    modelHash,
    context,
  };
}
