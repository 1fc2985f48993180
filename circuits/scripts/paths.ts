import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { AggregationChunk } from "../src/aggregation/aggregation-spec.ts";
import type { SignalMarketCount } from "../src/signal/signal-values.ts";

/** Where the circuit pipeline reads and writes. One place, so scripts and the prover agree. */
export const circuitsRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const workspaceRoot = resolve(circuitsRoot, "..");

/** The circuits this project ships; they share one phase-1 (Powers of Tau) file. */
export type CircuitName = "policy" | "model" | "signal1" | "signal2" | "signal4" | "aggregation0" | "aggregation1";
export const CIRCUIT_NAMES: readonly CircuitName[] = [
  "policy",
  "model",
  "signal1",
  "signal2",
  "signal4",
  "aggregation0",
  "aggregation1",
];

/** Everything one circuit's build, ceremony and export read and write. */
export interface CircuitTarget {
  name: CircuitName;
  /** What the manifest and the generated verifier's header call it. */
  title: string;
  mainCircuit: string;
  buildDir: string;
  r1cs: string;
  wasm: string;
  ceremonyDir: string;
  zkey: string;
  vkey: string;
  manifest: string;
  transcript: string;
  verifierSol: string;
  vkeyForContracts: string;
  /** The generated verifier's contract name. */
  verifierContract: string;
  /** The price window's length (0 for a circuit without one, e.g. federated aggregation). */
  windowSize: number;
}

const generated = join(workspaceRoot, "packages/contracts/src/generated");

/** Signal v1 for `markets` markets per proof: build/signalK, ceremony/signalK, SignalVerifierK. */
function signalTarget(markets: SignalMarketCount): CircuitTarget {
  const name = `signal${markets}` as const;
  const main = `main_signal_${markets}`;
  return {
    name,
    title: `zkagent signal v1, K = ${markets} (circuits/src/circom/${main}.circom)`,
    mainCircuit: join(circuitsRoot, `src/circom/${main}.circom`),
    buildDir: join(circuitsRoot, `build/${name}`),
    r1cs: join(circuitsRoot, `build/${name}/${main}.r1cs`),
    wasm: join(circuitsRoot, `build/${name}/${main}_js/${main}.wasm`),
    ceremonyDir: join(circuitsRoot, `ceremony/${name}`),
    zkey: join(circuitsRoot, `ceremony/${name}/${name}_final.zkey`),
    vkey: join(circuitsRoot, `ceremony/${name}/verification_key.json`),
    manifest: join(circuitsRoot, `ceremony/${name}/manifest.json`),
    transcript: join(circuitsRoot, `ceremony/${name}/TRANSCRIPT.md`),
    verifierSol: join(generated, `SignalVerifier${markets}.sol`),
    vkeyForContracts: join(generated, `${name}_verification_key.json`),
    verifierContract: `SignalVerifier${markets}`,
    windowSize: 30,
  };
}

/**
 * Federated aggregation of 4 updates of the shipped model, chunk `chunk` of 2 (limbs 3·chunk ..
 * 3·chunk + 2): build/aggregationC, ceremony/aggregationC, AggregationVerifierC. The whole model
 * in one proof is 20 298 constraints, past the power-14 phase 1; each chunk fits.
 */
function aggregationTarget(chunk: AggregationChunk): CircuitTarget {
  const name = `aggregation${chunk}` as const;
  const main = `main_aggregation_4_${chunk}`;
  return {
    name,
    title: `zkagent federated aggregation v1, P = 4, chunk ${chunk} of 2 (circuits/src/circom/${main}.circom)`,
    mainCircuit: join(circuitsRoot, `src/circom/${main}.circom`),
    buildDir: join(circuitsRoot, `build/${name}`),
    r1cs: join(circuitsRoot, `build/${name}/${main}.r1cs`),
    wasm: join(circuitsRoot, `build/${name}/${main}_js/${main}.wasm`),
    ceremonyDir: join(circuitsRoot, `ceremony/${name}`),
    zkey: join(circuitsRoot, `ceremony/${name}/${name}_final.zkey`),
    vkey: join(circuitsRoot, `ceremony/${name}/verification_key.json`),
    manifest: join(circuitsRoot, `ceremony/${name}/manifest.json`),
    transcript: join(circuitsRoot, `ceremony/${name}/TRANSCRIPT.md`),
    verifierSol: join(generated, `AggregationVerifier${chunk}.sol`),
    vkeyForContracts: join(generated, `${name}_verification_key.json`),
    verifierContract: `AggregationVerifier${chunk}`,
    windowSize: 0,
  };
}

export const circuitTargets: Record<CircuitName, CircuitTarget> = {
  policy: {
    name: "policy",
    title: "zkagent policy v1 (circuits/src/circom/main.circom)",
    mainCircuit: join(circuitsRoot, "src/circom/main.circom"),
    buildDir: join(circuitsRoot, "build"),
    r1cs: join(circuitsRoot, "build/main.r1cs"),
    wasm: join(circuitsRoot, "build/main_js/main.wasm"),
    ceremonyDir: join(circuitsRoot, "ceremony"),
    zkey: join(circuitsRoot, "ceremony/policy_final.zkey"),
    vkey: join(circuitsRoot, "ceremony/verification_key.json"),
    manifest: join(circuitsRoot, "ceremony/manifest.json"),
    transcript: join(circuitsRoot, "ceremony/TRANSCRIPT.md"),
    verifierSol: join(generated, "PolicyVerifier.sol"),
    vkeyForContracts: join(generated, "verification_key.json"),
    verifierContract: "PolicyVerifier",
    windowSize: 30,
  },
  model: {
    name: "model",
    title: "zkagent proven model v1 (circuits/src/circom/main_model.circom)",
    mainCircuit: join(circuitsRoot, "src/circom/main_model.circom"),
    buildDir: join(circuitsRoot, "build/model"),
    r1cs: join(circuitsRoot, "build/model/main_model.r1cs"),
    wasm: join(circuitsRoot, "build/model/main_model_js/main_model.wasm"),
    ceremonyDir: join(circuitsRoot, "ceremony/model"),
    zkey: join(circuitsRoot, "ceremony/model/model_final.zkey"),
    vkey: join(circuitsRoot, "ceremony/model/verification_key.json"),
    manifest: join(circuitsRoot, "ceremony/model/manifest.json"),
    transcript: join(circuitsRoot, "ceremony/model/TRANSCRIPT.md"),
    verifierSol: join(generated, "ModelPolicyVerifier.sol"),
    vkeyForContracts: join(generated, "model_verification_key.json"),
    verifierContract: "ModelPolicyVerifier",
    windowSize: 30,
  },
  signal1: signalTarget(1),
  signal2: signalTarget(2),
  signal4: signalTarget(4),
  aggregation0: aggregationTarget(0),
  aggregation1: aggregationTarget(1),
};

/** The phase-1 file every circuit's phase 2 starts from. */
export const phase1Path = join(circuitsRoot, "ceremony/phase1.ptau");

/** The policy circuit's paths plus the shared phase-1 file (what most callers want). */
export const paths = { ...circuitTargets.policy, ptau: phase1Path };

/** Parses a `--circuit` value. */
export function circuitTarget(name: string | undefined): CircuitTarget {
  const target = circuitTargets[(name ?? "policy") as CircuitName];
  if (!target) throw new Error(`--circuit ${name}: expected one of ${CIRCUIT_NAMES.join(", ")}`);
  return target;
}
