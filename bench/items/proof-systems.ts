/**
 * Groth16 against PLONK (issue #15's universal-setup backend) for every circuit the project ships,
 * in one run: prove time, verify gas, proof size, key sizes, peak memory. Groth16 uses each
 * circuit's committed ceremony; PLONK derives its key here (bench/tmp) from the committed power-14
 * phase 1, or from a larger local phase-1 file when one is given (`--ptau`, e.g. a power-15 file
 * from `tsx circuits/scripts/phase1.ts 15 <out>`) for the circuits past power 14. Each prover runs
 * in a process of its own (its peak RSS is its own); gas is measured on the in-process chain with
 * the generated verifiers (PLONK's compiled here with the project's verifier settings).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import {
  Action,
  circuitInputOf,
  defaultArtifactPaths,
  modelArtifactPaths,
  modelCircuitInputOf,
  signalArtifactPaths,
  signalCircuitInputOf,
  type ArtifactPaths,
} from "@zkagent/circuits";
import {
  ModelPolicyVerifier__factory,
  PlonkVerifierAdapter__factory,
  PolicyVerifier__factory,
  SignalVerifier1__factory,
  SignalVerifier2__factory,
  SignalVerifier4__factory,
} from "@zkagent/contracts/typechain";
import { ContractFactory, type Signer } from "ethers";
import { network } from "hardhat";

import { loadProvenModelFile } from "../../packages/agent/src/model/proven/model-file.ts";
import {
  compilePlonk,
  derivePlonkKey,
  PhaseOneTooSmallError,
  renderPlonkVerifier,
} from "../../circuits/scripts/plonk.ts";
import { plonkTarget, type PlonkCircuitName } from "../../circuits/scripts/plonk-targets.ts";
import { phase1Path } from "../../circuits/scripts/paths.ts";
import { compileVerifier } from "./compile-verifier.ts";
import { BENCH_REQUEST } from "./proof-latency.ts";

const SHIPPED_MODEL = join(import.meta.dirname, "../../packages/agent/models/decision-model-v1.json");
const COMMITTED_POWER = 14;

/** One backend's figures on one circuit; null figures where it does not fit the phase-1 files at hand. */
export interface ProofSystemRow {
  circuit: string;
  system: "groth16" | "plonk";
  /** R1CS constraints (Groth16: the --O2 build), PLONK gates (the --O1 build). */
  constraints: number;
  /** The phase-1 power this form needs, and the one it was set up from (null: not set up). */
  powerNeeded: number;
  powerUsed: number | null;
  /** PLONK: deriving the key here; Groth16: its ceremony (not re-run). */
  setupMs: number | null;
  proveMs: number | null;
  proveSamplesMs: number[];
  witnessMs: number | null;
  loadMs: number | null;
  peakRssMb: number | null;
  /** The verifier's proof argument (Groth16: 8 words; PLONK: 24). */
  proofCalldataBytes: number;
  proofJsonBytes: number | null;
  zkeyBytes: number | null;
  vkeyBytes: number | null;
  verifierRuntimeBytes: number | null;
  /** verifyProof as a transaction (21 000 base and calldata included). */
  verifyGas: number | null;
  note?: string;
}

export interface ProofSystemFigures {
  measuredAt: string;
  /** 1-, 5- and 15-minute load averages before and after: the machine is shared. */
  loadAverage: { before: number[]; after: number[] };
  reps: number;
  phase1: { committed: { power: number; bytes: number }; extra: { path: string; power: number; bytes: number } | null };
  /** The policy circuit through the PlonkVerifierAdapter (the trader's unchanged Groth16-shaped call). */
  adapter: { submitGas: number; recordedViewGas: number; groth16VerifyGas: number; plonkVerifyGas: number } | null;
  rows: ProofSystemRow[];
}

interface CircuitCase {
  name: PlonkCircuitName;
  groth16: ArtifactPaths;
  verifier: (signer: Signer) => ContractFactory;
  input: () => Promise<{ input: Record<string, bigint | bigint[]>; publicSignals: bigint[] }>;
}

const signalInput = (markets: 1 | 2 | 4) => async () =>
  signalCircuitInputOf({
    markets: Array.from({ length: markets }, () => ({
      prices: BENCH_REQUEST.prices,
      roundId: BENCH_REQUEST.roundId,
      action: Action.BUY,
      sizeBps: 2_500n,
    })),
    thresholdBps: BENCH_REQUEST.thresholdBps,
    modelHash: BENCH_REQUEST.modelHash,
    context: BENCH_REQUEST.context,
  });

