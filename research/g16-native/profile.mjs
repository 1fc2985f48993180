import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import * as snarkjs from "snarkjs";
import prove, { T } from "./node_modules/snarkjs/src/groth16_prove_timed.js";
const require = createRequire(import.meta.url);
// the repository's circuits folder, two levels up from research/g16-native
const C = new URL("../../circuits", import.meta.url).pathname;
const circuits = {
  policy: { wasm: `${C}/build/main_js/main.wasm`, wc: `${C}/build/main_js/witness_calculator.js`, zkey: `${C}/ceremony/policy_final.zkey`, vkey: `${C}/ceremony/verification_key.json`, input: "policy_input.json" },
  model: { wasm: `${C}/build/model/main_model_js/main_model.wasm`, wc: `${C}/build/model/main_model_js/witness_calculator.js`, zkey: `${C}/ceremony/model/model_final.zkey`, vkey: `${C}/ceremony/model/verification_key.json`, input: "model_input.json" },
};
const med = (a) => { const s=[...a].sort((x,y)=>x-y); return s[Math.floor(s.length/2)]; };
const N = Number(process.env.N || 7);
const which = process.argv[2] || "policy";
const c = circuits[which];
const t0 = performance.now();
const wc = await require(c.wc)(readFileSync(c.wasm));
const tWcLoad = performance.now() - t0;
const zkey = new Uint8Array(readFileSync(c.zkey));
const vkey = JSON.parse(readFileSync(c.vkey, "utf8"));
const input = JSON.parse(readFileSync(c.input, "utf8"));
const rows = {}; const wit = []; const tot = [];
let first;
for (let i = 0; i < N + 1; i++) {
  const a = performance.now();
  const w = await wc.calculateWTNSBin(input, 0);
  const b = performance.now();
  const { proof, publicSignals } = await prove({ type: "mem", data: zkey }, { type: "mem", data: w });
  const e = performance.now();
  if (i === 0) { first = { witness: b - a, prove: e - b, T: { ...T } }; if (!(await snarkjs.groth16.verify(vkey, publicSignals, proof))) throw new Error("verify failed"); continue; }
  wit.push(b - a); tot.push(e - b);
  for (const [k, v] of Object.entries(T)) (rows[k] ||= []).push(v);
}
console.log(`# ${which}  (warm median of ${N}; first=cold-in-process)   wc load ${tWcLoad.toFixed(0)} ms`);
console.log(`| phase | warm median ms | first run ms |`);
console.log(`| witness calc (wasm) | ${med(wit).toFixed(1)} | ${first.witness.toFixed(1)} |`);
for (const k of Object.keys(rows)) console.log(`| ${k} | ${med(rows[k]).toFixed(1)} | ${(first.T[k]||0).toFixed(1)} |`);
console.log(`| **prove total** | ${med(tot).toFixed(1)} | ${first.prove.toFixed(1)} |`);
await globalThis.curve_bn128?.terminate();
