import { AgentError } from "../../errors.ts";

/**
 * A proven-model file is missing, unreadable, not JSON, not of the expected shape, built for
 * another architecture, or its recorded commitment does not match its weights. The message names
 * the file and the field, and says what to do.
 */
export class ProvenModelFileError extends AgentError {
  override readonly name = "ProvenModelFileError";
}
