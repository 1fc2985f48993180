import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";

import { PROVER_CHOICES } from "@zkagent/circuits";
import { isAddress } from "ethers";
import { z } from "zod";

import type { KeySource } from "../chain/keys.ts";
import { keySchema } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { cannotRead } from "../file-errors.ts";
import { fromInvocationDir, invocationDir } from "../invocation-dir.ts";

/**
 * A federated operator's (or aggregator's) config for `zkagent fl …`: the chain, the
 * FederatedRound, where the journal lives, and the key, kept as the agent keeps its own (an
 * encrypted keystore with its password in the environment, or a throwaway key's environment
 * variable on a local chain: never a key on the command line).
 */
export const federatedConfigSchema = z
  .object({
    rpcUrl: z
      .string()
      .url()
      .refine((url) => /^https?:\/\//i.test(url), "must start with http:// or https:// (e.g. http://127.0.0.1:8545)"),
    chainId: z.number().int().positive(),
    federatedRound: z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address (the FederatedRound)"),
    dataDir: z.string().min(1).default(".zkagent"),
    key: keySchema.default({ privateKeyEnv: "ZKAGENT_PRIVATE_KEY" }),
    /** The aggregator's Groth16 prover (as the agent's `prover`). */
    prover: z.enum(PROVER_CHOICES).default("auto"),
    rpcTimeoutSeconds: z.number().min(0.1).max(600).default(30),
    /** How long a command waits for its transaction's receipt before saying it is pending. */
    confirmTimeoutSeconds: z.number().min(1).max(3_600).default(120),
  })
  .strict();

export type FederatedConfig = z.infer<typeof federatedConfigSchema> & { key: KeySource };

/**
 * Loads and validates the config file, `--rpc-url` over it. Paths in the file (dataDir,
 * key.keystorePath) are relative to the file's folder, as in the agent's config.
 */
export async function loadFederatedConfig(path: string, flags: { rpcUrl?: string } = {}): Promise<FederatedConfig> {
  const file = fromInvocationDir(path);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ConfigError(
      error instanceof SyntaxError
        ? `${file} is not valid JSON: ${error.message}`
        : cannotRead("config file", file, error),
    );
  }
  const parsed = federatedConfigSchema.safeParse({
    ...(raw as object),
    ...(flags.rpcUrl ? { rpcUrl: flags.rpcUrl } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys =
      issue.code === "unrecognized_keys"
        ? ` (${issue.keys.join(", ")}; the keys are ${Object.keys(federatedConfigSchema.shape).join(", ")})`
        : "";
    throw new ConfigError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}${keys}`);
  }
  const config = parsed.data as FederatedConfig;
  const base = file ? dirname(file) : invocationDir();
  const inFile = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  config.dataDir = inFile(config.dataDir);
  if ("keystorePath" in config.key) config.key.keystorePath = inFile(config.key.keystorePath);
  return config;
}

/** The federated journal of `account` for one FederatedRound on one chain, in `dataDir`. */
export function federatedJournalPath(
  dataDir: string,
  chainId: number | bigint,
  rounds: string,
  account: string,
): string {
  return join(dataDir, `fl-journal-${chainId}-${rounds.toLowerCase()}-${account.toLowerCase()}.sqlite`);
}
