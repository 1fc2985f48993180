import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

import * as snarkjs from "snarkjs";

import { defaultArtifactPaths, type ArtifactPaths } from "./artifacts.ts";
import { PolicyViolationError, ProverArtifactError, WitnessError } from "./errors.ts";
import { evaluatePolicy } from "./evaluate-policy.ts";
import { WINDOW_SIZE } from "./policy-constants.ts";
import {
  isPlonkProof,
  plonkArtifactPaths,
  plonkBackend,
  plonkCalldata,
  type PlonkBackend,
  type PlonkProof,
  type ProofSystem,
} from "./plonk-backend.ts";
import { createProverBackend, type Groth16Backend, type Groth16Proof, type ProverChoice } from "./prover-backend.ts";
import type { PublicSignals, PublicValues } from "./public-values.ts";
import { circuitInputOf, type ProofRequest } from "./witness-input.ts";

export type { Groth16Proof } from "./prover-backend.ts";

/** How a prover is loaded: the proof system (default "groth16") and which Groth16 backend proves (default "auto"). */
export interface ProverOptions {
  prover?: ProverChoice;
  /** "plonk": the circuit's PLONK form (snarkjs; `prover` is then ignored). */
  proofSystem?: ProofSystem;
}

/** Whichever backend proves: a Groth16 one (snarkjs or native) or snarkjs's PLONK. */
export type ProofBackend = Groth16Backend | PlonkBackend;

/** The proof's system-specific half of the contracts' arguments (PLONK: the adapter's `uint256[24]`). */
export interface PlonkCalldata {
  proof: bigint[];
}

/** Groth16's a/b/c for a PLONK proof: the PLONK adapter ignores them (the trader's call shape needs some). */
export const NO_GROTH16_PROOF: SolidityProof = {
  a: [0n, 0n],
  b: [
    [0n, 0n],
    [0n, 0n],
  ],
  c: [0n, 0n],
};

/** The verifier contract's argument shape (pB's pairs already swapped for the EVM). */
export interface SolidityProof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

export interface PolicyProof {
  proof: Groth16Proof | PlonkProof;
  publicSignals: PublicSignals;
  publicValues: PublicValues;
  /** Groth16: the verifier's a/b/c. PLONK: zeros (see {@link NO_GROTH16_PROOF}); the proof is in `plonk`. */
  solidityProof: SolidityProof;
  /** PLONK only: what the PlonkVerifierAdapter's `submit` takes, sent before the trade. */
  plonk?: PlonkCalldata;
  timings: { witnessMs: number; proveMs: number };
}

export interface WitnessCalculator {
  calculateWTNSBin(input: Record<string, bigint | bigint[]>, sanityCheck: number): Promise<Uint8Array>;
}
type WitnessCalculatorBuilder = (wasm: Uint8Array) => Promise<WitnessCalculator>;

async function readArtifact(path: string, hint: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new ProverArtifactError(path, `${hint} (${(error as Error).message})`);
  }
}

/** Converts a snarkjs proof to the verifier contract's argument shape. */
export function toSolidityProof(proof: Groth16Proof): SolidityProof {
  const n = (s: string | undefined) => BigInt(s ?? "0");
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  // The EVM's pairing precompile takes G2 coordinates as (imaginary, real).
  return {
    a: [n(a[0]), n(a[1])],
    b: [
      [n(b[0]?.[1]), n(b[0]?.[0])],
      [n(b[1]?.[1]), n(b[1]?.[0])],
    ],
    c: [n(c[0]), n(c[1])],
  };
}

/** One circuit's proving material, loaded once. */
export interface LoadedCircuit {
  witnessCalculator: WitnessCalculator;
  zkey: Uint8Array;
  verificationKey: unknown;
  backend: ProofBackend;
}

/**
 * Loads a circuit's witness calculator, zkey, verification key and prover backend (typed errors
 * for missing files; {@link NativeProverUnavailableError} for `prover: "native"` where it cannot run).
 */
export async function loadCircuit(p: ArtifactPaths, options: ProverOptions = {}): Promise<LoadedCircuit> {
  const buildHint = "run `pnpm --filter @zkagent/circuits build` first";
  const plonk = options.proofSystem === "plonk";
  const wasm = await readArtifact(p.wasm, buildHint);
  const zkey = await readArtifact(
    p.zkey,
    plonk
      ? "the PLONK proving key is missing: run `pnpm --filter @zkagent/circuits build` (shipped forms) or `pnpm --filter @zkagent/circuits plonk setup --circuit <name> --ptau <file>`"
      : "the committed zkey is missing: restore circuits/ceremony or run the ceremony",
  );
  const vkeyBytes = await readArtifact(p.vkey, "the committed verification key is missing");
  let builder: WitnessCalculatorBuilder;
  try {
    builder = createRequire(import.meta.url)(p.witnessCalculator) as WitnessCalculatorBuilder;
  } catch (error) {
    throw new ProverArtifactError(p.witnessCalculator, `${buildHint} (${(error as Error).message})`);
  }
  return {
    witnessCalculator: await builder(wasm),
    zkey,
    verificationKey: JSON.parse(new TextDecoder().decode(vkeyBytes)),
    backend: plonk ? plonkBackend(zkey) : await createProverBackend(options.prover ?? "auto", zkey, p.r1cs),
  };
}

/** The artifacts a prover loads: `groth16` (its defaults) or the circuit's PLONK form, then `overrides`. */
export function artifactsFor(
  groth16: ArtifactPaths,
  plonkName: string,
  overrides: Partial<ArtifactPaths>,
  options: ProverOptions,
): ArtifactPaths {
  return { ...(options.proofSystem === "plonk" ? plonkArtifactPaths(plonkName) : groth16), ...overrides };
}

