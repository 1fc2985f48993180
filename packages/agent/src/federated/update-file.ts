import { readFileSync } from "node:fs";

import { updateCommitment, type QuantizedModel } from "@zkagent/circuits";
import { getAddress, isAddress } from "ethers";
import { z } from "zod";

import { writeFileAtomic } from "../atomic-file.ts";
import { cannotRead } from "../file-errors.ts";
import { provenModelFileSchema, quantizedModelOf } from "../model/proven/model-file.ts";
import { FederatedRoundError } from "./federated-errors.ts";

export const UPDATE_FILE_FORMAT = "zkagent-federated-update";

const decimal = z.string().regex(/^(0|[1-9]\d*)$/, "a decimal integer");

/**
 * A participant's update, as `zkagent fl train` writes it: the locally trained int8 weights, the
 * salt that blinds their commitment, the sample count claimed, and where it belongs (chain,
 * FederatedRound, round, base). The operator keeps it until the round is finalised: it is what
 * the aggregator needs to open the commitment on chain (without it, the round cannot finish).
 * It is written once (0600, never overwritten): a second training draws a new salt, so a new
 * commitment.
 */
export const updateFileSchema = z
  .object({
    format: z.literal(UPDATE_FILE_FORMAT),
    version: z.literal(1),
    chainId: z.number().int().positive(),
    federatedRound: z.string().refine(isAddress, "an address"),
    roundId: decimal,
    baseModel: decimal,
    sampleCount: decimal,
    salt: decimal,
    updateCommitment: decimal,
    weights: provenModelFileSchema.shape.weights,
    /** How the update was trained (for the operator's records; nothing checks it, as nothing can). */
    training: z
      .object({
        data: z.string(),
        windows: z.number().int().min(0),
        epochs: z.number().int().min(1),
        batchSize: z.number().int().min(1),
        learningRate: z.number().positive(),
        orderSeed: z.number().int().min(0),
        clipped: z.boolean(),
      })
      .strict(),
  })
  .strict();

export type UpdateFile = z.infer<typeof updateFileSchema>;

/** A loaded update: the file, its weights, and its numbers as bigints. */
export interface LoadedUpdate {
  path: string;
  file: UpdateFile;
  model: QuantizedModel;
  salt: bigint;
  sampleCount: bigint;
  commitment: bigint;
}

/** Writes an update file atomically (mode 0600: the salt is the operator's), never over another. */
export function writeUpdateFile(path: string, file: UpdateFile): void {
  writeFileAtomic(path, `${JSON.stringify(updateFileSchema.parse(file), null, 2)}\n`, {
    mode: 0o600,
    what: "federated update",
  });
}

/** Reads an update file and checks that its weights and salt open its recorded commitment. */
export function readUpdateFile(path: string): LoadedUpdate {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new FederatedRoundError(
      error instanceof SyntaxError
        ? `${path} is not valid JSON: ${error.message}`
        : cannotRead("update file", path, error),
    );
  }
  const parsed = updateFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FederatedRoundError(
      `${path}: ${issue.path.join(".") || "(root)"}: ${issue.message} (an update file is written by \`zkagent fl train\`)`,
    );
  }
  const file = { ...parsed.data, federatedRound: getAddress(parsed.data.federatedRound) };
  const model = quantizedModelOf(file.weights);
  const salt = BigInt(file.salt);
  const commitment = updateCommitment(model, salt);
  if (commitment.toString() !== file.updateCommitment) {
    throw new FederatedRoundError(
      `${path}: its weights and salt commit to ${commitment}, not the recorded ${file.updateCommitment}: the file was edited or corrupted; restore it from a backup`,
    );
  }
  return { path, file, model, salt, sampleCount: BigInt(file.sampleCount), commitment };
}
