import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { createTinyModel, TINY_MODEL_SEED } from "./tiny-model.ts";

/** Writes the tiny stand-in model to `path` (deterministic bytes, so the same modelHash everywhere). */
export function writeTinyModel(path: string, seed = TINY_MODEL_SEED): string {
  writeFileSync(path, createTinyModel(seed));
  return path;
}

/** The bundled default: `<dataDir>/tiny-model.gguf`, written on first use. */
export function ensureTinyModel(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, "tiny-model.gguf");
  if (!existsSync(path)) writeTinyModel(path);
  return path;
}