/**
 * Computes the witness and the Groth16 proof for `input`, and checks the proof's public signals
 * are exactly `publicSignals` (anything else is a bug in the caller's packing).
 */
export async function proveCircuitInput(
  circuit: LoadedCircuit,
  input: Record<string, bigint | bigint[]>,
  publicSignals: readonly bigint[],
): Promise<{
  proof: Groth16Proof | PlonkProof;
  solidityProof: SolidityProof;
  plonk?: PlonkCalldata;
  timings: { witnessMs: number; proveMs: number };
}> {
  const witnessStart = performance.now();
  let witness: Uint8Array;
  try {
    witness = await circuit.witnessCalculator.calculateWTNSBin(input, 0);
  } catch (error) {
    throw new WitnessError(String((error as Error).message).trim(), { cause: error });
  }
  const proveStart = performance.now();
  const { proof, publicSignals: provedSignals } = await circuit.backend.prove(witness);
  const proveEnd = performance.now();
  if (provedSignals.some((s, i) => BigInt(s) !== publicSignals[i])) {
    throw new Error(`internal: proved public signals ${provedSignals.join(",")} differ from the packed values`);
  }
  const timings = { witnessMs: proveStart - witnessStart, proveMs: proveEnd - proveStart };
  if (isPlonkProof(proof)) {
    return {
      proof,
      solidityProof: NO_GROTH16_PROOF,
      plonk: { proof: await plonkCalldata(proof, publicSignals) },
      timings,
    };
  }
  return { proof, solidityProof: toSolidityProof(proof), timings };
}

/** {@link proveCircuitInput} for a Groth16-only prover (signal, aggregation): a PLONK proof there is a bug. */
export async function proveGroth16Input(
  circuit: LoadedCircuit,
  input: Record<string, bigint | bigint[]>,
  publicSignals: readonly bigint[],
): Promise<{ proof: Groth16Proof; solidityProof: SolidityProof; timings: { witnessMs: number; proveMs: number } }> {
  const { proof, solidityProof, timings } = await proveCircuitInput(circuit, input, publicSignals);
  if (isPlonkProof(proof)) throw new Error("internal: a Groth16-only prover made a PLONK proof");
  return { proof, solidityProof, timings };
}

/**
 * Proves policy v1 statements. Loads the witness calculator, the zkey and the
 * verification key once; every `prove` after that is in memory (no file reads,
 * no process starts). Call `close()` when done: snarkjs keeps worker threads
 * alive otherwise and the process never exits.
 */
export class PolicyProver {
  private closed = false;

  private constructor(
    private readonly circuit: LoadedCircuit,
    readonly windowSize: number,
  ) {}

  /** The loaded verification key. */
  get verificationKey(): unknown {
    return this.circuit.verificationKey;
  }

  /** The backend that makes this prover's proofs. */
  get backend(): ProofBackend {
    return this.circuit.backend;
  }

  /**
   * Loads the artifacts (default: this package's build and ceremony folders, or with
   * `proofSystem: "plonk"` the PLONK form's) and the backend (default "auto").
   */
  static async load(
    paths: Partial<ArtifactPaths> = {},
    windowSize = WINDOW_SIZE,
    options: ProverOptions = {},
  ): Promise<PolicyProver> {
    return new PolicyProver(
      await loadCircuit(artifactsFor(defaultArtifactPaths, "policy", paths, options), options),
      windowSize,
    );
  }

  /**
   * Proves that `request` obeys the policy. Refuses before any proving work:
   * malformed input ({@link InvalidPolicyInputError}) and policy violations
   * ({@link PolicyViolationError}, naming the rule).
   */
  async prove(request: ProofRequest): Promise<PolicyProof> {
    const verdict = evaluatePolicy(request, this.windowSize);
    if (!verdict.compliant) throw new PolicyViolationError(verdict.rule, verdict.reason);
    return this.proveUnchecked(request);
  }

  /** Proves without the TypeScript pre-check: only the circuit decides. For tests of the circuit itself. */
  async proveUnchecked(request: ProofRequest): Promise<PolicyProof> {
    if (this.closed) throw new Error("PolicyProver is closed; load a new one");
    const { input, publicSignals, publicValues } = circuitInputOf(request, this.windowSize);
    return { publicSignals, publicValues, ...(await proveCircuitInput(this.circuit, input, publicSignals)) };
  }

  /** Verifies a proof off-chain against the loaded verification key. */
  async verify(proof: Groth16Proof | PlonkProof, publicSignals: readonly bigint[]): Promise<boolean> {
    return verifyPolicyProof(this.verificationKey, proof, publicSignals);
  }

  /** Ends snarkjs's worker threads. The prover cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await terminateSnarkjs();
  }
}

/**
 * Verifies a proof against a verification key object (the auditor uses this directly). A PLONK
 * key checks PLONK proofs; a proof of the other system is false.
 */
export async function verifyPolicyProof(
  verificationKey: unknown,
  proof: Groth16Proof | PlonkProof,
  publicSignals: readonly bigint[],
): Promise<boolean> {
  const signals = publicSignals.map(String);
  if ((verificationKey as { protocol?: string }).protocol === "plonk") {
    return isPlonkProof(proof) && ((await snarkjs.plonk.verify(verificationKey, signals, proof)) as boolean);
  }
  if (isPlonkProof(proof)) return false;
  return (await snarkjs.groth16.verify(verificationKey, signals, proof)) as boolean;
}

/** snarkjs caches the curve (and its worker threads) globally; terminating it lets the process exit. */
export async function terminateSnarkjs(): Promise<void> {
  const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (cached) {
    await cached.terminate();
    delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
  }
}
