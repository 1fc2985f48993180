import { expect } from "chai";
import { network } from "hardhat";

import { Action, SignalProver } from "@zkagent/circuits";

import { deployMultiMarketWorld } from "../helpers/hub-markets.ts";
import { readWindow } from "../helpers/market.ts";
import { TEST_MODEL_HASH, TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

/** The multi-market world with the real generated verifiers for K = 1 and K = 4. */
async function fixture() {
  const mw = await deployMultiMarketWorld(ethers, networkHelpers);
  for (const k of [1, 4]) {
    const verifier = await (await ethers.getContractFactory(`SignalVerifier${k}`)).deploy();
    await mw.hub.setVerifier(BigInt(k), await verifier.getAddress());
  }
  return mw;
}

describe("SignalHub with the generated verifiers: real proofs in, tampered ones out", function () {
  this.timeout(240_000);

  for (const k of [1, 4] as const) {
    it(`verifies a real ${k}-market proof, and refuses it with one proof coordinate or one size changed`, async () => {
      const mw = await networkHelpers.loadFixture(fixture);
      const prover = await SignalProver.load(k);
      const markets = [];
      for (const market of mw.markets.slice(0, k)) {
        const { prices, roundId } = await readWindow(market.feed);
        markets.push({ prices, roundId, action: Action.BUY, sizeBps: 3_000n });
      }
      const proof = await prover.prove({
        markets,
        thresholdBps: TEST_POLICY.thresholdBps,
        modelHash: TEST_MODEL_HASH,
        context: await mw.hub.expectedContext(mw.agent.address),
      });
      await prover.close();
      const ids = mw.markets.slice(0, k).map((m) => m.id);
      const hub = mw.hub.connect(mw.agent);

      const bent = { ...proof.solidityProof, c: [proof.solidityProof.c[0], proof.solidityProof.c[1] + 1n] };
      await expect(
        hub.publishSignal(ids, bent as typeof proof.solidityProof, proof.publicSignals),
      ).to.be.revertedWithCustomError(mw.hub, "InvalidProof");
      // a bigger size than was proven (the packed market signal's size bits)
      const larger = [...proof.publicSignals];
      larger[k] = larger[k]! + (1n << 144n);
      await expect(hub.publishSignal(ids, proof.solidityProof, larger)).to.be.revertedWithCustomError(
        mw.hub,
        "InvalidProof",
      );
      expect(await mw.hub.nonceOf(mw.agent.address)).to.equal(0n);

      await expect(hub.publishSignal(ids, proof.solidityProof, proof.publicSignals)).to.emit(mw.hub, "SignalVerified");
      expect(await mw.hub.nonceOf(mw.agent.address)).to.equal(1n);
    });
  }
});
