import { expect } from "chai";
import { poseidon6 } from "poseidon-lite";

import {
  AGGREGATION_CHUNKS,
  AggregationProver,
  AggregationViolationError,
  MAX_SAMPLE_COUNT,
  aggregate,
  aggregationArtifactPaths,
  aggregationCircuitInputOf,
  assertAggregatable,
  chunkParameters,
  clipUpdate,
  deltaNormSquared,
  flattenWeights,
  modelCommitment,
  packWeights,
  roundedWeightedMean,
  unflattenWeights,
  terminateSnarkjs,
  updateCommitment,
  verifyPolicyProof,
  type AggregationChunk,
  type AggregationStatement,
  type ModelUpdate,
  type QuantizedModel,
} from "../src/index.ts";
import { circuitChecker } from "./helpers/witness-check.ts";
import { randomBigInt, seededRandom } from "./helpers/windows.ts";

// the R1CS checks start snarkjs's curve workers; end them so mocha can exit
after(terminateSnarkjs);

const checkers = AGGREGATION_CHUNKS.map((chunk) => circuitChecker(aggregationArtifactPaths(chunk)));
const WEIGHTS = flattenWeights(unflattenWeights(Array.from({ length: 178 }, () => 0n))).length;
const CLIP = 4_000n;

/** A seeded int8 model, weights in [−100, 100]. */
function randomModel(random: () => number): QuantizedModel {
  return unflattenWeights(Array.from({ length: WEIGHTS }, () => randomBigInt(random, -100n, 100n)));
}

/** The base plus a seeded delta in [−spread, spread] per weight (kept an int8), clipped to `clip`. */
function randomUpdate(random: () => number, base: QuantizedModel, spread: bigint, clip = CLIP): QuantizedModel {
  const moved = flattenWeights(base).map((w) => {
    const next = w + randomBigInt(random, -spread, spread);
    return next > 127n ? 127n : next < -128n ? -128n : next;
  });
  return clipUpdate(base, unflattenWeights(moved), clip);
}

/** A seeded round: four updates of a random base with random sample counts (all within the bound). */
function statementOf(seed: number, spread = 12n): AggregationStatement {
  const random = seededRandom(seed);
  const base = randomModel(random);
  const updates: ModelUpdate[] = Array.from({ length: 4 }, (_, i) => ({
    model: randomUpdate(random, base, spread),
    salt: BigInt(seed) * 1_000n + BigInt(i) + 1n,
    sampleCount: randomBigInt(random, 1n, 5_000n),
  }));
  return { base, updates, clipBoundSquared: CLIP };
}

/** The aggregate with parameter k moved by `by`. */
function withParameter(model: QuantizedModel, k: number, by: bigint): QuantizedModel {
  const flat = flattenWeights(model);
  flat[k] = flat[k]! + by;
  return unflattenWeights(flat);
}

/** The chunk proving parameter k. */
const chunkOf = (k: number): AggregationChunk => (k < chunkParameters(1).first ? 0 : 1);

const honest = statementOf(17);

/** Whether the lenient witness for `statement` (with overrides) satisfies chunk `chunk`'s R1CS. */
const satisfies = (
  chunk: AggregationChunk,
  statement: AggregationStatement,
  overrides: Parameters<typeof aggregationCircuitInputOf>[1] = {},
) => checkers[chunk]!.satisfiesR1cs(aggregationCircuitInputOf(statement, overrides).input);

/** A new model claimed with a commitment that matches it: only the FedAvg constraints can refuse it. */
const claiming = (newModel: QuantizedModel) => ({
  newModel,
  publicValues: { newCommitment: modelCommitment(newModel) },
});

