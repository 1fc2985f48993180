// usage: node bench.mjs <backend> <circuit> [N]   backend: snarkjs | snarkjs-st | snarkjs-1w | native | zkkit
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
const require = createRequire(import.meta.url);
const [backend, which, Narg] = process.argv.slice(2);
const N = Number(Narg || 7);
if (backend === "snarkjs-1w") { const orig = os.cpus; os.cpus = () => orig().slice(0, 1); }
const snarkjs = await import("snarkjs");
// the repository's circuits folder, two levels up from research/g16-native
const C = new URL("../../circuits", import.meta.url).pathname;
const circuits = {
  policy: { wasm: `${C}/build/main_js/main.wasm`, wc: `${C}/build/main_js/witness_calculator.js`, zkey: `${C}/ceremony/policy_final.zkey`, vkey: `${C}/ceremony/verification_key.json`, input: "policy_input.json" },
  model: { wasm: `${C}/build/model/main_model_js/main_model.wasm`, wc: `${C}/build/model/main_model_js/witness_calculator.js`, zkey: `${C}/ceremony/model/model_final.zkey`, vkey: `${C}/ceremony/model/verification_key.json`, input: "model_input.json" },
};
const c = circuits[which];
const wc = await require(c.wc)(readFileSync(c.wasm));
const zkey = new Uint8Array(readFileSync(c.zkey));
const vkey = JSON.parse(readFileSync(c.vkey, "utf8"));
const input = JSON.parse(readFileSync(c.input, "utf8"));
let prove; const s0 = performance.now();
if (backend.startsWith("snarkjs")) {
  const opts = backend === "snarkjs-st" ? { singleThread: true } : undefined;
  prove = (w) => snarkjs.groth16.prove({ type: "mem", data: zkey }, { type: "mem", data: w }, undefined, opts);
} else if (backend === "native") {
  const { Prover } = require("./g16-native/index.js");
  const p = new Prover(zkey);
  prove = (w) => p.prove(w);
} else if (backend === "zkkit") {
  const zk = await import("@zk-kit/groth16");
  prove = null; // uses fullProve-style API with files
  prove = async () => zk.prove(input, c.wasm, c.zkey);
}
const setupMs = performance.now() - s0;
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const wall = [], cpu = [], wit = [];
let ok = true;
for (let i = 0; i <= N; i++) {
  const u0 = process.cpuUsage(); const t0 = performance.now();
  const w = backend === "zkkit" ? null : await wc.calculateWTNSBin(input, 0);
  const t1 = performance.now();
  const { proof, publicSignals } = await prove(w);
  const t2 = performance.now(); const u = process.cpuUsage(u0);
  if (i === 0 || i === N) ok = ok && (await snarkjs.groth16.verify(vkey, publicSignals, proof));
  if (i === 0) continue; // first run = cold in-process
  wall.push(t2 - t0); wit.push(t1 - t0); cpu.push((u.user + u.system) / 1000);
}
console.log(JSON.stringify({ backend, circuit: which, N, verified: ok, witnessMs: +med(wit).toFixed(1), wallMs: +med(wall).toFixed(1), minMs: +Math.min(...wall).toFixed(1), cpuMs: +med(cpu).toFixed(1), setupMs: +setupMs.toFixed(0), psi: (await import("node:fs")).readFileSync("/proc/pressure/cpu","utf8").split(" ")[1], load: os.loadavg()[0].toFixed(2) }));
await globalThis.curve_bn128?.terminate?.();
process.exit(0);
