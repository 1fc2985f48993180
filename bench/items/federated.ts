/**
 * Federated aggregation at the shipped model's size (178 int8 parameters in 6 limbs) for P = 2, 4
 * and 8 participants: the FedAvgChunk template compiled for each P in every chunk layout that can
 * be the fewest chunks of its size (1 chunk of 6 limbs, 2 of 3, 3 of 2, 6 of 1: 4 or 5 chunks
 * would still leave a chunk of 2 limbs, as 3 do, with more openings) into bench/tmp/federated, the
 * constraints of each, and the layout each P is measured with: the fewest chunks whose every chunk
 * fits the committed power-14 phase 1 with HEADROOM to spare. Each chunk opens every commitment in
 * full (base, P updates, new model), so more chunks repeat those openings: the layouts table shows
 * what that costs. For the chosen layout's chunks: a throwaway setup (never a ceremony: nothing
 * here is deployable), the witness and Groth16 prove times with snarkjs and the native prover and
 * the peak RSS of the process that proves (a child of its own), each backend's last proof checked
 * with snarkjs groth16 verify, and verifyProof's gas as a transaction on the in-process chain
 * (the chunk's generated verifier, compiled as hardhat.config.ts compiles the shipped
 * AggregationVerifier0/1), as `npx pnpm demo:federated` measures the shipped P = 4 chunks. The
 * shipped P = 4 circuits, their ceremony and verifiers are not touched. A P no layout fits gets its
 * constraints and witness time only: no bigger Powers of Tau is generated.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";

import {
  MODEL_ARCHITECTURE_ID,
  WEIGHT_COUNT,
  WEIGHT_LIMBS,
  aggregationCircuitInputOf,
  resolveProverChoice,
  type ArtifactPaths,
  type SolidityProof,
  clipUpdate,
  flattenWeights,
  unflattenWeights,
  type QuantizedModel,
} from "@zkagent/circuits";
import { ContractFactory } from "ethers";
import { network } from "hardhat";
import * as snarkjs from "snarkjs";

import { loadProvenModelFile } from "../../packages/agent/src/model/proven/model-file.ts";
import { compileCircuit } from "../../circuits/scripts/build.ts";
import { circuitsRoot, phase1Path } from "../../circuits/scripts/paths.ts";
import { compileVerifier } from "./compile-verifier.ts";

const require = createRequire(import.meta.url);

/** The committed phase-1 file's power. */
const COMMITTED_POWER = 14;
/** A chunk fits when its constraints + public inputs + 1 leave this share of 2^14 free. */
export const HEADROOM = 0.05;
const BUDGET = Math.floor(2 ** COMMITTED_POWER * (1 - HEADROOM));
/** Limbs per chunk, tried in this order (fewest chunks first): 1, 2, 3 and 6 chunks. */
const LIMBS_PER_CHUNK = [6, 3, 2, 1];
const BYTES_PER_LIMB = 31;
const CLIP = 4_000n;
const SHIPPED_MODEL = join(import.meta.dirname, "../../packages/agent/models/decision-model-v1.json");

/** One backend's warm figures on one circuit, from a process of its own. */
export interface BackendRun {
  witnessMs: number;
  proveMs: number;
  /** Peak RSS of that process (circuit loaded, witnesses and proofs). */
  peakRssMb: number;
  /** snarkjs groth16 verify of that process's last proof against the chunk's verification key. */
  verified: boolean;
}

/** One chunk layout of one P, compiled: every chunk's constraints. */
export interface FederatedLayout {
  participants: number;
  limbsPerChunk: number;
  chunks: number;
  /** Per chunk, in chunk order. */
  constraints: number[];
  publicInputs: number;
  /** The largest chunk's phase-1 power. */
  ptauPowerNeeded: number;
  /** Every chunk within 2^14 with {@link HEADROOM} to spare. */
  fits: boolean;
  /** The layout this P is measured with: the first that fits, fewest chunks first. */
  chosen: boolean;
}

export interface FederatedPoint {
  participants: number;
  chunk: number;
  /** The layout: `chunks` chunks of `limbsPerChunk` limbs (absent from older runs: 2 of 3). */
  chunks?: number;
  limbsPerChunk?: number;
  /** The parameters (flattenWeights order) this chunk proves: [first, end). */
  parameters?: [number, number];
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
  /** eth_estimateGas of the chunk's generated verifier's verifyProof (21 000 base and calldata included). */
  verifyGas?: number | null;
  note?: string;
}