describe("federated aggregation v1: the rounding rule and the update format", () => {
  it("rounds the weighted mean to the nearest integer, halves up, on 500 seeded cases", () => {
    const random = seededRandom(1701);
    for (let c = 0; c < 500; c++) {
      const values = Array.from({ length: 4 }, () => randomBigInt(random, -128n, 127n));
      const counts = Array.from({ length: 4 }, () => randomBigInt(random, 1n, MAX_SAMPLE_COUNT));
      const total = counts.reduce((a, b) => a + b, 0n);
      const sum = values.reduce((s, v, i) => s + v * counts[i]!, 0n);
      const mean = roundedWeightedMean(values, counts);
      // mean − 1/2 <= sum/total < mean + 1/2, in integers
      expect(2n * sum >= (2n * mean - 1n) * total, `case ${c}`).to.equal(true);
      expect(2n * sum < (2n * mean + 1n) * total, `case ${c}`).to.equal(true);
      expect(mean >= -128n && mean <= 127n).to.equal(true);
    }
    expect(roundedWeightedMean([1n, 2n], [1n, 1n])).to.equal(2n);
    expect(roundedWeightedMean([-1n, -2n], [1n, 1n])).to.equal(-1n);
  });

  it("commits an update as Poseidon(modelCommitment(update), salt): another salt, another commitment", () => {
    const model = honest.updates[0]!.model;
    expect(updateCommitment(model, 5n)).to.not.equal(updateCommitment(model, 6n));
    expect(updateCommitment(model, 5n)).to.not.equal(modelCommitment(model));
  });

  it("clips an update's delta per chunk to the bound, leaving updates within it untouched", () => {
    const random = seededRandom(3);
    const base = randomModel(random);
    const far = randomUpdate(random, base, 60n, 1n << 23n);
    const clipped = clipUpdate(base, far, CLIP);
    for (const chunk of AGGREGATION_CHUNKS) {
      expect(deltaNormSquared(base, far, chunk) > CLIP).to.equal(true);
      expect(deltaNormSquared(base, clipped, chunk) <= CLIP).to.equal(true);
      expect(deltaNormSquared(base, clipped, chunk) > CLIP / 2n).to.equal(true);
    }
    expect(clipUpdate(base, clipped, CLIP)).to.deep.equal(clipped);
  });

  it("refuses before proving what the circuit would refuse, naming the rule and the update", () => {
    const refusal = (statement: AggregationStatement) => {
      try {
        assertAggregatable(statement);
        return null;
      } catch (error) {
        return error as AggregationViolationError;
      }
    };
    const tooFar = { ...honest, clipBoundSquared: deltaNormSquared(honest.base, honest.updates[2]!.model, 0) - 1n };
    expect(refusal(tooFar)).to.include({ rule: "NORM_BOUND" });
    const zeroCount = { ...honest, updates: honest.updates.map((u, i) => (i === 1 ? { ...u, sampleCount: 0n } : u)) };
    expect(refusal(zeroCount)).to.include({ rule: "SAMPLE_COUNT", update: 1 });
    expect(refusal({ ...honest, updates: honest.updates.slice(1) })).to.include({ rule: "PARTICIPANTS" });
    expect(refusal({ ...honest, clipBoundSquared: 1n << 24n })).to.include({ rule: "CLIP_BOUND" });
    expect(refusal(honest)).to.equal(null);
  });
});

describe("federated aggregation v1: proofs", function () {
  this.timeout(180_000);
  let prover: AggregationProver;
  before(async () => {
    prover = await AggregationProver.load();
  });
  after(async () => {
    await prover.close();
  });

  it("proves an honest round of four updates in two chunks, both verifying, its model registrable as is", async () => {
    const proof = await prover.prove(honest);
    expect(proof.chunks.map((c) => c.chunk)).to.deep.equal([0, 1]);
    expect(proof.publicSignals).to.have.length(11);
    expect(proof.publicValues.newCommitment).to.equal(modelCommitment(proof.model));
    expect(proof.model).to.deep.equal(aggregate(honest.updates));
    expect(
      await prover.verify(
        proof.chunks.map((c) => c.proof),
        proof.publicSignals,
      ),
    ).to.equal(true);
    const ms = proof.chunks.map((c) => Math.round(c.timings.witnessMs + c.timings.proveMs));
    console.log(`      proved with ${prover.backend.description}: chunk 0 ${ms[0]} ms, chunk 1 ${ms[1]} ms`);

    const names = ["baseCommitment", ...[0, 1, 2, 3].map((i) => `updateCommitments[${i}]`)];
    names.push(...[0, 1, 2, 3].map((i) => `sampleCounts[${i}]`), "newCommitment", "clipBoundSquared");
    for (const [index, name] of names.entries()) {
      const changed = proof.publicSignals.map((s, i) => (i === index ? s + 1n : s));
      for (const chunk of proof.chunks) {
        const key = prover.verificationKeys[chunk.chunk];
        expect(await verifyPolicyProof(key, chunk.proof, changed), `${name}, chunk ${chunk.chunk}`).to.equal(false);
      }
    }
    // each chunk's proof is for its own verifier: swapped, neither verifies
    expect(await prover.verify([proof.chunks[1]!.proof, proof.chunks[0]!.proof], proof.publicSignals)).to.equal(false);
  });
});

