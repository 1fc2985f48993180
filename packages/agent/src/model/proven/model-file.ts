import { readFile } from "node:fs/promises";

import {
  DIRECTION_MARGIN,
  MODEL_ARCHITECTURE_ID,
  MODEL_FEATURES,
  MODEL_HIDDEN,
  MODEL_OUTPUTS,
  MODEL_SHIFT,
  modelCommitment,
  type QuantizedModel,
} from "@zkagent/circuits";
import { z } from "zod";

import { cannotRead } from "../../file-errors.ts";
import { ProvenModelFileError } from "./errors.ts";
import { trainingConfigSchema } from "./training-config.ts";

/** The `format` field of a proven-model file. */
export const PROVEN_MODEL_FORMAT = "zkagent-proven-model";
/** The spec version, the byte after "zkmlp" in the architecture id (model-spec.ts). */
export const MODEL_SPEC_VERSION = Number((MODEL_ARCHITECTURE_ID >> 24n) & 0xffn);

const int8 = z.number().int().min(-128).max(127);
const vector = (length: number) => z.array(int8).length(length);
const matrix = (rows: number, columns: number) => z.array(vector(columns)).length(rows);
const fraction = z.number().min(0).max(1);

const strategySummarySchema = z
  .object({
    pnlQuote: z.number(),
    pnlPercentOfCapValue: z.number(),
    trades: z.number().int().min(0),
    hitRate: fraction.nullable(),
    turnoverQuote: z.number().min(0),
  })
  .strict();

/** The report's headline figures, kept in the model file (the full report is beside it). */
export const reportSummarySchema = z
  .object({
    heldOutPaths: z.number().int().min(1),
    heldOutWindows: z.number().int().min(1),
    agreement: z.object({ modelAction: fraction, executedAction: fraction, executedTrade: fraction }).strict(),
    maxAbsOutputError: z.object({ direction: z.number().min(0), size: z.number().min(0) }).strict(),
    backtest: z
      .object({
        model: strategySummarySchema,
        modelWithNeutralAdvice: strategySummarySchema,
        bandRule: strategySummarySchema,
        buyAndHold: strategySummarySchema,
      })
      .strict(),
    advisoryBound: z
      .object({
        maxSizeChangePercentOfCap: z.number().min(0),
        executedActionFlipFraction: fraction,
        modelActionFlipFraction: fraction,
        adviceWeights: vector(MODEL_HIDDEN),
      })
      .strict(),
    caveat: z.string(),
  })
  .strict();

export type ReportSummary = z.infer<typeof reportSummarySchema>;

const hex = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;

/** A proven-model file: the int8 weights, their commitment, the recipe that trained them and its report. */
export const provenModelFileSchema = z
  .object({
    format: z.literal(PROVEN_MODEL_FORMAT),
    specVersion: z.number().int().positive(),
    architecture: z
      .object({
        id: z.string().regex(/^0x[0-9a-f]+$/, "a 0x-prefixed lowercase hex number"),
        features: z.number().int(),
        hidden: z.number().int(),
        outputs: z.number().int(),
        shift: z.number().int(),
        directionMargin: z.number().int(),
      })
      .strict(),
    weights: z
      .object({
        w1: matrix(MODEL_HIDDEN, MODEL_FEATURES),
        b1: vector(MODEL_HIDDEN),
        w2: matrix(MODEL_OUTPUTS, MODEL_HIDDEN),
        b2: vector(MODEL_OUTPUTS),
      })
      .strict(),
    commitment: z
      .object({
        decimal: z.string().regex(/^[1-9]\d*$/, "a positive decimal integer"),
        hex: z.string().regex(/^0x[0-9a-f]{64}$/, "0x and 64 lowercase hex digits"),
      })
      .strict(),
    training: trainingConfigSchema,
    report: reportSummarySchema,
  })
  .strict();

export type ProvenModelFile = z.infer<typeof provenModelFileSchema>;

/** This build's architecture, as a model file records it. */
export function architectureRecord(): ProvenModelFile["architecture"] {
  return {
    id: `0x${MODEL_ARCHITECTURE_ID.toString(16)}`,
    features: MODEL_FEATURES,
    hidden: MODEL_HIDDEN,
    outputs: MODEL_OUTPUTS,
    shift: Number(MODEL_SHIFT),
    directionMargin: Number(DIRECTION_MARGIN),
  };
}

/** The commitment the governor registers (ModelRegistry.registerProven), in both spellings. */
export function commitmentRecord(model: QuantizedModel): ProvenModelFile["commitment"] {
  const commitment = modelCommitment(model);
  return { decimal: commitment.toString(), hex: hex(commitment) };
}

/** The file's weights as the circuit takes them. */
export function quantizedModelOf(weights: ProvenModelFile["weights"]): QuantizedModel {
  const big = (row: number[]) => row.map((w) => BigInt(w));
  return { w1: weights.w1.map(big), b1: big(weights.b1), w2: weights.w2.map(big), b2: big(weights.b2) };
}

/** A loaded and checked proven model. */
export interface LoadedProvenModel {
  file: ProvenModelFile;
  model: QuantizedModel;
  commitment: bigint;
}

/**
 * Validates a parsed model file: its shape (zod), that it was built for this build's architecture
 * and spec, and that its recorded commitment is the commitment of its weights (a hand-edited
 * weight or commitment is caught here, not by a proof that fails on-chain).
 */
export function parseProvenModelFile(raw: unknown, source: string): LoadedProvenModel {
  const parsed = provenModelFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new ProvenModelFileError(
      `${source}: ${field}: ${issue.message}. A proven-model file is written by \`zkagent model train\`; retrain or restore it.`,
    );
  }
  const file = parsed.data;
  const expected = architectureRecord();
  if (file.specVersion !== MODEL_SPEC_VERSION || JSON.stringify(file.architecture) !== JSON.stringify(expected)) {
    throw new ProvenModelFileError(
      `${source} is for model spec ${file.specVersion} (architecture ${file.architecture.id}); this zkagent proves spec ` +
        `${MODEL_SPEC_VERSION} (architecture ${expected.id}). Retrain it with this version: \`zkagent model train --config ${source}\`.`,
    );
  }
  const model = quantizedModelOf(file.weights);
  const commitment = commitmentRecord(model);
  if (file.commitment.decimal !== commitment.decimal || file.commitment.hex !== commitment.hex) {
    throw new ProvenModelFileError(
      `${source}: commitment ${file.commitment.decimal} is not the commitment of its weights (${commitment.decimal}): ` +
        "the file was edited or corrupted. Restore it, or retrain it with `zkagent model train`.",
    );
  }
  return { file, model, commitment: BigInt(commitment.decimal) };
}

/** Reads and validates a proven-model file (see {@link parseProvenModelFile}). */
export async function loadProvenModelFile(path: string): Promise<LoadedProvenModel> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ProvenModelFileError(
      `${cannotRead("proven-model file", path, error)}. Pass the model JSON (e.g. packages/agent/models/decision-model-v1.json), or write one with \`zkagent model train\`.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ProvenModelFileError(
      `${path} is not valid JSON (${(error as Error).message}); restore it or retrain it.`,
    );
  }
  return parseProvenModelFile(raw, path);
}
