import { join } from "node:path";

import {
  circuitTargets,
  circuitsRoot,
  phase1Path,
  workspaceRoot,
  type CircuitName,
  type CircuitTarget,
} from "./paths.ts";

/**
 * The circuits with a PLONK form. PLONK has no per-circuit ceremony: its keys are derived
 * deterministically from the circuit (compiled at --O1) and a phase-1 file, so only the verifier,
 * the verification key and the manifest are committed; the proving key is rebuilt by `build`.
 */
export type PlonkCircuitName = "policy" | "model" | "signal1" | "signal2" | "signal4";
export const PLONK_CIRCUIT_NAMES: readonly PlonkCircuitName[] = ["policy", "model", "signal1", "signal2", "signal4"];

/**
 * The PLONK forms this repository ships (committed verifier, checked by CI): the ones whose PLONK
 * constraints fit the committed power-14 phase-1 file and that a contract consumes. The others
 * (model and signal K = 4: power 15) are set up by a deployer from a larger public file by path.
 */
export const SHIPPED_PLONK: readonly PlonkCircuitName[] = ["policy"];

/** Everything one circuit's PLONK setup, export and check read and write. */
export interface PlonkTarget {
  name: PlonkCircuitName;
  /** The circuit's Groth16 target: its source and title. */
  circuit: CircuitTarget;
  buildDir: string;
  r1cs: string;
  wasm: string;
  witnessCalculator: string;
  /** The proving key: derived, never committed (about 35 MB at power 14). */
  zkey: string;
  ceremonyDir: string;
  vkey: string;
  manifest: string;
  verifierSol: string;
  vkeyForContracts: string;
  verifierContract: string;
}

const generated = join(workspaceRoot, "packages/contracts/src/generated");

/** The PLONK target of `name`; `ceremonyDir` moves the committed outputs (a deployer's setup from another phase-1 file). */
export function plonkTarget(name: PlonkCircuitName, ceremonyDir?: string): PlonkTarget {
  const circuit = circuitTargets[name as CircuitName];
  const main = circuit.mainCircuit
    .split("/")
    .pop()!
    .replace(/\.circom$/, "");
  const buildDir = join(circuitsRoot, `build/plonk/${name}`);
  const dir = ceremonyDir ?? join(circuitsRoot, `ceremony/plonk/${name}`);
  const contract = `Plonk${circuit.verifierContract}`;
  return {
    name,
    circuit,
    buildDir,
    r1cs: join(buildDir, `${main}.r1cs`),
    wasm: join(buildDir, `${main}_js/${main}.wasm`),
    witnessCalculator: join(buildDir, `${main}_js/witness_calculator.js`),
    zkey: join(ceremonyDir ? dir : buildDir, `${name}_plonk.zkey`),
    ceremonyDir: dir,
    vkey: join(dir, "verification_key.json"),
    manifest: join(dir, "manifest.json"),
    verifierSol: ceremonyDir ? join(dir, `${contract}.sol`) : join(generated, `${contract}.sol`),
    vkeyForContracts: ceremonyDir
      ? join(dir, "verification_key.json")
      : join(generated, `plonk_${name}_verification_key.json`),
    verifierContract: contract,
  };
}

/** Parses a `--circuit` value for the PLONK scripts. */
export function plonkCircuitName(name: string | undefined): PlonkCircuitName {
  const value = (name ?? "policy") as PlonkCircuitName;
  if (!PLONK_CIRCUIT_NAMES.includes(value)) {
    throw new Error(`--circuit ${name}: PLONK forms exist for ${PLONK_CIRCUIT_NAMES.join(", ")}`);
  }
  return value;
}

export { phase1Path };
