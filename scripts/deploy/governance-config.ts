/**
 * Who governs a deployment: the timelock's delay, its proposers (who schedule and cancel changes),
 * its executors (who execute ready ones; "anyone" opens the role) and the trader's guardian (who
 * may pause at once). Each comes from the deploy task's flag, else deployments/<network>/governance.json
 * beside the record, else (the delay only) the network's entry in packages/contracts/deploy/networks.ts.
 *
 *   { "minDelay": 172800, "proposers": ["0x…multisig"], "executors": ["0x…multisig"], "guardian": "0x…" }
 */
import { existsSync, readFileSync } from "node:fs";

import { getAddress, isAddress, ZeroAddress } from "ethers";

export class GovernanceConfigError extends Error {
  override readonly name = "GovernanceConfigError";
}

export interface GovernanceConfig {
  minDelay: bigint;
  proposers: string[];
  executors: string[];
  /** The zero address for none (only when asked for explicitly: "none"). */
  guardian: string;
  /** Where each value came from, for the record and the log. */
  sources: Record<"minDelay" | "proposers" | "executors" | "guardian", string>;
}

export interface GovernanceFlags {
  minDelay: string;
  proposers: string;
  executors: string;
  guardian: string;
}

/** The most a delay may be: a typo of a few more digits would lock the vault for years. */
const MAX_DELAY = 30n * 86_400n;

function addressList(value: unknown, what: string, where: string, allowAnyone: boolean): string[] {
  const items = typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
  if (!Array.isArray(items) || items.length === 0 || items.some((a) => typeof a !== "string")) {
    throw new GovernanceConfigError(`${where}: ${what} must be a non-empty list of addresses`);
  }
  const out = (items as string[]).map((a) => {
    if (allowAnyone && a === "anyone") return ZeroAddress;
    if (!isAddress(a) || getAddress(a) === ZeroAddress) {
      throw new GovernanceConfigError(
        `${where}: ${what}: ${JSON.stringify(a)} is not an address${allowAnyone ? ' (or "anyone")' : ""}`,
      );
    }
    return getAddress(a);
  });
  return [...new Set(out)];
}

function delayOf(value: unknown, where: string): bigint {
  const text = typeof value === "number" || typeof value === "string" ? String(value) : "";
  if (!/^\d+$/.test(text)) throw new GovernanceConfigError(`${where}: minDelay must be a whole number of seconds`);
  const delay = BigInt(text);
  if (delay > MAX_DELAY) throw new GovernanceConfigError(`${where}: minDelay ${delay} s is more than 30 days`);
  return delay;
}

/** Resolves the governance of a deployment (flags over the file over the network's default delay). */
export function resolveGovernance(
  flags: GovernanceFlags,
  filePath: string,
  networkDefaultDelay: bigint,
  live: boolean,
): GovernanceConfig {
  let file: Record<string, unknown> = {};
  if (existsSync(filePath)) {
    try {
      file = JSON.parse(readFileSync(filePath, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new GovernanceConfigError(`${filePath} is not valid JSON: ${(error as Error).message}`);
    }
    const unknown = Object.keys(file).filter((k) => !["minDelay", "proposers", "executors", "guardian"].includes(k));
    if (unknown.length > 0) throw new GovernanceConfigError(`${filePath}: unknown field ${unknown[0]}`);
  }
  const pick = (flag: string, key: keyof GovernanceFlags): [unknown, string] =>
    flag !== "" ? [flag, `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`] : [file[key], filePath];

  const [delayValue, delaySource] = pick(flags.minDelay, "minDelay");
  const minDelay = delayValue === undefined ? networkDefaultDelay : delayOf(delayValue, delaySource);
  const missing = (what: string, flag: string) =>
    new GovernanceConfigError(`${what}: pass ${flag} or set "${what}" in ${filePath}`);
  const [proposersValue, proposersSource] = pick(flags.proposers, "proposers");
  if (proposersValue === undefined) throw missing("proposers", "--proposers <address,…>");
  const [executorsValue, executorsSource] = pick(flags.executors, "executors");
  if (executorsValue === undefined) throw missing("executors", "--executors <address,…|anyone>");
  const [guardianValue, guardianSource] = pick(flags.guardian, "guardian");
  if (guardianValue === undefined) throw missing("guardian", "--guardian <address|none>");
  const guardian =
    guardianValue === "none" ? ZeroAddress : addressList([guardianValue], "guardian", guardianSource, false)[0]!;
  if (live && minDelay < 3_600n) {
    throw new GovernanceConfigError(
      `${delaySource}: a live network's timelock delay must be at least an hour (got ${minDelay} s): operators need time to see a change coming`,
    );
  }
  return {
    minDelay,
    proposers: addressList(proposersValue, "proposers", proposersSource, false),
    executors: addressList(executorsValue, "executors", executorsSource, true),
    guardian,
    sources: {
      minDelay: delayValue === undefined ? "packages/contracts/deploy/networks.ts" : delaySource,
      proposers: proposersSource,
      executors: executorsSource,
      guardian: guardianSource,
    },
  };
}
