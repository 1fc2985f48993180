/**
 * One circuit's proofs with one proof system in a process of its own, through the prover API
 * (loadCircuit, proveCircuitInput: what PolicyProver and ModelProver run), so that the peak RSS
 * (getrusage's maxrss, worker threads included) is that prover's alone. The job (JSON in argv[2]):
 * the artifacts, the proof system, the input file and its public signals, the repetitions after one
 * warm-up. Prints one JSON line: medians, peak RSS, load time and the last proof's calldata.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import {
  loadCircuit,
  proveCircuitInput,
  terminateSnarkjs,
  type ArtifactPaths,
  type ProofSystem,
} from "@zkagent/circuits";

interface Job {
  paths: ArtifactPaths;
  proofSystem: ProofSystem;
  input: string;
  publicSignals: string[];
  reps: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const input = JSON.parse(readFileSync(job.input, "utf8"), (_, v: unknown) =>
  typeof v === "string" && /^-?\d+$/.test(v) ? BigInt(v) : v,
) as Record<string, bigint | bigint[]>;
const publicSignals = job.publicSignals.map(BigInt);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const loadStart = performance.now();
const circuit = await loadCircuit(job.paths, { prover: "snarkjs", proofSystem: job.proofSystem });
const loadMs = performance.now() - loadStart;
const witnessMs: number[] = [];
const proveMs: number[] = [];
let last: Awaited<ReturnType<typeof proveCircuitInput>> | undefined;
for (let i = 0; i <= job.reps; i++) {
  last = await proveCircuitInput(circuit, input, publicSignals);
  if (i === 0 && job.reps > 0) continue; // warm-up
  witnessMs.push(last.timings.witnessMs);
  proveMs.push(last.timings.proveMs);
}
await terminateSnarkjs();
const words = (values: readonly bigint[]) => values.map(String);
console.log(
  JSON.stringify({
    witnessMs: Math.round(median(witnessMs) * 10) / 10,
    proveMs: Math.round(median(proveMs)),
    proveSamplesMs: proveMs.map(Math.round),
    loadMs: Math.round(loadMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    proofJsonBytes: JSON.stringify(last!.proof).length,
    calldata: last!.plonk
      ? { plonk: words(last!.plonk.proof) }
      : {
          a: words(last!.solidityProof.a),
          b: last!.solidityProof.b.map(words),
          c: words(last!.solidityProof.c),
        },
  }),
);
process.exit(0);
