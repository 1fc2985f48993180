/**
 * @zkagent/prover-native — loads the optional native Groth16 prover addon (GPL-3.0, see LICENSE).
 *
 * The addon is built by `pnpm install` when the machine can (scripts/build.mjs); this module never
 * throws because it is absent: {@link loadNativeProver} says whether it is usable and, if not, why
 * and how to enable it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const addonPath = join(packageRoot, "build/groth16native.node");
const statusPath = join(packageRoot, "build/status.json");

/** Per-phase times of one native proof, in milliseconds. */
export interface NativeProofTimings {
  /** The R1CS check of the witness (0 without an r1cs). */
  check: number;
  abc: number;
  fft: number;
  msmA: number;
  msmB1: number;
  msmB2: number;
  msmC: number;
  msmH: number;
  total: number;
}

/** One circuit's native prover: the zkey parsed and its fixed-base tables precomputed once. */
export interface NativeGroth16Prover {
  /**
   * Proves from a `.wtns` (as circom's `calculateWTNSBin` returns it). `rs`, for tests only: r then
   * s, 32 bytes each, little-endian (random from getrandom otherwise). Rejects a witness that fails
   * the r1cs given at construction.
   */
  prove(
    wtns: Uint8Array,
    rs?: Uint8Array,
  ): Promise<{ proof: unknown; publicSignals: string[]; timings: NativeProofTimings }>;
  /** Memory held by the precomputed tables. */
  readonly precomputedBytes: number;
  readonly checksConstraints: boolean;
}

export interface NativeProverModule {
  Prover: new (zkey: Uint8Array, r1cs?: Uint8Array) => NativeGroth16Prover;
  /** "asm": ffiasm's x86-64 assembly (BMI2, ADX); "generic": portable C++. */
  field: "asm" | "generic";
}

/** What scripts/build.mjs recorded. */
export interface NativeBuildStatus {
  built: boolean;
  /** The compiler and libraries were there: a failed build is then an error, not a missing feature. */
  depsPresent: boolean;
  field?: "asm" | "generic";
  reason?: string;
}

export type NativeProverAvailability =
  | { available: true; module: NativeProverModule; field: "asm" | "generic" }
  | { available: false; reason: string; status: NativeBuildStatus | undefined };

/** How an operator enables the native prover (printed with every "unavailable" reason). */
export const ENABLE_NATIVE_PROVER =
  "apt-get install -y g++ libgmp-dev nasm, then `pnpm --filter @zkagent/prover-native build`";

/** The build's recorded outcome, or undefined if the install hook never ran. */
export function nativeBuildStatus(): NativeBuildStatus | undefined {
  if (!existsSync(statusPath)) return undefined;
  try {
    return JSON.parse(readFileSync(statusPath, "utf8")) as NativeBuildStatus;
  } catch {
    return undefined;
  }
}

function cpuHasBmi2Adx(): boolean {
  try {
    const flags =
      readFileSync("/proc/cpuinfo", "utf8")
        .match(/^flags\s*:(.*)$/m)?.[1]
        ?.split(/\s+/) ?? [];
    return flags.includes("bmi2") && flags.includes("adx");
  } catch {
    return false;
  }
}

let cached: NativeProverAvailability | undefined;

/** Loads the addon once; never throws. */
export function loadNativeProver(): NativeProverAvailability {
  if (cached) return cached;
  const status = nativeBuildStatus();
  if (!existsSync(addonPath)) {
    const why = status?.reason ?? "the install hook did not run";
    cached = { available: false, reason: `the native prover is not built (${why})`, status };
    return cached;
  }
  // The assembly uses mulx/adcx/adox: refuse to load it on a CPU without them instead of dying of SIGILL.
  if (status?.field !== "generic" && !cpuHasBmi2Adx()) {
    cached = {
      available: false,
      reason:
        "the native prover was built with ffiasm's assembly, which needs an x86-64 CPU with BMI2 and ADX (rebuild with ZKAGENT_NATIVE_FIELD=generic)",
      status,
    };
    return cached;
  }
  try {
    const module = createRequire(import.meta.url)(addonPath) as NativeProverModule;
    cached = { available: true, module, field: module.field };
  } catch (error) {
    cached = { available: false, reason: `cannot load ${addonPath}: ${(error as Error).message}`, status };
  }
  return cached;
}
