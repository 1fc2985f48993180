/**
 * CI's guard on the ceremonies, for every circuit: it compiles to the r1cs and wasm its
 * ceremony was run on; the verifier and vkey regenerate byte-identically from
 * the committed zkey; the zkey verifies against the r1cs and phase-1 file.
 * Any mismatch fails with the command that fixes it.
 *
 *   tsx scripts/check.ts [--fast]   (--fast skips the zkey verification)
 *   tsx scripts/check.ts --full   (verifies every zkey again and records it, see below)
 *
 * The zkey verification (snarkjs zkey verify from the r1cs: minutes for all circuits, most of the
 * check) depends on nothing but the bytes of the r1cs, the phase-1 file and the zkey, and the
 * snarkjs version. `--full` runs it for every circuit and writes what it verified, with the date,
 * into ceremony/zkey-verification.json (committed). Without `--full`, a circuit whose compiled
 * r1cs, phase-1 file and zkey have exactly the recorded hashes (each hashed here, as always), under
 * the same snarkjs, is not verified again: the record says so and when it was verified. Any other
 * circuit (a new ceremony, a changed circuit, another snarkjs, no record) is verified here in full,
 * as before, and the check says to run `--full` to record it. `--ceremony-dir` always verifies.
 *   tsx scripts/check.ts --circuit policy --ceremony-dir <dir> [--ptau file]   (one ceremony's output
 *     elsewhere, e.g. a coordinator's rehearsal: its zkey, vkey, verifier and manifest in <dir>)
 *   tsx scripts/check.ts --backend groth16|plonk   (one proof system only; default both: every
 *     shipped PLONK form is checked too, see plonk-check.ts)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { compileCircuit } from "./build.ts";
import { renderVerifier } from "./export.ts";
import { sha256File } from "./hashing.ts";
import { chainReader } from "./ceremony-chain.ts";
import { ceremonyOutputTarget } from "./ceremony-output.ts";
import { readManifest } from "./manifest.ts";
import { CIRCUIT_NAMES, circuitTarget, circuitTargets, circuitsRoot, phase1Path, type CircuitTarget } from "./paths.ts";
import { checkPlonkCircuit } from "./plonk-check.ts";
import { SHIPPED_PLONK, plonkTarget, type PlonkTarget } from "./plonk-targets.ts";
import { terminateCurve } from "./snarkjs-support.ts";

const { values } = parseArgs({
  options: {
    fast: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
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
const since = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** What `check --full` verified: per circuit, the exact bytes (sha256) and the zkey's own contribution chain. */
interface VerificationRecord {
  about: string;
  command: string;
  date: string;
  commit: string;
  snarkjs: string;
  circuits: Record<
    string,
    {
      r1cs: string;
      phase1: string;
      zkey: string;
      contributions: { name: string; contributionHash: string }[];
      /** When this circuit was verified, how long it took and the machine's 1-minute load average then. */
      date: string;
      seconds: number;
      loadAverage: number;
    }
  >;
}
const RECORD = join(circuitsRoot, "ceremony/zkey-verification.json");
const FULL = "pnpm --filter @zkagent/circuits check:full";
const snarkjsVersion = (
  JSON.parse(
    readFileSync(join(dirname(createRequire(import.meta.url).resolve("snarkjs")), "..", "package.json"), "utf8"),
  ) as { version: string }
).version;
const record: VerificationRecord | null = existsSync(RECORD)
  ? (JSON.parse(readFileSync(RECORD, "utf8")) as VerificationRecord)
  : null;
/** The entries `--full` verified in this run, written into the record at the end. */
const verifiedNow: VerificationRecord["circuits"] = {};

/**
 * The check compiles into a scratch directory of its own under build/, never into build/ itself:
 * the tests, the agent and the bench load build/'s wasm and r1cs while it runs (`pnpm test` runs
 * suites side by side), and a file being rewritten under them would break them.
 */
