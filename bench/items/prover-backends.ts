import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";

import {
  ModelProver,
  PolicyProver,
  circuitInputOf,
  defaultArtifactPaths,
  loadCircuit,
  modelArtifactPaths,
  modelCircuitInputOf,
  terminateSnarkjs,
  type ArtifactPaths,
  type ModelProofRequest,
} from "@zkagent/circuits";
import { loadNativeProver, type NativeGroth16Prover, type NativeProverModule } from "@zkagent/prover-native";
import * as snarkjs from "snarkjs";

import { stats, type Stats } from "../stats.ts";
import { BENCH_REQUEST } from "./proof-latency.ts";

const require = createRequire(import.meta.url);
const buildScript = join(dirname(require.resolve("@zkagent/prover-native")), "../scripts/build.mjs");
const snarkjsCli = join(require.resolve("snarkjs").replace(/build\/main\.cjs$/, ""), "build/cli.cjs");

/** Median milliseconds per phase of one proof. */
export type Profile = Record<string, number>;

export interface CircuitBackendFigures {
  circuit: "policy" | "model";
  constraints: number;
  /** Witness + prove, warm, in process, through PolicyProver / ModelProver. */
  snarkjsWarm: Stats;
  native: Stats | null;
  /** The native prover built with the portable C++ field (what a machine without nasm gets); full runs only. */
  portable?: Stats | null;
  /** One `snarkjs groth16 fullprove` process per proof. */
  snarkjsCli: Stats;
  ratios: {
    nativeVsWarm: number | null;
    nativeVsCli: number | null;
    warmVsCli: number;
    portableVsWarm?: number | null;
  };
  /** Loading the native prover (zkey parse, fixed-base tables), and the tables' size. */
  nativeLoadMs: number | null;
  nativeTablesMb: number | null;
  /** The circom witness (WebAssembly), the same for both backends. */
  witnessMs: number;
  profile: { snarkjs: Profile; native: Profile | null };
}

export interface ProverBackendFigures {
  measuredAt: string;
  /** 1-minute load average before and after: the machine is shared; ratios are what to read. */
  loadAverage: [number, number];
  native: { available: true; field: string } | { available: false; reason: string };
  circuits: CircuitBackendFigures[];
}

const ratio = (slow: number, fast: number) => Math.round((slow / fast) * 100) / 100;
const median = (xs: number[]) => stats(xs).median;

/** snarkjs's own debug messages mark where each of its phases starts. */
const SNARKJS_MARKS: [RegExp, string][] = [
  [/^Building ABC$/, "A, B, C and the FFTs"],
  [/^Join ABC$/, "join A·B−C"],
  [/^Reading A Points$/, "MSM A (G1)"],
  [/^Reading B1 Points$/, "MSM B1 (G1)"],
  [/^Reading B2 Points$/, "MSM B2 (G2)"],
  [/^Reading C Points$/, "MSM C (G1)"],
  [/^Reading H Points$/, "MSM H (G1) + proof"],
];

async function snarkjsProfile(zkey: Uint8Array, witness: Uint8Array): Promise<Profile> {
  const marks: [string, number][] = [];
  let phase = "read zkey, witness, coefficients";
  let since = performance.now();
  const logger = {
    debug(message: string) {
      const hit = SNARKJS_MARKS.find(([re]) => re.test(message));
      if (!hit) return;
      const now = performance.now();
      marks.push([phase, now - since]);
      [phase, since] = [hit[1], now];
    },
    info() {},
    warn() {},
    error() {},
  };
  await snarkjs.groth16.prove({ type: "mem", data: zkey }, { type: "mem", data: witness }, logger);
  marks.push([phase, performance.now() - since]);
  return Object.fromEntries(marks);
}

function medianProfile(profiles: Profile[]): Profile {
  return Object.fromEntries(
    Object.keys(profiles[0] ?? {}).map((k) => [k, Math.round(median(profiles.map((p) => p[k]!)) * 10) / 10]),
  );
}