const CASES: CircuitCase[] = [
  {
    name: "policy",
    groth16: defaultArtifactPaths,
    verifier: (s) => new PolicyVerifier__factory(s),
    input: async () => circuitInputOf(BENCH_REQUEST),
  },
  {
    name: "model",
    groth16: modelArtifactPaths,
    verifier: (s) => new ModelPolicyVerifier__factory(s),
    input: async () => {
      const { model } = await loadProvenModelFile(SHIPPED_MODEL);
      return modelCircuitInputOf({ ...BENCH_REQUEST, advice: 0n, model });
    },
  },
  {
    name: "signal1",
    groth16: signalArtifactPaths(1),
    verifier: (s) => new SignalVerifier1__factory(s),
    input: signalInput(1),
  },
  {
    name: "signal2",
    groth16: signalArtifactPaths(2),
    verifier: (s) => new SignalVerifier2__factory(s),
    input: signalInput(2),
  },
  {
    name: "signal4",
    groth16: signalArtifactPaths(4),
    verifier: (s) => new SignalVerifier4__factory(s),
    input: signalInput(4),
  },
];

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const bytesOf = (path: string) => (existsSync(path) ? statSync(path).size : null);
const powerOf = (count: number) => Math.max(3, Math.ceil(Math.log2(count)));

interface ChildFigures {
  witnessMs: number;
  proveMs: number;
  proveSamplesMs: number[];
  loadMs: number;
  peakRssMb: number;
  proofJsonBytes: number;
  calldata: { plonk: string[] } | { a: string[]; b: string[][]; c: string[] };
}

