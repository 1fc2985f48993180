import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

import { ConfigError } from "./errors.ts";

/**
 * Writes `text` to `path` atomically and durably, never over another file: the bytes go to a
 * temporary file beside it, are fsync'd, and are then hard-linked to `path` (which fails if `path`
 * exists: no other writer's file is replaced) before the temporary name is removed and the folder
 * fsync'd. A crash at any point leaves either no `path` or the whole file, never a torn one.
 *
 * A file already at `path` with exactly these bytes is accepted (a command re-run after a crash
 * writes the same deterministic output); a different one is a ConfigError naming both.
 */
export function writeFileAtomic(path: string, text: string, options: { mode?: number; what: string }): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, "w", options.mode ?? 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (readFileSync(path, "utf8") !== text) {
      throw new ConfigError(
        `${path} exists and holds another ${options.what}: it is never overwritten (it may be the one already committed); choose another --out, or move it aside if it is not needed`,
      );
    }
  } finally {
    unlinkSync(temporary);
  }
  const dir = openSync(folder, "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
