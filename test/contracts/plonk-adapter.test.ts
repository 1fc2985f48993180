import { expect } from "chai";
import { network } from "hardhat";

import { Action, PolicyProver, SNARK_SCALAR_FIELD, WINDOW_SIZE, type PolicyProof } from "@zkagent/circuits";
import {
  DecentralizedTrader__factory,
  PlonkPolicyVerifier__factory,
  PlonkVerifierAdapter__factory,
  type PlonkVerifierAdapter,
} from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { AbiCoder, id, keccak256, parseEther, parseUnits, toUtf8Bytes } from "ethers";

import { closeSharedProver, proveTrade, type TradeProof } from "../helpers/prove-trade.ts";
import {
  PRICE_3000,
  TEST_LIMITS,
  TEST_POLICY,
  deployTraderWorld,
  wiringOf,
  type TraderWorld,
} from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;
const ATTESTED = 0;
const PLONK_POLICY = id("zkagent policy v1, PLONK");
const SIZE = 10n ** 17n;

type Signals = [bigint, bigint, bigint, bigint, bigint];
const signalsHash = (signals: readonly bigint[]) =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[5]"], [signals]));

/** The shared world, a window below the band, and a PLONK adapter (not yet the trader's verifier). */
async function fixture() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  const plonkVerifier = await new PlonkPolicyVerifier__factory(tw.owner).deploy();
  const adapter = await new PlonkVerifierAdapter__factory(tw.owner).deploy(await plonkVerifier.getAddress());
  return { ...tw, plonkVerifier, adapter };
}

/**
 * `fixture` with the adapter as the trader's attested-model verifier (through VerifierSet, as a
 * rotation). A step on the same snapshot, not a fixture of its own: a second fixture would be
 * deployed after the first, at other addresses, and the proofs bind the trader's address.
 */
async function plonkFixture() {
  const f = await networkHelpers.loadFixture(fixture);
  const vkeyHash = keccak256(toUtf8Bytes("plonk policy vkey"));
  await f.trader.setVerifier(ATTESTED, await f.adapter.getAddress(), PLONK_POLICY, vkeyHash);
  return f;
}

const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;
const asSignals = (p: PolicyProof) => [...p.publicSignals] as Signals;

