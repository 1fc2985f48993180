import { createHash } from "node:crypto";

import * as age from "age-encryption";

import type { AuditorKey, ViewKey } from "./auditor-keys.ts";
import { decodeDecisionRecord, encodeDecisionRecord, type DecisionRecord } from "./decision-record.ts";

/** sha256 of an envelope, 0x-prefixed: its address in a record store and the hash committed on-chain. */
export type RecordHash = `0x${string}`;

export function recordHashOf(envelope: Uint8Array): RecordHash {
  return `0x${createHash("sha256").update(envelope).digest("hex")}`;
}

/**
 * Encrypts a record to every given auditor key: one age file (age-encryption.org/v1), whose
 * random file key is wrapped once per recipient in its header. The envelope is the age file
 * itself, so an auditor can also open it with the `age` CLI and their view-key file.
 */
export async function sealRecord(
  record: DecisionRecord,
  keys: readonly AuditorKey[],
): Promise<{ envelope: Uint8Array; recordHash: RecordHash }> {
  if (keys.length === 0) throw new Error("a record needs at least one auditor key to be sealed to");
  const encrypter = new age.Encrypter();
  for (const key of keys) encrypter.addRecipient(key.recipient);
  const envelope = await encrypter.encrypt(encodeDecisionRecord(record));
  return { envelope, recordHash: recordHashOf(envelope) };
}

/** None of the view keys is among the envelope's recipients. */
export class NotForTheseKeysError extends Error {
  override readonly name = "NotForTheseKeysError";
}

/** The envelope is not a well-formed age file, or it fails its authentication. */
export class CorruptEnvelopeError extends Error {
  override readonly name = "CorruptEnvelopeError";
}

/**
 * Decrypts an envelope with any of `viewKeys` and parses the record. Throws
 * {@link NotForTheseKeysError}, {@link CorruptEnvelopeError} or MalformedRecordError: the
 * auditor turns each into a finding.
 */
export async function openRecord(envelope: Uint8Array, viewKeys: readonly ViewKey[]): Promise<DecisionRecord> {
  const decrypter = new age.Decrypter();
  for (const key of viewKeys) decrypter.addIdentity(key.identity);
  let plaintext: Uint8Array;
  try {
    plaintext = await decrypter.decrypt(envelope);
  } catch (error) {
    const message = (error as Error).message;
    if (/no identity matched/.test(message)) {
      throw new NotForTheseKeysError(`sealed to none of the ${viewKeys.length} view key(s) given`);
    }
    throw new CorruptEnvelopeError(`not a valid age file: ${message}`);
  }
  return decodeDecisionRecord(plaintext);
}
