import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the circuit pipeline reads and writes. One place, so scripts and the prover agree. */
export const circuitsRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const workspaceRoot = resolve(circuitsRoot, "..");

export const paths = {
  mainCircuit: join(circuitsRoot, "src/circom/main.circom"),
  buildDir: join(circuitsRoot, "build"),
  r1cs: join(circuitsRoot, "build/main.r1cs"),
  wasm: join(circuitsRoot, "build/main_js/main.wasm"),
  ceremonyDir: join(circuitsRoot, "ceremony"),
  ptau: join(circuitsRoot, "ceremony/phase1.ptau"),
  zkey: join(circuitsRoot, "ceremony/policy_final.zkey"),
  vkey: join(circuitsRoot, "ceremony/verification_key.json"),
  manifest: join(circuitsRoot, "ceremony/manifest.json"),
  transcript: join(circuitsRoot, "ceremony/TRANSCRIPT.md"),
  verifierSol: join(workspaceRoot, "packages/contracts/src/generated/PolicyVerifier.sol"),
  vkeyForContracts: join(workspaceRoot, "packages/contracts/src/generated/verification_key.json"),
};
