import { setTimeout as sleep } from "node:timers/promises";

import { Option, type Command } from "commander";
import { AbstractSigner } from "ethers";

import { addressArgument, pathArgument, rpcUrlArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { writeJson } from "../cli-json.ts";
import { openNode } from "../chain/open-node.ts";
import { loadSigner, type KeySource } from "../chain/keys.ts";
import { ConfigError } from "../errors.ts";
import { watchClaims, type WatchReport } from "./claim-watcher.ts";

interface WatchFlags {
  rpcUrl: string;
  lane: string;
  fromBlock: number;
  keystore?: string;
  passwordEnv: string;
  privateKeyEnv?: string;
  finalize?: boolean;
  challengeUnverifiable?: boolean;
  maxBlockRange: number;
  interval?: number;
  json?: boolean;
}

/** `zkagent watch`: the challenger bot of the optimistic path. */
export function registerWatchCommand(program: Command): void {
  program
    .command("watch")
    .description(
      "check every optimistic claim of a lane from public data; with a key, challenge the ones no proof can exist for and slash agents that stay silent",
    )
    .addOption(new Option("--rpc-url <url>", "JSON-RPC endpoint").argParser(rpcUrlArgument).makeOptionMandatory())
    .requiredOption("--lane <address>", "the OptimisticLane", addressArgument)
    .addOption(new Option("--from-block <n>", "first block to scan").argParser(wholeNumberArgument(0)).default(0))
    .option("--keystore <file>", "the challenger's encrypted keystore (without a key: report only)", pathArgument)
    .option("--password-env <name>", "environment variable holding the keystore's password", "ZKAGENT_PASSWORD")
    .option("--private-key-env <name>", "environment variable holding a throwaway key (local chains)")
    .option("--finalize", "also finalise unchallenged claims whose window has passed (frees honest agents' bonds)")
    .option(
      "--challenge-unverifiable",
      "also challenge claims naming a proven model, which public data cannot check (each wrong challenge loses its bond)",
    )
    .addOption(
      new Option("--max-block-range <n>", "largest getLogs range the node accepts")
        .argParser(wholeNumberArgument(1))
        .default(10_000),
    )
    .addOption(
      new Option("--interval <seconds>", "keep watching, a pass every N seconds").argParser(wholeNumberArgument(1)),
    )
    .option("--json", "machine-readable report (with --interval, one JSON object per line, one per pass)")
    .action(async (flags: WatchFlags) => {
      const provider = await openNode(flags.rpcUrl);
      try {
        const source = keySourceOf(flags);
        const loaded = source ? await loadSigner(source, provider) : undefined;
        // the watcher sends its own transactions (challenge, slash, finalize), so it needs a full signer
        if (loaded && !(loaded instanceof AbstractSigner))
          throw new ConfigError("watch: the key must load as a signer");
        const signer = loaded;
        for (;;) {
          const report = await watchClaims({
            provider,
            lane: flags.lane,
            ...(signer ? { signer } : {}),
            fromBlock: flags.fromBlock,
            maxBlockRange: flags.maxBlockRange,
            finalize: flags.finalize === true,
            challengeUnverifiable: flags.challengeUnverifiable === true,
          });
          if (flags.json) writeJson(report, flags.interval === undefined ? 2 : 0);
          else process.stdout.write(renderWatch(report));
          if (flags.interval === undefined) break;
          await sleep(flags.interval * 1000);
        }
      } finally {
        provider.destroy();
      }
    });
}

function keySourceOf(flags: WatchFlags): KeySource | undefined {
  if (flags.keystore && flags.privateKeyEnv) {
    throw new ConfigError("watch: give --keystore or --private-key-env, not both");
  }
  if (flags.keystore) return { keystorePath: flags.keystore, passwordEnv: flags.passwordEnv };
  if (flags.privateKeyEnv) return { privateKeyEnv: flags.privateKeyEnv };
  return undefined;
}

/** One line per claim: who, which nonce, its state, the verdict and what the watcher did. */
export function renderWatch(report: WatchReport): string {
  const lines = [`lane ${report.lane}, blocks ${report.fromBlock}–${report.toBlock}: ${report.claims.length} claims`];
  for (const c of report.claims) {
    const verdict = c.judgement
      ? `${c.judgement.verdict}${"reason" in c.judgement ? ` (${c.judgement.reason})` : ""}`
      : "—";
    const action = c.action === "none" ? "" : ` → ${c.action} in ${c.actionTx}`;
    lines.push(`  agent ${c.claim.agent} nonce ${c.claim.nonce} on ${c.claim.trader}: ${c.state}, ${verdict}${action}`);
  }
  return `${lines.join("\n")}\n`;
}
