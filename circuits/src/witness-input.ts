import { pricesCommitment } from "./commitment.ts";
import { assertWellFormed, type PolicyStatement } from "./evaluate-policy.ts";
import { packPublicValues, type PublicSignals, type PublicValues } from "./public-values.ts";
import { WINDOW_SIZE } from "./policy-constants.ts";

/** A statement plus what binds it to one use on chain. */
export interface ProofRequest extends PolicyStatement {
  roundId: bigint;
  modelHash: bigint;
  context: bigint;
}

/** The circuit's input signals, as the witness calculator takes them. */
export interface CircuitInput {
  prices: bigint[];
  pricesCommitment: bigint;
  marketAndTrade: bigint;
  policyAndPosition: bigint;
  modelHash: bigint;
  context: bigint;
  [signal: string]: bigint | bigint[];
}

/** The public values a request implies (commitment and latest price derived from the window). */
export function publicValuesOf(request: ProofRequest, windowSize = WINDOW_SIZE): PublicValues {
  assertWellFormed(request, windowSize);
  return {
    pricesCommitment: pricesCommitment(request.prices),
    roundId: request.roundId,
    latestPrice: request.prices[request.prices.length - 1]!,
    maxPosition: request.maxPosition,
    thresholdBps: request.thresholdBps,
    position: request.position,
    action: request.action,
    size: request.size,
    modelHash: request.modelHash,
    context: request.context,
  };
}

/** The witness calculator's input for a request, and the public signals it will expose. */
export function circuitInputOf(
  request: ProofRequest,
  windowSize = WINDOW_SIZE,
): { input: CircuitInput; publicSignals: PublicSignals; publicValues: PublicValues } {
  const publicValues = publicValuesOf(request, windowSize);
  const publicSignals = packPublicValues(publicValues);
  const [commitment, marketAndTrade, policyAndPosition, modelHash, context] = publicSignals;
  return {
    input: {
      prices: [...request.prices],
      pricesCommitment: commitment,
      marketAndTrade,
      policyAndPosition,
      modelHash,
      context,
    },
    publicSignals,
    publicValues,
  };
}
