import { open } from "node:fs/promises";

import { modelHashOfFile } from "@zkagent/circuits";

import { ModelFileError } from "../errors.ts";

const GGUF_MAGIC = "GGUF";
/** Far above any real model (a 405B llama has ~1 100 tensors and ~40 metadata keys). */
const MAX_TENSORS = 1n << 20n;
const MAX_METADATA_KEYS = 1n << 20n;

/**
 * Checks that `path` is a readable GGUF file (magic, a supported version, plausible tensor and
 * metadata counts) before node-llama-cpp sees it, so a wrong path or a corrupt or hostile file fails
 * with a clear message, not a native abort or a huge allocation.
 */
export async function assertGgufFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code);
    throw new ModelFileError(
      `cannot read model file ${path}: ${hint}. Pass --model <file.gguf>, or run \`zkagent model create-tiny\`.`,
    );
  }
  try {
    const header = Buffer.alloc(24);
    const { bytesRead } = await handle.read(header, 0, 24, 0);
    if (bytesRead < 8 || header.toString("latin1", 0, 4) !== GGUF_MAGIC) {
      throw new ModelFileError(`${path} is not a GGUF file (it does not start with "GGUF"): pass a .gguf model.`);
    }
    const version = header.readUInt32LE(4);
    if (version < 2 || version > 3) {
      throw new ModelFileError(`${path} is GGUF version ${version}; llama.cpp reads versions 2 and 3.`);
    }
    if (bytesRead < 24) throw new ModelFileError(`${path} is truncated inside its GGUF header.`);
    const tensors = header.readBigUInt64LE(8);
    const keys = header.readBigUInt64LE(16);
    if (tensors > MAX_TENSORS || keys > MAX_METADATA_KEYS) {
      throw new ModelFileError(
        `${path} claims ${tensors} tensors and ${keys} metadata keys: the file is corrupt or hostile; use a model from a source you trust.`,
      );
    }
  } finally {
    await handle.close();
  }
}

/** The model's on-chain identity: uint256(sha256(file)) >> 8, after checking it is a GGUF file. */
export async function modelHashOf(path: string): Promise<bigint> {
  await assertGgufFile(path);
  return modelHashOfFile(path);
}
