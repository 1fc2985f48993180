import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";

import { PROOF_SYSTEMS, PROVER_CHOICES } from "@zkagent/circuits";
import { isAddress } from "ethers";
import { z } from "zod";

import type { KeySource } from "./chain/keys.ts";
import { auditorKeySchema } from "./disclosure/auditor-keys.ts";
import { closestName } from "./did-you-mean.ts";
import { ConfigError } from "./errors.ts";
import { cannotRead } from "./file-errors.ts";
import { fromInvocationDir, invocationDir } from "./invocation-dir.ts";

export const keySchema = z.union([
  z
    .object({ keystorePath: z.string().min(1), passwordEnv: z.string().min(1).default("ZKAGENT_KEYSTORE_PASSWORD") })
    .strict(),
  z.object({ privateKeyEnv: z.string().min(1).default("ZKAGENT_PRIVATE_KEY") }).strict(),
]);

/**
 * Selective disclosure to auditors: each proved trade's decision record is sealed to the auditor
 * keys not revoked, stored by its sha256, and that hash committed on-chain with the trade.
 */
const disclosureSchema = z
  .object({
    auditors: z
      .array(auditorKeySchema)
      .min(1)
      .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, "auditor ids must be unique")
      .refine(
        (keys) => new Set(keys.map((k) => k.recipient)).size === keys.length,
        "an auditor key is listed twice (same recipient)",
      )
      .refine((keys) => keys.some((k) => !k.revoked), "every auditor key is revoked: add a new one"),
    /** A directory (relative to the config file) or an http(s) content-addressed store; default dataDir/records. */
    store: z.string().min(1).optional(),
    /** Also seal the records of refusals (never committed on-chain: there is no trade). */
    refusals: z.boolean().default(false),
  })
  .strict();

/**
 * The hub path (`path: "hub"`): the signal hub the agent publishes to, the hub's market ids it
 * signals (default: the one market whose feed is the trader's), and whether it follows its own
 * signal in its own vault when that vault is subscribed to it. See README, "Running an agent on
 * the hub path".
 */
