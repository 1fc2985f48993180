/**
 * What a transaction costs on Arbitrum One, from its L2 gas and its calldata, at prices a deployer
 * states. Arbitrum charges L2 execution at the L2 base fee, plus the L1 data the sequencer posts
 * for the transaction, priced per calldata unit (16 per non-zero byte of the compressed
 * transaction; proofs and field elements are high-entropy, so compression is taken as none).
 *
 *   tsx bench/arbitrum-cost.ts [--l2-gwei 0.01] [--l1-gwei-per-unit 0.5] [--eth-usd 3000]
 *
 * reads bench/results/latest.json and prints the table for today's prices.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** The prices a cost is computed at; every figure in BENCHMARKS.md names them. */
export interface ArbitrumPrices {
  /** L2 base fee (Arbitrum One's floor is 0.01 gwei). */
  l2GasPriceGwei: number;
  /** The L1 price of one calldata unit as ArbOS charges it (it follows the L1 blob or base fee). */
  l1PricePerUnitGwei: number;
  ethUsd: number;
}

export const DEFAULT_ARBITRUM_PRICES: ArbitrumPrices = { l2GasPriceGwei: 0.01, l1PricePerUnitGwei: 0.5, ethUsd: 3_000 };

/** Calldata of `executeTrade(proof, signals[5], deadline, amountLimit)`: selector + 8 + 5 + 2 words. */
export const EXECUTE_TRADE_CALLDATA_BYTES = 4 + 32 * 15;
/** Calldata of `executeOptimistic(signals[5], deadline, amountLimit)`: selector + 5 + 2 words. */
export const EXECUTE_OPTIMISTIC_CALLDATA_BYTES = 4 + 32 * 7;
/** Calldata of `followSignal(roundId, pricesCommitment, modelHash)`: selector + 3 words. */
export const FOLLOW_SIGNAL_CALLDATA_BYTES = 4 + 32 * 3;
/** Calldata of `OptimisticLane.finalize(claim)`: selector + the claim's 7 words. */
export const FINALIZE_CLAIM_CALLDATA_BYTES = 4 + 32 * 7;
/**
 * Calldata of `publishSignal(marketIds, proof, signals)` for K markets: selector, two offsets, the
 * proof's 8 words, then each array's length and elements (K ids, 2K + 3 signals).
 */
export const publishSignalCalldataBytes = (k: number) => 4 + 32 * (2 + 8 + 1 + k + 1 + 2 * k + 3);
/** Calldata of `OptimisticLane.finalizeMany(claims)` for n claims: selector, offset, length, 7 words each. */
export const finalizeManyCalldataBytes = (n: number) => 4 + 32 * (2 + 7 * n);
/** Calldata of `FollowBatcher.followAll(follows)` for n follows: selector, offset, length, 4 words each. */
export const followAllCalldataBytes = (n: number) => 4 + 32 * (2 + 4 * n);
/** Calldata of `WindowLog.record()`: the selector. */
export const RECORD_CALLDATA_BYTES = 4;
/** A signed transaction's envelope (nonce, fees, gas, to, value, signature), roughly. */
const ENVELOPE_BYTES = 110;

export interface ArbitrumCost {
  l2Usd: number;
  l1Usd: number;
  totalUsd: number;
}

/** The USD cost of a transaction of `gas` L2 gas carrying `calldataBytes` of calldata. */
export function arbitrumCost(gas: number, calldataBytes: number, prices: ArbitrumPrices): ArbitrumCost {
  const gwei = 1e-9;
  const l2Usd = gas * prices.l2GasPriceGwei * gwei * prices.ethUsd;
  const l1Units = 16 * (calldataBytes + ENVELOPE_BYTES);
  const l1Usd = l1Units * prices.l1PricePerUnitGwei * gwei * prices.ethUsd;
  return { l2Usd, l1Usd, totalUsd: l2Usd + l1Usd };
}

/** The formula, in words, for the report. */
export function arbitrumFormula(prices: ArbitrumPrices): string {
  return `USD = (L2 gas × ${prices.l2GasPriceGwei} gwei + 16 × (calldata bytes + ~${ENVELOPE_BYTES} envelope bytes) × ${prices.l1PricePerUnitGwei} gwei per L1 unit) × 10⁻⁹ × $${prices.ethUsd}/ETH`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      "l2-gwei": { type: "string", default: String(DEFAULT_ARBITRUM_PRICES.l2GasPriceGwei) },
      "l1-gwei-per-unit": { type: "string", default: String(DEFAULT_ARBITRUM_PRICES.l1PricePerUnitGwei) },
      "eth-usd": { type: "string", default: String(DEFAULT_ARBITRUM_PRICES.ethUsd) },
    },
  });
  const prices: ArbitrumPrices = {
    l2GasPriceGwei: Number(values["l2-gwei"]),
    l1PricePerUnitGwei: Number(values["l1-gwei-per-unit"]),
    ethUsd: Number(values["eth-usd"]),
  };
  const results = JSON.parse(readFileSync(join(import.meta.dirname, "results", "latest.json"), "utf8")) as {
    gas: { executeTradeBuy: number; executeTradeSell: number; window?: { recordNextRound: number } };
  };
  const rows: [string, number, number][] = [
    ["executeTrade BUY", results.gas.executeTradeBuy, EXECUTE_TRADE_CALLDATA_BYTES],
    ["executeTrade SELL", results.gas.executeTradeSell, EXECUTE_TRADE_CALLDATA_BYTES],
  ];
  if (results.gas.window)
    rows.push(["WindowLog.record (next round)", results.gas.window.recordNextRound, RECORD_CALLDATA_BYTES]);
  console.log(arbitrumFormula(prices));
  for (const [name, gas, bytes] of rows) {
    const cost = arbitrumCost(gas, bytes, prices);
    console.log(
      `${name.padEnd(32)} ${gas} gas  L2 $${cost.l2Usd.toFixed(4)}  L1 $${cost.l1Usd.toFixed(4)}  total $${cost.totalUsd.toFixed(4)}`,
    );
  }
}
