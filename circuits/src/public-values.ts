import { InvalidPolicyInputError } from "./errors.ts";
import {
  AMOUNT_BITS,
  Action,
  MAX_AMOUNT_EXCLUSIVE,
  MAX_PRICE_EXCLUSIVE,
  MAX_ROUND_EXCLUSIVE,
  PRICE_BITS,
  ROUND_BITS,
  SNARK_SCALAR_FIELD,
  THRESHOLD_BITS,
} from "./policy-constants.ts";

/**
 * The values behind the proof's five public inputs. Packing (low bits first)
 * mirrors policy.circom and packages/contracts/src/libraries/PublicValues.sol:
 *   0 pricesCommitment
 *   1 marketAndTrade     latestPrice (64) | roundId (80) | size (96) | action (2)
 *   2 policyAndPosition  maxPosition (96) | thresholdBps (16) | position (96) | advice + 128 (8; proven
 *                        model only: 0 means no adviser, as in every policy v1 proof)
 *   3 modelHash
 *   4 context
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
  /** The adviser's bias in [-100, 100] (proven-model proofs); absent in policy v1 proofs. */
  advice?: bigint;
}

/** The five field elements a verifier sees. */
export type PublicSignals = [bigint, bigint, bigint, bigint, bigint];
export const PUBLIC_SIGNAL_COUNT = 5;

function assertBelow(field: string, value: bigint, bound: bigint): void {
  if (value < 0n || value >= bound) {
    throw new InvalidPolicyInputError(field, `must be in [0, ${bound}), got ${value}`);
  }
}

const ROUND_SHIFT = PRICE_BITS;
const SIZE_SHIFT = PRICE_BITS + ROUND_BITS;
const ACTION_SHIFT = SIZE_SHIFT + AMOUNT_BITS;

/** marketAndTrade = latestPrice | roundId << 64 | size << 144 | action << 240 */
export function packMarketAndTrade(roundId: bigint, latestPrice: bigint, action: Action, size: bigint): bigint {
  assertBelow("roundId", roundId, MAX_ROUND_EXCLUSIVE);
  assertBelow("latestPrice", latestPrice, MAX_PRICE_EXCLUSIVE);
  if (action !== Action.HOLD && action !== Action.BUY && action !== Action.SELL) {
    throw new InvalidPolicyInputError("action", `must be 0 (HOLD), 1 (BUY) or 2 (SELL), got ${String(action)}`);
  }
  assertBelow("size", size, MAX_AMOUNT_EXCLUSIVE);
  return latestPrice | (roundId << ROUND_SHIFT) | (size << SIZE_SHIFT) | (BigInt(action) << ACTION_SHIFT);
}

const ADVICE_SHIFT = 2n * AMOUNT_BITS + THRESHOLD_BITS;

/** policyAndPosition = maxPosition | thresholdBps << 96 | position << 112 | (advice + 128) << 208 */
export function packPolicyAndPosition(
  maxPosition: bigint,
  thresholdBps: bigint,
  position: bigint,
  advice?: bigint,
): bigint {
  assertBelow("maxPosition", maxPosition, MAX_AMOUNT_EXCLUSIVE);
  assertBelow("thresholdBps", thresholdBps, 1n << THRESHOLD_BITS);
  assertBelow("position", position, MAX_AMOUNT_EXCLUSIVE);
  if (advice !== undefined && (advice < -100n || advice > 100n)) {
    throw new InvalidPolicyInputError("advice", `must be in [-100, 100], got ${advice}`);
  }
  const adviceField = advice === undefined ? 0n : advice + 128n;
  return (
    maxPosition |
    (thresholdBps << AMOUNT_BITS) |
    (position << (AMOUNT_BITS + THRESHOLD_BITS)) |
    (adviceField << ADVICE_SHIFT)
  );
}

const mask = (bits: bigint) => (1n << bits) - 1n;

/** Packs the values into the verifier's five public signals. */
export function packPublicValues(values: PublicValues): PublicSignals {
  assertBelow("pricesCommitment", values.pricesCommitment, SNARK_SCALAR_FIELD);
  assertBelow("modelHash", values.modelHash, SNARK_SCALAR_FIELD);
  assertBelow("context", values.context, SNARK_SCALAR_FIELD);
  return [
    values.pricesCommitment,
    packMarketAndTrade(values.roundId, values.latestPrice, values.action, values.size),
    packPolicyAndPosition(values.maxPosition, values.thresholdBps, values.position, values.advice),
    values.modelHash,
    values.context,
  ];
}

/** The inverse of {@link packPublicValues} (used by the auditor on calldata). */
export function unpackPublicValues(signals: readonly bigint[]): PublicValues {
  if (signals.length !== PUBLIC_SIGNAL_COUNT) {
    throw new InvalidPolicyInputError("publicSignals", `expected ${PUBLIC_SIGNAL_COUNT} values, got ${signals.length}`);
  }
  const [pricesCommitment, marketAndTrade, policyAndPosition, modelHash, context] = signals as PublicSignals;
  const actionBits = marketAndTrade >> ACTION_SHIFT;
  if (actionBits > 2n) {
    throw new InvalidPolicyInputError("marketAndTrade", `action bits ${actionBits} are not an action`);
  }
  const adviceField = policyAndPosition >> ADVICE_SHIFT;
  if (adviceField > 255n) {
    throw new InvalidPolicyInputError("policyAndPosition", `bits above 216 are set`);
  }
  return {
    pricesCommitment,
    latestPrice: marketAndTrade & mask(PRICE_BITS),
    roundId: (marketAndTrade >> ROUND_SHIFT) & mask(ROUND_BITS),
    size: (marketAndTrade >> SIZE_SHIFT) & mask(AMOUNT_BITS),
    action: Number(actionBits) as Action,
    maxPosition: policyAndPosition & mask(AMOUNT_BITS),
    thresholdBps: (policyAndPosition >> AMOUNT_BITS) & mask(THRESHOLD_BITS),
    position: (policyAndPosition >> (AMOUNT_BITS + THRESHOLD_BITS)) & mask(AMOUNT_BITS),
    modelHash,
    context,
    ...(adviceField === 0n ? {} : { advice: adviceField - 128n }),
  };
}
