import { Action, bandFigures, DIRECTION_MARGIN, evaluateModel, type QuantizedModel } from "@zkagent/circuits";

import { advisoryBound, type AdvisoryBound } from "./advisory-bound.ts";
import { bandRuleStrategy, buyAndHoldStrategy, modelStrategy, simulate, type StrategyResult } from "./backtest.ts";
import type { Example } from "./examples.ts";
import { B2_AT, forward, meanLoss } from "./float-model.ts";
import type { PricePath, Regime } from "./price-paths.ts";
import type { FineTuningRun, QuantizationSteps } from "./quantization-aware.ts";
import { parametersOf, quantizeModel } from "./quantize.ts";
import { tradeOfOutputs } from "./trade-of-outputs.ts";
import { lossScales } from "./train-model.ts";
import type { TrainingConfig } from "./training-config.ts";

/** The held-out caveat every report carries. */
export const REPORT_CAVEAT =
  "Synthetic paths and a simulated adviser whose bias is, by construction, a noisy signal of the next rounds' return: " +
  "these figures describe this model on these held-out paths and nothing more. They show no trading skill beyond " +
  "these numbers; the neutral-advice run is the model without the simulated adviser's look-ahead.";

/** The float–circuit agreement the issue asks of the model's decisions. */
export const AGREEMENT_TARGET = 0.995;

/** What `quantization.shipped` compares, stated in every report. */
export const QUANTIZATION_COMPARISON =
  "The float model is training's final parameters (SGD, then quantization-aware fine-tuning), evaluated in float64 " +
  "with no floors and no rounding; the circuit is evaluateModel (the circuit's exact integer arithmetic) with the " +
  "shipped int8 weights. Both see the same held-out windows, positions and advice; the trade rule after the outputs " +
  "is the same code. The validation paths that chose among the fine-tuning runs are neither training nor held-out paths.";

/** Float model against the circuit's arithmetic, on the held-out examples. */
export interface QuantizationFigures {
  /** The float model's own action (before the policy) = the circuit's. */
  modelActionAgreement: number;
  /** The executed action (after the policy's clamp) = the circuit's. */
  executedActionAgreement: number;
  /** The executed trade, action and size in base units, = the circuit's. */
  executedTradeAgreement: number;
  /** max and mean |o_float − o_circuit| in output units (the direction margin is 64; size percent = o₁/16). */
  maxAbsOutputError: { direction: number; size: number };
  meanAbsOutputError: { direction: number; size: number };
  /** Held-out cases whose float o₀ is within 3 output units of ±64: any error of that size flips them. */
  casesNearMargin: number;
}

export interface TrainingReport {
  data: {
    regimes: Regime[];
    trainPaths: number;
    heldOutPaths: number;
    /** Paths of a third seed that only choose among the fine-tuning runs. */
    validationPaths: number;
    trainExamples: number;
    heldOutExamples: number;
    validationExamples: number;
    heldOutLabels: { HOLD: number; BUY: number; SELL: number };
  };
  training: {
    lossByEpoch: number[];
    /** The quantization-aware fine-tuning's training loss after each epoch (task loss only). */
    fineTuningLossByEpoch: number[];
    /**
     * Held-out loss of the float model as SGD left it (`trained`), the float model after
     * fine-tuning, the shipped int8 model, and the best constant prediction.
     */
    heldOutLoss: { trained: number; float: number; shipped: number; constant: number };
    /** The shipped model's own action = the label, on the held-out examples. */
    shippedLabelAccuracy: number;
  };
  quantization: {
    /** Exactly what is compared. */
    comparison: string;
    /** The target, and whether the shipped weights meet it for the model's own and the executed action. */
    agreementTarget: number;
    meetsTarget: { modelAction: boolean; executedAction: boolean };
    /** Plain rounding of the float weights, for comparison. */
    plainRounding: QuantizationFigures;
    /** The shipped weights (rescaled, fine-tuned, rounded and refined). */
    shipped: QuantizationFigures;
    /** The fine-tuned float model's own action = the float model's before fine-tuning. */
    fineTuningKeptModelAction: number;
    /** Each fine-tuning run's validation agreement, and the run shipped. */
    fineTuningRuns: FineTuningRun[];
    chosenRun: number;
    refinementMoves: number;
    refinementPasses: number;
  };
  backtest: {
    strategies: {
      model: StrategyResult;
      modelWithNeutralAdvice: StrategyResult;
      bandRule: StrategyResult;
      buyAndHold: StrategyResult;
    };
    /** P&L in quote units by regime: model, model with neutral advice, band rule, buy and hold. */
    pnlByRegime: Partial<Record<Regime, [number, number, number, number]>>;
  };
  advisoryBound: AdvisoryBound;
  caveat: string;
}

