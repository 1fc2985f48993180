#!/usr/bin/env node
// Builds the native Groth16 prover addon into build/groth16native.node.
//
//   node scripts/build.mjs             build; exit 1 with the reason if it cannot
//   node scripts/build.mjs --optional  the `pnpm install` hook: never fails; prints one line
//   node scripts/build.mjs --out DIR   build into DIR instead of build/ (the tests build the portable field there)
//
// Needs a C++17 compiler with OpenMP (g++) and GMP's headers (libgmp-dev). With nasm on an x86-64
// CPU that has BMI2 and ADX, the field arithmetic is ffiasm's generated assembly; otherwise it is
// portable C++ (scripts/field-generic.mjs), slower but with no other requirement.
// ZKAGENT_NATIVE_FIELD=generic|asm forces one. The outcome is recorded in build/status.json, which
// the loader and the tests read. Node-API only: one build serves every Node version.
/* global process, console */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { genericFieldSource } from "./field-generic.mjs";

const optional = process.argv.includes("--optional");
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outIndex = process.argv.indexOf("--out");
const buildDir = outIndex > 0 && process.argv[outIndex + 1] ? resolve(process.argv[outIndex + 1]) : join(root, "build");
const statusPath = join(buildDir, "status.json");
const addonPath = join(buildDir, "groth16native.node");
const require = createRequire(join(root, "package.json"));
const cxx = process.env.CXX || "g++";
const label = "@zkagent/prover-native";
const enable =
  "apt-get install -y g++ libgmp-dev nasm, then pnpm --filter @zkagent/prover-native build; until then the agent proves with snarkjs";

const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function writeStatus(status) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(statusPath, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
}

/** Not buildable here (a missing tool or library): the agent falls back to snarkjs. */
function unavailable(missing) {
  rmSync(addonPath, { force: true }); // an earlier build must not outlive what it needed
  writeStatus({ built: false, depsPresent: false, reason: `${missing} missing` });
  const line = `${label}: native prover not built (${missing} missing: ${enable})`;
  console.log(line);
  process.exit(optional ? 0 : 1);
}

/** The tools were there but the build failed: a real error, recorded for the tests to report. */
function failed(detail) {
  writeStatus({ built: false, depsPresent: true, reason: `build failed: ${detail.split("\n")[0]}` });
  console.log(`${label}: native prover build FAILED (${detail.split("\n")[0]}); see ${join(buildDir, "build.log")}`);
  process.exit(optional ? 0 : 1);
}

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...options });
}

function has(cmd, args) {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

function cpuHasBmi2Adx() {
  try {
    const flags =
      readFileSync("/proc/cpuinfo", "utf8")
        .match(/^flags\s*:(.*)$/m)?.[1]
        .split(/\s+/) ?? [];
    return flags.includes("bmi2") && flags.includes("adx");
  } catch {
    return false;
  }
}

if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) {
  unavailable(`a Linux x86-64 or arm64 machine (this is ${process.platform}-${process.arch})`);
}
if (!has(cxx, ["--version"])) unavailable(`a C++ compiler (${cxx})`);

// GMP and OpenMP: compile and link a two-line program.
const probeDir = join(tmpdir(), `zkagent-native-probe-${process.pid}`);
mkdirSync(probeDir, { recursive: true });
writeFileSync(
  join(probeDir, "probe.cpp"),
  "#include <gmp.h>\nint main() { mpz_t x; mpz_init(x); mpz_clear(x); return 0; }\n",
);
const gmpOk = has(cxx, ["-fopenmp", join(probeDir, "probe.cpp"), "-o", join(probeDir, "probe"), "-lgmp"]);
rmSync(probeDir, { recursive: true, force: true });
if (!gmpOk) unavailable("libgmp-dev (GMP headers) or OpenMP");

const forced = process.env.ZKAGENT_NATIVE_FIELD;
if (forced && forced !== "asm" && forced !== "generic") {
  console.log(`${label}: ZKAGENT_NATIVE_FIELD must be "asm" or "generic", not ${JSON.stringify(forced)}`);
  process.exit(1);
}
const asmPossible = process.arch === "x64" && cpuHasBmi2Adx() && has("nasm", ["-v"]);
if (forced === "asm" && !asmPossible) unavailable("nasm or a CPU with BMI2 and ADX (ZKAGENT_NATIVE_FIELD=asm)");
const field = forced ?? (asmPossible ? "asm" : "generic");

const ffiasm = dirname(require.resolve("ffiasm/package.json"));
const addonApi = require("node-addon-api").include_dir;
const napiHeaders = require("node-api-headers").include_dir;
const nativeDir = join(root, "native");
const sources = readdirSync(nativeDir)
  .filter((f) => /\.(cpp|hpp)$/.test(f))
  .sort();

