/**
 * Federated aggregation at the shipped model's size (178 int8 parameters, two chunks of three
 * limbs) for P = 2, 4 and 8 participants: the FedAvgChunk template compiled with each P into
 * circuits/build/bench-federated, its constraints, and, where the committed power-14 phase 1 fits,
 * a throwaway setup (never a ceremony: nothing here is deployable), the witness and Groth16 prove
 * times (snarkjs) and the peak RSS of the process that proves (a child of its own). A P whose
 * circuit needs a bigger phase 1 gets its constraints and witness time only: no bigger Powers of
 * Tau is generated.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import {
  MODEL_ARCHITECTURE_ID,
  WEIGHT_COUNT,
  WEIGHT_LIMBS,
  aggregationCircuitInputOf,
  resolveProverChoice,
  type ArtifactPaths,
  clipUpdate,
  flattenWeights,
  unflattenWeights,
  type QuantizedModel,
} from "@zkagent/circuits";
import * as snarkjs from "snarkjs";

import { loadProvenModelFile } from "../../packages/agent/src/model/proven/model-file.ts";
import { compileCircuit } from "../../circuits/scripts/build.ts";
import { circuitsRoot, phase1Path } from "../../circuits/scripts/paths.ts";

/** The committed phase-1 file's power. */
const COMMITTED_POWER = 14;
const CLIP = 4_000n;
const SHIPPED_MODEL = join(import.meta.dirname, "../../packages/agent/models/decision-model-v1.json");

/** One backend's warm figures on one circuit, from a process of its own. */
export interface BackendRun {
  witnessMs: number;
  proveMs: number;
  /** Peak RSS of that process (circuit loaded, witnesses and proofs). */
  peakRssMb: number;
}

export interface FederatedPoint {
  participants: number;
  chunk: number;
  constraints: number;
  publicInputs: number;
  ptauPowerNeeded: number;
  compileMs: number;
  /** A throwaway setup on the committed phase 1; null when it does not fit. */
  setupMs: number | null;
  /** snarkjs in process (the prover API's fallback); null when the circuit does not fit. */
  snarkjs: BackendRun | null;
  /** The native prover (packages/prover-native), when built; null otherwise or when it does not fit. */
  native: BackendRun | null;
  /** Witness time (median) and peak RSS of a witness-only process, for a circuit that does not fit. */
  witnessOnly: { witnessMs: number; peakRssMb: number } | null;
  note?: string;
}

export interface FederatedFigures {
  measuredAt: string;
  /** The 1-, 5- and 15-minute load averages before and after: the machine is shared. */
  loadAverage: { before: number[]; after: number[] };
  reps: number;
  committedPower: number;
  points: FederatedPoint[];
}

/** P updates of `base`: participant i moves every 7th parameter (offset i) by 3 + i, clipped. */
function updatesOf(base: QuantizedModel, participants: number) {
  return Array.from({ length: participants }, (_, i) => ({
    model: clipUpdate(
      base,
      unflattenWeights(flattenWeights(base).map((w, k) => (k % 7 === i % 7 ? w + BigInt(3 + i) : w))),
      CLIP,
    ),
    salt: 1_000n + BigInt(i),
    sampleCount: BigInt(100 * (i + 1)),
  }));
}

/** Runs bench/items/federated-child.ts with `job`; returns its figures. */
function measureInChild(job: object): { witnessMs: number; proveMs: number | null; peakRssMb: number } {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "federated-child.ts"), JSON.stringify(job)],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`the prover child failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as ReturnType<typeof measureInChild>;
}

const witnessOnlyOf = ({ witnessMs, peakRssMb }: { witnessMs: number; peakRssMb: number }) => ({
  witnessMs,
  peakRssMb,
});

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

/** Measures every (P, chunk) of `participantCounts`; `reps` proofs per circuit after a warm-up. */
export async function benchFederated(participantCounts: number[] = [2, 4, 8], reps = 3): Promise<FederatedFigures> {
  const before = load();
  const { model: base } = await loadProvenModelFile(SHIPPED_MODEL);
  const dir = join(circuitsRoot, "build/bench-federated");
  mkdirSync(dir, { recursive: true });
  const points: FederatedPoint[] = [];
  for (const participants of participantCounts) {
    const statement = { base, updates: updatesOf(base, participants), clipBoundSquared: CLIP };
    const inputFile = join(dir, `input_${participants}.json`);
    const { input, publicSignals } = aggregationCircuitInputOf(statement);
    const signals = publicSignals.map(String);
    writeFileSync(
      inputFile,
      JSON.stringify(input, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    );
    for (const chunk of [0, 1]) {
      const name = `aggregation_${participants}_${chunk}`;
      const main = join(dir, `${name}.circom`);
      writeFileSync(
        main,
        `pragma circom 2.1.9;\ninclude "../../src/circom/aggregation.circom";\ncomponent main {public [baseCommitment, updateCommitments, sampleCounts, newCommitment, clipBoundSquared]} = FedAvgChunk(${participants}, ${WEIGHT_LIMBS}, ${MODEL_ARCHITECTURE_ID}, ${WEIGHT_COUNT}, ${3 * chunk}, 3, 16, 24);\n`,
      );
      const out = join(dir, name);
      let t = performance.now();
      const log = compileCircuit(main, out);
      const compileMs = Math.round(performance.now() - t);
      const count = (kind: string) => Number(new RegExp(`^${kind} constraints: (\\d+)`, "m").exec(log)?.[1] ?? "0");
      const constraints = count("non-linear") + count("linear");
      const publicInputs = 2 * participants + 3;
      const ptauPowerNeeded = Math.ceil(Math.log2(constraints + publicInputs + 1));
      const fits = ptauPowerNeeded <= COMMITTED_POWER;
      let setupMs: number | null = null;
      const zkey = join(out, "throwaway.zkey");
      if (fits) {
        t = performance.now();
        await snarkjs.zKey.newZKey(join(out, `${name}.r1cs`), phase1Path, zkey);
        setupMs = Math.round(performance.now() - t);
      }
      const paths: ArtifactPaths = {
        wasm: join(out, `${name}_js`, `${name}.wasm`),
        witnessCalculator: join(out, `${name}_js`, "witness_calculator.js"),
        r1cs: join(out, `${name}.r1cs`),
        zkey,
        vkey: join(out, "verification_key.json"),
      };
      if (fits) {
        writeFileSync(paths.vkey, JSON.stringify(await snarkjs.zKey.exportVerificationKey(zkey)));
      }
      const run = (prover: "snarkjs" | "native", witnessOnly: boolean) =>
        measureInChild({ paths, prover, witnessOnly, input: inputFile, publicSignals: signals, reps });
      const nativeBuilt = resolveProverChoice("auto").backend === "native";
      const point: FederatedPoint = {
        participants,
        chunk,
        constraints,
        publicInputs,
        ptauPowerNeeded,
        compileMs,
        setupMs,
        snarkjs: fits ? (run("snarkjs", false) as BackendRun) : null,
        native: fits && nativeBuilt ? (run("native", false) as BackendRun) : null,
        witnessOnly: fits ? null : witnessOnlyOf(run("snarkjs", true)),
      };
      if (!fits)
        point.note = `needs a power-${ptauPowerNeeded} phase 1 (the committed one is power ${COMMITTED_POWER})`;
      console.log(JSON.stringify(point));
      points.push(point);
    }
  }
  return {
    measuredAt: new Date().toISOString(),
    loadAverage: { before, after: load() },
    reps,
    committedPower: COMMITTED_POWER,
    points,
  };
}
