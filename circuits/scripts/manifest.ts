import { readFileSync, statSync, writeFileSync } from "node:fs";
import { relative } from "node:path";

import { sha256File } from "./hashing.ts";
import { phase1Path, workspaceRoot, type CircuitTarget } from "./paths.ts";

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

export async function writeManifest(
  target: CircuitTarget,
  input: {
    ptauSource: string;
    contributions: Manifest["contributions"];
    beacon: string;
    constraints: number;
    /** The phase-1 file used, when not the shared `ceremony/phase1.ptau` (a rehearsal). */
    phase1?: string;
  },
): Promise<Manifest> {
  const manifest: Manifest = {
    circuit: target.title,
    windowSize: target.windowSize,
    constraints: input.constraints,
    phase1Source: input.ptauSource,
    contributions: input.contributions,
    beacon: input.beacon,
    files: {
      r1cs: await describe(target.r1cs),
      wasm: await describe(target.wasm),
      phase1: await describe(input.phase1 ?? phase1Path),
      zkey: await describe(target.zkey),
      vkey: await describe(target.vkey),
      verifier: await describe(target.verifierSol),
    },
  };
  writeFileSync(target.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readManifest(target: CircuitTarget): Manifest {
  return JSON.parse(readFileSync(target.manifest, "utf8")) as Manifest;
}
