/**
 * The coordinator of a multi-party phase-2 ceremony for one circuit. It sets up the circuit's zkey
 * from the r1cs and a given phase-1 file, then for each of `--contributions N` rounds publishes the
 * current state in the hand-off directory, waits for the next contributor's zkey, and verifies it
 * before accepting it: the whole chain against the r1cs and the phase-1 file (snarkjs's zkey
 * verification, from the coordinator's own setup), and that it is exactly the published state plus
 * one new contribution (a zkey from another run verifies on its own, but would drop everyone
 * before it). A contribution that fails is refused, named, kept aside with its reason, and the
 * round waits again from the same state. After the last round it applies the public beacon,
 * verifies the final zkey from the r1cs, and writes the zkey, verification key, verifier, manifest
 * and transcript in the layout `check` reads.
 *
 *   tsx scripts/ceremony-coordinator.ts --circuit policy --ptau ceremony/phase1.ptau \
 *     --handoff <dir> --contributions 3 --beacon <hex> [--beacon-source text] [--ptau-source text] \
 *     [--out <dir>] [--timeout seconds] [--skip-build]
 *
 * Contributors run, each on their own machine:
 *   tsx scripts/contribute.ts --handoff <dir> --round K --name "…"
 * (or `contribute.ts <dir>/round-(K-1).zkey <dir>/contribution-K.zkey --name "…"` and copy it back).
 *
 * `--out` defaults to the circuit's committed ceremony directory; a rehearsal passes a temporary
 * one. `--ptau` is required: this command never generates a phase-1 file.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { blake2bFile, PUBLIC_PHASE1_BLAKE2B } from "../../scripts/deploy/ceremony-gate.ts";
import { compileCircuit } from "./build.ts";
import { chainReader, type ChainEntry } from "./ceremony-chain.ts";
import { contributionFile, refusedFile, roundFile, waitForFile, writeWhole } from "./ceremony-handoff.ts";
import { ceremonyOutputTarget } from "./ceremony-output.ts";
import { exportVerifier } from "./export.ts";
import { sha256File } from "./hashing.ts";
import { writeManifest, type Manifest } from "./manifest.ts";
import { circuitTarget, phase1Path, workspaceRoot } from "./paths.ts";
import { progressLogger, terminateCurve } from "./snarkjs-support.ts";

const BEACON_ITERATIONS_EXP = 10;

type Verdict = { accepted: true; contribution: ChainEntry } | { accepted: false; reason: string };

/**
 * Verifies `candidate` against the coordinator's setup (`init`, made from the r1cs) and the
 * phase-1 file, and reads its contribution chain from the verifier's report. Never throws: an
 * unreadable file is a refusal like any other.
 */
async function verifyAgainstInit(
  init: string,
  ptau: string,
  candidate: string,
): Promise<{ ok: true; chain: ChainEntry[] } | { ok: false; reason: string }> {
  const reader = chainReader();
  try {
    const ok: boolean = await snarkjs.zKey.verifyFromInit(init, ptau, candidate, reader.logger);
    if (!ok) {
      const why = reader.errors.at(-1) ?? "a contribution's proof of knowledge or the key's sections do not check";
      return { ok: false, reason: `does not verify against the r1cs and the phase-1 file (${why})` };
    }
  } catch (error) {
    return { ok: false, reason: `is not a readable zkey of this circuit (${(error as Error).message})` };
  }
  return { ok: true, chain: reader.chain() };
}

/** The whole verdict on contribution `index`: it verifies, and it is `previous` plus one new contribution. */
async function judgeContribution(
  init: string,
  ptau: string,
  candidate: string,
  previous: readonly ChainEntry[],
  publishedRound: string,
): Promise<Verdict> {
  const verified = await verifyAgainstInit(init, ptau, candidate);
  if (!verified.ok) return { accepted: false, reason: verified.reason };
  const { chain } = verified;
  for (const [i, earlier] of previous.entries()) {
    const found = chain[i];
    if (!found || found.contributionHash !== earlier.contributionHash) {
      return {
        accepted: false,
        reason: `verifies on its own but does not extend ${publishedRound}: its contribution #${i + 1} is ${found ? `"${found.name}" ${found.contributionHash.slice(0, 16)}…` : "missing"}, expected "${earlier.name}" ${earlier.contributionHash.slice(0, 16)}… (a zkey from another run, or built on an older round)`,
      };
    }
  }
  if (chain.length !== previous.length + 1) {
    return {
      accepted: false,
      reason: `has ${chain.length - previous.length} contributions on top of ${publishedRound}; exactly one is expected`,
    };
  }
  const added = chain[chain.length - 1]!;
  if (added.beacon) return { accepted: false, reason: "adds a beacon, which only the coordinator applies, last" };
  return { accepted: true, contribution: added };
}

