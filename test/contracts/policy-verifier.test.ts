import { expect } from "chai";
import { network } from "hardhat";

import { Action, PolicyProver, proofContext, type PolicyProof } from "@zkagent/circuits";
import { PolicyVerifier__factory } from "@zkagent/contracts/typechain";

import { closeSharedProver, sharedProver } from "../helpers/prove-trade.ts";

const { ethers } = await network.create();
const ONE_ETH = 10n ** 18n;

/** A compliant BUY: 29 rounds at 3 000 USD and a last one 2 % lower. */
async function buyProof(prover: PolicyProver): Promise<PolicyProof> {
  const prices = [...Array(29).fill(3_000n * 10n ** 8n), 2_940n * 10n ** 8n];
  return prover.prove({
    prices,
    roundId: 30n,
    maxPosition: 2n * ONE_ETH,
    thresholdBps: 100n,
    position: 0n,
    action: Action.BUY,
    size: ONE_ETH,
    modelHash: 123n,
    context: proofContext({ chainId: 31337n, trader: ethers.ZeroAddress, agent: ethers.ZeroAddress, nonce: 0n }),
  });
}

describe("PolicyVerifier (generated from the committed zkey)", function () {
  this.timeout(120_000);
  after(closeSharedProver);

  async function deployed() {
    const [deployer] = await ethers.getSigners();
    return (await new PolicyVerifier__factory(deployer).deploy()).waitForDeployment();
  }

  it("accepts a valid proof from the prover API", async () => {
    const verifier = await deployed();
    const { solidityProof: p, publicSignals } = await buyProof(await sharedProver());
    expect(await verifier.verifyProof(p.a, p.b, p.c, publicSignals)).to.equal(true);
  });

  it("returns false (it does not revert) when any one public signal changes", async () => {
    const verifier = await deployed();
    const { solidityProof: p, publicSignals } = await buyProof(await sharedProver());
    for (let i = 0; i < publicSignals.length; i++) {
      const changed = [...publicSignals] as typeof publicSignals;
      changed[i] = changed[i]! + 1n;
      expect(await verifier.verifyProof(p.a, p.b, p.c, changed), `signal ${i}`).to.equal(false);
    }
  });

  it("returns false for a proof with its A point swapped for another proof's", async () => {
    const verifier = await deployed();
    const prover = await sharedProver();
    const first = await buyProof(prover);
    const second = await buyProof(prover); // same statement, fresh randomness
    const mixed = { ...first.solidityProof, a: second.solidityProof.a };
    expect(await verifier.verifyProof(mixed.a, mixed.b, mixed.c, first.publicSignals)).to.equal(false);
  });
});