// Skip the build when nothing that goes into it changed.
const stamp = createHash("sha256")
  .update(field)
  .update(run(cxx, ["--version"]))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(readFileSync(join(root, "scripts/field-generic.mjs")))
  .update(readFileSync(join(ffiasm, "package.json")));
for (const f of sources) stamp.update(f).update(readFileSync(join(nativeDir, f)));
const digest = stamp.digest("hex");
if (existsSync(addonPath) && existsSync(statusPath)) {
  try {
    const previous = JSON.parse(readFileSync(statusPath, "utf8"));
    if (previous.built && previous.stamp === digest) {
      console.log(`${label}: native prover up to date (${field} field)`);
      process.exit(0);
    }
  } catch {
    // rebuild
  }
}

const started = Date.now();
const genDir = join(buildDir, "gen");
const objDir = join(buildDir, "obj");
// only what this script writes: --out may name a directory with other things in it
for (const dir of [genDir, objDir]) rmSync(dir, { recursive: true, force: true });
rmSync(addonPath, { force: true });
mkdirSync(genDir, { recursive: true });
mkdirSync(objDir, { recursive: true });
const logPath = join(buildDir, "build.log");
let log = "";

try {
  // ffiasm generates <name>.hpp, <name>.cpp (and the assembly) for each prime.
  const buildField = join(ffiasm, "src/buildzqfield.js");
  for (const [name, prime] of [
    ["Fq", BN254_Q],
    ["Fr", BN254_R],
  ]) {
    log += run(process.execPath, [buildField, "-q", prime.toString(), "-n", name], { cwd: genDir });
    if (field === "generic") {
      writeFileSync(join(genDir, `${name.toLowerCase()}_generic.cpp`), genericFieldSource(name, prime));
    } else {
      // position-independent: RIP-relative data, the C error hook through the PLT
      const asm = readFileSync(join(genDir, `${name.toLowerCase()}.asm`), "utf8").replace(
        new RegExp(`call {4}${name}_fail$`, "gm"),
        `call    ${name}_fail wrt ..plt`,
      );
      const pic = join(genDir, `${name.toLowerCase()}_pic.asm`);
      writeFileSync(pic, `DEFAULT REL\n${asm}`);
      log += run("nasm", ["-felf64", pic, "-o", join(objDir, `${name.toLowerCase()}_asm.o`)]);
    }
  }
} catch (error) {
  writeFileSync(logPath, `${log}\n${error.stderr ?? ""}\n${error.message}`);
  failed(`generating the field code: ${error.message}`);
}

const cppFiles = [
  ...sources.filter((f) => f.endsWith(".cpp")).map((f) => join(nativeDir, f)),
  join(genDir, "fq.cpp"),
  join(genDir, "fr.cpp"),
  ...(field === "generic" ? [join(genDir, "fq_generic.cpp"), join(genDir, "fr_generic.cpp")] : []),
  ...["alt_bn128.cpp", "naf.cpp", "misc.cpp", "splitparstr.cpp"].map((f) => join(ffiasm, "c", f)),
];
const cflags = [
  "-O3",
  "-std=c++17",
  "-fPIC",
  "-fopenmp",
  "-fexceptions",
  "-w",
  "-DNAPI_VERSION=8",
  "-DNAPI_CPP_EXCEPTIONS",
  `-DG16_FIELD="${field}"`,
  `-I${napiHeaders}`,
  `-I${addonApi}`,
  `-I${genDir}`,
  `-I${nativeDir}`,
  `-I${join(ffiasm, "c")}`,
];

function compile(file) {
  const obj = join(objDir, `${file.replace(/[/\\]/g, "_")}.o`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cxx, [...cflags, "-c", file, "-o", obj], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => {
      log += output;
      if (code === 0) resolvePromise(obj);
      else reject(new Error(`${cxx} failed on ${file}:\n${output}`));
    });
  });
}

try {
  const queue = [...cppFiles];
  const objects = [];
  const workers = Array.from({ length: Math.max(1, Math.min(availableParallelism(), 4)) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) objects.push(await compile(file));
  });
  await Promise.all(workers);
  const asmObjects = field === "asm" ? [join(objDir, "fq_asm.o"), join(objDir, "fr_asm.o")] : [];
  log += run(cxx, ["-shared", "-fopenmp", "-o", addonPath, ...objects.sort(), ...asmObjects, "-lgmp"]);
} catch (error) {
  writeFileSync(logPath, `${log}\n${error.message}`);
  failed(error.message);
}
writeFileSync(logPath, log);
writeStatus({ built: true, depsPresent: true, field, stamp: digest, seconds: (Date.now() - started) / 1000 });
console.log(`${label}: native prover built (${field} field) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