const hubSchema = z
  .object({
    address: z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address"),
    markets: z
      .array(z.number().int().min(0))
      .refine((ids) => [1, 2, 4].includes(ids.length), "a signal covers 1, 2 or 4 markets")
      .refine((ids) => ids.every((id, i) => i === 0 || id > ids[i - 1]!), "market ids must be strictly increasing")
      .optional(),
    followOwnVault: z.boolean().default(true),
    /**
     * Keep other vaults too: each round's signal is executed for these vaults (subscribed to this
     * agent on this hub) in one FollowBatcher transaction. See README, "Running an agent on the hub path".
     */
    keeper: z
      .object({
        batcher: z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address (a deployed FollowBatcher)"),
        vaults: z
          .array(z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address"))
          .min(1, "list at least one vault to keep")
          .max(64, "at most 64 vaults in one batch (a block's gas)"),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The agent's configuration: a JSON file, then ZKAGENT_* environment variables, then flags. */
export const configSchema = z
  .object({
    rpcUrl: z
      .string()
      .url()
      .refine((url) => /^https?:\/\//i.test(url), "must start with http:// or https:// (e.g. http://127.0.0.1:8545)"),
    chainId: z.number().int().positive(),
    traderAddress: z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address"),
    /** A GGUF file; default: the bundled tiny model in dataDir (written on first use). */
    modelPath: z.string().min(1).optional(),
    /**
     * How the agent decides: "llm" (the LLM proposes; the policy is proven, the model attested),
     * "model" (the registered proven model decides; its forward pass is proven), "llm+model" (the
     * LLM advises, the proven model decides).
     */
    mode: z.enum(["llm", "model", "llm+model"]).default("llm"),
    /**
     * How trades reach the chain: "verified" (executeTrade verifies the proof before the swap) or
     * "optimistic" (executeOptimistic: proven off-chain and bonded in the vault's lane; the proof is
     * posted when challenged, or to settle early). See README, "The optimistic path". "hub":
     * publish each round's signal to the signal hub (proven once, followed by subscribed vaults);
     * needs `hub` and mode "llm".
     */
    path: z.enum(["verified", "optimistic", "hub"]).default("verified"),
    hub: hubSchema.optional(),
    /** The proven model's file (modes "model", "llm+model"); default: the shipped decision model. */
    decisionModelPath: z.string().min(1).optional(),
    /** A text file of notes or headlines the adviser reads (mode "llm+model"). */
    notesPath: z.string().min(1).optional(),
    dataDir: z.string().min(1).default(".zkagent"),
    key: keySchema.default({ privateKeyEnv: "ZKAGENT_PRIVATE_KEY" }),
    threads: z.number().int().min(1).max(256).optional(),
    gpu: z.union([z.literal("auto"), z.literal(false)]).default(false),
    temperature: z.number().min(0).max(2).default(0),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    intervalSeconds: z.number().min(0.05).max(86_400).default(15),
    deadlineSeconds: z.number().int().min(10).max(86_400).default(300),
    rpcRetries: z.number().int().min(0).max(20).default(5),
    /** Per-request timeout: a node that hangs is a fault, reported and retried like any other. */
    rpcTimeoutSeconds: z.number().min(0.1).max(600).default(30),
    /** How long a cycle waits for its receipt; after that each tick re-checks it, and nothing new is traded. */
    confirmTimeoutSeconds: z.number().min(1).max(3_600).default(120),
    /**
     * The Groth16 prover: "snarkjs" (the reference), "native" (packages/prover-native; refused at
     * start if this machine has not built it) or "auto" (native when built and usable, else snarkjs).
     */
    prover: z.enum(PROVER_CHOICES).default("auto"),
    /**
     * The proof system of this deployment: "groth16" (the generated verifiers) or "plonk" (the
     * trader's verifier is a PlonkVerifierAdapter: each PLONK proof is submitted to it before the
     * trade). Checked at start against the trader's active verifier. Path "verified" only.
     */
    proofSystem: z.enum(PROOF_SYSTEMS).default("groth16"),
    /**
     * Time-locked governance: a trade is proved only if it can land at least this long before any
     * scheduled change that affects it could take effect (its deadline is capped there); else the
     * agent waits, and journals why.
     */
    minTradeWindowSeconds: z.number().int().min(1).max(86_400).default(30),
    /** The block the scan for the vault timelock's scheduled changes starts from (the record's deployedAtBlock). */
    governanceFromBlock: z.number().int().min(0).default(0),
    /**
     * Uniswap's QuoterV2: each trade's swap is quoted on the vault's pool before it is proven, and
     * sized down or skipped if it breaks the oracle bound. Default: the chain's known QuoterV2
     * (Arbitrum One's); none known: trades are not quoted (said once at start).
     */
    quoterAddress: z.string().refine(isAddress, "must be a 0x-prefixed 20-byte address").optional(),
    /**
     * A round is not proven over once older than the policy's maxOracleAge less this (default 60 s,
     * at most half of maxOracleAge): the proof and its transaction need the time to land.
     */
    oracleAgeMarginSeconds: z.number().int().min(0).max(86_400).optional(),
    disclosure: disclosureSchema.optional(),
    /**
     * `zkagent run`'s monitoring endpoint (off unless set): Prometheus metrics at /metrics and a
     * health check at /healthz, on `host` (default 127.0.0.1: not reachable from other machines).
     */
    metrics: z
      .object({
        port: z.number().int().min(0).max(65_535),
        host: z.string().min(1).default("127.0.0.1"),
        /** /healthz fails when the loop last completed a poll longer ago than this (default: see healthMaxAgeSeconds). */
        maxAgeSeconds: z.number().min(1).max(86_400).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AgentConfig = z.infer<typeof configSchema> & { key: KeySource };

const ENV_FIELDS: Record<string, [keyof AgentConfig, "string" | "number"]> = {
  ZKAGENT_RPC_URL: ["rpcUrl", "string"],
  ZKAGENT_CHAIN_ID: ["chainId", "number"],
  ZKAGENT_TRADER_ADDRESS: ["traderAddress", "string"],
  ZKAGENT_MODEL_PATH: ["modelPath", "string"],
  ZKAGENT_MODE: ["mode", "string"],
  ZKAGENT_PATH: ["path", "string"],
  ZKAGENT_DATA_DIR: ["dataDir", "string"],
  ZKAGENT_THREADS: ["threads", "number"],
  ZKAGENT_PROVER: ["prover", "string"],
  ZKAGENT_PROOF_SYSTEM: ["proofSystem", "string"],
};

/** The object schemas a value of `schema` may be (through optional, default, refinements and unions). */
function objectsOf(schema: z.ZodTypeAny): z.AnyZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return objectsOf(schema.unwrap());
  if (schema instanceof z.ZodDefault) return objectsOf(schema.removeDefault());
  if (schema instanceof z.ZodEffects) return objectsOf(schema.innerType());
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodTypeAny[]).flatMap(objectsOf);
  return [];
}

/** The keys the config allows at `path` ("" for the top level, ["hub"], ["key"]…). */
function keysAt(path: readonly (string | number)[]): string[] {
  let schemas = objectsOf(configSchema);
  for (const step of path) {
    schemas = schemas.flatMap((s) => (String(step) in s.shape ? objectsOf(s.shape[String(step)]) : []));
  }
  return [...new Set(schemas.flatMap((s) => Object.keys(s.shape)))];
}

/**
 * Validates raw config, naming the first bad field and what it must be. An unknown key is named
 * first, with the known key it is probably a misspelling of ("rpcURL": did you mean "rpcUrl"?):
 * otherwise the misspelling shows up only as the real key being required.
 */
export function parseConfig(raw: unknown, source = "config"): AgentConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((i) => i.code === "unrecognized_keys");
    if (unknown?.code === "unrecognized_keys") {
      const where = unknown.path.length > 0 ? `${unknown.path.join(".")}.` : "";
      const known = keysAt(unknown.path);
      const meant = unknown.keys.map((key) => closestName(key, known));
      const named = unknown.keys.map(
        (key, i) => `"${where}${key}"${meant[i] ? ` (did you mean "${where}${meant[i]}"?)` : ""}`,
      );
      const list = meant.every(Boolean) ? "" : `; the keys here are ${known.join(", ")}`;
      throw new ConfigError(`${source}: unknown key${named.length > 1 ? "s" : ""} ${named.join(", ")}${list}`);
    }
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new ConfigError(`${source}: ${field}: ${issue.message}`);
  }
  const config = parsed.data;
  if (config.path === "hub") {
    if (!config.hub) throw new ConfigError(`${source}: hub: path "hub" needs hub.address (the SignalHub)`);
    if (config.mode !== "llm") {
      throw new ConfigError(
        `${source}: mode: path "hub" publishes signals of the attested model (mode "llm"), but mode is "${config.mode}": the hub refuses a proven model's signal (ProvenModelNotSupported); use mode "llm", or path "verified" for a proven model`,
      );
    }
    if (config.disclosure) {
      throw new ConfigError(
        `${source}: disclosure: path "hub" has no trade to commit a decision record's hash with; use path "verified" to disclose`,
      );
    }
  }
  return config as AgentConfig;
}

/** The config's fields that name files or folders. */
const PATH_FIELDS = ["modelPath", "decisionModelPath", "notesPath", "dataDir"] as const;

/**
 * Loads the file (if any), overlays ZKAGENT_* variables and flags, and validates the result.
 *
 * Relative paths: those written in the config file (modelPath, decisionModelPath, notesPath,
 * dataDir, key.keystorePath, disclosure.store) are relative to the file's folder, so a config
 * means the same files wherever zkagent is run from; those given as flags or ZKAGENT_* variables,
 * and the config file's own path, are relative to the folder zkagent was run from
 * ({@link invocationDir}). The default dataDir, ".zkagent", sits beside the config file.
 */
export async function loadConfig(
  path: string | undefined,
  flags: Record<string, unknown> = {},
  env = process.env,
): Promise<AgentConfig> {
  const file = path === undefined ? undefined : fromInvocationDir(path, env);
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new ConfigError(cannotRead("config file", file, error));
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, [field, type]] of Object.entries(ENV_FIELDS)) {
    const value = env[name];
    if (value !== undefined) fromEnv[field] = type === "number" ? Number(value) : value;
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const config = parseConfig({ ...fromFile, ...fromEnv, ...defined }, path ?? "config");
  const fileBase = file ? dirname(file) : invocationDir(env);
  const inFile = (p: string) => (isAbsolute(p) ? p : resolve(fileBase, p));
  for (const field of PATH_FIELDS) {
    const value = config[field];
    if (value === undefined) continue;
    config[field] = field in defined || field in fromEnv ? fromInvocationDir(value, env) : inFile(value);
  }
  if (config.disclosure) {
    const store = config.disclosure.store;
    config.disclosure.store =
      store === undefined ? join(config.dataDir, "records") : /^https?:\/\//.test(store) ? store : inFile(store);
  }
  if ("keystorePath" in config.key) config.key.keystorePath = inFile(config.key.keystorePath);
  return config;
}
