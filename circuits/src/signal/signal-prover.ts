import { signalArtifactPaths, type ArtifactPaths } from "../artifacts.ts";
import { pricesCommitment } from "../commitment.ts";
import { InvalidPolicyInputError, SignalViolationError } from "../errors.ts";
import { WINDOW_SIZE } from "../policy-constants.ts";
import {
  loadCircuit,
  proveGroth16Input,
  terminateSnarkjs,
  verifyPolicyProof,
  type Groth16Proof,
  type LoadedCircuit,
  type ProverOptions,
  type SolidityProof,
} from "../prover.ts";
import type { Groth16Backend } from "../prover-backend.ts";
import {
  assertWellFormedSignal,
  evaluateSignal,
  type MarketSignalStatement,
  type SignalStatement,
} from "./evaluate-signal.ts";
import {
  SIGNAL_MARKET_COUNTS,
  packSignalPublicValues,
  type SignalMarketCount,
  type SignalPublicValues,
} from "./signal-values.ts";

/** One market of a signal request: the window, its round, and the signal. */
export interface MarketSignalRequest extends MarketSignalStatement {
  /** The feed's round of the window's last price (the hub requires its WindowLog commitment). */
  roundId: bigint;
}

/** A signal over K markets plus what binds it to one use on chain. */
export interface SignalRequest extends SignalStatement {
  markets: readonly MarketSignalRequest[];
  /** The attested model the agent names (modelHashOfFile). */
  modelHash: bigint;
  /** proofContext({ chainId, trader: hub, agent, nonce }). */
  context: bigint;
}

export interface SignalProof {
  proof: Groth16Proof;
  /** The 2K + 3 public inputs, in the verifier's order. */
  publicSignals: bigint[];
  publicValues: SignalPublicValues;
  solidityProof: SolidityProof;
  timings: { witnessMs: number; proveMs: number };
}

/** The public values a request implies (each commitment and latest price derived from its window). */
export function signalPublicValuesOf(request: SignalRequest, windowSize = WINDOW_SIZE): SignalPublicValues {
  assertWellFormedSignal(request, windowSize);
  for (const field of ["modelHash", "context"] as const) {
    if (typeof request[field] !== "bigint") {
      throw new InvalidPolicyInputError(field, `must be a bigint integer, got ${typeof request[field]}`);
    }
  }
  return {
    markets: request.markets.map((market) => ({
      pricesCommitment: pricesCommitment(market.prices),
      latestPrice: market.prices[market.prices.length - 1]!,
      roundId: market.roundId,
      sizeBps: market.sizeBps,
      action: market.action,
    })),
    thresholdBps: request.thresholdBps,
    modelHash: request.modelHash,
    context: request.context,
  };
}

/**
 * The 2K + 3 public inputs a request's proof carries, in the verifier's order:
 * pricesCommitment[0..K−1], marketSignal[0..K−1], thresholdBps, modelHash, context.
 */
export function signalPublicSignals(request: SignalRequest, windowSize = WINDOW_SIZE): bigint[] {
  return packSignalPublicValues(signalPublicValuesOf(request, windowSize));
}

/** The witness calculator's input for a request, and the public signals it will expose. */
export function signalCircuitInputOf(
  request: SignalRequest,
  windowSize = WINDOW_SIZE,
): { input: Record<string, bigint | bigint[]>; publicSignals: bigint[]; publicValues: SignalPublicValues } {
  const publicValues = signalPublicValuesOf(request, windowSize);
  const publicSignals = packSignalPublicValues(publicValues);
  const markets = request.markets.length;
  return {
    input: {
      // prices[K][N], flattened market by market (the witness calculator reads arrays flat)
      prices: request.markets.flatMap((m) => [...m.prices]),
      pricesCommitment: publicSignals.slice(0, markets),
      marketSignal: publicSignals.slice(markets, 2 * markets),
      thresholdBps: publicSignals[2 * markets]!,
      modelHash: publicSignals[2 * markets + 1]!,
      context: publicSignals[2 * markets + 2]!,
    },
    publicSignals,
    publicValues,
  };
}

/**
 * Proves signal v1 statements over K markets (src/circom/signal.circom) for the signal hub. Loads
 * the K-market circuit's witness calculator, zkey and verification key once, like PolicyProver;
 * call `close()` when done (snarkjs's worker threads keep the process alive otherwise).
 */
export class SignalProver {
  private closed = false;

  private constructor(
    private readonly circuit: LoadedCircuit,
    readonly markets: SignalMarketCount,
    readonly windowSize: number,
  ) {}

  /** Loads the K-market circuit (default artifacts: this package's build and ceremony) and the backend (default "auto"). */
  static async load(
    markets: SignalMarketCount,
    paths: Partial<ArtifactPaths> = {},
    options: ProverOptions = {},
  ): Promise<SignalProver> {
    if (!SIGNAL_MARKET_COUNTS.includes(markets)) {
      throw new InvalidPolicyInputError(
        "markets",
        `the shipped signal circuits prove ${SIGNAL_MARKET_COUNTS.join(", ")} markets, not ${String(markets)}`,
      );
    }
    // Groth16 only: its verifiers' consumers (the hub, FederatedRound) take Groth16 proofs.
    if (options.proofSystem === "plonk")
      throw new Error("this prover is Groth16 only (no PLONK adapter for its contract)");
    const circuit = await loadCircuit({ ...signalArtifactPaths(markets), ...paths }, options);
    return new SignalProver(circuit, markets, WINDOW_SIZE);
  }

  get verificationKey(): unknown {
    return this.circuit.verificationKey;
  }

  /** The Groth16 backend that makes this prover's proofs. */
  get backend(): Groth16Backend {
    return this.circuit.backend as Groth16Backend;
  }

  /**
   * Proves that every market of `request` obeys the signal rules. Refuses before any proving
   * work: malformed input ({@link InvalidPolicyInputError}) and rule violations
   * ({@link SignalViolationError}, naming the market and the rule).
   */
  async prove(request: SignalRequest): Promise<SignalProof> {
    assertWellFormedSignal(request, this.windowSize, this.markets);
    const verdict = evaluateSignal(request, this.windowSize);
    if (!verdict.compliant) throw new SignalViolationError(verdict.rule, verdict.market, verdict.reason);
    return this.proveUnchecked(request);
  }

  /** Proves without the TypeScript pre-check: only the circuit decides. For tests of the circuit itself. */
  async proveUnchecked(request: SignalRequest): Promise<SignalProof> {
    if (this.closed) throw new Error("SignalProver is closed; load a new one");
    assertWellFormedSignal(request, this.windowSize, this.markets);
    const { input, publicSignals, publicValues } = signalCircuitInputOf(request, this.windowSize);
    return {
      publicSignals,
      publicValues,
      ...(await proveGroth16Input(this.circuit, input, publicSignals)),
    };
  }

  /** Verifies a proof off-chain against the loaded verification key. */
  async verify(proof: Groth16Proof, publicSignals: readonly bigint[]): Promise<boolean> {
    return verifyPolicyProof(this.circuit.verificationKey, proof, publicSignals);
  }

  /** Ends snarkjs's worker threads. The prover cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await terminateSnarkjs();
  }
}
