/** What every `zkagent fl` command shares: the config, the connection, the checks of a base and an update, the output. */
import { Option, type Command } from "commander";
import { getAddress, type JsonRpcProvider } from "ethers";

import { pathArgument, rpcUrlArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { writeJson } from "../cli-json.ts";
import { assertChainId } from "../chain/assert-chain-id.ts";
import { loadSigner } from "../chain/keys.ts";
import { rpcProvider } from "../chain/rpc-provider.ts";
import type { AgentSigner } from "../chain/signer.ts";
import { Journal } from "../journal/journal.ts";
import { loadProvenModelFile, type LoadedProvenModel } from "../model/proven/model-file.ts";
import { federatedJournalPath, loadFederatedConfig, type FederatedConfig } from "./federated-config.ts";
import { FederatedRoundError } from "./federated-errors.ts";
import { FederatedRoundClient, type RoundView } from "./round-client.ts";
import type { LoadedUpdate } from "./update-file.ts";

export interface Flags {
  config: string;
  rpcUrl?: string;
  json?: boolean;
}

export const withConfig = (command: Command) =>
  command
    .addOption(
      new Option("-c, --config <file>", "the federated config (rpcUrl, chainId, federatedRound, dataDir, key)")
        .argParser(pathArgument)
        .makeOptionMandatory(),
    )
    .addOption(new Option("--rpc-url <url>", "JSON-RPC endpoint (over the config's)").argParser(rpcUrlArgument))
    .option("--json", "the outcome as one JSON document on stdout");

export const roundOption = () =>
  new Option("--round <id>", "the round id").argParser(wholeNumberArgument(0)).makeOptionMandatory();

/** The config, a provider on its chain (checked first) and the FederatedRound there. */
export async function connect(
  flags: Flags,
): Promise<{ config: FederatedConfig; provider: JsonRpcProvider; client: FederatedRoundClient }> {
  const config = await loadFederatedConfig(flags.config, { rpcUrl: flags.rpcUrl });
  const provider = rpcProvider(config.rpcUrl, config.chainId, { timeoutMs: config.rpcTimeoutSeconds * 1000 });
  try {
    await assertChainId(provider, BigInt(config.chainId));
    const client = new FederatedRoundClient(getAddress(config.federatedRound), provider);
    await client.assertDeployed();
    return { config, provider, client };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/** The same, with the key loaded and the caller's journal open (its lock held until `close`). */
export async function connectSigned(flags: Flags): Promise<{
  config: FederatedConfig;
  provider: JsonRpcProvider;
  client: FederatedRoundClient;
  signer: AgentSigner;
  journal: Journal;
  close: () => void;
}> {
  const { config, provider } = await connect(flags);
  try {
    const signer = await loadSigner(config.key, provider);
    const client = new FederatedRoundClient(
      getAddress(config.federatedRound),
      provider,
      signer,
      undefined,
      config.confirmTimeoutSeconds * 1000,
    );
    const journal = Journal.open(
      federatedJournalPath(config.dataDir, config.chainId, config.federatedRound, signer.address),
    );
    return {
      config,
      provider,
      client,
      signer,
      journal,
      close: () => {
        journal.close();
        provider.destroy();
      },
    };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

export const hex = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;

export function say(flags: Flags, report: Record<string, unknown>, lines: string[]): void {
  if (flags.json) writeJson(report);
  else process.stdout.write(`${lines.join("\n")}\n`);
}

/** The base model file of `round`, checked against the round's base commitment. */
export async function baseOf(path: string, round: RoundView): Promise<LoadedProvenModel> {
  const base = await loadProvenModelFile(path);
  if (base.commitment !== round.baseModel) {
    throw new FederatedRoundError(
      `${path} commits to ${hex(base.commitment)}, but round ${round.roundId}'s base is ${hex(round.baseModel)}: pass the base's model file (the shipped model, or the aggregate file \`fl aggregate\` wrote for the round that produced it)`,
    );
  }
  return base;
}

/** An update file written for this chain, FederatedRound, round and base. */
export function assertUpdateFor(update: LoadedUpdate, config: FederatedConfig, round: RoundView): void {
  const file = update.file;
  const wrong =
    file.chainId !== config.chainId
      ? `chain ${file.chainId}, not ${config.chainId}`
      : file.federatedRound !== getAddress(config.federatedRound)
        ? `FederatedRound ${file.federatedRound}, not ${getAddress(config.federatedRound)}`
        : BigInt(file.roundId) !== round.roundId
          ? `round ${file.roundId}, not round ${round.roundId}`
          : BigInt(file.baseModel) !== round.baseModel
            ? `base ${hex(BigInt(file.baseModel))}, not the round's ${hex(round.baseModel)}`
            : undefined;
  if (wrong) {
    throw new FederatedRoundError(
      `${update.path} is an update for ${wrong}: train one for this round with \`zkagent fl train --round ${round.roundId}\``,
    );
  }
}
