import { expect } from "chai";

import type { NativeProverAvailability } from "@zkagent/prover-native";

import {
  NativeProverUnavailableError,
  PolicyProver,
  createProverBackend,
  defaultArtifactPaths,
  resolveProverChoice,
} from "../src/index.ts";
import { buyRequest } from "./helpers/statements.ts";

const missing = (): NativeProverAvailability => ({
  available: false,
  reason: "the native prover is not built (libgmp-dev (GMP headers) or OpenMP missing)",
  status: { built: false, depsPresent: false, reason: "libgmp-dev (GMP headers) or OpenMP missing" },
});
const present = (): NativeProverAvailability => ({
  available: true,
  field: "asm",
  module: { field: "asm", Prover: class {} as never },
});

describe("prover backend choice (snarkjs, native, auto)", function () {
  this.timeout(120_000);

  it('"auto" is the native prover when it is built and usable', () => {
    expect(resolveProverChoice("auto", present)).to.deep.equal({
      backend: "native",
      why: "auto: the native prover is built, asm field",
    });
  });

  it('"auto" falls back to snarkjs where the native prover is missing, and says why', () => {
    const { backend, why } = resolveProverChoice("auto", missing);
    expect(backend).to.equal("snarkjs");
    expect(why).to.match(/libgmp-dev/);
  });

  it('"snarkjs" is snarkjs whatever the machine has', () => {
    expect(resolveProverChoice("snarkjs", present).backend).to.equal("snarkjs");
  });

  it('"native" where it is missing is a typed error saying what is missing and how to enable it', async () => {
    expect(() => resolveProverChoice("native", missing)).to.throw(NativeProverUnavailableError);
    const error = await createProverBackend("native", new Uint8Array(), defaultArtifactPaths.r1cs, missing).then(
      () => null,
      (e: unknown) => e as NativeProverUnavailableError,
    );
    expect(error).to.be.instanceOf(NativeProverUnavailableError);
    expect(error!.message).to.match(/prover "native" was requested but is unavailable: .*libgmp-dev/);
    expect(error!.message).to.match(/apt-get install -y g\+\+ libgmp-dev nasm/);
    expect(error!.message).to.match(/set prover to "auto"/);
  });

  it("proves through the configured backend (snarkjs here) and the proof verifies", async () => {
    const prover = await PolicyProver.load({}, undefined, { prover: "snarkjs" });
    try {
      expect(prover.backend.name).to.equal("snarkjs");
      const { proof, publicSignals } = await prover.prove(buyRequest);
      expect(await prover.verify(proof, publicSignals)).to.equal(true);
    } finally {
      await prover.close();
    }
  });
});
