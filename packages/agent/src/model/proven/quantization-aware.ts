import { DIRECTION_MARGIN, seededRandom } from "@zkagent/circuits";

import type { Example } from "./examples.ts";
import { accumulateGradient, forward, meanLoss, PARAMETER_COUNT, type LossScales } from "./float-model.ts";
import { roundParameters } from "./quantize.ts";
import { refineRounding } from "./refine-rounding.ts";
import { rescaleToRange } from "./rescale.ts";
import { createOptimizerState, sgdStep, shuffledIndices } from "./sgd.ts";
import { lossScales } from "./train-model.ts";
import type { TrainingConfig } from "./training-config.ts";

/**
 * The int8 model of float parameters already in the circuit's units and scales: rounded, then the
 * rounding refined weight by weight (refine-rounding.ts) so that the circuit's arithmetic
 * reproduces the float model's outputs and actions on `examples`.
 */
export function quantizeParameters(
  float: Float64Array,
  examples: readonly { features: readonly number[] }[],
  config: TrainingConfig,
  passes: number,
): { params: Float64Array; passes: number; moves: number } {
  return refineRounding(float, roundParameters(float), examples, config.quantization, passes);
}

/**
 * @notice Quantization-aware fine-tuning: trains the float model further so that it sits where the
 * circuit's int8 weights and floors reproduce it, without leaving its task.
 * @dev Each epoch first quantizes the current float model (rounding and a few refinement passes:
 * quantizeParameters) and computes that int8 model's outputs o^q on every training example with
 * the circuit's arithmetic; then runs one epoch of the same SGD as training on
 *   task loss + λ · (((o₀ − o₀^q)/τ₀)² + ((o₁ − o₁^q)/τ₁)²),
 * where o are the float model's outputs (float arithmetic, no floors) and o^q are held fixed
 * (no gradient flows through the rounding). The float model is pulled towards functions the
 * int8 grid can express, and the task loss keeps it on the labels; the learning rate decays
 * linearly to 0. Deterministic: a seeded example order, float64 in a fixed order.
 */
export function fineTuneForQuantization(
  start: Float64Array,
  examples: readonly Example[],
  config: TrainingConfig,
  orderSeed: number,
): { params: Float64Array; lossByEpoch: number[] } {
  const scales = lossScales(config);
  const { fineTuning } = config.quantization;
  const consistency: LossScales = {
    direction: fineTuning.consistencyTolerance.direction,
    size: fineTuning.consistencyTolerance.size,
    sizeWeight: 1,
  };

  const params = Float64Array.from(start);
  const order = seededRandom(orderSeed);
  const state = createOptimizerState(PARAMETER_COUNT);
  const gradient = new Float64Array(PARAMETER_COUNT);
  const { epochs, learningRate } = fineTuning;
  const { batchSize } = config.training;
  const lossByEpoch: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const { params: fixed } = quantizeParameters(params, examples, config, fineTuning.refinementPasses);
    const targets = examples.map(({ features }) => [...forward(fixed, features, true).outputs] as [number, number]);
    const rate = (learningRate * (epochs - epoch)) / epochs;
    const indices = shuffledIndices(examples.length, order);
    for (let first = 0; first < indices.length; first += batchSize) {
      const batch = indices.slice(first, first + batchSize);
      gradient.fill(0);
      for (const index of batch) {
        const { features, targets: labels } = examples[index]!;
        accumulateGradient(params, features, labels, scales, gradient, 1 / batch.length);
        accumulateGradient(params, features, targets[index]!, consistency, gradient, fineTuning.weight / batch.length);
      }
      sgdStep(params, gradient, state, rate);
    }
    lossByEpoch.push(meanLoss(params, examples, scales));
  }
  return { params, lossByEpoch };
}

/** One fine-tuning run: its example-order seed and how its float and int8 models agree on the validation set. */
export interface FineTuningRun {
  seed: number;
  validationModelActionAgreement: number;
}

/** What the quantization did, for the report. */
export interface QuantizationSteps {
  /** Every fine-tuning run, and the one shipped (its index). */
  fineTuningRuns: FineTuningRun[];
  chosenRun: number;
  /** The chosen run's training loss after each epoch. */
  fineTuningLossByEpoch: number[];
  /** Weights the final rounding refinement moved by one step, and its passes. */
  refinementMoves: number;
  refinementPasses: number;
}

const MARGIN = Number(DIRECTION_MARGIN);
const actionOf = (o: number) => (o > MARGIN ? 1 : o < -MARGIN ? 2 : 0);

/** The share of `examples` on which the float model (float arithmetic) and the int8 one (the circuit's) take the same action. */
export function modelActionAgreement(
  float: Float64Array,
  fixed: Float64Array,
  examples: readonly { features: readonly number[] }[],
): number {
  let same = 0;
  for (const { features } of examples) {
    if (actionOf(forward(float, features).outputs[0]) === actionOf(forward(fixed, features, true).outputs[0])) same++;
  }
  return same / examples.length;
}

/**
 * From the trained float model to the shipped one and its int8 weights: each hidden unit rescaled
 * to use the int8 and activation ranges (function-preserving: rescale.ts); then `runs`
 * quantization-aware fine-tunings (seeds fineTuning, fineTuning + 1, …: the example order is all
 * that differs), each followed by the final rounding and its refinement on the training examples;
 * the run whose float and int8 models agree best on the validation examples (paths of their own
 * seed, neither training nor held-out) is kept, the first on a tie. `float` is the model the
 * report compares with the circuit; `params` its int8 weights.
 */
export function quantizeTrained(
  trained: Float64Array,
  examples: readonly Example[],
  validation: readonly Example[],
  config: TrainingConfig,
): { float: Float64Array; params: Float64Array; steps: QuantizationSteps } {
  const rescaled = rescaleToRange(trained, examples, config.quantization.rangeHeadroom);
  const { fineTuning, refinementPasses } = config.quantization;
  const runs: FineTuningRun[] = [];
  let best: { float: Float64Array; params: Float64Array; lossByEpoch: number[]; passes: number; moves: number } | null =
    null;
  let chosenRun = 0;
  let bestAgreement = -1;
  for (let run = 0; run < fineTuning.runs; run++) {
    const seed = (config.seeds.fineTuning + run) >>> 0;
    const { params: float, lossByEpoch } = fineTuneForQuantization(rescaled, examples, config, seed);
    const { params, passes, moves } = quantizeParameters(float, examples, config, refinementPasses);
    const agreement = modelActionAgreement(float, params, validation);
    runs.push({ seed, validationModelActionAgreement: Math.round(agreement * 1_000_000) / 1_000_000 });
    if (agreement > bestAgreement) {
      best = { float, params, lossByEpoch, passes, moves };
      bestAgreement = agreement;
      chosenRun = run;
    }
  }
  const chosen = best!;
  return {
    float: chosen.float,
    params: chosen.params,
    steps: {
      fineTuningRuns: runs,
      chosenRun,
      fineTuningLossByEpoch: chosen.lossByEpoch,
      refinementMoves: chosen.moves,
      refinementPasses: chosen.passes,
    },
  };
}
