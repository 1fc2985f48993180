import { Option, type Command } from "commander";
import { parseUnits } from "ethers";

import { journalPath } from "../agent.ts";
import { addressArgument, pathArgument, rpcUrlArgument } from "../cli-arguments.ts";
import { writeJson } from "../cli-json.ts";
import { assertChainId } from "../chain/assert-chain-id.ts";
import { keystoreAddress, loadSigner } from "../chain/keys.ts";
import { rpcProvider } from "../chain/rpc-provider.ts";
import { loadConfig, type AgentConfig } from "../config.ts";
import { ConfigError, PreflightError } from "../errors.ts";
import { JournalView } from "../journal/journal.ts";
import { LaneClient } from "./lane-client.ts";
import { optimisticStatus, renderOptimisticStatus } from "./optimistic-status.ts";
import { formatUnitsShort } from "./worst-loss.ts";

interface BondFlags {
  config?: string;
  rpcUrl?: string;
  json?: boolean;
}

const withConfig = (command: Command) =>
  command
    .addOption(
      new Option("-c, --config <file>", "the agent's JSON config (its trader, chain and key)").argParser(pathArgument),
    )
    .addOption(new Option("--rpc-url <url>", "JSON-RPC endpoint").argParser(rpcUrlArgument));

/** An amount of the bond token, in its units ("500", "12.5"). */
function amountIn(value: string, decimals: number): bigint {
  let amount: bigint;
  try {
    amount = parseUnits(value, decimals);
  } catch {
    throw new ConfigError(`bond: ${JSON.stringify(value)} is not an amount (e.g. 500 or 12.5, in the bond token)`);
  }
  if (amount <= 0n) throw new ConfigError("bond: the amount must be more than zero");
  return amount;
}

/** The configured agent's lane, with its key loaded (deposit, withdraw). */
async function signedLane(flags: BondFlags): Promise<{ lane: LaneClient; config: AgentConfig; close: () => void }> {
  const config = await loadConfig(flags.config, { rpcUrl: flags.rpcUrl });
  const provider = rpcProvider(config.rpcUrl, config.chainId, { timeoutMs: config.rpcTimeoutSeconds * 1000 });
  try {
    await assertChainId(provider, BigInt(config.chainId));
    const signer = await loadSigner(config.key, provider);
    const lane = await LaneClient.of(config.traderAddress, signer.address, { signer });
    if (!lane) throw new PreflightError(`${config.traderAddress} has no optimistic lane: nothing to bond`);
    return { lane, config, close: () => provider.destroy() };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/**
 * `zkagent bond deposit | withdraw | status`: the agent's bond in its vault's OptimisticLane, which
 * covers the worst loss of each unproven claim (see README, "The optimistic path").
 */
export function registerBondCommand(program: Command): void {
  const bond = program
    .command("bond")
    .description("the agent's bond for its vault's optimistic lane (path \"optimistic\")");

  withConfig(bond.command("deposit <amount>"))
    .description("add <amount> of the bond token (the vault's quote token) to the bond, approving the lane if need be")
    .action(async (amount: string, flags: BondFlags) => {
      const { lane, close } = await signedLane(flags);
      try {
        const { decimals, symbol } = await lane.parameters();
        const value = amountIn(amount, decimals);
        const balance = await lane.tokenBalance();
        if (balance < value) {
          throw new ConfigError(
            `bond deposit: the agent holds ${formatUnitsShort(balance, decimals, symbol)}, less than ${amount} ${symbol}`,
          );
        }
        const txHash = await lane.deposit(value);
        const after = await lane.bond();
        process.stdout.write(
          `deposited ${amount} ${symbol} (tx ${txHash}); bond total ${formatUnitsShort(after.total, decimals, symbol)}\n`,
        );
      } finally {
        close();
      }
    });

  withConfig(bond.command("withdraw <amount>"))
    .description("withdraw <amount> of free bond (what unsettled claims do not lock)")
    .addOption(new Option("--to <address>", "the receiver (default: the agent)").argParser(addressArgument))
    .action(async (amount: string, flags: BondFlags & { to?: string }) => {
      const { lane, close } = await signedLane(flags);
      try {
        const { decimals, symbol } = await lane.parameters();
        const value = amountIn(amount, decimals);
        const { withdrawable } = await lane.bond();
        if (value > withdrawable) {
          // the lane would refuse it (BondLocked): say so and send nothing
          throw new ConfigError(
            `bond withdraw: ${amount} ${symbol} is more than the withdrawable ${formatUnitsShort(withdrawable, decimals, symbol)}; unsettled claims lock the rest`,
          );
        }
        const txHash = await lane.withdraw(value, flags.to ?? lane.agent);
        process.stdout.write(`withdrew ${amount} ${symbol} to ${flags.to ?? lane.agent} (tx ${txHash})\n`);
      } finally {
        close();
      }
    });

  withConfig(bond.command("status"))
    .description(
      "bond total, locked, pending claims, withdrawable; the open claims and their deadlines (no key needed)",
    )
    .addOption(
      new Option("--agent <address>", "the agent (default: the config's keystore address)").argParser(addressArgument),
    )
    .option("--json", "machine-readable")
    .action(async (flags: BondFlags & { agent?: string }) => {
      const config = await loadConfig(flags.config, { rpcUrl: flags.rpcUrl });
      const provider = rpcProvider(config.rpcUrl, config.chainId);
      try {
        await assertChainId(provider, BigInt(config.chainId));
        const agent =
          flags.agent ??
          ("keystorePath" in config.key
            ? await keystoreAddress(config.key.keystorePath)
            : (() => {
                throw new ConfigError("bond status needs the agent's address: pass --agent <address>");
              })());
        const journal = JournalView.openReadOnly(
          journalPath(config.dataDir, BigInt(config.chainId), config.traderAddress, agent),
        );
        try {
          const status = await optimisticStatus({
            provider,
            traderAddress: config.traderAddress,
            agent,
            ...(journal ? { journal } : {}),
          });
          if (flags.json) writeJson(status, 0);
          else process.stdout.write(renderOptimisticStatus(status));
        } finally {
          journal?.close();
        }
      } finally {
        provider.destroy();
      }
    });
}
