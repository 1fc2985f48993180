import { constants } from "node:fs";
import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";

import { recordHashOf, type RecordHash } from "./seal-record.ts";
import { AgentError } from "../errors.ts";

/**
 * Where sealed records live, addressed by their sha256. A store is not trusted: the auditor
 * hashes what it returns and compares with the chain, so a store can lose or alter a record but
 * never pass off another one.
 */
export interface RecordStore {
  /** For messages: a directory or a URL. */
  readonly location: string;
  /** Stores the envelope (durably, before returning) and returns its address. Idempotent. */
  put(envelope: Uint8Array): Promise<RecordHash>;
  /** The bytes stored at `hash`, or undefined if there are none. */
  get(hash: RecordHash): Promise<Uint8Array | undefined>;
  /** Every address the store holds (the auditor looks for records no trade committed). */
  list(): Promise<RecordHash[]>;
}

/** The store could not be reached or refused the operation. */
export class RecordStoreError extends AgentError {
  override readonly name = "RecordStoreError";
}

const HEX = /^[0-9a-f]{64}$/;
const hexOf = (hash: RecordHash) => {
  const hex = hash.slice(2).toLowerCase();
  if (!HEX.test(hex)) throw new RecordStoreError(`not a record hash: ${hash}`);
  return hex;
};

/** A local directory: `<dir>/<sha256 hex>.age`, each written to a temporary file, fsync'd and renamed. */
export class LocalRecordStore implements RecordStore {
  constructor(readonly location: string) {}

  private pathOf(hash: RecordHash): string {
    return join(this.location, `${hexOf(hash)}.age`);
  }

  async put(envelope: Uint8Array): Promise<RecordHash> {
    const hash = recordHashOf(envelope);
    const path = this.pathOf(hash);
    await mkdir(this.location, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    const file = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      await file.writeFile(envelope);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path).catch(async (error: unknown) => {
      await unlink(temporary).catch(() => undefined);
      throw error;
    });
    // The rename is durable once the directory is.
    const dir = await open(this.location, constants.O_RDONLY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return hash;
  }

  async get(hash: RecordHash): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(hash)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async list(): Promise<RecordHash[]> {
    let names: string[];
    try {
      names = await readdir(this.location);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith(".age") && HEX.test(name.slice(0, -4)))
      .map((name) => `0x${name.slice(0, -4)}` as RecordHash);
  }
}

/**
 * A content-addressed store over HTTP (a gateway in front of S3, IPFS or a plain server):
 * `PUT <url>/<sha256 hex>` with the bytes, `GET <url>/<sha256 hex>` (404 if absent),
 * `GET <url>/` for a JSON array of the hex addresses it holds.
 */
export class HttpRecordStore implements RecordStore {
  readonly location: string;

  constructor(
    url: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.location = url.replace(/\/+$/, "");
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.location}/${path}`, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new RecordStoreError(`record store ${this.location} unreachable: ${(error as Error).message}`);
    }
  }

  async put(envelope: Uint8Array): Promise<RecordHash> {
    const hash = recordHashOf(envelope);
    const response = await this.request(hexOf(hash), {
      method: "PUT",
      body: envelope,
      headers: { "content-type": "application/octet-stream" },
    });
    if (!response.ok)
      throw new RecordStoreError(`record store ${this.location} refused ${hash}: HTTP ${response.status}`);
    return hash;
  }

  async get(hash: RecordHash): Promise<Uint8Array | undefined> {
    const response = await this.request(hexOf(hash));
    if (response.status === 404) return undefined;
    if (!response.ok) throw new RecordStoreError(`record store ${this.location}: HTTP ${response.status} for ${hash}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async list(): Promise<RecordHash[]> {
    const response = await this.request("");
    if (!response.ok)
      throw new RecordStoreError(`record store ${this.location}: HTTP ${response.status} listing records`);
    const names = (await response.json()) as unknown;
    if (!Array.isArray(names)) throw new RecordStoreError(`record store ${this.location}: the listing is not an array`);
    return names
      .filter((name): name is string => typeof name === "string" && HEX.test(name))
      .map((name) => `0x${name}` as RecordHash);
  }
}

/** A store from its configuration: an http(s) URL, or a directory. */
export function recordStoreAt(location: string): RecordStore {
  return /^https?:\/\//.test(location) ? new HttpRecordStore(location) : new LocalRecordStore(location);
}
