import { expect } from "chai";

import {
  Action,
  FEATURE_CLIP,
  MODEL_FEATURES,
  MODEL_HIDDEN,
  WEIGHT_COUNT,
  evaluateModel,
  floorDiv,
  modelArtifactPaths,
  modelCircuitInputOf,
  modelCommitment,
  packMarketAndTrade,
  packPolicyAndPosition,
  packWeights,
  seededRandom,
  unflattenWeights,
  type ModelProofRequest,
  type QuantizedModel,
} from "../src/index.ts";
import { circuitChecker } from "./helpers/witness-check.ts";

const checker = circuitChecker(modelArtifactPaths);
const PRICE = 3_000n * 10n ** 8n;
const CAP = 2n * 10n ** 18n;

function randomModel(random: () => number): QuantizedModel {
  return unflattenWeights(Array.from({ length: WEIGHT_COUNT }, () => BigInt(Math.floor(random() * 256) - 128)));
}

/** A seeded case: a random model over a random walk of random volatility, position and advice. */
function randomRequest(random: () => number): ModelProofRequest {
  const volatility = random() * (random() < 0.2 ? 0.2 : 0.03);
  let p = PRICE;
  const prices: bigint[] = [];
  for (let i = 0; i < 30; i++) {
    p += BigInt(Math.floor((random() - 0.5) * volatility * Number(p)));
    if (p <= 0n) p = 1n;
    prices.push(p);
  }
  return {
    prices,
    roundId: 1_000n,
    maxPosition: CAP,
    thresholdBps: BigInt(Math.floor(random() * 300)),
    position: random() < 0.1 ? 0n : BigInt(Math.floor(random() * 2.4e18)),
    advice: BigInt(Math.floor(random() * 201) - 100),
    model: randomModel(random),
    context: 42n,
  };
}

/** The circuit input with the public trade replaced by another one. */
function withTrade(request: ModelProofRequest, action: Action, size: bigint) {
  const { input, publicValues } = modelCircuitInputOf(request);
  return {
    ...input,
    marketAndTrade: packMarketAndTrade(publicValues.roundId, publicValues.latestPrice, action, size),
  };
}

describe("the proven model: the circuit computes exactly what evaluateModel computes", function () {
  this.timeout(300_000);
  const random = seededRandom(2026);
  const cases = Array.from({ length: 500 }, () => randomRequest(random));

  it("accepts the twin's trade and refuses every other on 500 seeded cases (features, hidden units, outputs equal)", async () => {
    const seen = { [Action.HOLD]: 0, [Action.BUY]: 0, [Action.SELL]: 0 };
    for (const [n, request] of cases.entries()) {
      const decision = evaluateModel(request.model, request);
      seen[decision.action]++;
      const { input } = modelCircuitInputOf(request);
      expect(await checker.witnessExists(input), `case ${n}: the twin's trade`).to.equal(true);
      if (n % 10 === 0) {
        // (the adviser's feature and the outputs are linear, so the compiler keeps no slot for them;
        // the size quotient ⌊o1 / 16⌋ stands for the outputs)
        const signals = [
          ...Array.from({ length: MODEL_FEATURES - 1 }, (_, i) => `main.features[${i}]`),
          ...Array.from({ length: MODEL_HIDDEN }, (_, j) => `main.hidden[${j}]`),
          "main.sizePercent.rescale.q",
        ];
        expect(await checker.witnessValues(input, signals), `case ${n}: intermediate values`).to.deep.equal([
          ...decision.features.slice(0, MODEL_FEATURES - 1),
          ...decision.hidden,
          floorDiv(decision.outputs[1], 16n),
        ]);
      }
      // Any other trade: one unit more or less, or another action.
      const others: [Action, bigint][] =
        decision.action === Action.HOLD
          ? [
              [Action.BUY, 1n],
              [Action.SELL, 1n],
            ]
          : [
              [decision.action, decision.size + 1n],
              [decision.action, decision.size - 1n],
              [Action.HOLD, 0n],
              [decision.action === Action.BUY ? Action.SELL : Action.BUY, decision.size],
            ];
      for (const [action, size] of others) {
        expect(await checker.witnessExists(withTrade(request, action, size)), `case ${n}: ${action} ${size}`).to.equal(
          false,
        );
      }
    }
    // the cases exercise every outcome
    expect(seen[Action.BUY]).to.be.greaterThan(20);
    expect(seen[Action.SELL]).to.be.greaterThan(20);
    expect(seen[Action.HOLD]).to.be.greaterThan(100);
  });

  it("clips extreme features at ±127 exactly as the twin (a 50 % crash, a 3× spike, a position past the cap)", async () => {
    const random = seededRandom(9);
    for (const [latest, position] of [
      [PRICE / 2n, 0n],
      [PRICE * 3n, CAP * 3n],
      [PRICE, CAP],
    ] as const) {
      const request: ModelProofRequest = {
        ...randomRequest(random),
        prices: [...Array(29).fill(PRICE), latest],
        position,
      };
      const decision = evaluateModel(request.model, request);
      expect(decision.features.every((f) => f >= -FEATURE_CLIP && f <= FEATURE_CLIP)).to.equal(true);
      expect(await checker.witnessExists(modelCircuitInputOf(request).input)).to.equal(true);
    }
  });
});

