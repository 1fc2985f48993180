import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import {
  Action,
  ModelProver,
  PolicyProver,
  WitnessRejectedError,
  circuitInputOf,
  defaultArtifactPaths,
  loadCircuit,
  modelArtifactPaths,
  modelCircuitInputOf,
  nativeBackend,
  proofContext,
  toSolidityProof,
  verifyPolicyProof,
  type ArtifactPaths,
  type Groth16Proof,
  type LoadedCircuit,
  type ModelProofRequest,
  type ProofRequest,
} from "@zkagent/circuits";
import { ModelPolicyVerifier__factory, PolicyVerifier__factory } from "@zkagent/contracts/typechain";
import * as snarkjs from "snarkjs";

import { meanReversionModel } from "../helpers/models.ts";
import { requireNativeProver } from "../helpers/native-prover.ts";

const { ethers } = await network.create();
const ONE_ETH = 10n ** 18n;
const prices = [...Array(29).fill(3_000n * 10n ** 8n), 2_940n * 10n ** 8n];
const context = proofContext({ chainId: 31337n, trader: ethers.ZeroAddress, agent: ethers.ZeroAddress, nonce: 0n });
const policyRequest: ProofRequest = {
  prices,
  roundId: 30n,
  maxPosition: 2n * ONE_ETH,
  thresholdBps: 100n,
  position: 0n,
  action: Action.BUY,
  size: ONE_ETH,
  modelHash: 123n,
  context,
};
const modelRequest: ModelProofRequest = {
  prices,
  roundId: 30n,
  maxPosition: 2n * ONE_ETH,
  thresholdBps: 100n,
  position: 0n,
  advice: 0n,
  model: meanReversionModel(),
  context,
};

const littleEndian = (x: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));

/** snarkjs's proof with its two random scalars fixed (it draws r, then s, from its cached curve). */
async function snarkjsProofWith(zkey: Uint8Array, witness: Uint8Array, r: bigint, s: bigint): Promise<Groth16Proof> {
  await snarkjs.groth16.prove({ type: "mem", data: zkey }, { type: "mem", data: witness }); // caches the curve
  const Fr = (globalThis as { curve_bn128?: { Fr: { random(): unknown; e(v: bigint): unknown } } }).curve_bn128!.Fr;
  const random = Fr.random;
  const scalars = [r, s];
  Fr.random = () => Fr.e(scalars.shift()!);
  try {
    return (await snarkjs.groth16.prove({ type: "mem", data: zkey }, { type: "mem", data: witness })).proof;
  } finally {
    Fr.random = random;
  }
}

const natives = new Map<ArtifactPaths, Promise<{ circuit: LoadedCircuit; native: ReturnType<typeof nativeBackend> }>>();

/** The circuit's witness for `input`, its zkey and a native prover that checks witnesses against the r1cs (one per circuit). */
async function witnessAndNative(paths: ArtifactPaths, input: Record<string, bigint | bigint[]>) {
  if (!natives.has(paths)) {
    natives.set(
      paths,
      loadCircuit(paths, { prover: "snarkjs" }).then((circuit) => ({
        circuit,
        native: nativeBackend(circuit.zkey, new Uint8Array(readFileSync(paths.r1cs))),
      })),
    );
  }
  const { circuit, native } = await natives.get(paths)!;
  return { circuit, native, witness: await circuit.witnessCalculator.calculateWTNSBin(input, 0) };
}

