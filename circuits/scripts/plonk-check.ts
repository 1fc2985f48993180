/**
 * CI's guard on a shipped PLONK form, the counterpart of the Groth16 check: the circuit compiles
 * (--O1) to the r1cs and wasm of its setup; the phase-1 file is the manifest's; the proving key
 * derived again from them has the manifest's hash (PLONK's setup is deterministic, so this replaces
 * Groth16's `zkey verify`); the verifier and vkey regenerate byte-identically from it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { sha256File } from "./hashing.ts";
import { compilePlonk, derivePlonkKey, readPlonkManifest, renderPlonkVerifier } from "./plonk.ts";
import type { PlonkTarget } from "./plonk-targets.ts";

export interface CheckReporter {
  pass(message: string): void;
  fail(message: string): void;
}

export async function checkPlonkCircuit(target: PlonkTarget, ptau: string, report: CheckReporter): Promise<void> {
  console.log(`${target.name} (PLONK):`);
  const manifest = readPlonkManifest(target);
  const setup = `pnpm --filter @zkagent/circuits plonk setup --circuit ${target.name}`;
  compilePlonk(target);
  for (const [name, path] of [
    ["r1cs", target.r1cs],
    ["wasm", target.wasm],
    ["phase1", ptau],
  ] as const) {
    const actual = await sha256File(path);
    if (actual === manifest.files[name].sha256) report.pass(`${name} matches the PLONK setup's`);
    else
      report.fail(
        `${target.name} PLONK ${name} is ${actual}, the setup's was ${manifest.files[name].sha256}: run \`${setup}\` and commit the verifier, vkey and manifest`,
      );
  }
  const work = mkdtempSync(join(tmpdir(), "zkagent-plonk-check-"));
  try {
    const zkey = join(work, `${target.name}_plonk.zkey`);
    const deriving = Date.now();
    const { plonkConstraints } = await derivePlonkKey(target, ptau, zkey);
    const seconds = ((Date.now() - deriving) / 1000).toFixed(1);
    const actual = await sha256File(zkey);
    if (actual === manifest.files.zkey.sha256)
      report.pass(
        `the proving key derived again (${plonkConstraints} PLONK constraints, ${seconds} s) is the manifest's`,
      );
    else
      report.fail(
        `${target.name} PLONK proving key ${actual} is not the manifest's ${manifest.files.zkey.sha256}: run \`${setup}\``,
      );
    const { solidity, vkeyJson } = await renderPlonkVerifier(target, zkey);
    const regenerate = `Run \`${setup}\` and commit; never edit generated files by hand.`;
    if (readFileSync(target.verifierSol, "utf8") === solidity)
      report.pass(`${target.verifierContract}.sol regenerates byte-identically`);
    else report.fail(`${target.verifierContract}.sol differs from what the PLONK key generates. ${regenerate}`);
    for (const path of [target.vkey, target.vkeyForContracts]) {
      if (readFileSync(path, "utf8") === vkeyJson)
        report.pass(`${path.split("/").slice(-2).join("/")} regenerates byte-identically`);
      else report.fail(`${path} differs from the PLONK key's verification key. ${regenerate}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
