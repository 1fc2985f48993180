import { expect } from "chai";
import { network } from "hardhat";

import { auditTrades } from "@zkagent/agent";
import { Action } from "@zkagent/circuits";
import { ModelPolicyVerifier__factory, PolicyVerifier__factory } from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { ZeroAddress, id, keccak256, toUtf8Bytes } from "ethers";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_MODEL_HASH, deployTraderWorld, type TraderWorld } from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;
const ATTESTED = 0;
const PROVEN = 1;
const POLICY_V2 = id("zkagent policy v1, second ceremony");
const VKEY_HASH = keccak256(toUtf8Bytes("{ vkey }"));

async function fixture() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return tw;
}

const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;
const trade = async (tw: TraderWorld, size = 10n ** 17n) => {
  const p = await proveTrade(tw, tw.agent, { action: Action.BUY, size });
  return tw.trader.connect(tw.agent).executeTrade(p.solidityProof, p.publicSignals, await deadline(), 0n);
};

describe("verifier rotation: the set of verifiers a trader accepts, changed only by its owner", function () {
  this.timeout(180_000);
  after(closeSharedProver);

  it("lists the verifiers wired at deployment as the first version of their kind", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const [first] = await tw.trader.verifierVersions(ATTESTED);
    expect(first!.verifier).to.equal(await tw.verifier.getAddress());
    expect(first!.codehash).to.equal(keccak256(await ethers.provider.getCode(await tw.verifier.getAddress())));
    expect(first!.retiredAt).to.equal(0n);
    const [proven] = await tw.trader.verifierVersions(PROVEN);
    expect(proven!.verifier)
      .to.equal(await tw.trader.modelVerifier())
      .and.not.equal(ZeroAddress);
  });

  it("rotates to a new verifier: later proofs are checked by it, and the history names which checked each trade", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const before = await (await trade(tw)).wait();
    // the same key compiled again, deployed at a new address (a redeployment of the generated verifier)
    const next = await new PolicyVerifier__factory(tw.owner).deploy();
    await expect(tw.trader.setVerifier(ATTESTED, await next.getAddress(), POLICY_V2, VKEY_HASH))
      .to.emit(tw.trader, "VerifierRetired")
      .withArgs(ATTESTED, await tw.verifier.getAddress())
      .and.to.emit(tw.trader, "VerifierActivated");
    const after = await (await trade(tw)).wait();
    const [old, current] = await tw.trader.verifierVersions(ATTESTED);
    expect([old!.verifier, current!.verifier, current!.circuitId, current!.vkeyHash]).to.deep.equal([
      await tw.verifier.getAddress(),
      await next.getAddress(),
      POLICY_V2,
      VKEY_HASH,
    ]);
    // an auditor reads the active verifier at each trade's block
    expect(await tw.trader.verifierOf(ATTESTED, { blockTag: before!.blockNumber })).to.equal(
      await tw.verifier.getAddress(),
    );
    expect(await tw.trader.verifierOf(ATTESTED, { blockTag: after!.blockNumber })).to.equal(await next.getAddress());
    // and zkagent audit names it for every trade
    const report = await auditTrades({ provider: ethers.provider, traderAddress: await tw.trader.getAddress() });
    expect(report.trades.map((t) => [t.txHash, t.verifier, t.verified])).to.deep.equal([
      [before!.hash, await tw.verifier.getAddress(), true],
      [after!.hash, await next.getAddress(), true],
    ]);
  });

  it("refuses a proof for a retired verifier with ProofForRetiredVerifier, changing nothing", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    // A new circuit version with its own key (here the proven-model circuit's verifier stands in
    // for it: a policy v1 proof does not verify under its key).
    const other = await new ModelPolicyVerifier__factory(tw.owner).deploy();
    await tw.trader.setVerifier(ATTESTED, await other.getAddress(), POLICY_V2, VKEY_HASH);
    const [retired] = await tw.trader.verifierVersions(ATTESTED);
    const p = await proveTrade(tw, tw.agent, { action: Action.BUY, size: 10n ** 17n });
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(tw.trader.connect(tw.agent).executeTrade(p.solidityProof, p.publicSignals, await deadline(), 0n))
        .to.be.revertedWithCustomError(tw.trader, "ProofForRetiredVerifier")
        .withArgs(await tw.verifier.getAddress(), retired!.retiredAt);
    });
    // a proof no verifier ever accepted is still just invalid
    const tampered = { ...p.solidityProof, a: [p.solidityProof.a[0], p.solidityProof.a[1] + 1n] as [bigint, bigint] };
    await expect(
      tw.trader.connect(tw.agent).executeTrade(tampered, p.publicSignals, await deadline(), 0n),
    ).to.be.revertedWithCustomError(tw.trader, "InvalidProof");
  });

  it("retires a kind altogether, refuses unknown kinds, and leaves rotation to the owner alone", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await expect(tw.trader.retireVerifier(ATTESTED))
      .to.emit(tw.trader, "VerifierRetired")
      .withArgs(ATTESTED, await tw.verifier.getAddress());
    const p = await proveTrade(tw, tw.agent, { action: Action.BUY, size: 10n ** 17n });
    await expect(tw.trader.connect(tw.agent).executeTrade(p.solidityProof, p.publicSignals, await deadline(), 0n))
      .to.be.revertedWithCustomError(tw.trader, "ModelKindNotSupported")
      .withArgs(TEST_MODEL_HASH);
    await expect(tw.trader.retireVerifier(ATTESTED))
      .to.be.revertedWithCustomError(tw.trader, "NoActiveVerifier")
      .withArgs(ATTESTED);
    await expect(tw.trader.setVerifier(2, await tw.verifier.getAddress(), POLICY_V2, VKEY_HASH))
      .to.be.revertedWithCustomError(tw.trader, "UnknownModelKind")
      .withArgs(2);
    await expect(
      tw.trader.connect(tw.stranger).setVerifier(ATTESTED, await tw.verifier.getAddress(), POLICY_V2, VKEY_HASH),
    ).to.be.revertedWithCustomError(tw.trader, "OwnableUnauthorizedAccount");
    await expect(tw.trader.connect(tw.stranger).retireVerifier(PROVEN)).to.be.revertedWithCustomError(
      tw.trader,
      "OwnableUnauthorizedAccount",
    );
  });
});
