/** `zkagent fl open`: a round opened by FederatedRound's owner (sent when the key is the owner, as on a local chain; else the call printed for the time lock). */
import { Option, type Command } from "commander";
import { MAX_CLIP_BOUND_SQUARED } from "@zkagent/circuits";

import { addressArgument, pathArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { loadSigner } from "../chain/keys.ts";
import { ConfigError } from "../errors.ts";
import { loadProvenModelFile } from "../model/proven/model-file.ts";
import { withConfig, connect, hex, say, type Flags } from "./fl-shared.ts";

export function registerFlOpen(fl: Command): void {
  withConfig(fl.command("open"))
    .description(
      "open a round (FederatedRound's owner: sent from the key if it is the owner, else printed for the time lock)",
    )
    .requiredOption("--base <model.json>", "the base: an approved proven model's file", pathArgument)
    .requiredOption("--participants <addresses>", "the four participants, comma-separated")
    .addOption(
      new Option("--deadline-in <seconds>", "submissions close this long from now")
        .argParser(wholeNumberArgument(60))
        .default(86_400),
    )
    .addOption(
      new Option("--clip <n>", "the bound on each update's squared L2 delta per chunk")
        .argParser(wholeNumberArgument(1, Number(MAX_CLIP_BOUND_SQUARED)))
        .default(2_500),
    )
    .addOption(
      new Option("--min-samples <n>", "the least sample count a participant may claim")
        .argParser(wholeNumberArgument(1, 65_536))
        .default(1),
    )
    .addOption(
      new Option("--max-samples <n>", "the most a participant may claim (caps its weight)")
        .argParser(wholeNumberArgument(1, 65_536))
        .default(65_536),
    )
    .action(
      async (
        flags: Flags & {
          base: string;
          participants: string;
          deadlineIn: number;
          clip: number;
          minSamples: number;
          maxSamples: number;
        },
      ) => {
        const participants = flags.participants.split(",").map((a) => {
          try {
            return addressArgument(a.trim());
          } catch {
            throw new ConfigError(`--participants: ${JSON.stringify(a)} is not an address`);
          }
        });
        if (participants.length !== 4)
          throw new ConfigError(`--participants: the aggregation circuit takes exactly 4, got ${participants.length}`);
        const { config, provider, client } = await connect(flags);
        try {
          const base = await loadProvenModelFile(flags.base);
          const deadline = (await client.latestTimestamp()) + BigInt(flags.deadlineIn);
          const args: [bigint, [string, string, string, string], bigint, bigint, bigint, bigint] = [
            base.commitment,
            participants as [string, string, string, string],
            deadline,
            BigInt(flags.clip),
            BigInt(flags.minSamples),
            BigInt(flags.maxSamples),
          ];
          const data = client.contract.interface.encodeFunctionData("openRound", args);
          const owner = await client.contract.owner();
          const signer = await loadSigner(config.key, provider);
          if (signer.address !== owner) {
            say(flags, { sent: false, owner, target: client.address, data }, [
              `the key ${signer.address} is not FederatedRound's owner ${owner} (the time lock on a live network): schedule this call through it`,
              `target ${client.address}`,
              `data   ${data}`,
              `e.g. npx pnpm hardhat gov schedule --target ${client.address} --function 'openRound(uint256,address[4],uint256,uint256,uint256,uint256)' --args '${JSON.stringify(args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}'`,
            ]);
            return;
          }
          const roundId = await client.roundCount();
          const tx = await client.contract.connect(signer).openRound(...args);
          const receipt = await tx.wait();
          say(flags, { sent: true, roundId, txHash: tx.hash, gasUsed: receipt?.gasUsed, deadline }, [
            `opened round ${roundId} (tx ${tx.hash}) on base ${hex(base.commitment)}; submissions until ${new Date(Number(deadline) * 1000).toISOString()}`,
          ]);
        } finally {
          provider.destroy();
        }
      },
    );
}