describe("Prover backends: snarkjs (the reference) and the native prover", function () {
  this.timeout(300_000);
  let snarkjsPolicy: PolicyProver;
  let nativePolicy: PolicyProver;

  before(async function () {
    requireNativeProver(this);
    snarkjsPolicy = await PolicyProver.load({}, undefined, { prover: "snarkjs" });
    nativePolicy = await PolicyProver.load({}, undefined, { prover: "native" });
  });
  after(async () => {
    await snarkjsPolicy?.close();
    await nativePolicy?.close();
  });

  it("proves the same policy statement with both; the generated PolicyVerifier on-chain and snarkjs accept both", async () => {
    const [deployer] = await ethers.getSigners();
    const verifier = await new PolicyVerifier__factory(deployer).deploy();
    await verifier.waitForDeployment();
    expect(snarkjsPolicy.backend.name).to.equal("snarkjs");
    expect(nativePolicy.backend.name).to.equal("native");
    for (const prover of [snarkjsPolicy, nativePolicy]) {
      const { proof, solidityProof: p, publicSignals } = await prover.prove(policyRequest);
      expect(await verifier.verifyProof(p.a, p.b, p.c, publicSignals), prover.backend.name).to.equal(true);
      expect(await prover.verify(proof, publicSignals), prover.backend.name).to.equal(true);
    }
  });

  it("proves the same proven-model statement with both; the generated ModelPolicyVerifier on-chain and snarkjs accept both", async () => {
    const [deployer] = await ethers.getSigners();
    const verifier = await new ModelPolicyVerifier__factory(deployer).deploy();
    await verifier.waitForDeployment();
    for (const prover of [
      await ModelProver.load({}, { prover: "snarkjs" }),
      await ModelProver.load({}, { prover: "native" }),
    ]) {
      const { proof, solidityProof: p, publicSignals, decision } = await prover.prove(modelRequest);
      expect(decision.action).to.equal(Action.BUY);
      expect(await verifier.verifyProof(p.a, p.b, p.c, publicSignals), prover.backend.name).to.equal(true);
      expect(await prover.verify(proof, publicSignals), prover.backend.name).to.equal(true);
      await prover.close();
    }
  });

  for (const [name, paths, input] of [
    ["policy", defaultArtifactPaths, () => circuitInputOf(policyRequest).input],
    ["proven-model", modelArtifactPaths, () => modelCircuitInputOf(modelRequest).input],
  ] as const) {
    it(`gives byte-identical ${name} proofs to snarkjs's for the same r and s`, async () => {
      const { circuit, witness, native } = await witnessAndNative(paths, input());
      const [r, s] = [0x1234_5678_9abcn, 0xfeed_beef_cafen];
      const rs = new Uint8Array(64);
      rs.set(littleEndian(r), 0);
      rs.set(littleEndian(s), 32);
      const ours = await native.native.prove(witness, rs);
      const reference = await snarkjsProofWith(circuit.zkey, witness, r, s);
      expect(JSON.stringify(ours.proof)).to.equal(JSON.stringify(reference));
    });
  }

  it("refuses a tampered witness (native), naming the constraint; snarkjs proves it and no verifier accepts that proof", async () => {
    const { circuit, witness, native } = await witnessAndNative(
      defaultArtifactPaths,
      circuitInputOf(policyRequest).input,
    );
    const tampered = new Uint8Array(witness);
    const last = tampered.length - 32; // the last witness value, a private intermediate signal
    tampered[last] = tampered[last]! ^ 1;
    const error = await native.prove(tampered).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WitnessRejectedError);
    expect((error as Error).message).to.match(/does not satisfy constraint \d+ of the circuit/);

    const forged = await snarkjs.groth16.prove({ type: "mem", data: circuit.zkey }, { type: "mem", data: tampered });
    const publicSignals = circuitInputOf(policyRequest).publicSignals;
    expect(await verifyPolicyProof(circuit.verificationKey, forged.proof, publicSignals)).to.equal(false);
    const [deployer] = await ethers.getSigners();
    const verifier = await new PolicyVerifier__factory(deployer).deploy();
    const p = toSolidityProof(forged.proof);
    expect(await verifier.verifyProof(p.a, p.b, p.c, publicSignals)).to.equal(false);
  });

  it("refuses a witness of another circuit, and one whose first value is not 1", async () => {
    const policy = await witnessAndNative(defaultArtifactPaths, circuitInputOf(policyRequest).input);
    const model = await witnessAndNative(modelArtifactPaths, modelCircuitInputOf(modelRequest).input);
    const refusal = (witness: Uint8Array) =>
      policy.native.prove(witness).then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(await refusal(model.witness))
      .to.be.instanceOf(WitnessRejectedError)
      .with.property("message")
      .match(/witness length/);
    const notOne = new Uint8Array(policy.witness);
    const values = new DataView(notOne.buffer).getUint32(60, true); // the wtns header's witness count
    notOne[notOne.length - 32 * values] = 2;
    expect((await refusal(notOne))?.message).to.match(/witness value 0 must be 1/);
  });
});
