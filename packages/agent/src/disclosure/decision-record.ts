import { isAddress } from "ethers";
import { z } from "zod";

/**
 * The record format's name and version, the first field of every record. v2 adds `sizing`: the
 * rule that turned the LLM's sizePct into a size. A v1 record (written before the rule changed)
 * was sized by the cap; the auditor checks each record under its own rule.
 */
export const DECISION_RECORD_VERSION = "zkagent/decision-record/v2";
/** The first format: no `sizing` field, every LLM size a percent of the cap. */
export const DECISION_RECORD_V1 = "zkagent/decision-record/v1";

const uint = z.string().regex(/^\d+$/, "must be a non-negative decimal integer");
const int = z.string().regex(/^-?\d+$/, "must be a decimal integer");
const address = z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address");
const action = z.enum(["HOLD", "BUY", "SELL"]);

/**
 * What the agent saw, computed and sent for one decision, as an auditor reads it after decryption.
 * Integers are decimal strings (JSON has no 256-bit numbers). Untrusted on the auditor's side: it
 * is parsed with this schema, never cast.
 */
export const decisionRecordSchema = z
  .object({
    version: z.enum([DECISION_RECORD_V1, DECISION_RECORD_VERSION]),
    /**
     * How an LLM's sizePct became a size (v2): "room-or-position" (a BUY's percent of the room
     * under the cap, a SELL's of the position; 0 is a HOLD) or "cap" (a percent of the cap). Absent
     * in v1 records, which were all sized by the cap.
     */
    sizing: z.enum(["cap", "room-or-position"]).optional(),
    /** "trade": a proved trade, its hash committed on-chain with it; "refusal": opted in, never committed. */
    kind: z.enum(["trade", "refusal"]),
    createdAt: z.string().datetime(),
    chainId: uint,
    trader: address,
    agent: address,
    /** The agent's trader nonce the proof is bound to (for a refusal: the nonce it was at). */
    traderNonce: uint,
    mode: z.enum(["llm", "model", "llm+model"]),
    /** The feed's rounds the decision read, oldest first, and the circuit's commitment to their answers. */
    window: z
      .object({
        roundId: uint,
        pricesCommitment: uint,
        rounds: z.array(z.object({ roundId: uint, answer: uint, updatedAt: uint }).strict()).min(1),
      })
      .strict(),
    policy: z.object({ maxPosition: uint, thresholdBps: uint }).strict(),
    position: uint,
    /** The LLM's prompt and raw output (modes "llm" and "llm+model"). */
    llm: z.object({ prompt: z.string(), output: z.string() }).strict().optional(),
    model: z
      .object({
        kind: z.enum(["attested", "proven"]),
        /** The hash the proof names: the GGUF's (attested) or the proven model's commitment. */
        hash: uint,
        /** The proven model's adviser bias, features, hidden layer and outputs, and its own trade before the policy. */
        advice: int.optional(),
        features: z.array(int).optional(),
        hidden: z.array(int).optional(),
        outputs: z.array(int).optional(),
        modelAction: action.optional(),
        modelSize: uint.optional(),
      })
      .strict(),
    decision: z
      .object({
        action,
        size: uint,
        verdict: z.enum(["hold", "compliant", "refused", "malformed"]),
        rule: z.string().optional(),
        reason: z.string().optional(),
      })
      .strict(),
    /** The proof exactly as sent (the verifier's argument shape) and its five public signals (trades only). */
    proof: z
      .object({
        a: z.array(uint).length(2),
        b: z.array(z.array(uint).length(2)).length(2),
        c: z.array(uint).length(2),
        publicSignals: z.array(uint).length(5),
      })
      .strict()
      .optional(),
    timingsMs: z.record(z.string(), z.number()),
    /** The ids of the auditor keys the record was sealed to. */
    recipients: z.array(z.string()),
  })
  .strict()
  .refine((r) => (r.version === DECISION_RECORD_V1) === (r.sizing === undefined), {
    message: "a v2 record names its sizing rule, a v1 record has none",
    path: ["sizing"],
  });

export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

/** A decision record that does not parse (after a successful decryption). */
export class MalformedRecordError extends Error {
  override readonly name = "MalformedRecordError";
}

/** Records are padded to a multiple of this, so a ciphertext's length says little about its prompt or output. */
export const RECORD_PADDING_BYTES = 1_024;

/** The record as the bytes that get encrypted: UTF-8 JSON, padded with spaces (which JSON ignores). */
export function encodeDecisionRecord(record: DecisionRecord): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(decisionRecordSchema.parse(record)));
  const padded = new Uint8Array(Math.ceil(json.length / RECORD_PADDING_BYTES) * RECORD_PADDING_BYTES).fill(0x20);
  padded.set(json);
  return padded;
}

/** Parses decrypted bytes into a record, naming the first field that is wrong. */
export function decodeDecisionRecord(bytes: Uint8Array): DecisionRecord {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MalformedRecordError(`not UTF-8 JSON: ${(error as Error).message}`);
  }
  const parsed = decisionRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MalformedRecordError(`${issue.path.join(".") || "record"}: ${issue.message}`);
  }
  return parsed.data;
}
