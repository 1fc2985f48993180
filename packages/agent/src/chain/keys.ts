import { readFile } from "node:fs/promises";

import { Wallet, type Provider } from "ethers";

import { ConfigError } from "../errors.ts";

export type KeySource = { keystorePath: string; passwordEnv: string } | { privateKeyEnv: string };

/** The agent's wallet from an encrypted JSON keystore (ethers) or a private key in an environment variable. */
export async function loadWallet(source: KeySource, provider: Provider): Promise<Wallet> {
  if ("keystorePath" in source) {
    const password = process.env[source.passwordEnv];
    if (password === undefined) throw new ConfigError(`key: set ${source.passwordEnv} to the keystore's password`);
    let json: string;
    try {
      json = await readFile(source.keystorePath, "utf8");
    } catch {
      throw new ConfigError(`key.keystorePath: cannot read ${source.keystorePath}`);
    }
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