function proveInChild(
  paths: ArtifactPaths,
  proofSystem: "groth16" | "plonk",
  inputFile: string,
  signals: bigint[],
  reps: number,
) {
  const job = { paths, proofSystem, input: inputFile, publicSignals: signals.map(String), reps };
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "proof-systems-child.ts"), JSON.stringify(job)],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`the ${proofSystem} prover child failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as ChildFigures;
}

/** Measures every case with both systems; `reps` proofs each after a warm-up. `extraPtau`: a larger phase 1 for PLONK. */
export async function benchProofSystems(reps = 3, extraPtau?: string): Promise<ProofSystemFigures> {
  const before = load();
  const tmp = join(import.meta.dirname, "../tmp/proof-systems");
  mkdirSync(tmp, { recursive: true });
  const extraPower = extraPtau ? powerOfPtau(extraPtau) : null;
  const { ethers } = await network.create();
  const [signer] = await ethers.getSigners();
  const rows: ProofSystemRow[] = [];
  let adapter: ProofSystemFigures["adapter"] = null;

  for (const c of CASES) {
    const { input, publicSignals } = await c.input();
    const inputFile = join(tmp, `${c.name}-input.json`);
    writeFileSync(
      inputFile,
      JSON.stringify(input, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    );

    // Groth16: the committed ceremony's zkey and the generated verifier.
    console.log(`[proof-systems] ${c.name}: Groth16`);
    const g = proveInChild(c.groth16, "groth16", inputFile, publicSignals, reps);
    const groth16Verifier = await c.verifier(signer!).deploy();
    const gCall = g.calldata as { a: string[]; b: string[][]; c: string[] };
    const groth16Args = [gCall.a, gCall.b, gCall.c, publicSignals] as const;
    const groth16Gas = Number(await groth16Verifier.getFunction("verifyProof").estimateGas(...groth16Args));
    const vkey = JSON.parse(readFileSync(c.groth16.vkey, "utf8")) as { nPublic: number };
    rows.push({
      circuit: c.name,
      system: "groth16",
      constraints: constraintsOf(c.name),
      powerNeeded: powerOf(constraintsOf(c.name)),
      powerUsed: COMMITTED_POWER,
      setupMs: null,
      proveMs: g.proveMs,
      proveSamplesMs: g.proveSamplesMs,
      witnessMs: g.witnessMs,
      loadMs: g.loadMs,
      peakRssMb: g.peakRssMb,
      proofCalldataBytes: 8 * 32,
      proofJsonBytes: g.proofJsonBytes,
      zkeyBytes: bytesOf(c.groth16.zkey),
      vkeyBytes: bytesOf(c.groth16.vkey),
      verifierRuntimeBytes: (await ethers.provider.getCode(await groth16Verifier.getAddress())).length / 2 - 1,
      verifyGas: groth16Gas,
      note: `${vkey.nPublic} public inputs; committed ceremony`,
    });

    // PLONK: the key derived here from the phase-1 file that fits.
    console.log(`[proof-systems] ${c.name}: PLONK setup`);
    const target = plonkTarget(c.name, join(tmp, `plonk-${c.name}`));
    compilePlonk(target);
    const derived = await deriveWithLargestFit(target, extraPtau, extraPower);
    if (!derived.ok) {
      rows.push({
        ...emptyPlonkRow(c.name, derived.constraints),
        note: `needs a power-${powerOf(derived.constraints)} phase 1 (not at hand here)`,
      });
      continue;
    }
    console.log(`[proof-systems] ${c.name}: PLONK prove (${derived.constraints} gates, power ${derived.powerUsed})`);
    const paths: ArtifactPaths = {
      wasm: target.wasm,
      witnessCalculator: target.witnessCalculator,
      r1cs: target.r1cs,
      zkey: target.zkey,
      vkey: target.vkey,
    };
    const { solidity, vkeyJson } = await renderPlonkVerifier(target);
    writeFileSync(target.vkey, vkeyJson);
    const p = proveInChild(paths, "plonk", inputFile, publicSignals, reps);
    // compiled as hardhat.config.ts compiles PlonkPolicyVerifier (no IR, 1M runs, cancun)
    const compiled = compileVerifier(solidity, target.verifierContract, { viaIR: false });
    const plonkVerifier = await new ContractFactory(compiled.abi as never, compiled.bytecode, signer).deploy();
    const proofWords = (p.calldata as { plonk: string[] }).plonk;
    const verify = plonkVerifier.getFunction("verifyProof");
    if (!(await verify.staticCall(proofWords, publicSignals)))
      throw new Error(`${c.name}: PLONK proof refused on-chain`);
    const plonkGas = Number(await verify.estimateGas(proofWords, publicSignals));
    rows.push({
      circuit: c.name,
      system: "plonk",
      constraints: derived.constraints,
      powerNeeded: powerOf(derived.constraints),
      powerUsed: derived.powerUsed,
      setupMs: derived.setupMs,
      proveMs: p.proveMs,
      proveSamplesMs: p.proveSamplesMs,
      witnessMs: p.witnessMs,
      loadMs: p.loadMs,
      peakRssMb: p.peakRssMb,
      proofCalldataBytes: 24 * 32,
      proofJsonBytes: p.proofJsonBytes,
      zkeyBytes: bytesOf(target.zkey),
      vkeyBytes: bytesOf(target.vkey),
      verifierRuntimeBytes: (await ethers.provider.getCode(await plonkVerifier.getAddress())).length / 2 - 1,
      verifyGas: plonkGas,
      note: derived.powerUsed > COMMITTED_POWER ? "local power-15 phase 1 (not committed)" : "committed phase 1",
    });

    if (c.name === "policy") {
      const adapterContract = await new PlonkVerifierAdapter__factory(signer!).deploy(await plonkVerifier.getAddress());
      const signals = publicSignals as [bigint, bigint, bigint, bigint, bigint];
      const submitGas = Number((await (await adapterContract.submit(proofWords, signals)).wait())!.gasUsed);
      const zero = [0n, 0n] as [bigint, bigint];
      const recordedViewGas = Number(await adapterContract.verifyProof.estimateGas(zero, [zero, zero], zero, signals));
      adapter = { submitGas, recordedViewGas, groth16VerifyGas: groth16Gas, plonkVerifyGas: plonkGas };
    }
  }
  return {
    measuredAt: new Date().toISOString(),
    loadAverage: { before, after: load() },
    reps,
    phase1: {
      committed: { power: COMMITTED_POWER, bytes: statSync(phase1Path).size },
      extra: extraPtau && extraPower ? { path: extraPtau, power: extraPower, bytes: statSync(extraPtau).size } : null,
    },
    adapter,
    rows,
  };
}

/** R1CS constraints of a shipped circuit, from its ceremony manifest. */
function constraintsOf(name: string): number {
  const dir = name === "policy" ? "" : `${name}/`;
  const manifest = join(import.meta.dirname, `../../circuits/ceremony/${dir}manifest.json`);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { constraints: number }).constraints;
}

/** A prepared phase-1 file's power, from its header: "ptau", version, section count, then section 1 (type, size; n8, q, power). */
function powerOfPtau(path: string): number {
  const bytes = readFileSync(path).subarray(0, 128);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n8 = view.getUint32(24, true);
  return view.getUint32(28 + n8, true);
}

async function deriveWithLargestFit(
  target: ReturnType<typeof plonkTarget>,
  extraPtau: string | undefined,
  extraPower: number | null,
): Promise<{ ok: true; constraints: number; powerUsed: number; setupMs: number } | { ok: false; constraints: number }> {
  for (const [ptau, power] of [
    [phase1Path, COMMITTED_POWER],
    ...(extraPtau && extraPower ? [[extraPtau, extraPower] as const] : []),
  ] as const) {
    try {
      const started = performance.now();
      const { plonkConstraints } = await derivePlonkKey(target, ptau);
      return {
        ok: true,
        constraints: plonkConstraints,
        powerUsed: power,
        setupMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      if (!(error instanceof PhaseOneTooSmallError)) throw error;
      if (ptau !== phase1Path || !extraPtau || powerOf(error.plonkConstraints) > (extraPower ?? 0)) {
        return { ok: false, constraints: error.plonkConstraints };
      }
    }
  }
  throw new Error("unreachable");
}

function emptyPlonkRow(circuit: string, constraints: number): ProofSystemRow {
  return {
    circuit,
    system: "plonk",
    constraints,
    powerNeeded: powerOf(constraints),
    powerUsed: null,
    setupMs: null,
    proveMs: null,
    proveSamplesMs: [],
    witnessMs: null,
    loadMs: null,
    peakRssMb: null,
    proofCalldataBytes: 24 * 32,
    proofJsonBytes: null,
    zkeyBytes: null,
    vkeyBytes: null,
    verifierRuntimeBytes: null,
    verifyGas: null,
  };
}
