import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import * as snarkjs from "snarkjs";

import { defaultArtifactPaths, type ArtifactPaths } from "../../src/index.ts";

type Input = Record<string, bigint | bigint[]>;

interface Calculator {
  calculateWTNSBin(input: Input, sanityCheck: number): Promise<Uint8Array>;
}

const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Byte offset of witness value 0 in a .wtns file (header, section 1 with n8 = 32, section 2 header). */
const WTNS_VALUES_OFFSET = 12 + 12 + 4 + 32 + 4 + 12;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The witness and R1CS checks of one circuit (the policy circuit's are exported below). */
export function circuitChecker(paths: ArtifactPaths) {
  const wasm = readFileSync(paths.wasm);
  /**
   * The generated witness calculator with its `===` asserts turned off: every hint (`<--`) is
   * still computed honestly, but a failed equality no longer stops it. The result is the witness
   * an attacker would hand the prover for a violating input; only the R1CS check stands between
   * it and a proof.
   */
  const lenient = (async () => {
    const source = readFileSync(paths.witnessCalculator, "utf8").replace(
      "throw new Error(err + errStr);",
      "if (code == 4) { errStr = ''; return; } throw new Error(err + errStr);",
    );
    const module = { exports: {} as unknown };
    new Function("module", "exports", "require", source)(module, module.exports, createRequire(import.meta.url));
    return (module.exports as (code: Uint8Array, options: object) => Promise<Calculator>)(wasm, {});
  })();
  const strict = (createRequire(import.meta.url)(paths.witnessCalculator) as (code: Uint8Array) => Promise<Calculator>)(
    wasm,
  );
  let symbols: Map<string, number> | undefined;

  /** The witness index of a signal by its full name (`main.x.y`), from the compiler's .sym file. */
  const witnessIndexOf = (signal: string): number => {
    symbols ??= new Map(
      readFileSync(paths.r1cs.replace(/\.r1cs$/, ".sym"), "utf8")
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
  };
  const readValue = (witness: Uint8Array, index: number) => {
    const offset = WTNS_VALUES_OFFSET + index * 32;
    let value = 0n;
    for (let b = 31; b >= 0; b--) value = (value << 8n) | BigInt(witness[offset + b]!);
    return value;
  };

  return {
    witnessIndexOf,
    /** Computes the lenient witness for `input` and reports whether it satisfies the R1CS. */
    async satisfiesR1cs(input: Input): Promise<boolean> {
      const witness = await (await lenient).calculateWTNSBin(input, 0);
      return (await snarkjs.wtns.check(paths.r1cs, { type: "mem", data: witness }, silent)) as boolean;
    },
    /**
     * Whether the generated witness code accepts `input`: every hint computed honestly and every
     * `===` holds. Fast (~15 ms), so the agreement tests use it; the rule tests use the slower
     * full R1CS check.
     */
    async witnessExists(input: Input): Promise<boolean> {
      try {
        await (await strict).calculateWTNSBin(input, 0);
        return true;
      } catch (error) {
        if (/Assert Failed/.test(String(error))) return false;
        throw error;
      }
    },
    /** The honest witness's values of `signals`, signed (values above p/2 read as negative). */
    async witnessValues(input: Input, signals: readonly string[]): Promise<bigint[]> {
      const witness = await (await strict).calculateWTNSBin(input, 0);
      return signals.map((s) => {
        const v = readValue(witness, witnessIndexOf(s));
        return v > FIELD / 2n ? v - FIELD : v;
      });
    },
    /**
     * Computes the honest witness for `input`, replaces the value of `signal` with
     * `change(value)`, and reports whether the result still satisfies the R1CS: a hint (`<--`)
     * pinned by constraints must make this false for any other value.
     */
    async tamperedSatisfiesR1cs(input: Input, signal: string, change: (value: bigint) => bigint): Promise<boolean> {
      const witness = await (await strict).calculateWTNSBin(input, 0);
      const offset = WTNS_VALUES_OFFSET + witnessIndexOf(signal) * 32;
      let next = ((change(readValue(witness, witnessIndexOf(signal))) % FIELD) + FIELD) % FIELD;
      for (let b = 0; b < 32; b++) {
        witness[offset + b] = Number(next & 0xffn);
        next >>= 8n;
      }
      return (await snarkjs.wtns.check(paths.r1cs, { type: "mem", data: witness }, silent)) as boolean;
    },
  };
}

const policy = circuitChecker(defaultArtifactPaths);
export const { satisfiesR1cs, witnessExists, witnessIndexOf, tamperedSatisfiesR1cs } = policy;