describe("PLONK through the PlonkVerifierAdapter: the trader unchanged, Groth16-shaped", function () {
  this.timeout(600_000);
  let plonkProver: PolicyProver;
  // The fixture is a snapshot: the same window, trader address and nonce every time, so one
  // statement (BUY 0.1 WETH, the agent's nonce 0) is proven once per proof system.
  let groth16: TradeProof;
  let plonk: PolicyProof;

  before(async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    groth16 = await proveTrade(tw, tw.agent, { action: Action.BUY, size: SIZE });
    plonkProver = await PolicyProver.load({}, WINDOW_SIZE, { proofSystem: "plonk" });
    plonk = await plonkProver.prove(groth16.request);
  });
  after(async () => {
    await plonkProver?.close();
    await closeSharedProver();
  });

  it("proves the same statement with both systems: the same public signals, each proof verifying off-chain under its own key only", async () => {
    expect(plonk.publicSignals).to.deep.equal(groth16.publicSignals);
    expect(plonk.plonk!.proof).to.have.length(24);
    expect(await plonkProver.verify(plonk.proof, plonk.publicSignals)).to.equal(true);
    expect(await plonkProver.verify(groth16.proof, groth16.publicSignals)).to.equal(false);
  });

  it("executes the Groth16 proof against the trader with its generated verifier", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await expect(
      tw.trader.connect(tw.agent).executeTrade(groth16.solidityProof, groth16.publicSignals, await deadline(), 0n),
    ).to.emit(tw.trader, "TradeExecuted");
    expect(await tw.trader.positionOf(tw.agent.address)).to.equal(SIZE);
  });

  it("executes the PLONK proof of the same statement: submitted to the adapter, then the trade", async () => {
    const f = await plonkFixture();
    const signals = asSignals(plonk);
    await expect(f.adapter.connect(f.agent).submit(plonk.plonk!.proof, signals))
      .to.emit(f.adapter, "PlonkProofVerified")
      .withArgs(signalsHash(signals), f.agent.address, signals);
    expect(await f.adapter.isVerified(signals)).to.equal(true);
    await expect(f.trader.connect(f.agent).executeTrade(plonk.solidityProof, signals, await deadline(), 0n)).to.emit(
      f.trader,
      "TradeExecuted",
    );
    expect(await f.trader.positionOf(f.agent.address)).to.equal(SIZE);
    // the trader's history names the adapter, whose code pins the PLONK verifier
    const [, current] = await f.trader.verifierVersions(ATTESTED);
    expect(current!.verifier).to.equal(await f.adapter.getAddress());
    expect(current!.codehash).to.equal(keccak256(await ethers.provider.getCode(await f.adapter.getAddress())));
    expect(await f.adapter.plonkVerifier()).to.equal(await f.plonkVerifier.getAddress());
    expect(await f.adapter.plonkVerifierCodehash()).to.equal(
      keccak256(await ethers.provider.getCode(await f.plonkVerifier.getAddress())),
    );
  });

  it("refuses a tampered PLONK proof with InvalidPlonkProof, recording nothing and changing nothing", async () => {
    const f = await plonkFixture();
    const signals = asSignals(plonk);
    for (const word of [0, 18, 23]) {
      const tampered = [...plonk.plonk!.proof];
      tampered[word] = (tampered[word]! + 1n) % SNARK_SCALAR_FIELD;
      await expectUnchanged(f, f.agent.address, async () => {
        await expect(f.adapter.connect(f.agent).submit(tampered, signals))
          .to.be.revertedWithCustomError(f.adapter, "InvalidPlonkProof")
          .withArgs(signalsHash(signals));
      });
    }
    // a valid proof of other signals does not verify these
    const other = [...signals] as Signals;
    other[1] = signals[1]! + 1n;
    await expect(f.adapter.submit(plonk.plonk!.proof, other))
      .to.be.revertedWithCustomError(f.adapter, "InvalidPlonkProof")
      .withArgs(signalsHash(other));
    expect(await f.adapter.isVerified(signals)).to.equal(false);
  });

  it("reverts InvalidProof for a trade whose signals were not PLONK-verified; a valid Groth16 proof of them is named as the retired verifier's", async () => {
    const f = await plonkFixture();
    const [retired] = await f.trader.verifierVersions(ATTESTED);
    await expectUnchanged(f, f.agent.address, async () => {
      await expect(
        f.trader.connect(f.agent).executeTrade(plonk.solidityProof, asSignals(plonk), await deadline(), 0n),
      ).to.be.revertedWithCustomError(f.trader, "InvalidProof");
      // the adapter ignores a/b/c: the Groth16 proof does not pass it, and VerifierSet says why
      await expect(
        f.trader.connect(f.agent).executeTrade(groth16.solidityProof, groth16.publicSignals, await deadline(), 0n),
      )
        .to.be.revertedWithCustomError(f.trader, "ProofForRetiredVerifier")
        .withArgs(await f.verifier.getAddress(), retired!.retiredAt);
    });
    expect(await f.adapter.isVerified(asSignals(plonk))).to.equal(false);
  });

  it("refuses public signals at or above the field modulus (the PLONK verifier reduces them)", async () => {
    const f = await plonkFixture();
    const lifted = asSignals(plonk);
    lifted[4] = lifted[4]! + SNARK_SCALAR_FIELD;
    await expect(f.adapter.submit(plonk.plonk!.proof, lifted))
      .to.be.revertedWithCustomError(f.adapter, "PublicSignalNotInField")
      .withArgs(4, lifted[4]);
  });

  it("lets anyone submit the agent's proof first (a front-run): the agent's own submit still succeeds, and only the agent can trade it", async () => {
    const f = await plonkFixture();
    const signals = asSignals(plonk);
    await expect(f.adapter.connect(f.stranger).submit(plonk.plonk!.proof, signals)).to.emit(
      f.adapter,
      "PlonkProofVerified",
    );
    // idempotent: no revert, no second event (and no second verification's gas)
    await expect(f.adapter.connect(f.agent).submit(plonk.plonk!.proof, signals)).not.to.emit(
      f.adapter,
      "PlonkProofVerified",
    );
    await expect(f.trader.connect(f.stranger).executeTrade(plonk.solidityProof, signals, await deadline(), 0n))
      .to.be.revertedWithCustomError(f.trader, "AgentNotAuthorized")
      .withArgs(f.stranger.address);
    await expect(
      f.trader.connect(f.otherAgent).executeTrade(plonk.solidityProof, signals, await deadline(), 0n),
    ).to.be.revertedWithCustomError(f.trader, "ContextMismatch");
    await expect(f.trader.connect(f.agent).executeTrade(plonk.solidityProof, signals, await deadline(), 0n)).to.emit(
      f.trader,
      "TradeExecuted",
    );
    // single use: the trader spent the nonce the signals are bound to
    await expect(
      f.trader.connect(f.agent).executeTrade(plonk.solidityProof, signals, await deadline(), 0n),
    ).to.be.revertedWithCustomError(f.trader, "ContextMismatch");
  });

  it("refuses, in another vault sharing the adapter, a statement recorded for this one (ContextMismatch)", async () => {
    const f = await plonkFixture();
    const other = await vaultWith(f, f.adapter);
    const signals = asSignals(plonk);
    await f.adapter.connect(f.agent).submit(plonk.plonk!.proof, signals);
    await expect(
      other.connect(f.agent).executeTrade(plonk.solidityProof, signals, await deadline(), 0n),
    ).to.be.revertedWithCustomError(other, "ContextMismatch");
  });

  it("refuses a PLONK verifier address without code at deployment", async () => {
    const factory = new PlonkVerifierAdapter__factory((await ethers.getSigners())[0]!);
    const nowhere = "0x000000000000000000000000000000000000dEaD";
    await expect(factory.deploy(nowhere))
      .to.be.revertedWithCustomError(factory, "PlonkVerifierHasNoCode")
      .withArgs(nowhere);
  });
});

/** A second vault on the same market whose attested-model verifier is `adapter`, with the agent authorised. */
async function vaultWith(tw: TraderWorld, adapter: PlonkVerifierAdapter) {
  const vault = await new DecentralizedTrader__factory(tw.owner).deploy(
    tw.owner.address,
    await wiringOf(tw, { verifier: await adapter.getAddress() }),
    TEST_POLICY,
    TEST_LIMITS,
  );
  await vault.setAgentAuthorization(tw.agent.address, true);
  await tw.world.weth.deposit({ value: parseEther("1") });
  await tw.world.weth.approve(await vault.getAddress(), parseEther("1"));
  await vault.deposit(await tw.world.weth.getAddress(), parseEther("1"));
  await tw.world.usdc.mint(tw.owner.address, parseUnits("5000", 6));
  await tw.world.usdc.approve(await vault.getAddress(), parseUnits("5000", 6));
  await vault.deposit(await tw.world.usdc.getAddress(), parseUnits("5000", 6));
  return vault;
}