const { values } = parseArgs({
  options: {
    circuit: { type: "string", default: "policy" },
    ptau: { type: "string" },
    "ptau-source": { type: "string" },
    handoff: { type: "string" },
    contributions: { type: "string" },
    beacon: { type: "string" },
    "beacon-source": { type: "string" },
    out: { type: "string" },
    timeout: { type: "string", default: "86400" },
    "skip-build": { type: "boolean", default: false },
  },
});

function usageError(message: string): never {
  console.error(
    `${message}\nusage: tsx scripts/ceremony-coordinator.ts --circuit <name> --ptau <phase1.ptau> --handoff <dir> --contributions N --beacon <hex> [--beacon-source text] [--ptau-source text] [--out dir] [--timeout seconds] [--skip-build]`,
  );
  process.exit(2);
}

const source = circuitTarget(values.circuit);
if (!values.ptau) usageError("--ptau is required (a public Powers of Tau file, or circuits/ceremony/phase1.ptau)");
if (!existsSync(values.ptau)) usageError(`--ptau ${values.ptau}: no such file`);
if (!values.handoff) usageError("--handoff <dir> is required (the directory contributors read and write)");
const wanted = Number(values.contributions);
if (!Number.isInteger(wanted) || wanted < 1) usageError("--contributions must be a whole number of at least 1");
if (!values.beacon || !/^[0-9a-fA-F]{2,128}$/.test(values.beacon) || values.beacon.length % 2 !== 0)
  usageError(
    "--beacon <hex> is required: a public value fixed after the last contribution (e.g. an announced block hash)",
  );
const ptau = resolve(values.ptau);
const target = ceremonyOutputTarget(source, values.out);
const rehearsal = target !== source;
if (!rehearsal && ptau !== phase1Path) {
  usageError(
    `--ptau ${values.ptau}: the committed ceremonies share ${relative(workspaceRoot, phase1Path)}; copy the public file there first (every circuit's ceremony must then be rerun), or write elsewhere with --out`,
  );
}
const handoff = resolve(values.handoff);
const timeoutSeconds = Number(values.timeout);
const beacon = values.beacon.toLowerCase();

const transcript: string[] = [];
const log = (line: string) => {
  console.log(line);
  transcript.push(line);
  // Kept current in the hand-off directory, so everyone can follow the ceremony as it happens.
  writeFileSync(resolve(handoff, "TRANSCRIPT.md"), `${transcript.join("\n")}\n`);
};
const seconds = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

