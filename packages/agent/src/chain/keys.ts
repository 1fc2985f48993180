import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";

import { getAddress, isKeystoreJson, Wallet, type Provider } from "ethers";

import { ConfigError } from "../errors.ts";
import { cannotRead } from "../file-errors.ts";
import type { AgentSigner } from "./signer.ts";

/**
 * Where the agent's key comes from. An encrypted JSON keystore (ethers; the password in an
 * environment variable) is what operators use; `privateKeyEnv` is for throwaway keys on local
 * chains (tests, the chaos runs). An external signer is another variant here and a branch in
 * loadSigner returning its AgentSigner.
 */
export type KeySource = { keystorePath: string; passwordEnv: string } | { privateKeyEnv: string };

/** The keystore's password must be at least this long: the file is only as strong as it. */
const MIN_PASSWORD_LENGTH = 12;

/** The agent's signer from its key source: the default implementation is an ethers Wallet. */
export async function loadSigner(source: KeySource, provider: Provider): Promise<AgentSigner> {
  if ("keystorePath" in source) {
    const password = process.env[source.passwordEnv];
    if (password === undefined) throw new ConfigError(`key: set ${source.passwordEnv} to the keystore's password`);
    const json = await readKeystore(source.keystorePath);
    try {
      return (await Wallet.fromEncryptedJson(json, password)).connect(provider) as Wallet;
    } catch (error) {
      throw new ConfigError(`key.keystorePath: cannot decrypt ${source.keystorePath}: ${(error as Error).message}`);
    }
  }
  const key = process.env[source.privateKeyEnv];
  if (!key) throw new ConfigError(`key: set ${source.privateKeyEnv} to the agent's private key (0x + 64 hex digits)`);
  try {
    return new Wallet(key, provider);
  } catch {
    throw new ConfigError(`key: ${source.privateKeyEnv} is not a valid private key (expected 0x + 64 hex digits)`);
  }
}

/** The address a keystore holds, read from its public part: no password, nothing decrypted. */
export async function keystoreAddress(path: string): Promise<string> {
  const json = await readKeystore(path);
  const address = isKeystoreJson(json) ? (JSON.parse(json) as { address?: unknown }).address : undefined;
  try {
    if (typeof address !== "string") throw new Error("no address");
    return getAddress(address.startsWith("0x") ? address : `0x${address}`);
  } catch {
    throw new ConfigError(`key.keystorePath: ${path} names no address: pass --agent <address>`);
  }
}

/**
 * Encrypts `wallet` into a new keystore file readable by its owner only, with the password from
 * the environment variable `passwordEnv` (never from the command line, where shell history and
 * the process list would keep it). Refuses to overwrite a file.
 */
export async function writeKeystore(wallet: Wallet, path: string, passwordEnv: string): Promise<void> {
  const password = process.env[passwordEnv];
  if (password === undefined || password.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError(
      `key: set ${passwordEnv} to the keystore's password (at least ${MIN_PASSWORD_LENGTH} characters)`,
    );
  }
  if (existsSync(path))
    throw new ConfigError(`key: ${path} exists; choose another file (a keystore is never overwritten)`);
  await writeFile(path, await wallet.encrypt(password), { mode: 0o600, flag: "wx" });
}

async function readKeystore(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`key.keystorePath: ${cannotRead("keystore", path, error)}`);
  }
}
