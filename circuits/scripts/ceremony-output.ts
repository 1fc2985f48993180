import { basename, join, resolve } from "node:path";

import type { CircuitTarget } from "./paths.ts";

/**
 * A circuit's ceremony outputs placed in `dir` instead of the committed ceremony directory: the
 * final zkey, vkey, manifest, transcript, and (outside the repository's own ceremony directory)
 * the generated verifier too, so a rehearsal never touches committed files. The committed
 * directory itself gives back the target unchanged. The coordinator writes, and `check
 * --ceremony-dir` reads, through this one mapping.
 */
export function ceremonyOutputTarget(target: CircuitTarget, dir: string | undefined): CircuitTarget {
  if (!dir || resolve(dir) === target.ceremonyDir) return target;
  const out = resolve(dir);
  return {
    ...target,
    ceremonyDir: out,
    zkey: join(out, basename(target.zkey)),
    vkey: join(out, "verification_key.json"),
    manifest: join(out, "manifest.json"),
    transcript: join(out, "TRANSCRIPT.md"),
    verifierSol: join(out, basename(target.verifierSol)),
    vkeyForContracts: join(out, basename(target.vkeyForContracts)),
  };
}
