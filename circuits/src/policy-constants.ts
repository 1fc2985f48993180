/**
 * Policy v1's fixed numbers, shared by the circuit (policy.circom), the
 * contracts and every TypeScript caller. Change one here and in the circuit
 * together, then rerun the ceremony.
 */

/** Window length: the last N oracle answers. */
export const WINDOW_SIZE = 30;
/** Basis points in one: thresholdBps and slippage are in these. */
export const BPS = 10_000n;

/** Bit widths of the packed public values (policy.circom, "Public inputs"). */
export const PRICE_BITS = 64n;
export const ROUND_BITS = 80n;
export const AMOUNT_BITS = 96n;
export const THRESHOLD_BITS = 16n;

/** Upper bounds (exclusive) that the circuit constrains. */
export const MAX_PRICE_EXCLUSIVE = 1n << PRICE_BITS;
export const MAX_ROUND_EXCLUSIVE = 1n << ROUND_BITS;
export const MAX_AMOUNT_EXCLUSIVE = 1n << AMOUNT_BITS;
export const MAX_THRESHOLD_BPS_EXCLUSIVE = BPS;

/** The BN254 scalar field: every public input must be below it. */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The trade action as the circuit and contract encode it. */
export const Action = { HOLD: 0, BUY: 1, SELL: 2 } as const;
export type Action = (typeof Action)[keyof typeof Action];
export const ACTION_NAMES: Record<Action, "HOLD" | "BUY" | "SELL"> = { 0: "HOLD", 1: "BUY", 2: "SELL" };
