/**
 * The PLONK form of a circuit (issue #15's universal-setup backend): no per-circuit ceremony, only
 * the phase-1 file. The circuit is compiled at --O1 (O2's merged linear constraints turn into many
 * PLONK gates each), `snarkjs plonk setup` derives the proving key deterministically from the r1cs
 * and the phase-1 file, and the verifier and verification key are exported from it.
 *
 *   tsx scripts/plonk.ts setup [--circuit policy|model|signal1|signal2|signal4] [--ptau file --ptau-source text] [--out dir]
 *     compile, derive the key, write the verifier, vkey and manifest (default: the committed ones;
 *     --out: elsewhere, e.g. a deployer's setup from a public power-15 file for the model)
 *   tsx scripts/plonk.ts build
 *     (pnpm build) compile every shipped PLONK form and derive its proving key, unless the one in
 *     build/ already has the manifest's hash; refuses a circuit that no longer matches its manifest
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { compileCircuit } from "./build.ts";
import { sha256File } from "./hashing.ts";
import type { ManifestFile } from "./manifest.ts";
import {
  SHIPPED_PLONK,
  phase1Path,
  plonkCircuitName,
  plonkTarget,
  type PlonkCircuitName,
  type PlonkTarget,
} from "./plonk-targets.ts";
import { workspaceRoot } from "./paths.ts";
import { terminateCurve } from "./snarkjs-support.ts";

const require = createRequire(import.meta.url);

/** What a PLONK setup was made from; `check` and `build` hold later builds to it. */
export interface PlonkManifest {
  circuit: string;
  protocol: "plonk";
  optimisation: "O1";
  r1csConstraints: number;
  plonkConstraints: number;
  /** log2 of the evaluation domain: the phase-1 file must be at least this power. */
  power: number;
  phase1Source: string;
  files: Record<"r1cs" | "wasm" | "phase1" | "zkey" | "vkey" | "verifier", ManifestFile>;
}

/** Thrown when the phase-1 file is too small for the circuit's PLONK form. */
export class PhaseOneTooSmallError extends Error {
  constructor(
    readonly circuit: string,
    readonly plonkConstraints: number,
    readonly power: number,
  ) {
    super(
      `${circuit}: ${plonkConstraints} PLONK constraints need a power-${Math.ceil(Math.log2(plonkConstraints))} phase-1 file; ` +
        `this one is power ${power}. Pass a larger prepared Powers of Tau with --ptau (e.g. the Hermez powersOfTau28_hez_final_15.ptau)`,
    );
  }
}

/** Compiles the circuit's PLONK form (--O1) into build/plonk/<name>. */
export function compilePlonk(target: PlonkTarget): void {
  compileCircuit(target.circuit.mainCircuit, target.buildDir, "O1");
}

/**
 * `snarkjs plonk setup`: the proving key from the r1cs and `ptau`, deterministic (the same inputs
 * give the same bytes). Returns the PLONK constraint count and the domain's power.
 */
export async function derivePlonkKey(
  target: PlonkTarget,
  ptau: string,
  zkey = target.zkey,
): Promise<{ plonkConstraints: number; power: number }> {
  let plonkConstraints = 0;
  let refusal = "";
  const logger = {
    debug: () => {},
    info: (message: string) => {
      const match = /^Plonk constraints: (\d+)$/.exec(message);
      if (match) plonkConstraints = Number(match[1]);
    },
    warn: (message: string) => console.warn(`[plonk] ${message}`),
    error: (message: string) => (refusal = message),
  };
  mkdirSync(dirname(zkey), { recursive: true });
  const result = await snarkjs.plonk.setup(target.r1cs, ptau, zkey, logger);
  if (result === -1) {
    rmSync(zkey, { force: true }); // snarkjs opens the file before it checks the sizes
    const tooBig = /circuit too big for this power of tau ceremony\. \d+ > 2\*\*(\d+)/.exec(refusal);
    if (tooBig) throw new PhaseOneTooSmallError(target.name, plonkConstraints, Number(tooBig[1]));
    throw new Error(`plonk setup of ${target.name} failed: ${refusal}`);
  }
  return { plonkConstraints, power: Math.max(3, Math.ceil(Math.log2(plonkConstraints))) };
}

/** The verifier source (renamed Plonk<Verifier>) and the vkey JSON text from a PLONK zkey, without writing them. */
export async function renderPlonkVerifier(
  target: PlonkTarget,
  zkey = target.zkey,
): Promise<{ solidity: string; vkeyJson: string }> {
  const snarkjsRoot = join(dirname(require.resolve("snarkjs")), "..");
  const template = readFileSync(join(snarkjsRoot, "templates/verifier_plonk.sol.ejs"), "utf8");
  const generated: string = await snarkjs.zKey.exportSolidityVerifier(zkey, { plonk: template });
  const header = [
    "// GENERATED FILE — do not edit.",
    `// Made by circuits/scripts/plonk.ts (PLONK, no per-circuit ceremony) for ${target.circuit.title}.`,
    "// Regenerate: pnpm --filter @zkagent/circuits plonk setup. CI checks it is byte-identical.",
    "",
  ].join("\n");
  const solidity = header + generated.replace("contract PlonkVerifier", `contract ${target.verifierContract}`);
  const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
  return { solidity, vkeyJson: `${JSON.stringify(vkey, null, 2)}\n` };
}