const toJson = (input: unknown) => JSON.stringify(input, (_, v) => (typeof v === "bigint" ? v.toString() : v));

/**
 * One circuit: warm snarkjs, the native backend and one CLI process per proof, alternating after a
 * warm-up; then each backend's phases on the same witness.
 */
async function benchCircuit(
  circuit: "policy" | "model",
  paths: ArtifactPaths,
  reps: number,
  profileReps: number,
  modelRequest: ModelProofRequest,
  portableField?: NativeProverModule,
): Promise<CircuitBackendFigures> {
  const work = mkdtempSync(join(tmpdir(), "zkagent-backends-"));
  const input = circuit === "policy" ? circuitInputOf(BENCH_REQUEST).input : modelCircuitInputOf(modelRequest).input;
  const inputPath = join(work, "input.json");
  writeFileSync(inputPath, toJson(input));
  const nativeAvailable = loadNativeProver().available;

  const load = async (prover: "snarkjs" | "native") => {
    if (circuit === "policy") {
      const p = await PolicyProver.load(paths, undefined, { prover });
      return { prove: () => p.prove(BENCH_REQUEST), close: () => p.close(), backend: p.backend };
    }
    const p = await ModelProver.load(paths, { prover });
    return { prove: () => p.proveAny(modelRequest), close: () => p.close(), backend: p.backend };
  };
  const warm = await load("snarkjs");
  let nativeLoadMs: number | null = null;
  let native: Awaited<ReturnType<typeof load>> | undefined;
  if (nativeAvailable) {
    const t = performance.now();
    native = await load("native");
    nativeLoadMs = Math.round(performance.now() - t);
  }
  // The portable field's prover, as the circuits package would drive it: witness, then prove.
  let portable: { prove(): Promise<unknown> } | undefined;
  if (portableField) {
    const circuitFiles = await loadCircuit(paths, { prover: "snarkjs" });
    const prover = new portableField.Prover(circuitFiles.zkey, new Uint8Array(readFileSync(paths.r1cs)));
    portable = { prove: async () => prover.prove(await circuitFiles.witnessCalculator.calculateWTNSBin(input, 0)) };
  }
  const proveOnce = async (p: { prove(): Promise<unknown> }) => {
    const t = performance.now();
    await p.prove();
    return performance.now() - t;
  };
  const cli = () => {
    const t = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        snarkjsCli,
        "groth16",
        "fullprove",
        inputPath,
        paths.wasm,
        paths.zkey,
        join(work, "p.json"),
        join(work, "s.json"),
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`snarkjs CLI failed: ${result.stderr}`);
    return performance.now() - t;
  };
  // warm-up: JIT, snarkjs's workers, the page cache (the CLI's only in a full run: --quick stays short)
  await proveOnce(warm);
  if (native) await proveOnce(native);
  if (portable) await proveOnce(portable);
  if (reps > 1) cli();
  const warmSamples: number[] = [];
  const nativeSamples: number[] = [];
  const cliSamples: number[] = [];
  const portableSamples: number[] = [];
  for (let i = 0; i < reps; i++) {
    warmSamples.push(await proveOnce(warm));
    if (native) nativeSamples.push(await proveOnce(native));
    if (portable) portableSamples.push(await proveOnce(portable));
    cliSamples.push(cli());
  }
  await warm.close();

  // Phases, on one witness: the circom witness, snarkjs's phases, the native prover's.
  const loaded = await loadCircuit(paths, { prover: "snarkjs" });
  const witnessTimes: number[] = [];
  let witness: Uint8Array = new Uint8Array();
  for (let i = 0; i < profileReps; i++) {
    const t = performance.now();
    witness = await loaded.witnessCalculator.calculateWTNSBin(input, 0);
    witnessTimes.push(performance.now() - t);
  }
  await snarkjsProfile(loaded.zkey, witness);
  const snarkjsProfiles: Profile[] = [];
  for (let i = 0; i < profileReps; i++) snarkjsProfiles.push(await snarkjsProfile(loaded.zkey, witness));
  let nativeProfile: Profile | null = null;
  let nativeTablesMb: number | null = null;
  const nativeProver = (native?.backend as { native?: NativeGroth16Prover } | undefined)?.native;
  if (nativeProver) {
    nativeTablesMb = Math.round(nativeProver.precomputedBytes / 1e5) / 10;
    const profiles: Profile[] = [];
    for (let i = 0; i <= profileReps; i++) {
      const { timings } = await nativeProver.prove(witness);
      if (i === 0) continue;
      const { check, abc, fft, msmA, msmB1, msmB2, msmC, msmH, total } = timings;
      profiles.push({
        "R1CS check of the witness": check,
        "A, B, C at the domain": abc,
        "FFTs (9 of size n) and A·B−C": fft,
        "MSM A (G1)": msmA,
        "MSM B1 (G1)": msmB1,
        "MSM B2 (G2)": msmB2,
        "MSM C (G1)": msmC,
        "MSM H (G1) + proof": msmH + (total - check - abc - fft - msmA - msmB1 - msmB2 - msmC - msmH),
      });
    }
    nativeProfile = medianProfile(profiles);
  }
  await native?.close();
  await terminateSnarkjs();
  rmSync(work, { recursive: true, force: true });

  const info = (await snarkjs.r1cs.info(paths.r1cs)) as { nConstraints: number };
  const warmStats = stats(warmSamples);
  const nativeStats = native ? stats(nativeSamples) : null;
  const cliStats = stats(cliSamples);
  return {
    circuit,
    constraints: info.nConstraints,
    snarkjsWarm: warmStats,
    native: nativeStats,
    ...(portable ? { portable: stats(portableSamples) } : {}),
    snarkjsCli: cliStats,
    ratios: {
      nativeVsWarm: nativeStats ? ratio(warmStats.median, nativeStats.median) : null,
      nativeVsCli: nativeStats ? ratio(cliStats.median, nativeStats.median) : null,
      warmVsCli: ratio(cliStats.median, warmStats.median),
      ...(portable ? { portableVsWarm: ratio(warmStats.median, stats(portableSamples).median) } : {}),
    },
    nativeLoadMs,
    nativeTablesMb,
    witnessMs: Math.round(median(witnessTimes) * 10) / 10,
    profile: { snarkjs: medianProfile(snarkjsProfiles), native: nativeProfile },
  };
}

