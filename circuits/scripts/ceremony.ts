/**
 * The Groth16 ceremony of one circuit (`--circuit policy|model|signal1|signal2|signal4|aggregation0|aggregation1`; they share the phase-1 file).
 *
 * Phase 1 (universal): generated locally (`--power`, with progress) or taken
 * from a public ceremony file (`--ptau <file>`, e.g. a Hermez / Perpetual
 * Powers of Tau file), recorded by hash either way.
 * Phase 2 (this circuit): setup, one contribution per `--contributor` (entropy
 * from the OS), then a public beacon. An outside party can add a contribution
 * with `contribute.ts` and hand the zkey back; finish with `--from <zkey>`.
 *
 *   tsx scripts/ceremony.ts [--circuit policy|model|signal1|signal2|signal4|aggregation0|aggregation1] [--power 14 | --ptau file] [--contributor name]... [--beacon hex] [--from zkey]
 *
 * Writes circuits/ceremony/{phase1.ptau?, policy_final.zkey, verification_key.json,
 * manifest.json, TRANSCRIPT.md}, then exports the verifier.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { compileCircuit } from "./build.ts";
import { exportVerifier } from "./export.ts";
import { sha256File } from "./hashing.ts";
import { writeManifest, type Manifest } from "./manifest.ts";
import { generatePhase1 } from "./phase1.ts";
import { circuitTarget, phase1Path, workspaceRoot } from "./paths.ts";
import { progressLogger, terminateCurve } from "./snarkjs-support.ts";

const { values } = parseArgs({
  options: {
    power: { type: "string", default: "13" },
    ptau: { type: "string" },
    "ptau-source": { type: "string" },
    contributor: { type: "string", multiple: true, default: ["zkagent maintainers"] },
    beacon: { type: "string" },
    from: { type: "string" },
    circuit: { type: "string", default: "policy" },
  },
});
const target = circuitTarget(values.circuit);

// A public, unpredictable-in-advance value should be used in production (e.g.
// a future block hash announced before the ceremony). Recorded in the transcript.
// This local ceremony's default is a fixed phrase's hash, recorded below.
const beacon = values.beacon ?? createHash("sha256").update(`zkagent ${target.name} v1 beacon`).digest("hex");
const transcript: string[] = [];
const log = (line: string) => {
  console.log(line);
  transcript.push(line);
};
const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await run();
  log(`- ${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
};

try {
  const work = mkdtempSync(join(tmpdir(), "zkagent-ceremony-"));
  log(`# Ceremony transcript — ${target.title}\n\nStarted ${new Date().toISOString()} on Node ${process.version}.\n`);

  mkdirSync(target.ceremonyDir, { recursive: true });
  compileCircuit(target.mainCircuit, target.buildDir);
  const r1csInfo = await snarkjs.r1cs.info(target.r1cs);
  log(`Circuit: ${r1csInfo.nConstraints} constraints, ${r1csInfo.nPubInputs} public inputs.\n`);

  log("## Phase 1 (Powers of Tau)");
  let ptauSource: string;
  if (values.ptau) {
    if (!existsSync(values.ptau)) throw new Error(`--ptau ${values.ptau}: no such file`);
    if (resolve(values.ptau) !== phase1Path) copyFileSync(values.ptau, phase1Path);
    ptauSource = values["ptau-source"] ?? `file ${basename(values.ptau)}`;
    log(`- taken from ${ptauSource}`);
  } else {
    const power = Number(values.power);
    ptauSource = `generated locally, power ${power} (one contribution with OS entropy, beacon ${"0".repeat(64)})`;
    await timed(`generate power ${power}`, () => generatePhase1(power, phase1Path, "0".repeat(64)));
  }
  const ptauHash = await sha256File(phase1Path);
  log(`- phase1.ptau sha256 ${ptauHash}\n`);

  log("## Phase 2 (circuit-specific)");
  const logger = progressLogger("phase2");
  let current = join(work, "setup.zkey");
  if (values.from) {
    current = values.from;
    log(`- continuing from ${basename(values.from)} (sha256 ${await sha256File(values.from)})`);
  } else {
    await timed("groth16 setup", () => snarkjs.zKey.newZKey(target.r1cs, phase1Path, current, logger));
  }
  const contributions: Manifest["contributions"] = [];
  for (const [i, name] of (values.contributor ?? []).entries()) {
    const next = join(work, `contribution-${i + 1}.zkey`);
    const hash = await timed(`contribution by ${name}`, () =>
      snarkjs.zKey.contribute(current, next, name, randomBytes(64).toString("hex"), logger),
    );
    const hex = Buffer.from(hash as Uint8Array).toString("hex");
    contributions.push({ name, contributionHash: hex });
    log(`  contribution hash ${hex}`);
    current = next;
  }
  const beaconHash = await timed("beacon", () =>
    snarkjs.zKey.beacon(current, target.zkey, "zkagent final beacon", beacon, 10, logger),
  );
  log(`- beacon ${beacon} (2^10 iterations), hash ${Buffer.from(beaconHash as Uint8Array).toString("hex")}`);
  const ok = await timed("zkey verify against r1cs and phase 1", () =>
    snarkjs.zKey.verifyFromR1cs(target.r1cs, phase1Path, target.zkey, logger),
  );
  if (!ok) throw new Error("the final zkey does not verify against the r1cs and phase-1 file");

  await exportVerifier(target);
  const manifest = await writeManifest(target, {
    ptauSource,
    contributions,
    beacon,
    constraints: r1csInfo.nConstraints,
  });
  log(`\n## Files\n`);
  for (const [name, entry] of Object.entries(manifest.files)) {
    log(`- ${name}: ${entry.path} sha256 ${entry.sha256}${entry.bytes ? ` (${entry.bytes} bytes)` : ""}`);
  }
  const ptauBytes = statSync(phase1Path).size;
  if (ptauBytes > 20 * 1024 * 1024) {
    log(`\nphase1.ptau is ${ptauBytes} bytes (> 20 MB): not committed; keep it beside the manifest hash.`);
  }
  writeFileSync(target.transcript, `${transcript.join("\n")}\n`);
  console.log(`\nwrote ${relative(workspaceRoot, target.transcript)}`);
  rmSync(work, { recursive: true, force: true });
} finally {
  await terminateCurve();
}
