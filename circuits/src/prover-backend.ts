import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

import {
  ENABLE_NATIVE_PROVER,
  loadNativeProver,
  type NativeGroth16Prover,
  type NativeProverAvailability,
} from "@zkagent/prover-native";
import * as snarkjs from "snarkjs";

import { NativeProverUnavailableError, ProverArtifactError, WitnessRejectedError } from "./errors.ts";

/** Which Groth16 prover makes the proofs. Both produce proofs the same verifier accepts. */
export type ProverBackendName = "snarkjs" | "native";

/** What an operator configures: a backend, or "auto" (native when usable here, else snarkjs). */
export type ProverChoice = ProverBackendName | "auto";

export const PROVER_CHOICES = ["auto", "snarkjs", "native"] as const satisfies readonly ProverChoice[];

/** A Groth16 proof as snarkjs returns it (decimal strings). */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

/** One circuit's prover, whichever backend: a `.wtns` in, a proof and its public signals out. */
export interface Groth16Backend {
  readonly name: ProverBackendName;
  /** For logs and the bench, e.g. "native (asm field)". */
  readonly description: string;
  prove(witness: Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
}

/** The reference prover: snarkjs in process (its worker threads stay alive until terminateSnarkjs). */
export function snarkjsBackend(zkey: Uint8Array): Groth16Backend {
  return {
    name: "snarkjs",
    description: "snarkjs 0.7.6",
    async prove(witness) {
      return (await snarkjs.groth16.prove({ type: "mem", data: zkey }, { type: "mem", data: witness })) as {
        proof: Groth16Proof;
        publicSignals: string[];
      };
    },
  };
}

/**
 * Native provers already made in this process, by zkey and r1cs: their tables take seconds to
 * compute and never change, so a second load of the same circuit (a restarted agent, a test) reuses them.
 */
const nativeProvers = new Map<string, NativeGroth16Prover>();

/**
 * The native prover (packages/prover-native). With `r1cs`, every witness is checked against the
 * circuit's constraints first and a failing one is refused ({@link WitnessRejectedError}).
 * Throws {@link NativeProverUnavailableError} when the addon is not built or cannot run here.
 */
export function nativeBackend(
  zkey: Uint8Array,
  r1cs?: Uint8Array,
  availability: NativeProverAvailability = loadNativeProver(),
): Groth16Backend & { native: NativeGroth16Prover } {
  const loaded = availability;
  if (!loaded.available) throw new NativeProverUnavailableError(loaded.reason, ENABLE_NATIVE_PROVER);
  const hash = createHash("sha256").update(zkey);
  if (r1cs) hash.update(r1cs);
  const key = `${loaded.field}:${r1cs ? "checked" : "unchecked"}:${hash.digest("hex")}`;
  let native = nativeProvers.get(key);
  if (!native) {
    native = new loaded.module.Prover(zkey, r1cs);
    nativeProvers.set(key, native);
  }
  return {
    name: "native",
    description: `native (ffiasm, ${loaded.field} field)`,
    native,
    async prove(witness) {
      try {
        const { proof, publicSignals } = await native.prove(witness);
        return { proof: proof as Groth16Proof, publicSignals };
      } catch (error) {
        throw new WitnessRejectedError((error as Error).message, { cause: error });
      }
    },
  };
}

/**
 * The backend `choice` means on this machine, and why (for the start-up log). "auto" is native when
 * the addon is built and loads (for the assembly build: the CPU has BMI2 and ADX), else snarkjs;
 * "native" where it cannot run throws {@link NativeProverUnavailableError}.
 */
export function resolveProverChoice(
  choice: ProverChoice,
  availability: () => NativeProverAvailability = loadNativeProver,
): { backend: ProverBackendName; why: string } {
  if (choice === "snarkjs") return { backend: "snarkjs", why: "configured" };
  const loaded = availability();
  if (choice === "native") {
    if (!loaded.available) throw new NativeProverUnavailableError(loaded.reason, ENABLE_NATIVE_PROVER);
    return { backend: "native", why: `configured; ${loaded.field} field` };
  }
  return loaded.available
    ? { backend: "native", why: `auto: the native prover is built, ${loaded.field} field` }
    : { backend: "snarkjs", why: `auto: ${loaded.reason}` };
}

/** Creates the backend `choice` names for one circuit; "native" reads the r1cs to check witnesses. */
export async function createProverBackend(
  choice: ProverChoice,
  zkey: Uint8Array,
  r1csPath: string,
  availability: () => NativeProverAvailability = loadNativeProver,
): Promise<Groth16Backend> {
  const { backend } = resolveProverChoice(choice, availability);
  if (backend === "snarkjs") return snarkjsBackend(zkey);
  let r1cs: Uint8Array;
  try {
    r1cs = new Uint8Array(await readFile(r1csPath));
  } catch (error) {
    throw new ProverArtifactError(
      r1csPath,
      `run \`pnpm --filter @zkagent/circuits build\` first (${(error as Error).message})`,
    );
  }
  return nativeBackend(zkey, r1cs, availability());
}
