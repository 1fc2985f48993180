import { open } from "node:fs/promises";

import { modelHashOfFile } from "@zkagent/circuits";

import { ModelFileError } from "../errors.ts";

const GGUF_MAGIC = "GGUF";

/**
 * Checks that `path` is a readable GGUF file (magic and a supported version) before
 * node-llama-cpp sees it, so a wrong path or file fails with a clear message, not a native abort.
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
    const header = Buffer.alloc(8);
    const { bytesRead } = await handle.read(header, 0, 8, 0);
    if (bytesRead < 8 || header.toString("latin1", 0, 4) !== GGUF_MAGIC) {
      throw new ModelFileError(`${path} is not a GGUF file (it does not start with "GGUF"): pass a .gguf model.`);
    }
    const version = header.readUInt32LE(4);
    if (version < 2 || version > 3) {
      throw new ModelFileError(`${path} is GGUF version ${version}; llama.cpp reads versions 2 and 3.`);
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