/** The policy and the proven-model circuits, each with every prover backend. */
export async function benchProverBackends(reps: number, profileReps: number): Promise<ProverBackendFigures> {
  const loadBefore = loadavg()[0]!;
  const loaded = loadNativeProver();
  // Full runs also build the portable C++ field (about 10 s) and measure it beside the others.
  let portableField: NativeProverModule | undefined;
  if (loaded.available && reps > 1) {
    const out = join(import.meta.dirname, "../tmp/portable-field");
    const build = spawnSync(process.execPath, [buildScript, "--out", out], {
      encoding: "utf8",
      env: { ...process.env, ZKAGENT_NATIVE_FIELD: "generic" },
    });
    if (build.status === 0) portableField = require(join(out, "groth16native.node")) as NativeProverModule;
    else console.log(`portable field not measured: ${build.stdout.trim() || build.stderr.trim()}`);
  }
  const { buyRequest } = await import("../../circuits/test/helpers/statements.ts");
  const { meanReversionModel } = await import("../../test/helpers/models.ts");
  const modelRequest: ModelProofRequest = { ...buyRequest, advice: 0n, model: meanReversionModel() };
  const circuits = [
    await benchCircuit("policy", defaultArtifactPaths, reps, profileReps, modelRequest, portableField),
    await benchCircuit(
      "model",
      modelArtifactPaths,
      Math.max(1, Math.ceil(reps / 2)),
      profileReps,
      modelRequest,
      portableField,
    ),
  ];
  return {
    measuredAt: new Date().toISOString(),
    loadAverage: [Math.round(loadBefore * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
    native: loaded.available ? { available: true, field: loaded.field } : { available: false, reason: loaded.reason },
    circuits,
  };
}