const MARGIN = Number(DIRECTION_MARGIN);
const round4 = (x: number) => Math.round(x * 10_000) / 10_000 + 0;
const round6 = (x: number) => Math.round(x * 1_000_000) / 1_000_000 + 0;

/** Float parameters against the circuit (evaluateModel) on every held-out example. */
function compare(
  float: Float64Array,
  model: QuantizedModel,
  examples: readonly Example[],
  config: TrainingConfig,
): QuantizationFigures {
  const cap = BigInt(config.backtest.maxPositionBase);
  const thresholdBps = BigInt(config.backtest.thresholdBps);
  const fixed = parametersOf(model);
  let sameModelAction = 0;
  let sameAction = 0;
  let sameTrade = 0;
  let nearMargin = 0;
  const maxError = [0, 0];
  const sumError = [0, 0];
  for (const example of examples) {
    const { window, position, advice, features } = example;
    const circuit = evaluateModel(model, {
      prices: window,
      position,
      maxPosition: cap,
      advice: BigInt(advice),
      thresholdBps,
    });
    const twin = forward(fixed, features, true).outputs;
    if (twin[0] !== Number(circuit.outputs[0]) || twin[1] !== Number(circuit.outputs[1])) {
      throw new Error(`the training twin differs from evaluateModel at path ${example.path}, round ${example.t}`);
    }
    const outputs = forward(float, features).outputs;
    const trade = tradeOfOutputs(outputs, position, cap, bandFigures(window, thresholdBps).zone);
    if (trade.modelAction === circuit.modelAction) sameModelAction++;
    if (trade.action === circuit.action) sameAction++;
    if (trade.action === circuit.action && trade.size === circuit.size) sameTrade++;
    if (Math.abs(Math.abs(outputs[0]) - MARGIN) < 3) nearMargin++;
    for (const k of [0, 1]) {
      const error = Math.abs(outputs[k]! - Number(circuit.outputs[k]!));
      maxError[k] = Math.max(maxError[k]!, error);
      sumError[k]! += error;
    }
  }
  const n = examples.length;
  return {
    modelActionAgreement: round6(sameModelAction / n),
    executedActionAgreement: round6(sameAction / n),
    executedTradeAgreement: round6(sameTrade / n),
    maxAbsOutputError: { direction: round4(maxError[0]!), size: round4(maxError[1]!) },
    meanAbsOutputError: { direction: round4(sumError[0]! / n), size: round4(sumError[1]! / n) },
    casesNearMargin: round6(nearMargin / n),
  };
}

/**
 * The report on the held-out paths (never seen in training): quantization fidelity, a backtest
 * against the band rule and buy-and-hold, and the advisory bound. Deterministic: every figure is
 * rounded to a fixed number of decimals, and nothing depends on the clock.
 */
