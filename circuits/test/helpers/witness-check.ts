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

const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Byte offset of witness value 0 in a .wtns file (header, section 1 with n8 = 32, section 2 header). */
const WTNS_VALUES_OFFSET = 12 + 12 + 4 + 32 + 4 + 12;

let symbols: Map<string, number> | undefined;

/** The witness index of a signal by its full name (`main.x.y`), from the compiler's .sym file. */
export function witnessIndexOf(signal: string): number {
  symbols ??= new Map(
    readFileSync(defaultArtifactPaths.r1cs.replace(/\.r1cs$/, ".sym"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [, varIdx, , name] = line.split(",");
        return [name!, Number(varIdx)] as const;
      }),
  );
  const index = symbols.get(signal);
  if (index === undefined) throw new Error(`no signal ${signal} in the .sym file`);
  if (index < 0) throw new Error(`${signal} was optimised away (no witness slot)`);
  return index;
}

/**
 * Computes the honest witness for `input`, replaces the value of `signal` with `change(value)`,
 * and reports whether the result still satisfies the R1CS: a hint (`<--`) pinned by constraints
 * must make this false for any other value.
 */
export async function tamperedSatisfiesR1cs(
  input: CircuitInput,
  signal: string,
  change: (value: bigint) => bigint,
): Promise<boolean> {
  const witness = await (await strict).calculateWTNSBin(input, 0);
  const offset = WTNS_VALUES_OFFSET + witnessIndexOf(signal) * 32;
  let value = 0n;
  for (let b = 31; b >= 0; b--) value = (value << 8n) | BigInt(witness[offset + b]!);
  let next = ((change(value) % FIELD) + FIELD) % FIELD;
  for (let b = 0; b < 32; b++) {
    witness[offset + b] = Number(next & 0xffn);
    next >>= 8n;
  }
  return (await snarkjs.wtns.check(defaultArtifactPaths.r1cs, { type: "mem", data: witness }, silent)) as boolean;
}
