/**
 * The file hand-off between the ceremony coordinator and its contributors: one directory both
 * can reach (a shared disk, or copied back and forth by hand). The coordinator publishes
 * `round-K.zkey`, the state after K accepted contributions; contributor K takes `round-(K-1).zkey`
 * and hands back `contribution-K.zkey`. Every file appears whole, by rename, so a reader never
 * sees a half-written zkey.
 */
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The state after `accepted` contributions, published by the coordinator. */
export function roundFile(handoffDir: string, accepted: number): string {
  return join(handoffDir, `round-${accepted}.zkey`);
}

/** Contribution number `index` (1-based), handed back by its contributor. */
export function contributionFile(handoffDir: string, index: number): string {
  return join(handoffDir, `contribution-${index}.zkey`);
}

/** Where a refused contribution is kept, with its reason beside it (`.txt`). */
export function refusedFile(handoffDir: string, index: number, attempt: number): string {
  return join(handoffDir, "refused", `contribution-${index}.attempt-${attempt}.zkey`);
}

/** Runs `write(tmp)` and then renames `tmp` to `path`, so `path` appears complete or not at all. */
export async function writeWhole(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${path}.partial`;
  await write(tmp);
  renameSync(tmp, path);
}

export class HandoffTimeoutError extends Error {
  constructor(path: string, seconds: number) {
    super(`waited ${seconds} s for ${path}; nothing arrived (raise --timeout or hand the file over)`);
    this.name = "HandoffTimeoutError";
  }
}

/** Polls until `path` exists; throws HandoffTimeoutError after `timeoutSeconds`. */
export async function waitForFile(path: string, timeoutSeconds: number, pollMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new HandoffTimeoutError(path, timeoutSeconds);
    await sleep(pollMs);
  }
}
