import { z } from "zod";

/**
 * Everything a training run reads, recorded in the model file: the same config retrains the same
 * bytes. Defaults are the shipped model's (models/decision-model-v1.json).
 */
export const trainingConfigSchema = z
  .object({
    seeds: z
      .object({
        /** Training paths; held-out paths use another seed, so the split is by path, never by window. */
        trainPaths: z.number().int().min(0).max(0xffffffff),
        heldOutPaths: z.number().int().min(0).max(0xffffffff),
        /** Initial weights. */
        init: z.number().int().min(0).max(0xffffffff),
        /** The example order of every epoch. */
        order: z.number().int().min(0).max(0xffffffff),
        /** Validation paths, which choose among the fine-tuning runs (never the held-out set). */
        validationPaths: z.number().int().min(0).max(0xffffffff),
        /** The example order of the first quantization-aware fine-tuning run (run r: this + r). */
        fineTuning: z.number().int().min(0).max(0xffffffff),
      })
      .strict(),
    data: z
      .object({
        trainPathsPerRegime: z.number().int().min(1).max(200),
        heldOutPathsPerRegime: z.number().int().min(1).max(200),
        validationPathsPerRegime: z.number().int().min(1).max(200),
        /** Oracle rounds per path (the first window ends at round 29, the last leaves `horizon` rounds after it). */
        pathLength: z.number().int().min(40).max(5_000),
        /** The label's forward return is over this many rounds. */
        horizon: z.number().int().min(1).max(50),
        /** θ = max(thetaFloor, thetaVolatilityMultiple · σ₁ · √horizon), σ₁ the window's RMS 1-round return. */
        thetaFloor: z.number().min(0).max(0.5),
        thetaVolatilityMultiple: z.number().min(0).max(10),
        /** The simulated adviser: round(signal · r/(σ₁·√horizon) + noise · z), clipped to ±100. */
        adviserSignal: z.number().min(0).max(100),
        adviserNoise: z.number().min(0).max(200),
      })
      .strict(),
    targets: z
      .object({
        /** The direction output's target for BUY (+) and SELL (−), in output units (the margin is 64). */
        direction: z.number().positive().max(10_000),
        /** The size target is 100 % at |r| = θ · (1 + sizeRange), 1 % at |r| ≤ θ. */
        sizeRange: z.number().positive().max(100),
        /** The size loss's weight against the direction loss's. */
        sizeWeight: z.number().min(0).max(10),
      })
      .strict(),
    training: z
      .object({
        epochs: z.number().int().min(1).max(1_000),
        batchSize: z.number().int().min(1).max(4_096),
        /** Adam's step size, in int8 weight units, decayed linearly to 0 over the epochs. */
        learningRate: z.number().positive().max(10),
      })
      .strict(),
    quantization: z
      .object({
        /** Each hidden unit is rescaled so that its largest activation on the training examples is this share of 127 (rescale.ts). */
        rangeHeadroom: z.number().positive().max(1),
        /** Quantization-aware fine-tuning of the float model (quantization-aware.ts). */
        fineTuning: z
          .object({
            /** Runs with different example orders; the validation set picks one. */
            runs: z.number().int().min(1).max(100),
            epochs: z.number().int().min(0).max(1_000),
            /** Adam's step size, in int8 weight units, decayed linearly to 0 over the epochs. */
            learningRate: z.number().positive().max(10),
            /** λ: the weight of the consistency term against the task loss. */
            weight: z.number().min(0).max(1_000),
            /** τ: output errors (o₀, o₁ units) that cost λ in the consistency term. */
            consistencyTolerance: z
              .object({ direction: z.number().positive().max(10_000), size: z.number().positive().max(10_000) })
              .strict(),
            /** Refinement passes of each epoch's quantization. */
            refinementPasses: z.number().int().min(0).max(1_000),
          })
          .strict(),
        /** Passes of the final rounding refinement over every weight (0: plain rounding). */
        refinementPasses: z.number().int().min(0).max(1_000),
        /** Output errors that cost as much as one changed action, in o₀ and o₁ units (refine-rounding.ts). */
        directionTolerance: z.number().positive().max(10_000),
        sizeTolerance: z.number().positive().max(10_000),
      })
      .strict(),
    backtest: z
      .object({
        /** The cap, in base units (decimal string: 10 ETH = 10^19 wei). */
        maxPositionBase: z.string().regex(/^[1-9]\d{0,28}$/, "a positive integer in decimal"),
        /** Base units per whole token (10^18 for ETH). */
        baseUnit: z.string().regex(/^[1-9]\d{0,28}$/, "a positive integer in decimal"),
        thresholdBps: z.number().int().min(0).max(9_999),
        feeBps: z.number().int().min(0).max(1_000),
        /** The band-rule baseline trades this fixed share of the room (BUY) or of the position (SELL). */
        bandRuleSizePercent: z.number().int().min(1).max(100),
      })
      .strict(),
  })
  .strict();

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** The shipped model's config. */
export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  seeds: {
    trainPaths: 20_260_101,
    heldOutPaths: 20_260_202,
    init: 20_260_303,
    order: 20_260_404,
    validationPaths: 20_260_505,
    fineTuning: 20_260_606,
  },
  data: {
    trainPathsPerRegime: 10,
    heldOutPathsPerRegime: 5,
    validationPathsPerRegime: 5,
    pathLength: 300,
    horizon: 5,
    thetaFloor: 0.003,
    thetaVolatilityMultiple: 0.5,
    adviserSignal: 15,
    adviserNoise: 50,
  },
  targets: { direction: 192, sizeRange: 2, sizeWeight: 1 },
  training: { epochs: 60, batchSize: 64, learningRate: 0.1 },
  quantization: {
    rangeHeadroom: 0.9,
    fineTuning: {
      runs: 3,
      epochs: 20,
      learningRate: 0.03,
      weight: 4,
      consistencyTolerance: { direction: 8, size: 80 },
      refinementPasses: 3,
    },
    refinementPasses: 30,
    directionTolerance: 16,
    sizeTolerance: 160,
  },
  backtest: {
    maxPositionBase: "10000000000000000000",
    baseUnit: "1000000000000000000",
    thresholdBps: 100,
    feeBps: 30,
    bandRuleSizePercent: 25,
  },
};