export interface FederatedFigures {
  measuredAt: string;
  /** The 1-, 5- and 15-minute load averages before and after: the machine is shared. */
  loadAverage: { before: number[]; after: number[] };
  reps: number;
  committedPower: number;
  /** Every layout compiled for every P (absent from older runs). */
  layouts?: FederatedLayout[];
  headroom?: number;
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

/** The generated Groth16 verifier of `zkey`, compiled as the shipped AggregationVerifier0/1 are (IR, 1M runs, cancun). */
async function compiledVerifier(zkey: string): Promise<{ abi: unknown[]; bytecode: string }> {
  // snarkjs does not export its templates folder; find it beside the package's main entry.
  const template = readFileSync(
    join(dirname(require.resolve("snarkjs")), "..", "templates/verifier_groth16.sol.ejs"),
    "utf8",
  );
  const source: string = await snarkjs.zKey.exportSolidityVerifier(zkey, { groth16: template });
  return compileVerifier(source, "Groth16Verifier", { viaIR: true });
}

const parseBig = (_: string, v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? BigInt(v) : v);

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

interface CompiledChunk {
  name: string;
  out: string;
  firstLimb: number;
  chunkLimbs: number;
  constraints: number;
  compileMs: number;
}

/** Compiles FedAvgChunk for `participants` over limbs [firstLimb, firstLimb + chunkLimbs). */
function compileChunk(dir: string, participants: number, limbsPerChunk: number, chunk: number): CompiledChunk {
  const firstLimb = chunk * limbsPerChunk;
  const chunkLimbs = Math.min(limbsPerChunk, WEIGHT_LIMBS - firstLimb);
  const name = `aggregation_${participants}_l${limbsPerChunk}_${chunk}`;
  const main = join(dir, `${name}.circom`);
  writeFileSync(
    main,
    `pragma circom 2.1.9;\ninclude "${relative(dir, join(circuitsRoot, "src/circom/aggregation.circom"))}";\ncomponent main {public [baseCommitment, updateCommitments, sampleCounts, newCommitment, clipBoundSquared]} = FedAvgChunk(${participants}, ${WEIGHT_LIMBS}, ${MODEL_ARCHITECTURE_ID}, ${WEIGHT_COUNT}, ${firstLimb}, ${chunkLimbs}, 16, 24);\n`,
  );
  const out = join(dir, name);
  const t = performance.now();
  const log = compileCircuit(main, out);
  const compileMs = Math.round(performance.now() - t);
  const count = (kind: string) => Number(new RegExp(`^${kind} constraints: (\\d+)`, "m").exec(log)?.[1] ?? "0");
  return { name, out, firstLimb, chunkLimbs, constraints: count("non-linear") + count("linear"), compileMs };
}

/** Measures every P of `participantCounts` in its chosen layout; `reps` proofs per circuit after a warm-up. */
export async function benchFederated(participantCounts: number[] = [2, 4, 8], reps = 3): Promise<FederatedFigures> {
  const before = load();
  const { model: base } = await loadProvenModelFile(SHIPPED_MODEL);
  const dir = join(import.meta.dirname, "../tmp/federated");
  mkdirSync(dir, { recursive: true });
  const { ethers } = await network.create();
  const [signer] = await ethers.getSigners();
  const nativeBuilt = resolveProverChoice("auto").backend === "native";
  const points: FederatedPoint[] = [];
  const layouts: FederatedLayout[] = [];
  for (const participants of participantCounts) {
    const statement = { base, updates: updatesOf(base, participants), clipBoundSquared: CLIP };
    const inputFile = join(dir, `input_${participants}.json`);
    const { input, publicSignals } = aggregationCircuitInputOf(statement);
    const signals = publicSignals.map(String);
    writeFileSync(
      inputFile,
      JSON.stringify(input, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    );
    const publicInputs = 2 * participants + 3;
    const powerOf = (constraints: number) => Math.ceil(Math.log2(constraints + publicInputs + 1));

    // Every candidate layout compiled; the fewest chunks that all fit with headroom is measured.
    const compiled = new Map<number, CompiledChunk[]>();
    for (const limbsPerChunk of LIMBS_PER_CHUNK) {
      const chunks = Math.ceil(WEIGHT_LIMBS / limbsPerChunk);
      const built = Array.from({ length: chunks }, (_, c) => compileChunk(dir, participants, limbsPerChunk, c));
      compiled.set(limbsPerChunk, built);
      const constraints = built.map((b) => b.constraints);
      const layout: FederatedLayout = {
        participants,
        limbsPerChunk,
        chunks,
        constraints,
        publicInputs,
        ptauPowerNeeded: powerOf(Math.max(...constraints)),
        fits: constraints.every((c) => c + publicInputs + 1 <= BUDGET),
        chosen: false,
      };
      console.log(`[federated] P = ${participants}: ${chunks} × ${limbsPerChunk} limbs: ${constraints.join(", ")}`);
      layouts.push(layout);
    }
    const candidates = layouts.filter((l) => l.participants === participants);
    const chosen = candidates.find((l) => l.fits) ?? candidates.at(-1)!;
    chosen.chosen = true;

    for (const [chunk, c] of compiled.get(chosen.limbsPerChunk)!.entries()) {
      const ptauPowerNeeded = powerOf(c.constraints);
      const fits = ptauPowerNeeded <= COMMITTED_POWER;
      const paths: ArtifactPaths = {
        wasm: join(c.out, `${c.name}_js`, `${c.name}.wasm`),
        witnessCalculator: join(c.out, `${c.name}_js`, "witness_calculator.js"),
        r1cs: join(c.out, `${c.name}.r1cs`),
        zkey: join(c.out, "throwaway.zkey"),
        vkey: join(c.out, "verification_key.json"),
      };
      const point: FederatedPoint = {
        participants,
        chunk,
        chunks: chosen.chunks,
        limbsPerChunk: chosen.limbsPerChunk,
        parameters: [
          c.firstLimb * BYTES_PER_LIMB,
          Math.min(WEIGHT_COUNT, (c.firstLimb + c.chunkLimbs) * BYTES_PER_LIMB),
        ],
        constraints: c.constraints,
        publicInputs,
        ptauPowerNeeded,
        compileMs: c.compileMs,
        setupMs: null,
        snarkjs: null,
        native: null,
        witnessOnly: null,
        verifyGas: null,
      };
      if (!fits) {
        point.witnessOnly = (({ witnessMs, peakRssMb }) => ({ witnessMs, peakRssMb }))(
          measureInChild({
            paths,
            prover: "snarkjs",
            witnessOnly: true,
            input: inputFile,
            publicSignals: signals,
            reps,
          }),
        );
        point.note = `needs a power-${ptauPowerNeeded} phase 1 (the committed one is power ${COMMITTED_POWER})`;
        console.log(JSON.stringify(point));
        points.push(point);
        continue;
      }
      const t = performance.now();
      await snarkjs.zKey.newZKey(paths.r1cs, phase1Path, paths.zkey);
      point.setupMs = Math.round(performance.now() - t);
      const vkey = await snarkjs.zKey.exportVerificationKey(paths.zkey);
      writeFileSync(paths.vkey, JSON.stringify(vkey));

      const proofs: Partial<Record<"snarkjs" | "native", { proof: unknown; solidityProof: SolidityProof }>> = {};
      const run = async (prover: "snarkjs" | "native"): Promise<BackendRun> => {
        const proofOut = join(c.out, `proof-${prover}.json`);
        const figures = measureInChild({
          paths,
          prover,
          witnessOnly: false,
          input: inputFile,
          publicSignals: signals,
          reps,
          proofOut,
        });
        const last = JSON.parse(readFileSync(proofOut, "utf8"), parseBig) as {
          proof: unknown;
          solidityProof: SolidityProof;
        };
        proofs[prover] = last;
        // snarkjs wants the proof as it made it (decimal strings), not as bigints.
        const proofJson = JSON.parse(readFileSync(proofOut, "utf8")) as { proof: unknown };
        const verified = await snarkjs.groth16.verify(vkey, signals, proofJson.proof as never);
        if (!verified) throw new Error(`${c.name}: the ${prover} proof does not verify`);
        return { witnessMs: figures.witnessMs, proveMs: figures.proveMs!, peakRssMb: figures.peakRssMb, verified };
      };
      point.snarkjs = await run("snarkjs");
      if (nativeBuilt) point.native = await run("native");

      // verifyProof as a transaction on the chunk's own generated verifier, as the demo measures the shipped chunks.
      const { abi, bytecode } = await compiledVerifier(paths.zkey);
      const contract = await new ContractFactory(abi as never, bytecode, signer).deploy();
      const verify = contract.getFunction("verifyProof");
      const { a, b, c: pc } = proofs.snarkjs!.solidityProof;
      if (!(await verify.staticCall(a, b, pc, publicSignals)))
        throw new Error(`${c.name}: the generated verifier refuses the proof`);
      point.verifyGas = Number(await verify.estimateGas(a, b, pc, publicSignals));
      console.log(JSON.stringify(point));
      points.push(point);
    }
  }
  return {
    measuredAt: new Date().toISOString(),
    loadAverage: { before, after: load() },
    reps,
    committedPower: COMMITTED_POWER,
    headroom: HEADROOM,
    layouts,
    points,
  };
}
