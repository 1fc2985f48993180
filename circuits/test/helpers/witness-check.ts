import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import * as snarkjs from "snarkjs";

import { defaultArtifactPaths, type CircuitInput } from "../../src/index.ts";

interface LenientCalculator {
  calculateWTNSBin(input: CircuitInput, sanityCheck: number): Promise<Uint8Array>;
}

const wasm = readFileSync(defaultArtifactPaths.wasm);

/**
 * The generated witness calculator with its `===` asserts turned off: every
 * hint (`<--`) is still computed honestly, but a failed equality no longer
 * stops it. The result is the witness an attacker would hand the prover for a
 * violating input; only the R1CS check stands between it and a proof.
 */
async function lenientCalculator(): Promise<LenientCalculator> {
  const source = readFileSync(defaultArtifactPaths.witnessCalculator, "utf8").replace(
    "throw new Error(err + errStr);",
    "if (code == 4) { errStr = ''; return; } throw new Error(err + errStr);",
  );
  const module = { exports: {} as unknown };
  new Function("module", "exports", "require", source)(module, module.exports, createRequire(import.meta.url));
  return (module.exports as (code: Uint8Array, options: object) => Promise<LenientCalculator>)(wasm, {});
}

const calculator = lenientCalculator();
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Computes the lenient witness for `input` and reports whether it satisfies the R1CS. */
export async function satisfiesR1cs(input: CircuitInput): Promise<boolean> {
  const witness = await (await calculator).calculateWTNSBin(input, 0);
  return (await snarkjs.wtns.check(defaultArtifactPaths.r1cs, { type: "mem", data: witness }, silent)) as boolean;
}

const strict = (
  createRequire(import.meta.url)(defaultArtifactPaths.witnessCalculator) as (
    code: Uint8Array,
  ) => Promise<LenientCalculator>
)(wasm);

/**
 * Whether the generated witness code accepts `input`: every hint computed
 * honestly and every `===` holds. Fast (~15 ms), so the 500-case agreement
 * test uses it; the rule tests use the slower full R1CS check.
 */
export async function witnessExists(input: CircuitInput): Promise<boolean> {
  try {
    await (await strict).calculateWTNSBin(input, 0);
    return true;
  } catch (error) {
    if (/Assert Failed/.test(String(error))) return false;
    throw error;
  }
}
