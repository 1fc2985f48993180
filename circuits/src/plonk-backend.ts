import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import * as snarkjs from "snarkjs";

import type { ArtifactPaths } from "./artifacts.ts";

/** Which proof system a deployment uses: Groth16 (per-circuit ceremony) or PLONK (phase 1 only). */
export type ProofSystem = "groth16" | "plonk";
export const PROOF_SYSTEMS = ["groth16", "plonk"] as const satisfies readonly ProofSystem[];

/** A PLONK proof as snarkjs returns it (decimal strings). */
export interface PlonkProof {
  A: string[];
  B: string[];
  C: string[];
  Z: string[];
  T1: string[];
  T2: string[];
  T3: string[];
  Wxi: string[];
  Wxiw: string[];
  eval_a: string;
  eval_b: string;
  eval_c: string;
  eval_s1: string;
  eval_s2: string;
  eval_zw: string;
  protocol: "plonk";
  curve: string;
}

/** One circuit's PLONK prover: a `.wtns` in, a proof and its public signals out (snarkjs, in process). */
export interface PlonkBackend {
  readonly name: "snarkjs";
  readonly proofSystem: "plonk";
  readonly description: string;
  prove(witness: Uint8Array): Promise<{ proof: PlonkProof; publicSignals: string[] }>;
}

export function plonkBackend(zkey: Uint8Array): PlonkBackend {
  return {
    name: "snarkjs",
    proofSystem: "plonk",
    description: "snarkjs 0.7.6 PLONK",
    async prove(witness) {
      return (await snarkjs.plonk.prove({ type: "mem", data: zkey }, { type: "mem", data: witness })) as {
        proof: PlonkProof;
        publicSignals: string[];
      };
    },
  };
}

/** True for a snarkjs PLONK proof (as opposed to a Groth16 one). */
export function isPlonkProof(proof: unknown): proof is PlonkProof {
  return (proof as { protocol?: string }).protocol === "plonk";
}

/**
 * The PLONK verifier contract's `uint256[24] proof` argument, in the order snarkjs's
 * `exportSolidityCallData` writes it (A, B, C, Z, T1, T2, T3, Wxi, Wxiw, then the six evaluations).
 */
export async function plonkCalldata(proof: PlonkProof, publicSignals: readonly bigint[]): Promise<bigint[]> {
  const text: string = await snarkjs.plonk.exportSolidityCallData(proof, publicSignals.map(String));
  const [proofPart] = JSON.parse(`[${text.replace("][", "],[")}]`) as [string[], string[]];
  return proofPart.map((word) => BigInt(word));
}

const circuitsRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A circuit's PLONK artifacts (circuits/scripts/plonk-targets.ts): the --O1 build and the proving
 * key derived by `pnpm --filter @zkagent/circuits build` in build/plonk/<name>/, the committed
 * verification key in ceremony/plonk/<name>/. `name` is policy, model, signal1, signal2 or signal4.
 */
export function plonkArtifactPaths(name: string): ArtifactPaths {
  const main = { policy: "main", model: "main_model" }[name] ?? `main_signal_${name.replace("signal", "")}`;
  const build = join(circuitsRoot, `build/plonk/${name}`);
  return {
    wasm: join(build, `${main}_js/${main}.wasm`),
    witnessCalculator: join(build, `${main}_js/witness_calculator.js`),
    r1cs: join(build, `${main}.r1cs`),
    zkey: join(build, `${name}_plonk.zkey`),
    vkey: join(circuitsRoot, `ceremony/plonk/${name}/verification_key.json`),
  };
}