describe("federated aggregation v1: every rule is a constraint", function () {
  this.timeout(180_000);

  it("accepts the honest witness in both chunks (the check is live)", async () => {
    for (const chunk of AGGREGATION_CHUNKS) expect(await satisfies(chunk, honest)).to.equal(true);
  });

  it("refuses an update that does not open its commitment (another salt, other weights)", async () => {
    const commitments = honest.updates.map((u) => updateCommitment(u.model, u.salt));
    const otherSalt = [...commitments];
    otherSalt[1] = updateCommitment(honest.updates[1]!.model, honest.updates[1]!.salt + 1n);
    expect(await satisfies(0, honest, { publicValues: { updateCommitments: otherSalt } })).to.equal(false);
    const otherWeights = [...commitments];
    otherWeights[3] = updateCommitment(withParameter(honest.updates[3]!.model, 150, 1n), honest.updates[3]!.salt);
    expect(await satisfies(1, honest, { publicValues: { updateCommitments: otherWeights } })).to.equal(false);
  });

  it("refuses an update past the norm bound, in either chunk, and accepts one exactly at it", async () => {
    for (const chunk of AGGREGATION_CHUNKS) {
      const norms = honest.updates.map((u) => deltaNormSquared(honest.base, u.model, chunk));
      const largest = norms.reduce((a, b) => (a > b ? a : b));
      expect(await satisfies(chunk, { ...honest, clipBoundSquared: largest - 1n }), `chunk ${chunk}`).to.equal(false);
      expect(await satisfies(chunk, { ...honest, clipBoundSquared: largest })).to.equal(true);
    }
  });

  it("refuses a new weight off by one, even under a commitment that matches it", async () => {
    const honestModel = aggregate(honest.updates);
    for (const [k, by] of [
      [0, 1n],
      [92, -1n],
      [93, -1n],
      [177, 1n],
    ] as const) {
      expect(
        await satisfies(chunkOf(k), honest, claiming(withParameter(honestModel, k, by))),
        `parameter ${k}`,
      ).to.equal(false);
    }
  });

  it("refuses another rounding rule (the floor of the weighted mean)", async () => {
    const counts = honest.updates.map((u) => u.sampleCount);
    const total = counts.reduce((a, b) => a + b, 0n);
    const weights = honest.updates.map((u) => flattenWeights(u.model));
    const floored = weights[0]!.map((_, k) => {
      const sum = weights.reduce((s, w, i) => s + w[k]! * counts[i]!, 0n);
      return (sum + 256n * total) / total - 256n;
    });
    const differs = floored.map((w, k) => w !== flattenWeights(aggregate(honest.updates))[k]);
    const floorModel = unflattenWeights(floored);
    for (const chunk of AGGREGATION_CHUNKS) {
      const { first, end } = chunkParameters(chunk);
      expect(differs.slice(first, end).some(Boolean), `the seeded case rounds up somewhere in chunk ${chunk}`).to.equal(
        true,
      );
      expect(await satisfies(chunk, honest, claiming(floorModel))).to.equal(false);
    }
  });

  it("refuses an aggregate that drops, duplicates or reweights an update", async () => {
    const [a, b, c, d] = honest.updates as [ModelUpdate, ModelUpdate, ModelUpdate, ModelUpdate];
    const dropped = aggregate([a, b, c]);
    const duplicated = aggregate([a, b, c, c]);
    const reweighted = aggregate([a, b, c, { ...d, sampleCount: d.sampleCount * 3n }]);
    for (const model of [dropped, duplicated, reweighted]) {
      expect(await satisfies(0, honest, claiming(model))).to.equal(false);
    }
  });

  it("refuses a new commitment that does not match the new weights, or is in another format", async () => {
    const honestModel = aggregate(honest.updates);
    const other = modelCommitment(withParameter(honestModel, 40, 1n));
    expect(await satisfies(1, honest, { publicValues: { newCommitment: other } })).to.equal(false);
    // the weights' limbs hashed without the architecture id
    const noArchitecture = poseidon6(packWeights(honestModel));
    expect(await satisfies(0, honest, { publicValues: { newCommitment: noArchitecture } })).to.equal(false);
  });

  it("refuses a sample count of 0 or above 2^16, and a base that does not open its commitment", async () => {
    for (const count of [0n, MAX_SAMPLE_COUNT + 1n]) {
      const statement = {
        ...honest,
        updates: honest.updates.map((u, i) => (i === 2 ? { ...u, sampleCount: count } : u)),
      };
      expect(await satisfies(0, statement), `count ${count}`).to.equal(false);
    }
    const baseCommitment = modelCommitment(withParameter(honest.base, 7, 1n));
    expect(await satisfies(0, honest, { publicValues: { baseCommitment } })).to.equal(false);
  });
});

describe("federated aggregation v1: the TypeScript twin agrees with the circuit", function () {
  this.timeout(120_000);

  it("on 24 seeded rounds: the circuit accepts exactly the twin's aggregate, and not it with one weight moved", async () => {
    for (let seed = 100; seed < 124; seed++) {
      const statement = statementOf(seed, BigInt(2 + (seed % 20)));
      const model = aggregate(statement.updates);
      const random = seededRandom(seed);
      const k = Math.floor(random() * WEIGHTS);
      for (const chunk of AGGREGATION_CHUNKS) {
        const input = aggregationCircuitInputOf(statement).input;
        expect(await checkers[chunk]!.witnessExists(input), `seed ${seed}, chunk ${chunk}`).to.equal(true);
      }
      const by = random() < 0.5 ? -1n : 1n;
      const next = flattenWeights(model)[k]! + by;
      if (next < -128n || next > 127n) continue;
      const moved = withParameter(model, k, by);
      const input = aggregationCircuitInputOf(statement, claiming(moved)).input;
      expect(await checkers[chunkOf(k)]!.witnessExists(input), `seed ${seed}, parameter ${k}`).to.equal(false);
    }
  });
});
