import * as age from "age-encryption";
import { z } from "zod";
import { AgentError } from "../errors.ts";

/** An auditor key's id: short, stable, safe in file names and logs (e.g. "acme-2026q4"). */
const keyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'");

/** True if age accepts `recipient` as a public key to encrypt to. */
export function isAgeRecipient(recipient: string): boolean {
  try {
    new age.Encrypter().addRecipient(recipient);
    return true;
  } catch {
    return false;
  }
}

/**
 * An auditor's public key in the agent's config. Rotation is a new entry with a new id; the old
 * one is marked `revoked` and stops receiving new records (records already sealed to it stay
 * readable with its identity, which only the auditor holds).
 */
export const auditorKeySchema = z
  .object({
    id: keyId,
    /** An age recipient: `age1…` (X25519) or `age1pq1…` (ML-KEM-768 + X25519 hybrid). */
    recipient: z.string().refine(isAgeRecipient, "must be an age recipient (age1…): see `zkagent auditor-key new`"),
    revoked: z.boolean().default(false),
  })
  .strict();

export type AuditorKey = z.infer<typeof auditorKeySchema>;

/** The keys new records are sealed to: every key not revoked. */
export function activeAuditorKeys(keys: readonly AuditorKey[]): AuditorKey[] {
  return keys.filter((k) => !k.revoked);
}

/** An auditor's key pair, with the view-key file that holds the private half. */
export interface NewAuditorKey {
  id: string;
  /** The private identity (`AGE-SECRET-KEY-1…`): the auditor's view key. */
  identity: string;
  /** The public recipient the operator puts in the agent's config. */
  recipient: string;
  /** The view-key file: age's identity format with zkagent's comments (the `age` CLI reads it too). */
  file: string;
}

/** Makes a new auditor key pair (X25519, or the post-quantum hybrid for records kept for decades). */
export async function newAuditorKey(
  id: string,
  { postQuantum = false, now = new Date() }: { postQuantum?: boolean; now?: Date } = {},
): Promise<NewAuditorKey> {
  keyId.parse(id);
  const identity = postQuantum ? await age.generateHybridIdentity() : await age.generateX25519Identity();
  const recipient = await age.identityToRecipient(identity);
  const file = [
    "# zkagent auditor view key: keep it secret; it decrypts every decision record sealed to it",
    `# id: ${id}`,
    `# created: ${now.toISOString()}`,
    `# recipient: ${recipient}`,
    identity,
    "",
  ].join("\n");
  return { id, identity, recipient, file };
}

/** One private key of a view-key file, with the id its comments gave it (if any). */
export interface ViewKey {
  id?: string;
  identity: string;
}

/** A view-key file that holds no key, or a line that is not one. */
export class ViewKeyFileError extends AgentError {
  override readonly name = "ViewKeyFileError";
}

/**
 * Reads a view-key file: age identity lines, with `# id: …` comments naming the key that
 * follows. Several keys (an auditor's rotated keys) may sit in one file, one after another.
 */
export function parseViewKeyFile(text: string, source = "view key file"): ViewKey[] {
  const keys: ViewKey[] = [];
  let id: string | undefined;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const named = /^#\s*id:\s*(\S+)\s*$/.exec(line);
      if (named) id = named[1];
      continue;
    }
    if (!line.startsWith("AGE-SECRET-KEY-")) {
      throw new ViewKeyFileError(`${source}, line ${index + 1}: not an age identity (AGE-SECRET-KEY-…)`);
    }
    keys.push({ ...(id ? { id } : {}), identity: line });
    id = undefined;
  }
  if (keys.length === 0) throw new ViewKeyFileError(`${source} holds no key`);
  return keys;
}
