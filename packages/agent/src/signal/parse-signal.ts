import { z } from "zod";

import { MalformedSignalError } from "../errors.ts";

/** A signal as the model proposes it: a fraction of the cap, not yet a trade. */
export interface Signal {
  action: "BUY" | "SELL" | "HOLD";
  /** Size as a percentage of maxPosition (0..100). */
  sizePct: number;
  confidence: number;
}

const signalSchema = z
  .object({
    action: z.enum(["BUY", "SELL", "HOLD"]),
    sizePct: z.number().int().min(0).max(100),
    confidence: z.number().min(0).max(1),
  })
  .strict();

/** Parses and validates the model's raw text. Anything else is a {@link MalformedSignalError}, never a crash. */
export function parseSignal(raw: string): Signal {
  if (raw.length > 256) throw new MalformedSignalError(raw, `output of ${raw.length} characters`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new MalformedSignalError(raw, `not JSON: ${(error as Error).message}`);
  }
  const parsed = signalSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MalformedSignalError(raw, `${issue.path.join(".") || "signal"}: ${issue.message}`);
  }
  return parsed.data;
}
