import { expect } from "chai";
import { network } from "hardhat";

import { auditTrades } from "@zkagent/agent";
import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";
import {
  Action,
  ModelProver,
  SNARK_SCALAR_FIELD,
  modelCommitment,
  proofContext,
  type ModelProofRequest,
  type QuantizedModel,
} from "@zkagent/circuits";

import { readWindow } from "../helpers/market.ts";
import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { TEST_LIMITS, TEST_POLICY, deployTraderWorld, wiringOf, type TraderWorld } from "../helpers/trader-fixture.ts";
import { deployProvenWorld, meanReversionModel } from "../helpers/models.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();

let prover: Promise<ModelProver> | undefined;
const modelProver = () => (prover ??= ModelProver.load());

const provenWorld = () => deployProvenWorld(ethers, networkHelpers);

async function modelRequest(tw: TraderWorld, model: QuantizedModel, advice = 0n): Promise<ModelProofRequest> {
  const { prices, roundId } = await readWindow(tw.world.priceFeed);
  return {
    prices,
    roundId,
    maxPosition: TEST_POLICY.maxPosition,
    thresholdBps: TEST_POLICY.thresholdBps,
    position: await tw.trader.positionOf(tw.agent.address),
    advice,
    model,
    context: proofContext({
      chainId: (await ethers.provider.getNetwork()).chainId,
      trader: await tw.trader.getAddress(),
      agent: tw.agent.address,
      nonce: await tw.trader.nonceOf(tw.agent.address),
    }),
  };
}

describe("proven models: the proof carries the registered model's forward pass", function () {
  this.timeout(300_000);
  after(async () => {
    if (prover) await (await prover).close();
    await closeSharedProver();
  });

  it("executes the trade the committed model computes, checked by the proven-model verifier, and says so in the event", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const proof = await (await modelProver()).prove(await modelRequest(tw, model, 25n));
    expect(proof.decision.action).to.equal(Action.BUY);
    expect(proof.decision.size).to.equal(TEST_POLICY.maxPosition / 2n); // 50 % of the room
    expect(proof.publicValues.advice).to.equal(25n);
    await expect(tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n))
      .to.emit(tw.trader, "TradeExecuted")
      .withArgs(
        tw.agent.address,
        0n,
        modelCommitment(model),
        1n,
        TEST_POLICY.maxPosition / 2n,
        (v: bigint) => v > 0n,
        TEST_POLICY.maxPosition / 2n,
        proof.publicValues.roundId,
        proof.publicValues.pricesCommitment,
        1n, // proven
      );
    // The auditor checks it against the proven-model circuit's key and says what was proven.
    const report = await auditTrades({ provider: ethers.provider, traderAddress: await tw.trader.getAddress() });
    expect(report.failures).to.equal(0);
    expect(report.trades.map((t) => [t.modelKind, t.verified])).to.deep.equal([["proven", true]]);
  });

  it("cannot register a proven model's commitment as an attested hash (it does not fit one)", async () => {
    const tw = await deployTraderWorld(ethers, networkHelpers);
    const commitment = modelCommitment(meanReversionModel());
    expect(commitment >> 248n, "this model's commitment uses the top bits").to.not.equal(0n);
    await expect(tw.registry.register(commitment, "m", "1", "x"))
      .to.be.revertedWithCustomError(tw.registry, "InvalidModelHash")
      .withArgs(commitment);
  });

  it("refuses a policy-only proof that names a proven model (the proven-model verifier rejects it)", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const attestedProof = await proveTrade(
      tw,
      tw.agent,
      { action: Action.BUY, size: TEST_POLICY.maxPosition / 2n },
      { modelHash: modelCommitment(model) },
    );
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(
        tw.trader
          .connect(tw.agent)
          .executeTrade(attestedProof.solidityProof, attestedProof.publicSignals, 2n ** 64n, 0n),
      ).to.be.revertedWithCustomError(tw.trader, "InvalidProof");
    });
  });

  it("refuses a proof whose public trade differs from the model's (the operator cannot pick the trade)", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const proof = await (await modelProver()).prove(await modelRequest(tw, model));
    const signals = [...proof.publicSignals] as typeof proof.publicSignals;
    signals[1] += 1n << 144n; // one wei more than the model decided
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(
        tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, signals, 2n ** 64n, 0n),
      ).to.be.revertedWithCustomError(tw.trader, "InvalidProof");
    });
  });

  it("refuses a model with other weights (its commitment is not approved)", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const other = { ...model, b2: [0n, 90n] };
    const proof = await (await modelProver()).prove(await modelRequest(tw, other));
    await expect(tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n))
      .to.be.revertedWithCustomError(tw.trader, "ModelNotApproved")
      .withArgs(modelCommitment(other));
  });

  it("refuses a proven model's proof in a vault without a proven-model verifier (ModelKindNotSupported), changing nothing", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorld);
    const attestedOnly = await new DecentralizedTrader__factory(tw.owner).deploy(
      tw.owner.address,
      await wiringOf(tw),
      TEST_POLICY,
      TEST_LIMITS,
    );
    await attestedOnly.setAgentAuthorization(tw.agent.address, true);
    const vault = { ...tw, trader: attestedOnly };
    const proof = await (await modelProver()).prove(await modelRequest(vault, model));
    await expectUnchanged(vault, tw.agent.address, async () => {
      await expect(attestedOnly.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n))
        .to.be.revertedWithCustomError(attestedOnly, "ModelKindNotSupported")
        .withArgs(modelCommitment(model));
    });
  });

  it("registers proven models with their kind, and refuses a commitment outside the field", async () => {
    const tw = await deployTraderWorld(ethers, networkHelpers);
    const commitment = modelCommitment(meanReversionModel());
    await expect(tw.registry.registerProven(commitment, "m", "1", "x"))
      .to.emit(tw.registry, "ModelRegistered")
      .withArgs(commitment, "m", "1", "x", 1n);
    await tw.registry.approve(commitment);
    expect(await tw.registry.approval(commitment)).to.deep.equal([true, 1n]);
    await expect(tw.registry.registerProven(SNARK_SCALAR_FIELD, "m", "1", "x")).to.be.revertedWithCustomError(
      tw.registry,
      "InvalidModelHash",
    );
  });
});
