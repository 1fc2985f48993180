import { readFileSync, statSync, writeFileSync } from "node:fs";
import { relative } from "node:path";

import { sha256File } from "./hashing.ts";
import { paths, workspaceRoot } from "./paths.ts";

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes?: number;
}

/** What the ceremony produced and from what: `check` holds every later build to it. */
export interface Manifest {
  circuit: string;
  windowSize: number;
  constraints: number;
  phase1Source: string;
  contributions: { name: string; contributionHash: string }[];
  beacon: string;
  files: Record<"r1cs" | "wasm" | "phase1" | "zkey" | "vkey" | "verifier", ManifestFile>;
}

async function describe(path: string): Promise<ManifestFile> {
  return { path: relative(workspaceRoot, path), sha256: await sha256File(path), bytes: statSync(path).size };
}

export async function writeManifest(input: {
  ptauSource: string;
  contributions: Manifest["contributions"];
  beacon: string;
  constraints: number;
}): Promise<Manifest> {
  const manifest: Manifest = {
    circuit: "zkagent policy v1 (circuits/src/circom/main.circom)",
    windowSize: 30,
    constraints: input.constraints,
    phase1Source: input.ptauSource,
    contributions: input.contributions,
    beacon: input.beacon,
    files: {
      r1cs: await describe(paths.r1cs),
      wasm: await describe(paths.wasm),
      phase1: await describe(paths.ptau),
      zkey: await describe(paths.zkey),
      vkey: await describe(paths.vkey),
      verifier: await describe(paths.verifierSol),
    },
  };
  writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(paths.manifest, "utf8")) as Manifest;
}
