"use strict";
// Native Groth16 prover for snarkjs zkeys (BN254).
//   const { Prover } = require("./index.js");
//   const p = new Prover(zkeyBytes);                 // parses the zkey, precomputes fixed-base tables (1-5 s, 37-87 MB)
//   const { proof, publicSignals } = await p.prove(wtnsBytes);   // wtnsBytes = witnessCalculator.calculateWTNSBin(input, 0)
// The field code uses mulx/adcx/adox: refuse to load on a CPU without BMI2+ADX instead of dying with SIGILL.
const { readFileSync } = require("node:fs");
function cpuOk() {
  if (process.platform !== "linux" || process.arch !== "x64") return false;
  try {
    const flags = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1].split(/\s+/) ?? [];
    return flags.includes("bmi2") && flags.includes("adx");
  } catch { return false; }
}
if (!cpuOk()) throw new Error("native Groth16 prover needs Linux x86-64 with BMI2 and ADX");
module.exports = require("./build/Release/groth16native.node");
