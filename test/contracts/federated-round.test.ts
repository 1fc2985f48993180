import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { network } from "hardhat";

import {
  AggregationProver,
  ModelProver,
  aggregate,
  clipUpdate,
  flattenWeights,
  modelCommitment,
  unflattenWeights,
  updateCommitment,
  type AggregationStatement,
  type QuantizedModel,
} from "@zkagent/circuits";
import { FederatedRound__factory, type FederatedRound } from "@zkagent/contracts/typechain";

import { NO_PROOF } from "../helpers/forged-world.ts";
import { readWindow } from "../helpers/market.ts";
import { deployProvenWorld } from "../helpers/models.ts";
import { TEST_POLICY, type TraderWorld } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const CLIP = 4_000n;
const DAY = 86_400n;
/** The fixture round's band of sample counts: no participant's share can pass 400 / (400 + 3·50) = 72.7 %. */
const MIN_COUNT = 50n;
const MAX_COUNT = 400n;

/** The base with parameter k moved by `by` for every k ≡ shift (mod 7), clipped to the bound. */
function updateOf(base: QuantizedModel, shift: number, by: bigint): QuantizedModel {
  const moved = flattenWeights(base).map((w, k) => (k % 7 === shift ? w + by : w));
  return clipUpdate(base, unflattenWeights(moved), CLIP);
}

interface FederatedWorld {
  tw: TraderWorld;
  base: QuantizedModel;
  rounds: FederatedRound;
  participants: Awaited<ReturnType<typeof ethers.getSigners>>;
  statement: AggregationStatement;
  roundId: bigint;
}

/** The proven-model world, a FederatedRound with the real aggregation verifiers, a round open
 * for the registered base with four participants, and their updates committed. */
async function fixture(): Promise<FederatedWorld> {
  const { tw, model: base } = await deployProvenWorld(ethers, networkHelpers);
  const signers = await ethers.getSigners();
  const participants = signers.slice(6, 10);
  const v0 = await (await ethers.getContractFactory("AggregationVerifier0")).deploy();
  const v1 = await (await ethers.getContractFactory("AggregationVerifier1")).deploy();
  const rounds = await new FederatedRound__factory(tw.owner).deploy(
    tw.owner.address,
    await tw.registry.getAddress(),
    await v0.getAddress(),
    await v1.getAddress(),
  );
  const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
  await rounds.openRound(
    modelCommitment(base),
    participants.map((p) => p.address) as [string, string, string, string],
    deadline,
    CLIP,
    MIN_COUNT,
    MAX_COUNT,
  );
  const statement: AggregationStatement = {
    base,
    clipBoundSquared: CLIP,
    updates: participants.map((_, i) => ({
      model: updateOf(base, i, BigInt(3 + i)),
      salt: 1_000n + BigInt(i),
      sampleCount: BigInt(100 * (i + 1)),
    })),
  };
  for (const [i, p] of participants.entries()) {
    const u = statement.updates[i]!;
    await rounds.connect(p).submitUpdate(0n, updateCommitment(u.model, u.salt), u.sampleCount);
  }
  return { tw, base, rounds, participants, statement, roundId: 0n };
}

