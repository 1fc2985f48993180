/**
 * One aggregation circuit's witnesses and proofs in a process of its own, through the project's
 * prover API (loadCircuit, proveCircuitInput: what AggregationProver runs), so that the peak RSS
 * (getrusage's maxrss, worker threads included) is that prover's alone. The job (JSON in argv[2]):
 * the artifacts, the backend, the input and its public signals, the repetitions; a job without a
 * zkey computes witnesses only. Prints one JSON line of figures.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

import { loadCircuit, proveCircuitInput, terminateSnarkjs, type ArtifactPaths } from "@zkagent/circuits";

interface Job {
  paths: ArtifactPaths;
  prover: "snarkjs" | "native";
  /** Witness only: the circuit has no zkey (it does not fit the committed phase 1). */
  witnessOnly: boolean;
  input: string;
  publicSignals: string[];
  reps: number;
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
  for (let i = 0; i <= job.reps; i++) {
    const { timings } = await proveCircuitInput(circuit, input, publicSignals);
    if (i === 0) continue; // warm-up
    witnessMs.push(timings.witnessMs);
    proveMs.push(timings.proveMs);
  }
  await terminateSnarkjs();
}
console.log(
  JSON.stringify({
    witnessMs: Math.round(median(witnessMs)),
    proveMs: proveMs.length ? Math.round(median(proveMs)) : null,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
process.exit(0);
