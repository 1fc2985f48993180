import { InvalidPolicyInputError } from "../errors.ts";
import {
  Action,
  BPS,
  MAX_PRICE_EXCLUSIVE,
  MAX_ROUND_EXCLUSIVE,
  PRICE_BITS,
  ROUND_BITS,
  SNARK_SCALAR_FIELD,
  THRESHOLD_BITS,
} from "../policy-constants.ts";

/** The signal's size: a fraction of each vault's cap, in basis points (14 bits packed, ≤ 10 000 by rule). */
export const SIZE_BPS_BITS = 14n;
export const MAX_SIZE_BPS = BPS;
/** Markets per proof the shipped signal circuits cover (main_signal_1/2/4.circom). */
export const SIGNAL_MARKET_COUNTS = [1, 2, 4] as const;
export type SignalMarketCount = (typeof SIGNAL_MARKET_COUNTS)[number];

/**
 * One market's public signal. Packed into one field element, low bits first (signal.circom):
 *   latestPrice (64, bits 0..63) | roundId (80, 64..143) | sizeBps (14, 144..157) | action (2, 158..159)
 * Nothing above bit 160.
 */
export interface MarketSignal {
  latestPrice: bigint;
  roundId: bigint;
  sizeBps: bigint;
  action: Action;
}

const ROUND_SHIFT = PRICE_BITS;
const SIZE_SHIFT = PRICE_BITS + ROUND_BITS;
const ACTION_SHIFT = SIZE_SHIFT + SIZE_BPS_BITS;
/** Bits a packed market signal may use (160). */
export const MARKET_SIGNAL_BITS = ACTION_SHIFT + 2n;

const mask = (bits: bigint) => (1n << bits) - 1n;

function assertBelow(field: string, value: bigint, bound: bigint): void {
  if (typeof value !== "bigint")
    throw new InvalidPolicyInputError(field, `must be a bigint integer, got ${typeof value}`);
  if (value < 0n || value >= bound) throw new InvalidPolicyInputError(field, `must be in [0, ${bound}), got ${value}`);
}

function assertAction(field: string, action: unknown): asserts action is Action {
  if (action !== Action.HOLD && action !== Action.BUY && action !== Action.SELL) {
    throw new InvalidPolicyInputError(field, `must be 0 (HOLD), 1 (BUY) or 2 (SELL), got ${String(action)}`);
  }
}

/** marketSignal = latestPrice | roundId << 64 | sizeBps << 144 | action << 158 (each field checked against its width). */
export function packMarketSignal({ latestPrice, roundId, sizeBps, action }: MarketSignal): bigint {
  assertBelow("latestPrice", latestPrice, MAX_PRICE_EXCLUSIVE);
  assertBelow("roundId", roundId, MAX_ROUND_EXCLUSIVE);
  assertBelow("sizeBps", sizeBps, 1n << SIZE_BPS_BITS);
  assertAction("action", action);
  return latestPrice | (roundId << ROUND_SHIFT) | (sizeBps << SIZE_SHIFT) | (BigInt(action) << ACTION_SHIFT);
}

/** The inverse of {@link packMarketSignal}; refuses bits above 160 and action bits 3, as the circuit does. */
export function unpackMarketSignal(packed: bigint): MarketSignal {
  if (packed < 0n || packed >> MARKET_SIGNAL_BITS !== 0n) {
    throw new InvalidPolicyInputError("marketSignal", `must be in [0, 2^${MARKET_SIGNAL_BITS}), got ${packed}`);
  }
  const actionBits = packed >> ACTION_SHIFT;
  if (actionBits > 2n) throw new InvalidPolicyInputError("marketSignal", `action bits ${actionBits} are not an action`);
  return {
    latestPrice: packed & mask(PRICE_BITS),
    roundId: (packed >> ROUND_SHIFT) & mask(ROUND_BITS),
    sizeBps: (packed >> SIZE_SHIFT) & mask(SIZE_BPS_BITS),
    action: Number(actionBits) as Action,
  };
}

/** One market's public values: its window commitment and its signal. */
export interface MarketPublicValues extends MarketSignal {
  pricesCommitment: bigint;
}

/** The values behind a signal proof's 2K + 3 public inputs. */
export interface SignalPublicValues {
  markets: MarketPublicValues[];
  thresholdBps: bigint;
  modelHash: bigint;
  context: bigint;
}

/**
 * The verifier's public inputs, in the circuit's order:
 *   pricesCommitment[0..K−1], marketSignal[0..K−1], thresholdBps, modelHash, context.
 */
export function packSignalPublicValues(values: SignalPublicValues): bigint[] {
  if (values.markets.length === 0) throw new InvalidPolicyInputError("markets", "at least one market is needed");
  values.markets.forEach((m, k) =>
    assertBelow(`markets[${k}].pricesCommitment`, m.pricesCommitment, SNARK_SCALAR_FIELD),
  );
  assertBelow("thresholdBps", values.thresholdBps, 1n << THRESHOLD_BITS);
  assertBelow("modelHash", values.modelHash, SNARK_SCALAR_FIELD);
  assertBelow("context", values.context, SNARK_SCALAR_FIELD);
  return [
    ...values.markets.map((m) => m.pricesCommitment),
    ...values.markets.map((m, k) => {
      try {
        return packMarketSignal(m);
      } catch (error) {
        if (error instanceof InvalidPolicyInputError) {
          throw new InvalidPolicyInputError(
            `markets[${k}].${error.field}`,
            error.message.slice(error.field.length + 2),
          );
        }
        throw error;
      }
    }),
    values.thresholdBps,
    values.modelHash,
    values.context,
  ];
}

/** The inverse of {@link packSignalPublicValues} (K from the count: 2K + 3 signals). */
export function unpackSignalPublicSignals(signals: readonly bigint[]): SignalPublicValues {
  const markets = (signals.length - 3) / 2;
  if (!Number.isInteger(markets) || markets < 1) {
    throw new InvalidPolicyInputError("publicSignals", `expected 2K + 3 values (K ≥ 1), got ${signals.length}`);
  }
  return {
    markets: Array.from({ length: markets }, (_, k) => ({
      pricesCommitment: signals[k]!,
      ...unpackMarketSignal(signals[markets + k]!),
    })),
    thresholdBps: signals[2 * markets]!,
    modelHash: signals[2 * markets + 1]!,
    context: signals[2 * markets + 2]!,
  };
}
