/**
 * A participant's local training: the proven model's own training code (its example builder and
 * labels, its float model and Adam steps: runSgd) started from the round's base instead of seeded
 * initial weights, then rounded to int8 and clipped to the round's bound (clipUpdate), as the
 * federated demo's operators train. Nothing proves that a participant ran this: the aggregation
 * proof covers what it committed, not how it was made.
 */
import { clipUpdate, MODEL_WINDOW, seededRandom, type QuantizedModel } from "@zkagent/circuits";

import { readPriceHistory } from "../backtest/price-history.ts";
import { buildExamples, type Example } from "../model/proven/examples.ts";
import { generatePricePath, pathSeed, REGIMES, type Regime } from "../model/proven/price-paths.ts";
import { parametersOf, quantizeModel } from "../model/proven/quantize.ts";
import { lossScales, runSgd, type SgdSchedule } from "../model/proven/train-model.ts";
import { DEFAULT_TRAINING_CONFIG } from "../model/proven/training-config.ts";
import { FederatedRoundError } from "./federated-errors.ts";

/** The demo's local schedule: one epoch at a small rate (longer pulls a trained base off the other regimes). */
export const DEFAULT_LOCAL_SCHEDULE: SgdSchedule = { epochs: 1, batchSize: 64, learningRate: 0.03 };

/** An operator's training examples and where they came from. */
export interface LocalData {
  description: string;
  examples: Example[];
}

/**
 * Examples from a price file the backtest importer reads (CSV or JSON, 8-decimal closes), labelled
 * as the shipped model's training labels them: one window per round with `horizon` rounds after it.
 */
export function examplesFromPrices(file: string): LocalData {
  const config = DEFAULT_TRAINING_CONFIG;
  const history = readPriceHistory(file, MODEL_WINDOW + config.data.horizon);
  const prices = history.points.map((p) => p.price);
  // the regime only names generated paths; a file's own seed (0) fixes its advice series and positions
  const examples = buildExamples([{ regime: "mean-reverting", seed: 0, prices }], config);
  return { description: `prices ${history.file} (${prices.length} rounds)`, examples };
}

/** Examples from the proven model's seeded path generator: `paths` paths of `regime` from `seed`. */
export function examplesFromGenerator(seed: number, regime: string, paths: number): LocalData {
  if (!(REGIMES as readonly string[]).includes(regime)) {
    throw new FederatedRoundError(`--regime ${regime}: not a generator regime; one of ${REGIMES.join(", ")}`);
  }
  const config = DEFAULT_TRAINING_CONFIG;
  const generated = Array.from({ length: paths }, (_, i) =>
    generatePricePath(regime as Regime, pathSeed(seed, i), config.data.pathLength),
  );
  return {
    description: `generated: ${paths} ${regime} paths of ${config.data.pathLength} rounds from seed ${seed}`,
    examples: buildExamples(generated, config),
  };
}

/** Trains from `base` on `examples`, rounds to int8 and clips the delta to `clipBoundSquared` per chunk. */
export function trainUpdate(
  base: QuantizedModel,
  examples: readonly Example[],
  clipBoundSquared: bigint,
  schedule: SgdSchedule,
  orderSeed: number,
): { model: QuantizedModel; clipped: boolean } {
  if (examples.length === 0) throw new FederatedRoundError("no training windows: the data is too short");
  const params = parametersOf(base);
  runSgd(params, examples, lossScales(DEFAULT_TRAINING_CONFIG), seededRandom(orderSeed), schedule);
  const trained = quantizeModel(params);
  const model = clipUpdate(base, trained, clipBoundSquared);
  const same = (a: QuantizedModel, b: QuantizedModel) =>
    JSON.stringify(a, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ===
    JSON.stringify(b, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return { model, clipped: !same(model, trained) };
}