export function buildReport(args: {
  config: TrainingConfig;
  /** The float model as SGD left it, and after fine-tuning (the one compared with the circuit). */
  trained: Float64Array;
  float: Float64Array;
  model: QuantizedModel;
  lossByEpoch: number[];
  quantization: QuantizationSteps;
  train: { paths: readonly PricePath[]; examples: readonly Example[] };
  validation: { paths: readonly PricePath[]; examples: readonly Example[] };
  heldOut: { paths: readonly PricePath[]; examples: readonly Example[] };
}): TrainingReport {
  const { config, trained, float, model, train, validation, heldOut } = args;
  const cap = BigInt(config.backtest.maxPositionBase);
  const thresholdBps = config.backtest.thresholdBps;
  const scales = lossScales(config);
  const fixed = parametersOf(model);

  const labels = { HOLD: 0, BUY: 0, SELL: 0 };
  let correct = 0;
  for (const e of heldOut.examples) {
    labels[e.label === Action.BUY ? "BUY" : e.label === Action.SELL ? "SELL" : "HOLD"]++;
    const o = forward(fixed, e.features, true).outputs[0];
    const action = o > MARGIN ? Action.BUY : o < -MARGIN ? Action.SELL : Action.HOLD;
    if (action === e.label) correct++;
  }
  const mean = (k: 0 | 1) => train.examples.reduce((sum, e) => sum + e.targets[k], 0) / train.examples.length;
  const constant = new Float64Array(float.length);
  constant[B2_AT] = mean(0) / 16; // b2 alone: the best constant output (the training mean)
  constant[B2_AT + 1] = mean(1) / 16;

  const run = (strategy: Parameters<typeof simulate>[1]) => simulate(heldOut.paths, strategy, config);
  const proven = run(modelStrategy(model, thresholdBps));
  const neutral = run(modelStrategy(model, thresholdBps, 0));
  const band = run(bandRuleStrategy(thresholdBps, config.backtest.bandRuleSizePercent));
  const hold = run(buyAndHoldStrategy());
  const pnlByRegime: TrainingReport["backtest"]["pnlByRegime"] = {};
  for (const regime of Object.keys(proven.byRegime) as Regime[]) {
    const pnl = (r: typeof proven) => r.byRegime[regime]?.pnlQuote ?? 0;
    pnlByRegime[regime] = [pnl(proven), pnl(neutral), pnl(band), pnl(hold)];
  }

  const shipped = compare(float, model, heldOut.examples, config);
  const actionOf = (o: number) => (o > MARGIN ? Action.BUY : o < -MARGIN ? Action.SELL : Action.HOLD);
  const kept = heldOut.examples.filter(
    (e) => actionOf(forward(trained, e.features).outputs[0]) === actionOf(forward(float, e.features).outputs[0]),
  ).length;
  const { fineTuningLossByEpoch, fineTuningRuns, chosenRun, refinementMoves, refinementPasses } = args.quantization;
  return {
    data: {
      regimes: [...new Set(train.paths.map((p) => p.regime))],
      trainPaths: train.paths.length,
      heldOutPaths: heldOut.paths.length,
      validationPaths: validation.paths.length,
      trainExamples: train.examples.length,
      heldOutExamples: heldOut.examples.length,
      validationExamples: validation.examples.length,
      heldOutLabels: labels,
    },
    training: {
      lossByEpoch: args.lossByEpoch.map(round6),
      fineTuningLossByEpoch: fineTuningLossByEpoch.map(round6),
      heldOutLoss: {
        trained: round6(meanLoss(trained, heldOut.examples, scales)),
        float: round6(meanLoss(float, heldOut.examples, scales)),
        shipped: round6(meanLoss(fixed, heldOut.examples, scales, true)),
        constant: round6(meanLoss(constant, heldOut.examples, scales)),
      },
      shippedLabelAccuracy: round6(correct / heldOut.examples.length),
    },
    quantization: {
      comparison: QUANTIZATION_COMPARISON,
      agreementTarget: AGREEMENT_TARGET,
      meetsTarget: {
        modelAction: shipped.modelActionAgreement >= AGREEMENT_TARGET,
        executedAction: shipped.executedActionAgreement >= AGREEMENT_TARGET,
      },
      plainRounding: compare(float, quantizeModel(float), heldOut.examples, config),
      shipped,
      fineTuningKeptModelAction: round6(kept / heldOut.examples.length),
      fineTuningRuns,
      chosenRun,
      refinementMoves,
      refinementPasses,
    },
    backtest: {
      strategies: {
        model: proven.total,
        modelWithNeutralAdvice: neutral.total,
        bandRule: band.total,
        buyAndHold: hold.total,
      },
      pnlByRegime,
    },
    advisoryBound: advisoryBound(model, heldOut.examples, cap, BigInt(thresholdBps)),
    caveat: REPORT_CAVEAT,
  };
}
