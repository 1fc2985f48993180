/**
 * Child process of the growth benchmark: proves a window-N statement `reps` times with the
 * prover API and prints {medianMs, maxRssMb} (its own peak memory, so N's are comparable).
 *
 *   node --import tsx prove-window.ts <N> <buildDir> <zkey> <reps>
 */
import { join } from "node:path";

import { PolicyProver } from "@zkagent/circuits";

import { BENCH_REQUEST } from "./proof-latency.ts";

const [n, buildDir, zkey, reps] = process.argv.slice(2);
const size = Number(n);
const prover = await PolicyProver.load(
  {
    wasm: join(buildDir!, `main_${size}_js/main_${size}.wasm`),
    witnessCalculator: join(buildDir!, `main_${size}_js/witness_calculator.js`),
    zkey: zkey!,
  },
  size,
);
// The benchmark's statement, with a window of `size` prices.
const request = { ...BENCH_REQUEST, prices: [...Array(size - 1).fill(300_000_000_000n), 294_000_000_000n] };
await prover.proveUnchecked(request); // warm-up
const samples: number[] = [];
for (let i = 0; i < Number(reps); i++) {
  const start = performance.now();
  await prover.proveUnchecked(request);
  samples.push(performance.now() - start);
}
await prover.close();
samples.sort((a, b) => a - b);
const medianMs = Math.round(samples[Math.floor((samples.length - 1) / 2)]!);
console.log(JSON.stringify({ medianMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