mkdirSync(join(circuitsRoot, "build"), { recursive: true });
const scratch = mkdtempSync(join(circuitsRoot, "build", "check-"));
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    rmSync(scratch, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
const inScratch = <T extends { name: string; buildDir: string; r1cs: string; wasm: string }>(
  target: T,
  kind: string,
): T => {
  const buildDir = join(scratch, kind, target.name);
  mkdirSync(buildDir, { recursive: true });
  const moved = (path: string) => join(buildDir, relative(target.buildDir, path));
  return { ...target, buildDir, r1cs: moved(target.r1cs), wasm: moved(target.wasm) };
};

async function checkCircuit(committed: CircuitTarget): Promise<void> {
  console.log(`${committed.name}:`);
  const manifest = readManifest(committed);
  const target = inScratch(committed, "groth16");
  const compiling = Date.now();
  compileCircuit(target.mainCircuit, target.buildDir);
  console.log(`  compiled in ${since(compiling)}`);
  const ceremony = `pnpm --filter @zkagent/circuits ceremony --circuit ${target.name}`;

  const hashes: Partial<Record<"r1cs" | "wasm" | "zkey" | "phase1", string>> = {};
  for (const [name, path] of [
    ["r1cs", target.r1cs],
    ["wasm", target.wasm],
  ] as const) {
    const actual = await sha256File(path);
    hashes[name] = actual;
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
    hashes[name] = actual;
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

  // The manifest's contributors (what the deploy gate counts) must be the zkey's own chain.
  const listed = manifest.contributions.map((entry) => `${entry.name} ${entry.contributionHash}`);
  const checkChain = (chain: string[]) => {
    if (JSON.stringify(chain) === JSON.stringify(listed))
      pass(`the manifest's ${listed.length} contribution(s) are the zkey's own`);
    else
      fail(
        `${target.name} manifest lists contributions [${listed.join(", ")}]; the zkey carries [${chain.join(", ")}]`,
      );
  };

  const recorded = record?.circuits[target.name];
  const committedCeremony = target.ceremonyDir === circuitTargets[target.name].ceremonyDir;
  if (values.fast) {
    console.log("  skip zkey verification (--fast)");
  } else if (
    !values.full &&
    committedCeremony &&
    record?.snarkjs === snarkjsVersion &&
    recorded !== undefined &&
    recorded.r1cs === hashes.r1cs &&
    recorded.phase1 === hashes.phase1 &&
    recorded.zkey === hashes.zkey
  ) {
    pass(
      `zkey verified against this r1cs and phase-1 file on ${recorded.date} by \`check --full\` (snarkjs ${record.snarkjs}): ceremony/zkey-verification.json holds these three files' sha256, not verified again`,
    );
    checkChain(recorded.contributions.map((entry) => `${entry.name} ${entry.contributionHash}`));
  } else {
    if (!values.full && committedCeremony)
      console.log(
        `  note no verification recorded for these bytes${record?.snarkjs !== snarkjsVersion ? ` under snarkjs ${snarkjsVersion}` : ""}: verifying now; \`${FULL}\` records it`,
      );
    const reader = chainReader();
    const verifying = Date.now();
    if (await snarkjs.zKey.verifyFromR1cs(target.r1cs, ptau, target.zkey, reader.logger)) {
      pass(`zkey verifies against the r1cs and the phase-1 file (${since(verifying)})`);
      const chain = reader.chain().filter((entry) => !entry.beacon);
      checkChain(chain.map((entry) => `${entry.name} ${entry.contributionHash}`));
      if (values.full && committedCeremony)
        verifiedNow[target.name] = {
          r1cs: hashes.r1cs!,
          phase1: hashes.phase1!,
          zkey: hashes.zkey!,
          contributions: chain.map(({ name, contributionHash }) => ({ name, contributionHash })),
          date: new Date().toISOString(),
          seconds: Number(((Date.now() - verifying) / 1000).toFixed(1)),
          loadAverage: Number(loadavg()[0]!.toFixed(2)),
        };
    } else {
      fail(`${target.name} zkey does not verify against the r1cs and phase-1 file: rerun the ceremony`);
    }
  }
}

/** After a passing `--full`: the record gets today's date and every entry verified in this run. */
function writeRecord(): void {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: circuitsRoot, encoding: "utf8" }).trim();
  } catch {
    // not a git checkout
  }
  const next: VerificationRecord = {
    about:
      "What `check --full` verified (snarkjs zkey verify from the r1cs, per circuit): the sha256 of the compiled r1cs, the phase-1 file and the zkey, and the zkey's contribution chain. `check` (CI) verifies again any circuit whose bytes are not these.",
    command: FULL,
    date: new Date().toISOString(),
    commit,
    snarkjs: snarkjsVersion,
    circuits: { ...(record?.snarkjs === snarkjsVersion ? record.circuits : {}), ...verifiedNow },
  };
  writeFileSync(RECORD, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`\nrecorded ${Object.keys(verifiedNow).join(", ")} in ${relative(circuitsRoot, RECORD)}`);
}

try {
  const selected = values.circuit ? [circuitTarget(values.circuit)] : CIRCUIT_NAMES.map((name) => circuitTargets[name]);
  if (values.backend !== "plonk")
    for (const target of selected) await checkCircuit(ceremonyOutputTarget(target, values["ceremony-dir"]));
  // PLONK forms: no ceremony of their own, only the shared phase-1 file (skipped for one ceremony's check)
  if (values.backend !== "groth16" && !values.circuit)
    for (const name of SHIPPED_PLONK) {
      const target: PlonkTarget = inScratch(plonkTarget(name), "plonk");
      await checkPlonkCircuit(target, ptau, { pass, fail });
    }
} finally {
  await terminateCurve();
  rmSync(scratch, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\ncircuit check failed (${failures.length}).`);
  process.exit(1);
}
if (Object.keys(verifiedNow).length > 0) writeRecord();
console.log("\ncircuit check passed.");