async function describe(path: string): Promise<ManifestFile> {
  return { path: relative(workspaceRoot, path), sha256: await sha256File(path), bytes: statSync(path).size };
}

/** Compile, derive the key, write the verifier, vkey and manifest. */
export async function setupPlonk(target: PlonkTarget, ptau: string, ptauSource: string): Promise<PlonkManifest> {
  compilePlonk(target);
  const started = Date.now();
  const { plonkConstraints, power } = await derivePlonkKey(target, ptau);
  console.log(
    `[plonk] ${target.name}: ${plonkConstraints} PLONK constraints (power ${power}), key derived in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const { solidity, vkeyJson } = await renderPlonkVerifier(target);
  for (const path of [target.verifierSol, target.vkey, target.vkeyForContracts])
    mkdirSync(dirname(path), { recursive: true });
  writeFileSync(target.verifierSol, solidity);
  writeFileSync(target.vkey, vkeyJson);
  writeFileSync(target.vkeyForContracts, vkeyJson);
  const info = (await snarkjs.r1cs.info(target.r1cs)) as { nConstraints: number };
  const manifest: PlonkManifest = {
    circuit: target.circuit.title,
    protocol: "plonk",
    optimisation: "O1",
    r1csConstraints: info.nConstraints,
    plonkConstraints,
    power,
    phase1Source: ptauSource,
    files: {
      r1cs: await describe(target.r1cs),
      wasm: await describe(target.wasm),
      phase1: await describe(ptau),
      zkey: await describe(target.zkey),
      vkey: await describe(target.vkey),
      verifier: await describe(target.verifierSol),
    },
  };
  writeFileSync(target.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(
    `[plonk] wrote ${relative(workspaceRoot, target.verifierSol)}, ${relative(workspaceRoot, target.manifest)}`,
  );
  return manifest;
}

export function readPlonkManifest(target: PlonkTarget): PlonkManifest {
  return JSON.parse(readFileSync(target.manifest, "utf8")) as PlonkManifest;
}

/**
 * Makes a shipped PLONK form's proving key in build/ (what the prover loads): compiles the
 * circuit and derives the key unless the one there already has the manifest's hash. Throws if the
 * circuit or the phase-1 file no longer matches the manifest (rerun `plonk setup` and commit).
 */
export async function buildPlonk(name: PlonkCircuitName, ptau = phase1Path): Promise<void> {
  const target = plonkTarget(name);
  const manifest = readPlonkManifest(target);
  compilePlonk(target);
  const fix = `the circuit changed since its PLONK setup: run \`pnpm --filter @zkagent/circuits plonk setup --circuit ${name}\` and commit`;
  for (const key of ["r1cs", "wasm"] as const) {
    const path = key === "r1cs" ? target.r1cs : target.wasm;
    if ((await sha256File(path)) !== manifest.files[key].sha256) throw new Error(`${name} PLONK ${key}: ${fix}`);
  }
  if (existsSync(target.zkey) && (await sha256File(target.zkey)) === manifest.files.zkey.sha256) {
    console.log(`[plonk] ${name}: proving key up to date`);
    return;
  }
  const started = Date.now();
  await derivePlonkKey(target, ptau);
  if ((await sha256File(target.zkey)) !== manifest.files.zkey.sha256) {
    throw new Error(`${name} PLONK proving key differs from the manifest's: ${fix}`);
  }
  console.log(`[plonk] ${name}: proving key derived in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      circuit: { type: "string" },
      ptau: { type: "string", default: phase1Path },
      "ptau-source": { type: "string" },
      out: { type: "string" },
    },
  });
  try {
    if (positionals[0] === "setup") {
      const name = plonkCircuitName(values.circuit);
      const source =
        values["ptau-source"] ??
        (values.ptau === phase1Path ? "ceremony/phase1.ptau (local single-party phase 1, power 14)" : values.ptau);
      await setupPlonk(plonkTarget(name, values.out), values.ptau, source);
    } else if (positionals[0] === "build") {
      for (const name of SHIPPED_PLONK) await buildPlonk(name, values.ptau);
    } else {
      console.error(
        "usage: tsx scripts/plonk.ts setup|build [--circuit name] [--ptau file --ptau-source text] [--out dir]",
      );
      process.exitCode = 2;
    }
  } finally {
    await terminateCurve();
  }
}
