import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { ENABLE_NATIVE_PROVER, nativeBuildStatus, type NativeProverModule } from "@zkagent/prover-native";

import { circuitInputOf, defaultArtifactPaths, loadCircuit, terminateSnarkjs } from "../src/index.ts";
import { buyRequest } from "./helpers/statements.ts";

const require = createRequire(import.meta.url);
const buildScript = join(dirname(require.resolve("@zkagent/prover-native")), "../scripts/build.mjs");
const littleEndian = (x: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));

/**
 * The portable C++ field (what a machine without nasm, or without BMI2/ADX, builds) is built here
 * into a temporary directory and must prove byte for byte what snarkjs proves with the same r and s.
 */
describe("the native prover's portable C++ field (no nasm, any 64-bit CPU)", function () {
  this.timeout(300_000);
  let dir: string;
  let addon: NativeProverModule;

  before(function () {
    const expected = process.env.ZKAGENT_REQUIRE_NATIVE_PROVER === "1" || nativeBuildStatus()?.depsPresent === true;
    dir = mkdtempSync(join(tmpdir(), "zkagent-generic-field-"));
    const build = spawnSync(process.execPath, [buildScript, "--out", dir], {
      encoding: "utf8",
      env: { ...process.env, ZKAGENT_NATIVE_FIELD: "generic" },
    });
    if (build.status !== 0) {
      const why = build.stdout.trim() || build.stderr.trim();
      if (expected) throw new Error(`the portable field was expected to build here: ${why}`);
      console.log(`      skipped: ${why}; to run these tests: ${ENABLE_NATIVE_PROVER}`);
      this.skip();
    }
    addon = createRequire(import.meta.url)(join(dir, "groth16native.node")) as NativeProverModule;
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await terminateSnarkjs();
  });

  it("is the portable build", () => {
    expect(addon.field).to.equal("generic");
  });

  it("proves byte for byte what snarkjs proves with the same r and s, and refuses a tampered witness", async () => {
    const circuit = await loadCircuit(defaultArtifactPaths, { prover: "snarkjs" });
    const witness = await circuit.witnessCalculator.calculateWTNSBin(circuitInputOf(buyRequest).input, 0);
    const prover = new addon.Prover(circuit.zkey, new Uint8Array(readFileSync(defaultArtifactPaths.r1cs)));
    const [r, s] = [0x1234_5678n, 0x9abc_def0n];
    const rs = new Uint8Array(64);
    rs.set(littleEndian(r), 0);
    rs.set(littleEndian(s), 32);
    const ours = await prover.prove(witness, rs);

    await snarkjs.groth16.prove({ type: "mem", data: circuit.zkey }, { type: "mem", data: witness }); // caches the curve
    const Fr = (globalThis as { curve_bn128?: { Fr: { random(): unknown; e(v: bigint): unknown } } }).curve_bn128!.Fr;
    const random = Fr.random;
    const scalars = [r, s];
    Fr.random = () => Fr.e(scalars.shift()!);
    let reference: unknown;
    try {
      reference = (await snarkjs.groth16.prove({ type: "mem", data: circuit.zkey }, { type: "mem", data: witness }))
        .proof;
    } finally {
      Fr.random = random;
    }
    expect(JSON.stringify(ours.proof)).to.equal(JSON.stringify(reference));

    const tampered = new Uint8Array(witness);
    const last = tampered.length - 32;
    tampered[last] = tampered[last]! ^ 1;
    const error = await prover.prove(tampered).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/does not satisfy constraint \d+ of the circuit/);
  });
});

describe("the native prover's install hook (pnpm install never fails because of it)", () => {
  const withoutCompiler = (args: string[]) => {
    const out = mkdtempSync(join(tmpdir(), "zkagent-no-compiler-"));
    const run = spawnSync(process.execPath, [buildScript, ...args, "--out", out], {
      encoding: "utf8",
      env: { ...process.env, CXX: "/nonexistent/g++" },
    });
    const recorded = JSON.parse(readFileSync(join(out, "status.json"), "utf8")) as { built: boolean; reason: string };
    rmSync(out, { recursive: true, force: true });
    return { code: run.status, stdout: run.stdout, recorded };
  };

  it("prints one line naming what is missing and how to enable it, and exits 0 (--optional)", () => {
    const { code, stdout, recorded } = withoutCompiler(["--optional"]);
    expect(code).to.equal(0);
    expect(stdout.trim().split("\n")).to.have.length(1);
    expect(stdout).to.match(
      /native prover not built \(a C\+\+ compiler \(\/nonexistent\/g\+\+\) missing: apt-get install -y g\+\+ libgmp-dev nasm/,
    );
    expect(stdout).to.match(/the agent proves with snarkjs/);
    expect(recorded).to.include({ built: false });
  });

  it("fails, saying the same, when the build is asked for explicitly", () => {
    const { code, stdout } = withoutCompiler([]);
    expect(code).to.equal(1);
    expect(stdout).to.match(/a C\+\+ compiler .* missing/);
  });
});
