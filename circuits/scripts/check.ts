/**
 * CI's guard on the ceremony: the circuit compiles to the r1cs and wasm the
 * ceremony was run on; the verifier and vkey regenerate byte-identically from
 * the committed zkey; the zkey verifies against the r1cs and phase-1 file.
 * Any mismatch fails with the command that fixes it.
 *
 *   tsx scripts/check.ts [--fast]   (--fast skips the ~20 s zkey verification)
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { compileCircuit } from "./build.ts";
import { renderVerifier } from "./export.ts";
import { sha256File } from "./hashing.ts";
import { readManifest } from "./manifest.ts";
import { paths } from "./paths.ts";
import { terminateCurve } from "./snarkjs-support.ts";

const { values } = parseArgs({ options: { fast: { type: "boolean", default: false } } });
const failures: string[] = [];
const pass = (message: string) => console.log(`  ok   ${message}`);
const fail = (message: string) => {
  console.log(`  FAIL ${message}`);
  failures.push(message);
};

try {
  const manifest = readManifest();
  compileCircuit();

  for (const [name, path] of [
    ["r1cs", paths.r1cs],
    ["wasm", paths.wasm],
  ] as const) {
    const actual = await sha256File(path);
    if (actual === manifest.files[name].sha256) pass(`${name} matches the ceremony's`);
    else
      fail(
        `${name} differs from the ceremony's (${actual} vs ${manifest.files[name].sha256}): the circuit changed. Run \`pnpm --filter @zkagent/circuits ceremony\` (new zkey, vkey and verifier) and commit the results.`,
      );
  }
  for (const [name, path] of [
    ["zkey", paths.zkey],
    ["phase1", paths.ptau],
  ] as const) {
    if (!existsSync(path)) {
      fail(`${path} is missing: restore it from git or rerun the ceremony`);
      continue;
    }
    const actual = await sha256File(path);
    if (actual === manifest.files[name].sha256) pass(`${name} hash matches the manifest`);
    else fail(`${name} hash ${actual} is not the manifest's ${manifest.files[name].sha256}`);
  }

  const { solidity, vkeyJson } = await renderVerifier();
  const regenerate = "Run `pnpm --filter @zkagent/circuits export` and commit; never edit generated files by hand.";
  if (readFileSync(paths.verifierSol, "utf8") === solidity) pass("PolicyVerifier.sol regenerates byte-identically");
  else fail(`PolicyVerifier.sol differs from what the zkey generates. ${regenerate}`);
  for (const path of [paths.vkey, paths.vkeyForContracts]) {
    if (readFileSync(path, "utf8") === vkeyJson)
      pass(`${path.split("/").slice(-2).join("/")} regenerates byte-identically`);
    else fail(`${path} differs from the zkey's verification key. ${regenerate}`);
  }

  if (values.fast) {
    console.log("  skip zkey verification (--fast)");
  } else if (await snarkjs.zKey.verifyFromR1cs(paths.r1cs, paths.ptau, paths.zkey)) {
    pass("zkey verifies against the r1cs and the phase-1 file");
  } else {
    fail("zkey does not verify against the r1cs and phase-1 file: rerun the ceremony");
  }
} finally {
  await terminateCurve();
}

if (failures.length > 0) {
  console.error(`\ncircuit check failed (${failures.length}).`);
  process.exit(1);
}
console.log("\ncircuit check passed.");
