import { readFileSync } from "node:fs";

import { PolicyProver, terminateSnarkjs, verifyPolicyProof, type PolicyProof } from "@zkagent/circuits";
import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { withVerifierCurve } from "../src/audit/verifier-curve.ts";

type Curve = { terminate(): Promise<void>; tm: { concurrency: number } };
const cache = globalThis as { curve_bn128?: Curve | null };
const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]);

describe("the auditor's verifier curve", () => {
  let proof: PolicyProof;
  let vkey: unknown;

  before(async () => {
    // Any backend: a snarkjs prover's worker curve is ended before each test.
    const prover = await PolicyProver.load();
    const base = 3_000n * 10n ** 8n;
    proof = await prover.proveUnchecked({
      prices: Array.from({ length: 30 }, (_, i) => base + BigInt(i % 3) * 10n ** 8n),
      roundId: 100n,
      maxPosition: 2n * 10n ** 18n,
      thresholdBps: 100n,
      position: 0n,
      action: 0,
      size: 0n,
      modelHash: 1n,
      context: 5n,
    });
    vkey = prover.verificationKey;
    await prover.close();
  });

  beforeEach(terminateSnarkjs);
  after(terminateSnarkjs);

  it("verifies on a single-threaded curve, starts no worker thread, and takes the curve back afterwards", async () => {
    const before = threads();
    const seen = await withVerifierCurve(async () => {
      const ok = await verifyPolicyProof(vkey, proof.proof, proof.publicSignals);
      return { ok, concurrency: cache.curve_bn128?.tm.concurrency, threads: threads() };
    });
    expect(seen.ok).to.equal(true);
    expect(seen.concurrency).to.equal(1);
    expect(seen.threads).to.equal(before);
    expect(cache.curve_bn128 ?? null).to.equal(null);
  });

  it("still refuses a proof of other public signals", async () => {
    const tampered = [...proof.publicSignals];
    tampered[0] = tampered[0]! + 1n;
    expect(await withVerifierCurve(() => verifyPolicyProof(vkey, proof.proof, tampered))).to.equal(false);
  });

  it("shares a curve already alive in the process (a snarkjs prover's) and leaves it in place", async () => {
    const workers = (await snarkjs.curves.getCurveFromName("bn128")) as Curve;
    expect(cache.curve_bn128).to.equal(workers);
    const used = await withVerifierCurve(async () => {
      expect(await verifyPolicyProof(vkey, proof.proof, proof.publicSignals)).to.equal(true);
      return cache.curve_bn128;
    });
    expect(used).to.equal(workers);
    expect(cache.curve_bn128).to.equal(workers);
  });

  it("lends its curve to overlapping audits until the last one ends", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withVerifierCurve(async () => {
      await held;
      return verifyPolicyProof(vkey, proof.proof, proof.publicSignals);
    });
    const second = await withVerifierCurve(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10)); // let the first one reach its wait
      return cache.curve_bn128?.tm.concurrency;
    });
    expect(second).to.equal(1);
    expect(cache.curve_bn128?.tm.concurrency).to.equal(1); // the first audit still holds it
    release();
    expect(await first).to.equal(true);
    expect(cache.curve_bn128 ?? null).to.equal(null);
  });
});
