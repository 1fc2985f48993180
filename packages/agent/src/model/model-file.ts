import { open } from "node:fs/promises";

import { modelHashOfFile } from "@zkagent/circuits";

import { ModelFileError } from "../errors.ts";
import { cannotRead } from "../file-errors.ts";
import { assertGgufHeaderBounded } from "./gguf-header.ts";

/** node-llama-cpp's name for part k of a split model; given part 1 it reads every part (as llama.cpp does). */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/;

/** The files node-llama-cpp opens for `path`: its split parts, or `path` alone (resolveSplitGgufParts). */
function filesOpenedFor(path: string): string[] {
  const match = SPLIT_PART.exec(path);
  if (match === null) return [path];
  const part = Number(match[1]);
  const parts = Number(match[2]);
  if (part === 0 || parts === 0 || part > parts) return [path];
  const prefix = path.slice(0, match.index);
  const width = (n: number) => String(n).padStart(5, "0");
  return Array.from({ length: parts }, (_, index) => `${prefix}-${width(index + 1)}-of-${width(parts)}.gguf`);
}

async function assertGgufPart(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new ModelFileError(
      `${cannotRead("model file", path, error)}. Pass --model <file.gguf>, or run \`zkagent model create-tiny\`.`,
    );
  }
  try {
    await assertGgufHeaderBounded(handle, path);
  } finally {
    await handle.close();
  }
}

/**
 * Checks that `path` is a readable GGUF file before node-llama-cpp sees it: magic, a supported
 * version, and every length, count and type its header declares bounded and within the file (see
 * gguf-header.ts). A wrong path or a corrupt or hostile file fails with a clear `ModelFileError`,
 * not a native abort or a huge allocation. For a split model (`…-00001-of-00003.gguf`) every part
 * is checked, since node-llama-cpp and llama.cpp read them all.
 */
export async function assertGgufFile(path: string): Promise<void> {
  for (const part of filesOpenedFor(path)) await assertGgufPart(part);
}

/** The model's on-chain identity: uint256(sha256(file)) >> 8, after checking it is a GGUF file. */
export async function modelHashOf(path: string): Promise<bigint> {
  await assertGgufFile(path);
  return modelHashOfFile(path);
}