/** Round `roundId` as plain JSON: what a refusal must leave exactly as it was. */
async function roundState(rounds: FederatedRound, roundId: bigint): Promise<string> {
  return JSON.stringify(await rounds.round(roundId), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** Opens a new round on the fixture's base for its participants and commits `statement`'s updates; its id. */
async function openAndSubmit(fw: FederatedWorld, statement: AggregationStatement): Promise<bigint> {
  const roundId = await fw.rounds.roundCount();
  const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
  const addresses = fw.participants.map((p) => p.address) as [string, string, string, string];
  await fw.rounds.openRound(modelCommitment(fw.base), addresses, deadline, CLIP, MIN_COUNT, MAX_COUNT);
  for (const [i, p] of fw.participants.entries()) {
    const u = statement.updates[i]!;
    await fw.rounds.connect(p).submitUpdate(roundId, updateCommitment(u.model, u.salt), u.sampleCount);
  }
  return roundId;
}

/** Proves `statement` and finalises round `roundId` with it; the aggregate's commitment and the call. */
async function proveAndFinalize(fw: FederatedWorld, roundId: bigint, statement: AggregationStatement) {
  const prover = await AggregationProver.load();
  const proof = await prover.prove(statement);
  await prover.close();
  const [p0, p1] = proof.chunks;
  const newModel = proof.publicValues.newCommitment;
  return { newModel, finalized: fw.rounds.finalize(roundId, newModel, p0!.solidityProof, p1!.solidityProof) };
}

describe("FederatedRound: a new model version only as the proven aggregate of committed updates", function () {
  this.timeout(300_000);

  it("accepts the proven FedAvg aggregate as a candidate with its lineage, which trades once the governor approves it", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const prover = await AggregationProver.load();
    const proof = await prover.prove(fw.statement);
    await prover.close();
    const [p0, p1] = proof.chunks;
    const newModel = proof.publicValues.newCommitment;
    expect(newModel).to.equal(modelCommitment(proof.model));
    const finalized = fw.rounds
      .connect(fw.tw.stranger)
      .finalize(fw.roundId, newModel, p0!.solidityProof, p1!.solidityProof);
    console.log(`      gas: finalize (two chunk verifications) ${(await (await finalized).wait())!.gasUsed}`);
    await expect(finalized)
      .to.emit(fw.rounds, "FederatedModelProposed")
      .withArgs(fw.roundId, modelCommitment(fw.base), newModel, fw.tw.stranger.address);
    const lineage = await fw.rounds.lineageOf(newModel);
    expect([lineage.roundId, lineage.baseModel]).to.deep.equal([fw.roundId, modelCommitment(fw.base)]);

    // a candidate is not a usable model until the governor (the timelock on a live network) acts
    expect((await fw.tw.registry.approval(newModel))[0]).to.equal(false);
    await fw.tw.registry.registerProven(newModel, "federated round 0 of base M", "2", "federated://0");
    await fw.tw.registry.approve(newModel);

    // and then it decides trades like any proven model: the aggregate's forward pass, proven
    const { prices, roundId } = await readWindow(fw.tw.world.priceFeed);
    const modelProver = await ModelProver.load();
    const trade = await modelProver.prove({
      prices,
      roundId,
      maxPosition: TEST_POLICY.maxPosition,
      thresholdBps: TEST_POLICY.thresholdBps,
      position: 0n,
      advice: 0n,
      model: proof.model,
      context: await fw.tw.trader.expectedContext(fw.tw.agent.address),
    });
    await modelProver.close();
    const deadline = BigInt(await networkHelpers.time.latest()) + 600n;
    // 2 % under the average, the aggregate (like its base) buys
    expect(trade.publicValues.action).to.equal(1);
    expect(trade.publicValues.modelHash).to.equal(newModel);
    await expect(fw.tw.trader.connect(fw.tw.agent).executeTrade(trade.solidityProof, trade.publicSignals, deadline, 0n))
      .to.emit(fw.tw.trader, "TradeExecuted")
      .withArgs(
        fw.tw.agent.address,
        0n,
        newModel,
        1n,
        trade.publicValues.size,
        anyValue,
        anyValue,
        roundId,
        anyValue,
        1n,
      );
  });

  it("refuses an aggregate that is not the proven one, the chunks' proofs swapped, and a second finalisation", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const prover = await AggregationProver.load();
    const proof = await prover.prove(fw.statement);
    await prover.close();
    const [p0, p1] = proof.chunks;
    const newModel = proof.publicValues.newCommitment;
    await expect(fw.rounds.finalize(fw.roundId, newModel + 1n, p0!.solidityProof, p1!.solidityProof))
      .to.be.revertedWithCustomError(fw.rounds, "InvalidAggregationProof")
      .withArgs(0n);
    // the chunks' proofs swapped: each verifier refuses the other's
    await expect(
      fw.rounds.finalize(fw.roundId, newModel, p1!.solidityProof, p0!.solidityProof),
    ).to.be.revertedWithCustomError(fw.rounds, "InvalidAggregationProof");
    await fw.rounds.finalize(fw.roundId, newModel, p0!.solidityProof, p1!.solidityProof);
    await expect(fw.rounds.finalize(fw.roundId, newModel, p0!.solidityProof, p1!.solidityProof))
      .to.be.revertedWithCustomError(fw.rounds, "RoundAlreadyFinalized")
      .withArgs(fw.roundId, newModel);
  });

  it("takes each participant's update once, before the deadline, from participants only, and never the same update twice", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const { rounds, participants, base } = fw;
    const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
    await rounds.openRound(
      modelCommitment(base),
      participants.map((p) => p.address) as [string, string, string, string],
      deadline,
      CLIP,
      MIN_COUNT,
      MAX_COUNT,
    );
    await expect(rounds.connect(fw.tw.stranger).submitUpdate(1n, 7n, 100n))
      .to.be.revertedWithCustomError(rounds, "NotAParticipant")
      .withArgs(1n, fw.tw.stranger.address);
    await rounds.connect(participants[0]!).submitUpdate(1n, 7n, 100n);
    const submitted = await roundState(rounds, 1n);
    await expect(rounds.connect(participants[0]!).submitUpdate(1n, 8n, 100n))
      .to.be.revertedWithCustomError(rounds, "AlreadySubmitted")
      .withArgs(1n, participants[0]!.address);
    // its own submission replayed is AlreadySubmitted too (not a duplicate commitment)
    await expect(rounds.connect(participants[0]!).submitUpdate(1n, 7n, 100n))
      .to.be.revertedWithCustomError(rounds, "AlreadySubmitted")
      .withArgs(1n, participants[0]!.address);
    await expect(rounds.connect(participants[1]!).submitUpdate(1n, 7n, 100n))
      .to.be.revertedWithCustomError(rounds, "InvalidUpdateCommitment")
      .withArgs(7n);
    // none of the refused submissions changed the round
    expect(await roundState(rounds, 1n)).to.equal(submitted);
    await expect(rounds.finalize(1n, 5n, NO_PROOF, NO_PROOF))
      .to.be.revertedWithCustomError(rounds, "RoundIncomplete")
      .withArgs(1n, 1n);
    await networkHelpers.time.increaseTo(deadline + 1n);
    await expect(rounds.connect(participants[1]!).submitUpdate(1n, 9n, 100n))
      .to.be.revertedWithCustomError(rounds, "RoundClosed")
      .withArgs(1n, deadline);
  });

  it("a participant that withholds its update stalls only its own round: the owner opens the next without it at once, and that one finalises", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const { rounds, participants, base, statement } = fw;
    const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
    const addresses = participants.map((p) => p.address) as [string, string, string, string];
    await rounds.openRound(modelCommitment(base), addresses, deadline, CLIP, MIN_COUNT, MAX_COUNT);
    // participant 3 commits nothing
    for (const [i, p] of participants.slice(0, 3).entries()) {
      const u = statement.updates[i]!;
      await rounds.connect(p).submitUpdate(1n, updateCommitment(u.model, u.salt), u.sampleCount);
    }
    await networkHelpers.time.increaseTo(deadline + 1n);
    await expect(rounds.finalize(1n, 5n, NO_PROOF, NO_PROOF))
      .to.be.revertedWithCustomError(rounds, "RoundIncomplete")
      .withArgs(1n, 3n);

    // The next round, with another operator in the withholder's place, opened while round 1 stays stalled.
    const replacement = (await ethers.getSigners())[10]!;
    const next = [addresses[0], addresses[1], addresses[2], replacement.address] as [string, string, string, string];
    const nextDeadline = BigInt(await networkHelpers.time.latest()) + DAY;
    await rounds.openRound(modelCommitment(base), next, nextDeadline, CLIP, MIN_COUNT, MAX_COUNT);
    for (const [i, p] of [...participants.slice(0, 3), replacement].entries()) {
      const u = statement.updates[i]!;
      await rounds.connect(p).submitUpdate(2n, updateCommitment(u.model, u.salt), u.sampleCount);
    }
    const { finalized } = await proveAndFinalize(fw, 2n, statement);
    await expect(finalized).to.emit(rounds, "FederatedModelProposed");
    await expect(rounds.finalize(1n, 5n, NO_PROOF, NO_PROOF))
      .to.be.revertedWithCustomError(rounds, "RoundIncomplete")
      .withArgs(1n, 3n);
  });

  it("opens rounds only for approved proven bases, by the owner, with sound parameters", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const { rounds, participants, base, tw } = fw;
    const addresses = participants.map((p) => p.address) as [string, string, string, string];
    const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
    await expect(rounds.openRound(12345n, addresses, deadline, CLIP, MIN_COUNT, MAX_COUNT))
      .to.be.revertedWithCustomError(rounds, "BaseNotApprovedProven")
      .withArgs(12345n);
    await expect(
      rounds.connect(tw.stranger).openRound(modelCommitment(base), addresses, deadline, CLIP, MIN_COUNT, MAX_COUNT),
    ).to.be.revertedWithCustomError(rounds, "OwnableUnauthorizedAccount");
    const twice = [addresses[0], addresses[0], addresses[2], addresses[3]] as [string, string, string, string];
    await expect(rounds.openRound(modelCommitment(base), twice, deadline, CLIP, MIN_COUNT, MAX_COUNT))
      .to.be.revertedWithCustomError(rounds, "InvalidRoundParameter")
      .withArgs("participant", 1n);
    await expect(rounds.openRound(modelCommitment(base), addresses, deadline, 1n << 24n, MIN_COUNT, MAX_COUNT))
      .to.be.revertedWithCustomError(rounds, "InvalidRoundParameter")
      .withArgs("clipBoundSquared", 1n << 24n);
    await expect(rounds.openRound(modelCommitment(base), addresses, deadline, CLIP, 0n, MAX_COUNT))
      .to.be.revertedWithCustomError(rounds, "InvalidRoundParameter")
      .withArgs("minSampleCount", 0n);
    await expect(rounds.openRound(modelCommitment(base), addresses, deadline, CLIP, MAX_COUNT + 1n, MAX_COUNT))
      .to.be.revertedWithCustomError(rounds, "InvalidRoundParameter")
      .withArgs("minSampleCount", MAX_COUNT + 1n);
    await expect(rounds.openRound(modelCommitment(base), addresses, deadline, CLIP, 1n, 65_537n))
      .to.be.revertedWithCustomError(rounds, "InvalidRoundParameter")
      .withArgs("maxSampleCount", 65_537n);
  });
  it("keeps a model's first lineage when a later round's aggregate repeats it: the round settles, the lineage does not move", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const base = modelCommitment(fw.base);
    // round 0: the fixture's updates give a new model A, recorded as (round 0, base)
    const first = await proveAndFinalize(fw, fw.roundId, fw.statement);
    await first.finalized;
    const a = first.newModel;
    // round 1: the same updates (the same salts too: commitments are unique within a round only) give A again
    const again = await openAndSubmit(fw, fw.statement);
    const repeat = await proveAndFinalize(fw, again, fw.statement);
    expect(repeat.newModel).to.equal(a);
    await expect(repeat.finalized).to.emit(fw.rounds, "LineageKept").withArgs(again, a, fw.roundId, base);
    expect((await fw.rounds.round(again)).newModel).to.equal(a);
    const lineage = await fw.rounds.lineageOf(a);
    expect([lineage.roundId, lineage.baseModel]).to.deep.equal([fw.roundId, base]);
  });

  it("records no lineage for an aggregate equal to the base (never a model its own base) or already registered", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const base = modelCommitment(fw.base);
    // every participant sends the base back (only the salts differ): the aggregate is the base
    const unchanged: AggregationStatement = {
      ...fw.statement,
      updates: fw.statement.updates.map((u, i) => ({ ...u, model: fw.base, salt: 5_000n + BigInt(i) })),
    };
    const same = await openAndSubmit(fw, unchanged);
    const toBase = await proveAndFinalize(fw, same, unchanged);
    expect(toBase.newModel).to.equal(base);
    await expect(toBase.finalized).to.emit(fw.rounds, "LineageKept").withArgs(same, base, 0n, 0n);
    const lineage = await fw.rounds.lineageOf(base);
    expect([lineage.roundId, lineage.baseModel]).to.deep.equal([0n, 0n]);

    // the governor registered the fixture round's aggregate before anyone finalised it: no lineage either
    const expected = modelCommitment(aggregate(fw.statement.updates));
    await fw.tw.registry.registerProven(expected, "registered directly", "2", "ipfs://elsewhere");
    const registered = await proveAndFinalize(fw, fw.roundId, fw.statement);
    await expect(registered.finalized).to.emit(fw.rounds, "LineageKept").withArgs(fw.roundId, expected, 0n, 0n);
    expect((await fw.rounds.lineageOf(expected)).baseModel).to.equal(0n);
  });

  it("refuses a sample count outside the round's band at submission, changing nothing, so no participant's share passes the cap", async () => {
    const fw = await networkHelpers.loadFixture(fixture);
    const { rounds, participants } = fw;
    const roundId = await rounds.roundCount();
    const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
    const addresses = participants.map((p) => p.address) as [string, string, string, string];
    await rounds.openRound(modelCommitment(fw.base), addresses, deadline, CLIP, MIN_COUNT, MAX_COUNT);
    const before = await roundState(rounds, roundId);
    // a participant claiming 65 536 examples beside three of 50 would take 99.8 % of the average
    for (const count of [MAX_COUNT + 1n, 65_536n, MIN_COUNT - 1n, 0n]) {
      await expect(rounds.connect(participants[0]!).submitUpdate(roundId, 11n, count))
        .to.be.revertedWithCustomError(rounds, "SampleCountOutOfRange")
        .withArgs(roundId, count, MIN_COUNT, MAX_COUNT);
    }
    expect(await roundState(rounds, roundId)).to.equal(before);
    // the band's edges are accepted, and the participant can still submit once
    await rounds.connect(participants[0]!).submitUpdate(roundId, 11n, MAX_COUNT);
    await rounds.connect(participants[1]!).submitUpdate(roundId, 12n, MIN_COUNT);
    const round = await rounds.round(roundId);
    expect([round.minSampleCount, round.maxSampleCount]).to.deep.equal([MIN_COUNT, MAX_COUNT]);
    expect(round.sampleCounts.slice(0, 2)).to.deep.equal([MAX_COUNT, MIN_COUNT]);
  });
});