try {
  mkdirSync(resolve(handoff, "refused"), { recursive: true });
  mkdirSync(target.ceremonyDir, { recursive: true });
  log(
    `# Ceremony transcript — ${target.title}\n\nMulti-party phase 2, coordinated by circuits/scripts/ceremony-coordinator.ts. Started ${new Date().toISOString()} on Node ${process.version}.\n`,
  );

  if (!values["skip-build"]) compileCircuit(target.mainCircuit, target.buildDir);
  if (!existsSync(target.r1cs)) usageError(`${target.r1cs} is missing: run pnpm --filter @zkagent/circuits build`);
  const r1csInfo = await snarkjs.r1cs.info(target.r1cs);
  log(
    `Circuit: ${r1csInfo.nConstraints} constraints, ${r1csInfo.nPubInputs} public inputs; r1cs sha256 ${await sha256File(target.r1cs)}.\n`,
  );

  log("## Phase 1 (Powers of Tau)");
  const ptauSha256 = await sha256File(ptau);
  const ptauBlake2b = await blake2bFile(ptau);
  const publicPower = Object.entries(PUBLIC_PHASE1_BLAKE2B).find(([, hash]) => hash === ptauBlake2b)?.[0];
  const ptauSource =
    values["ptau-source"] ??
    (publicPower ? `Hermez powersOfTau28_hez_final_${publicPower}.ptau` : `file ${basename(ptau)}`);
  log(`- ${ptauSource}: ${relative(workspaceRoot, ptau)}`);
  log(`- sha256 ${ptauSha256}`);
  log(`- blake2b-512 ${ptauBlake2b}`);
  log(
    publicPower
      ? `- matches the published hash of Hermez powersOfTau28_hez_final_${publicPower}.ptau (a public multi-party ceremony)`
      : "- matches no published Hermez hash: not a known public ceremony (a live deployment refuses it)",
  );

  log("\n## Phase 2 (circuit-specific)");
  const init = roundFile(handoff, 0);
  let start = performance.now();
  await writeWhole(init, (tmp) => snarkjs.zKey.newZKey(target.r1cs, ptau, tmp, progressLogger("setup")));
  log(`- setup from the r1cs and phase 1: ${seconds(start)}; published round-0.zkey sha256 ${await sha256File(init)}`);

  const accepted: ChainEntry[] = [];
  const refusals: string[] = [];
  for (let index = 1; index <= wanted; index++) {
    const published = roundFile(handoff, index - 1);
    const expected = contributionFile(handoff, index);
    console.log(`waiting for ${relative(process.cwd(), expected)} (contribution ${index} of ${wanted})`);
    for (let attempt = 1; ; attempt++) {
      await waitForFile(expected, timeoutSeconds);
      const received = { sha256: await sha256File(expected), bytes: statSync(expected).size };
      start = performance.now();
      const verdict = await judgeContribution(init, ptau, expected, accepted, basename(published));
      if (verdict.accepted) {
        renameSync(expected, roundFile(handoff, index));
        accepted.push(verdict.contribution);
        log(
          `- contribution ${index} by "${verdict.contribution.name}": accepted after verification (${seconds(start)})\n  file sha256 ${received.sha256} (${received.bytes} bytes), published as round-${index}.zkey\n  contribution hash ${verdict.contribution.contributionHash}`,
        );
        break;
      }
      const kept = refusedFile(handoff, index, attempt);
      renameSync(expected, kept);
      writeFileSync(`${kept}.txt`, `${verdict.reason}\n`);
      const line = `contribution-${index}.zkey (attempt ${attempt}, sha256 ${received.sha256}, ${received.bytes} bytes) refused: it ${verdict.reason}`;
      refusals.push(line);
      log(
        `- REFUSED ${line}; kept as refused/${basename(kept)}; round ${index} waits again from ${basename(published)}`,
      );
      console.error(`refused contribution-${index}.zkey: it ${verdict.reason}`);
    }
  }

  log("\n## Beacon");
  start = performance.now();
  const beaconHash: Uint8Array = await snarkjs.zKey.beacon(
    roundFile(handoff, wanted),
    target.zkey,
    "zkagent final beacon",
    beacon,
    BEACON_ITERATIONS_EXP,
    progressLogger("beacon"),
  );
  log(
    `- beacon ${beacon}${values["beacon-source"] ? ` (${values["beacon-source"]})` : ""}, 2^${BEACON_ITERATIONS_EXP} iterations: ${seconds(start)}\n  beacon contribution hash ${Buffer.from(beaconHash).toString("hex")}`,
  );
  start = performance.now();
  const finalOk: boolean = await snarkjs.zKey.verifyFromR1cs(target.r1cs, ptau, target.zkey, progressLogger("verify"));
  if (!finalOk) throw new Error("the final zkey does not verify against the r1cs and the phase-1 file");
  log(`- final zkey verified from the r1cs and phase 1 (snarkjs zkey verify): ${seconds(start)}`);

  await exportVerifier(target);
  const contributions: Manifest["contributions"] = accepted.map(({ name, contributionHash }) => ({
    name,
    contributionHash,
  }));
  const manifest = await writeManifest(target, {
    ptauSource,
    contributions,
    beacon,
    constraints: r1csInfo.nConstraints,
    ...(rehearsal ? { phase1: ptau } : {}),
  });
  if (refusals.length > 0) log(`\n## Refused (${refusals.length})\n\n${refusals.map((r) => `- ${r}`).join("\n")}`);
  log(`\n## Files\n`);
  for (const [name, entry] of Object.entries(manifest.files)) {
    log(`- ${name}: ${entry.path} sha256 ${entry.sha256}${entry.bytes ? ` (${entry.bytes} bytes)` : ""}`);
  }
  writeFileSync(target.transcript, `${transcript.join("\n")}\n`);
  // The hand-off directory keeps every round; the final zkey is what the manifest names.
  copyFileSync(target.transcript, resolve(handoff, "TRANSCRIPT.md"));
  console.log(
    `\nwrote ${relative(workspaceRoot, target.transcript)} and ${dirname(relative(workspaceRoot, target.zkey))}/`,
  );
} finally {
  await terminateCurve();
}