describe("the proven model: the weights are the committed ones, and every hint is pinned", function () {
  this.timeout(300_000);
  const random = seededRandom(77);
  // a case where the model trades, so the trade depends on the weights
  let request = randomRequest(random);
  while (evaluateModel(request.model, request).action === Action.HOLD) request = randomRequest(random);

  it("refuses weights other than the committed ones: one weight changed by one, in a valid witness", async () => {
    const { input } = modelCircuitInputOf(request);
    for (const index of [0, 77, 150, WEIGHT_COUNT - 1]) {
      const flat = [...request.model.w1.flat(), ...request.model.b1, ...request.model.w2.flat(), ...request.model.b2];
      flat[index] = flat[index]! === 127n ? 126n : flat[index]! + 1n;
      const changed = { ...input, weightLimbs: packWeights(unflattenWeights(flat)) };
      expect(await checker.satisfiesR1cs(changed), `weight ${index}`).to.equal(false);
    }
    expect(await checker.satisfiesR1cs(input)).to.equal(true);
  });

  it("refuses a model commitment of another architecture or format", async () => {
    const { input } = modelCircuitInputOf(request);
    expect(await checker.satisfiesR1cs({ ...input, modelHash: modelCommitment(request.model) + 1n })).to.equal(false);
  });

  it("refuses an adviser's bias outside [-100, 100]", async () => {
    const { input, publicValues } = modelCircuitInputOf(request);
    for (const advice of [-101n, 101n]) {
      const packed =
        packPolicyAndPosition(publicValues.maxPosition, publicValues.thresholdBps, publicValues.position) |
        ((advice + 128n) << 208n);
      expect(await checker.satisfiesR1cs({ ...input, policyAndPosition: packed }), `advice ${advice}`).to.equal(false);
    }
  });

  for (const [hint, signal] of [
    ["a relative feature's quotient", "main.relative[0].q"],
    ["a relative feature's remainder", "main.relative[2].r"],
    ["the volatility feature's quotient", "main.volatility.q"],
    ["the position feature's remainder", "main.positionShare.r"],
    ["a hidden unit's rescaled quotient", "main.activation[5].rescale.q"],
    ["the size percent's quotient", "main.sizePercent.rescale.q"],
    ["the model's size", "main.modelSize"],
    ["the cap's inverse (non-zero)", "main.capNonZero.inverse"],
    ["IsZero's inverse of the size", "main.sizeIsZero.inv"],
  ] as const) {
    it(`pins ${hint}: any other value fails the R1CS`, async () => {
      const { input } = modelCircuitInputOf(request);
      expect(await checker.tamperedSatisfiesR1cs(input, signal, (v) => v)).to.equal(true);
      expect(await checker.tamperedSatisfiesR1cs(input, signal, (v) => v + 1n)).to.equal(false);
      expect(await checker.tamperedSatisfiesR1cs(input, signal, (v) => v - 1n)).to.equal(false);
    });
  }
});
