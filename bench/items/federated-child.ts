/**
 * One aggregation circuit's witnesses and proofs in a process of its own, through the project's
 * prover API (loadCircuit, proveCircuitInput: what AggregationProver runs), so that the peak RSS
 * (VmHWM, worker threads included) is that prover's alone. The job (JSON in argv[2]):
 * the artifacts, the backend, the input and its public signals, the repetitions, and where to write
 * the last proof (the parent verifies it and spends it on the generated verifier: not here, so that
 * this process's memory is the prover's only); a job without a zkey computes witnesses only. Prints
 * one JSON line of figures.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

import {
  loadCircuit,
  proveCircuitInput,
  terminateSnarkjs,
  type ArtifactPaths,
  type SolidityProof,
} from "@zkagent/circuits";

interface Job {
  paths: ArtifactPaths;
  prover: "snarkjs" | "native";
  /** Witness only: the circuit has no zkey (it does not fit the committed phase 1). */
  witnessOnly: boolean;
  input: string;
  publicSignals: string[];
  reps: number;
  /** Where to write the last proof ({ proof, solidityProof }, bigints as decimal strings). */
  proofOut?: string;
}

interface WitnessCalculator {
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck: number): Promise<Uint8Array>;
}

const job = JSON.parse(process.argv[2]!) as Job;
const input = JSON.parse(readFileSync(job.input, "utf8"), (_, v: unknown) =>
  typeof v === "string" && /^-?\d+$/.test(v) ? BigInt(v) : v,
) as Record<string, bigint | bigint[]>;
const publicSignals = job.publicSignals.map(BigInt);
const witnessMs: number[] = [];
const proveMs: number[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (job.witnessOnly) {
  const build = createRequire(import.meta.url)(job.paths.witnessCalculator) as (
    wasm: Uint8Array,
  ) => Promise<WitnessCalculator>;
  const calculator = await build(readFileSync(job.paths.wasm));
  for (let i = 0; i <= job.reps; i++) {
    const t = performance.now();
    await calculator.calculateWTNSBin(input, 0);
    if (i > 0) witnessMs.push(performance.now() - t);
  }
} else {
  const circuit = await loadCircuit(job.paths, { prover: job.prover });
  let last: { proof: unknown; solidityProof: SolidityProof } | undefined;
  for (let i = 0; i <= job.reps; i++) {
    const { proof, solidityProof, timings } = await proveCircuitInput(circuit, input, publicSignals);
    last = { proof, solidityProof };
    if (i === 0) continue; // warm-up
    witnessMs.push(timings.witnessMs);
    proveMs.push(timings.proveMs);
  }
  await terminateSnarkjs();
  if (job.proofOut && last) {
    writeFileSync(
      job.proofOut,
      JSON.stringify(last, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    );
  }
}
/**
 * This process's peak RSS: VmHWM, the high-water mark of its own address space (worker threads
 * share it). Not getrusage's maxrss: on Linux that survives the fork and exec that started this
 * process, so it is at least the parent's RSS at the spawn (the parent here holds the chain,
 * solc and a snarkjs curve), whatever this process used.
 */
function peakRssKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

console.log(
  JSON.stringify({
    witnessMs: Math.round(median(witnessMs)),
    proveMs: proveMs.length ? Math.round(median(proveMs)) : null,
    peakRssMb: Math.round(peakRssKb() / 1024),
  }),
);
process.exit(0);
