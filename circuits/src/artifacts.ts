import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const circuitsRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the prover finds its artifacts by default (built wasm, committed zkey and vkey). */
export const defaultArtifactPaths = {
  wasm: join(circuitsRoot, "build/main_js/main.wasm"),
  witnessCalculator: join(circuitsRoot, "build/main_js/witness_calculator.js"),
  r1cs: join(circuitsRoot, "build/main.r1cs"),
  zkey: join(circuitsRoot, "ceremony/policy_final.zkey"),
  vkey: join(circuitsRoot, "ceremony/verification_key.json"),
};

export type ArtifactPaths = typeof defaultArtifactPaths;

/** The proven-model circuit's artifacts (policy + model in one proof). */
export const modelArtifactPaths: ArtifactPaths = {
  wasm: join(circuitsRoot, "build/model/main_model_js/main_model.wasm"),
  witnessCalculator: join(circuitsRoot, "build/model/main_model_js/witness_calculator.js"),
  r1cs: join(circuitsRoot, "build/model/main_model.r1cs"),
  zkey: join(circuitsRoot, "ceremony/model/model_final.zkey"),
  vkey: join(circuitsRoot, "ceremony/model/verification_key.json"),
};

/** The signal hub's circuit for `markets` markets per proof (1, 2 or 4; src/circom/main_signal_K.circom). */
export function signalArtifactPaths(markets: number): ArtifactPaths {
  const name = `signal${markets}`;
  const main = `main_signal_${markets}`;
  return {
    wasm: join(circuitsRoot, `build/${name}/${main}_js/${main}.wasm`),
    witnessCalculator: join(circuitsRoot, `build/${name}/${main}_js/witness_calculator.js`),
    r1cs: join(circuitsRoot, `build/${name}/${main}.r1cs`),
    zkey: join(circuitsRoot, `ceremony/${name}/${name}_final.zkey`),
    vkey: join(circuitsRoot, `ceremony/${name}/verification_key.json`),
  };
}

/** Federated aggregation of 4 updates, chunk `chunk` of 2 (src/circom/main_aggregation_4_C.circom). */
export function aggregationArtifactPaths(chunk: number): ArtifactPaths {
  const name = `aggregation${chunk}`;
  const main = `main_aggregation_4_${chunk}`;
  return {
    wasm: join(circuitsRoot, `build/${name}/${main}_js/${main}.wasm`),
    witnessCalculator: join(circuitsRoot, `build/${name}/${main}_js/witness_calculator.js`),
    r1cs: join(circuitsRoot, `build/${name}/${main}.r1cs`),
    zkey: join(circuitsRoot, `ceremony/${name}/${name}_final.zkey`),
    vkey: join(circuitsRoot, `ceremony/${name}/verification_key.json`),
  };
}
