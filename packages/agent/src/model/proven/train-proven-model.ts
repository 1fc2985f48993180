import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { ConfigError } from "../../errors.ts";
import { buildExamples } from "./examples.ts";
import { jsonText } from "./json-text.ts";
import {
  architectureRecord,
  commitmentRecord,
  MODEL_SPEC_VERSION,
  PROVEN_MODEL_FORMAT,
  type ProvenModelFile,
  type ReportSummary,
} from "./model-file.ts";
import { generatePathSet } from "./price-paths.ts";
import { quantizeTrained } from "./quantization-aware.ts";
import { quantizeModel } from "./quantize.ts";
import { buildReport, type TrainingReport } from "./report.ts";
import { trainFloatModel } from "./train-model.ts";
import { DEFAULT_TRAINING_CONFIG, trainingConfigSchema, type TrainingConfig } from "./training-config.ts";

/** A trained proven model: the file to ship, its full report, and how long each step took (not recorded). */
export interface TrainedProvenModel {
  file: ProvenModelFile;
  report: TrainingReport;
  timingsMs: { data: number; training: number; quantization: number; report: number };
}

/** The report's headline figures, for the model file and the CLI. */
export function summarizeReport(report: TrainingReport): ReportSummary {
  const strategy = (s: TrainingReport["backtest"]["strategies"]["model"]) => ({
    pnlQuote: s.pnlQuote,
    pnlPercentOfCapValue: s.pnlPercentOfCapValue,
    trades: s.trades,
    hitRate: s.hitRate,
    turnoverQuote: s.turnoverQuote,
  });
  const { shipped } = report.quantization;
  const { strategies } = report.backtest;
  const bound = report.advisoryBound;
  return {
    heldOutPaths: report.data.heldOutPaths,
    heldOutWindows: report.data.heldOutExamples,
    agreement: {
      modelAction: shipped.modelActionAgreement,
      executedAction: shipped.executedActionAgreement,
      executedTrade: shipped.executedTradeAgreement,
    },
    maxAbsOutputError: shipped.maxAbsOutputError,
    backtest: {
      model: strategy(strategies.model),
      modelWithNeutralAdvice: strategy(strategies.modelWithNeutralAdvice),
      bandRule: strategy(strategies.bandRule),
      buyAndHold: strategy(strategies.buyAndHold),
    },
    advisoryBound: {
      maxSizeChangePercentOfCap: bound.maxSizeChangePercentOfCap,
      executedActionFlipFraction: bound.executedActionFlipFraction,
      modelActionFlipFraction: bound.modelActionFlipFraction,
      adviceWeights: bound.adviceWeights,
    },
    caveat: report.caveat,
  };
}

/**
 * Trains the proven decision model from `config` alone: seeded paths (training and held-out
 * sets from different seeds), float training, quantization-aware fine-tuning and quantization,
 * the held-out report, and the model file with its commitment. The same config gives the same file and report, byte for byte.
 */
export function trainProvenModel(config: TrainingConfig = DEFAULT_TRAINING_CONFIG): TrainedProvenModel {
  const clock = () => performance.now();
  let start = clock();
  const { data } = config;
  const trainPaths = generatePathSet(config.seeds.trainPaths, data.trainPathsPerRegime, data.pathLength);
  const heldOutPaths = generatePathSet(config.seeds.heldOutPaths, data.heldOutPathsPerRegime, data.pathLength);
  const validationPaths = generatePathSet(config.seeds.validationPaths, data.validationPathsPerRegime, data.pathLength);
  const trainExamples = buildExamples(trainPaths, config);
  const validationExamples = buildExamples(validationPaths, config);
  const heldOutExamples = buildExamples(heldOutPaths, config);
  const timingsMs = { data: clock() - start, training: 0, quantization: 0, report: 0 };

  start = clock();
  const { params: trained, lossByEpoch } = trainFloatModel(trainExamples, config);
  timingsMs.training = clock() - start;

  start = clock();
  const { float, params, steps } = quantizeTrained(trained, trainExamples, validationExamples, config);
  const model = quantizeModel(params);
  timingsMs.quantization = clock() - start;

  start = clock();
  const report = buildReport({
    config,
    trained,
    float,
    model,
    lossByEpoch,
    quantization: steps,
    train: { paths: trainPaths, examples: trainExamples },
    validation: { paths: validationPaths, examples: validationExamples },
    heldOut: { paths: heldOutPaths, examples: heldOutExamples },
  });
  timingsMs.report = clock() - start;

  const number = (row: bigint[]) => row.map(Number);
  const file: ProvenModelFile = {
    format: PROVEN_MODEL_FORMAT,
    specVersion: MODEL_SPEC_VERSION,
    architecture: architectureRecord(),
    weights: { w1: model.w1.map(number), b1: number(model.b1), w2: model.w2.map(number), b2: number(model.b2) },
    commitment: commitmentRecord(model),
    training: config,
    report: summarizeReport(report),
  };
  return { file, report, timingsMs };
}

/** Where the full report of a model file goes: beside it, `.report.json` for `.json`. */
export function reportPathFor(modelPath: string): string {
  return modelPath.endsWith(".json")
    ? `${modelPath.slice(0, -".json".length)}.report.json`
    : `${modelPath}.report.json`;
}

/** The model file's and the report's bytes. */
export function provenModelTexts(trained: Pick<TrainedProvenModel, "file" | "report">): {
  model: string;
  report: string;
} {
  return { model: jsonText(trained.file), report: jsonText(trained.report) };
}

/** Writes the model file and its report beside it; returns both paths. */
export async function writeProvenModel(
  trained: Pick<TrainedProvenModel, "file" | "report">,
  modelPath: string,
): Promise<{ modelPath: string; reportPath: string }> {
  const texts = provenModelTexts(trained);
  const reportPath = reportPathFor(modelPath);
  await mkdir(dirname(modelPath), { recursive: true });
  await writeFile(modelPath, texts.model);
  await writeFile(reportPath, texts.report);
  return { modelPath, reportPath };
}

/**
 * A training config from a file: a config object, or a model file (its `training` field, to
 * retrain that model). Validated with zod; the first bad field is named.
 */
export async function loadTrainingConfig(path: string): Promise<TrainingConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `cannot read training config ${path}: no such file`
        : `training config ${path} is not readable JSON: ${(error as Error).message}`,
    );
  }
  const candidate =
    typeof raw === "object" && raw !== null && (raw as { format?: unknown }).format === PROVEN_MODEL_FORMAT
      ? (raw as { training?: unknown }).training
      : raw;
  const parsed = trainingConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      `training config ${path}: ${issue.path.join(".") || "(root)"}: ${issue.message} (a config object, or a proven-model file to retrain)`,
    );
  }
  return parsed.data;
}
