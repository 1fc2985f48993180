/**
 * CI's guard on the ceremonies, for every circuit: it compiles to the r1cs and wasm its
 * ceremony was run on; the verifier and vkey regenerate byte-identically from
 * the committed zkey; the zkey verifies against the r1cs and phase-1 file.
 * Any mismatch fails with the command that fixes it.
 *
 *   tsx scripts/check.ts [--fast]   (--fast skips the ~20 s zkey verification)
 *   tsx scripts/check.ts --circuit policy --ceremony-dir <dir> [--ptau file]   (one ceremony's output
 *     elsewhere, e.g. a coordinator's rehearsal: its zkey, vkey, verifier and manifest in <dir>)
 *   tsx scripts/check.ts --backend groth16|plonk   (one proof system only; default both: every
 *     shipped PLONK form is checked too, see plonk-check.ts)
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { compileCircuit } from "./build.ts";
import { renderVerifier } from "./export.ts";
import { sha256File } from "./hashing.ts";
import { chainReader } from "./ceremony-chain.ts";
import { ceremonyOutputTarget } from "./ceremony-output.ts";
import { readManifest } from "./manifest.ts";
import { CIRCUIT_NAMES, circuitTarget, circuitTargets, phase1Path, type CircuitTarget } from "./paths.ts";
import { checkPlonkCircuit } from "./plonk-check.ts";
import { SHIPPED_PLONK, plonkTarget } from "./plonk-targets.ts";
import { terminateCurve } from "./snarkjs-support.ts";

const { values } = parseArgs({
  options: {
    fast: { type: "boolean", default: false },
    circuit: { type: "string" },
    "ceremony-dir": { type: "string" },
    ptau: { type: "string", default: phase1Path },
    backend: { type: "string" },
  },
});
const ptau = values.ptau;
const failures: string[] = [];
const pass = (message: string) => console.log(`  ok   ${message}`);
const fail = (message: string) => {
  console.log(`  FAIL ${message}`);
  failures.push(message);
};

async function checkCircuit(target: CircuitTarget): Promise<void> {
  console.log(`${target.name}:`);
  const manifest = readManifest(target);
  compileCircuit(target.mainCircuit, target.buildDir);
  const ceremony = `pnpm --filter @zkagent/circuits ceremony --circuit ${target.name}`;

  for (const [name, path] of [
    ["r1cs", target.r1cs],
    ["wasm", target.wasm],
  ] as const) {
    const actual = await sha256File(path);
    if (actual === manifest.files[name].sha256) pass(`${name} matches the ceremony's`);
    else
      fail(
        `${target.name} ${name} differs from the ceremony's (${actual} vs ${manifest.files[name].sha256}): the circuit changed. Run \`${ceremony}\` (new zkey, vkey and verifier) and commit the results.`,
      );
  }
  for (const [name, path] of [
    ["zkey", target.zkey],
    ["phase1", ptau],
  ] as const) {
    if (!existsSync(path)) {
      fail(`${path} is missing: restore it from git or rerun the ceremony`);
      continue;
    }
    const actual = await sha256File(path);
    if (actual === manifest.files[name].sha256) pass(`${name} hash matches the manifest`);
    else fail(`${target.name} ${name} hash ${actual} is not the manifest's ${manifest.files[name].sha256}`);
  }

  const { solidity, vkeyJson } = await renderVerifier(target);
  const regenerate = "Run `pnpm --filter @zkagent/circuits export` and commit; never edit generated files by hand.";
  const verifierName = `${target.verifierContract}.sol`;
  if (readFileSync(target.verifierSol, "utf8") === solidity) pass(`${verifierName} regenerates byte-identically`);
  else fail(`${verifierName} differs from what the zkey generates. ${regenerate}`);
  for (const path of [target.vkey, target.vkeyForContracts]) {
    if (readFileSync(path, "utf8") === vkeyJson)
      pass(`${path.split("/").slice(-2).join("/")} regenerates byte-identically`);
    else fail(`${path} differs from the zkey's verification key. ${regenerate}`);
  }

  if (values.fast) {
    console.log("  skip zkey verification (--fast)");
  } else {
    const reader = chainReader();
    if (await snarkjs.zKey.verifyFromR1cs(target.r1cs, ptau, target.zkey, reader.logger)) {
      pass("zkey verifies against the r1cs and the phase-1 file");
      // The manifest's contributors (what the deploy gate counts) must be the zkey's own chain.
      const chain = reader
        .chain()
        .filter((entry) => !entry.beacon)
        .map((entry) => `${entry.name} ${entry.contributionHash}`);
      const listed = manifest.contributions.map((entry) => `${entry.name} ${entry.contributionHash}`);
      if (JSON.stringify(chain) === JSON.stringify(listed))
        pass(`the manifest's ${listed.length} contribution(s) are the zkey's own`);
      else
        fail(
          `${target.name} manifest lists contributions [${listed.join(", ")}]; the zkey carries [${chain.join(", ")}]`,
        );
    } else {
      fail(`${target.name} zkey does not verify against the r1cs and phase-1 file: rerun the ceremony`);
    }
  }
}

try {
  const selected = values.circuit ? [circuitTarget(values.circuit)] : CIRCUIT_NAMES.map((name) => circuitTargets[name]);
  if (values.backend !== "plonk")
    for (const target of selected) await checkCircuit(ceremonyOutputTarget(target, values["ceremony-dir"]));
  // PLONK forms: no ceremony of their own, only the shared phase-1 file (skipped for one ceremony's check)
  if (values.backend !== "groth16" && !values.circuit)
    for (const name of SHIPPED_PLONK) await checkPlonkCircuit(plonkTarget(name), ptau, { pass, fail });
} finally {
  await terminateCurve();
}

if (failures.length > 0) {
  console.error(`\ncircuit check failed (${failures.length}).`);
  process.exit(1);
}
console.log("\ncircuit check passed.");
