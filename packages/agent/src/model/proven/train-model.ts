import { seededRandom } from "@zkagent/circuits";

import type { Example } from "./examples.ts";
import { accumulateGradient, B1_AT, B2_AT, meanLoss, PARAMETER_COUNT, W2_AT, type LossScales } from "./float-model.ts";
import { createOptimizerState, sgdStep, shuffledIndices } from "./sgd.ts";
import type { TrainingConfig } from "./training-config.ts";

/** The loss scales of a config: the direction target, and 16 × 100 % for the size. */
export function lossScales(config: TrainingConfig): LossScales {
  return { direction: config.targets.direction, size: 1600, sizeWeight: config.targets.sizeWeight };
}

/**
 * Seeded initial weights, in int8 units: slopes W1 ∈ ±4 (±¼ per feature unit), offsets b1 ∈ [4, 20]
 * so that every hidden unit starts active, W2 ∈ ±2, b2 = 0.
 */
export function initialParameters(seed: number): Float64Array {
  const random = seededRandom(seed);
  const params = new Float64Array(PARAMETER_COUNT);
  for (let i = 0; i < PARAMETER_COUNT; i++) {
    const u = 2 * random() - 1;
    params[i] = i < B1_AT ? 4 * u : i < W2_AT ? 12 + 8 * u : i < B2_AT ? 2 * u : 0;
  }
  return params;
}

/** How long and how fast mini-batch SGD runs. */
export interface SgdSchedule {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/**
 * Mini-batch SGD (Adam steps, float64) on `params` in place: the example order of every epoch
 * comes from `order`, the learning rate decays linearly to 0, and every weight stays in
 * [-128, 127]; `afterEpoch` runs after each epoch. The shipped training starts it from seeded
 * initial weights, a federated operator from its round's base.
 */
export function runSgd(
  params: Float64Array,
  examples: readonly Example[],
  scales: LossScales,
  order: () => number,
  { epochs, batchSize, learningRate }: SgdSchedule,
  afterEpoch: () => void = () => {},
): void {
  const state = createOptimizerState(PARAMETER_COUNT);
  const gradient = new Float64Array(PARAMETER_COUNT);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = (learningRate * (epochs - epoch)) / epochs;
    const indices = shuffledIndices(examples.length, order);
    for (let start = 0; start < indices.length; start += batchSize) {
      const batch = indices.slice(start, start + batchSize);
      gradient.fill(0);
      for (const index of batch) {
        const { features, targets } = examples[index]!;
        accumulateGradient(params, features, targets, scales, gradient, 1 / batch.length);
      }
      sgdStep(params, gradient, state, rate);
    }
    afterEpoch();
  }
}

/**
 * Trains the float model from its seeded initial weights (runSgd with the config's schedule and
 * order seed). Returns the float parameters and the training loss after each epoch.
 */
export function trainFloatModel(
  examples: readonly Example[],
  config: TrainingConfig,
): { params: Float64Array; lossByEpoch: number[] } {
  const scales = lossScales(config);
  const params = initialParameters(config.seeds.init);
  const lossByEpoch: number[] = [];
  runSgd(params, examples, scales, seededRandom(config.seeds.order), config.training, () =>
    lossByEpoch.push(meanLoss(params, examples, scales)),
  );
  return { params, lossByEpoch };
}
