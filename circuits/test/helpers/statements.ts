import { Action, type ProofRequest } from "../../src/index.ts";
import { ONE_ETH, PRICE_3000, windowWith } from "./windows.ts";

/** Threshold used by the fixtures: 100 bps = 1 %. */
export const THRESHOLD_BPS = 100n;

const binding = { roundId: 30n, modelHash: 0x1234n, context: 0x5678n };
const policy = { maxPosition: 2n * ONE_ETH, thresholdBps: THRESHOLD_BPS };

/** Latest price 2 % below the MA: BUY is allowed. */
export const buyRequest: ProofRequest = {
  ...binding,
  ...policy,
  prices: windowWith(PRICE_3000, (PRICE_3000 * 98n) / 100n),
  position: ONE_ETH / 2n,
  action: Action.BUY,
  size: ONE_ETH,
};

/** Latest price 2 % above the MA: SELL is allowed. */
export const sellRequest: ProofRequest = {
  ...binding,
  ...policy,
  prices: windowWith(PRICE_3000, (PRICE_3000 * 102n) / 100n),
  position: ONE_ETH,
  action: Action.SELL,
  size: ONE_ETH / 4n,
};

/** Latest price at the MA: only HOLD is allowed. */
export const holdRequest: ProofRequest = {
  ...binding,
  ...policy,
  prices: windowWith(PRICE_3000, PRICE_3000),
  position: ONE_ETH,
  action: Action.HOLD,
  size: 0n,
};
