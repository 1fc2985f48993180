/**
 * The demo's four simulated operators: each holds private price paths of its own regime (the
 * proven model's seeded generator) and trains locally from the round's base with the proven
 * model's own SGD (runSgd, started from the base's weights instead of the shipped training's
 * seeded initial ones), then rounds to int8 and clips its delta to the round's bound before
 * committing.
 */
import { clipUpdate, seededRandom, type QuantizedModel } from "@zkagent/circuits";

import { buildExamples, type Example } from "../../packages/agent/src/model/proven/examples.ts";
import { generatePricePath, pathSeed, type Regime } from "../../packages/agent/src/model/proven/price-paths.ts";
import { parametersOf, quantizeModel } from "../../packages/agent/src/model/proven/quantize.ts";
import { lossScales, runSgd, type SgdSchedule } from "../../packages/agent/src/model/proven/train-model.ts";
import { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from "../../packages/agent/src/model/proven/training-config.ts";

/** One operator: a name, the regimes of its private market, how many paths of each it holds. */
export interface OperatorSpec {
  name: string;
  regimes: readonly Regime[];
  pathsPerRegime: number;
  /** Seeds its private paths (never shared: only the update's commitment and sample count are). */
  seed: number;
}

/** Four operators with different private price regimes and data sizes (so FedAvg's weights differ). */
export const DEMO_OPERATORS: readonly OperatorSpec[] = [
  { name: "reverter", regimes: ["mean-reverting"], pathsPerRegime: 8, seed: 17_001 },
  { name: "trender", regimes: ["trending-up", "trending-down"], pathsPerRegime: 6, seed: 17_002 },
  { name: "volatile", regimes: ["volatile"], pathsPerRegime: 6, seed: 17_003 },
  { name: "gapped", regimes: ["gapped"], pathsPerRegime: 10, seed: 17_004 },
];

/** Local training's knobs: short, for a shared 2-core machine. */
export type LocalTraining = SgdSchedule;

/**
 * One epoch at a small rate: the shipped model is already trained (and fine-tuned for its int8
 * rounding) on all regimes, and a one-regime operator that trains longer or faster pulls it away
 * from the other regimes; measured with this demo's held-out set, 2 epochs or a rate of 0.04 lower
 * every round's aggregate below the base.
 */
export const DEMO_LOCAL_TRAINING: LocalTraining = { epochs: 1, batchSize: 64, learningRate: 0.03 };

/**
 * The operator's private examples in federated round `round` (its market's latest paths: new each
 * round), built by the training code's example builder with the shipped config's labels.
 */
export function operatorExamples(
  spec: OperatorSpec,
  round: number,
  config: TrainingConfig = DEFAULT_TRAINING_CONFIG,
): Example[] {
  const seed = (spec.seed + 1_000 * round) >>> 0;
  const paths = spec.regimes.flatMap((regime, r) =>
    Array.from({ length: spec.pathsPerRegime }, (_, i) =>
      generatePricePath(regime, pathSeed(seed, r * spec.pathsPerRegime + i), config.data.pathLength),
    ),
  );
  return buildExamples(paths, config);
}

/**
 * Trains from `base` on `examples` (Adam, linear decay, weights kept in [-128, 127]), rounds to
 * int8 and clips the delta to `clipBoundSquared` per chunk (clipUpdate): the update to commit.
 */
export function trainLocally(
  base: QuantizedModel,
  examples: readonly Example[],
  orderSeed: number,
  clipBoundSquared: bigint,
  training: LocalTraining = DEMO_LOCAL_TRAINING,
  config: TrainingConfig = DEFAULT_TRAINING_CONFIG,
): { model: QuantizedModel; clipped: boolean } {
  const params = parametersOf(base);
  runSgd(params, examples, lossScales(config), seededRandom(orderSeed), training);
  const trained = quantizeModel(params);
  const model = clipUpdate(base, trained, clipBoundSquared);
  return { model, clipped: JSON.stringify(model, big) !== JSON.stringify(trained, big) };
}

const big = (_: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
