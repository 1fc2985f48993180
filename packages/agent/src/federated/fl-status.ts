/** `zkagent fl status`: a round on chain and the caller's journal of it (no key loaded). */
import { Option, type Command } from "commander";

import { addressArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { keystoreAddress } from "../chain/keys.ts";
import { JournalView } from "../journal/journal.ts";
import { federatedJournalPath } from "./federated-config.ts";
import { FederatedRoundError } from "./federated-errors.ts";
import { withConfig, connect, hex, say, type Flags } from "./fl-shared.ts";

export function registerFlStatus(fl: Command): void {
  withConfig(fl.command("status"))
    .description(
      "a round on chain (base, deadline, band, participants, aggregate, lineage) and your journal's sends (no key loaded)",
    )
    .addOption(new Option("--round <id>", "the round (default: the latest)").argParser(wholeNumberArgument(0)))
    .addOption(
      new Option("--account <address>", "whose journal to read (default: the config's keystore address)").argParser(
        addressArgument,
      ),
    )
    .action(async (flags: Flags & { round?: number; account?: string }) => {
      const { config, provider, client } = await connect(flags);
      try {
        const count = await client.roundCount();
        if (count === 0n) throw new FederatedRoundError(`no round was opened on ${client.address} yet`);
        const round = await client.round(flags.round === undefined ? count - 1n : BigInt(flags.round));
        const now = await client.latestTimestamp();
        const lineage = round.newModel === 0n ? undefined : await client.contract.lineageOf(round.newModel);
        const account =
          flags.account ?? ("keystorePath" in config.key ? await keystoreAddress(config.key.keystorePath) : undefined);
        const view = account
          ? JournalView.openReadOnly(
              federatedJournalPath(config.dataDir, config.chainId, config.federatedRound, account),
            )
          : undefined;
        const sends = view ? view.federatedAttempts().filter((a) => a.roundId === round.roundId.toString()) : [];
        view?.close();
        const max = round.maxSampleCount;
        const maxShare = Number((max * 10_000n) / (max + 3n * round.minSampleCount)) / 100;
        const status = {
          federatedRound: client.address,
          rounds: count,
          ...round,
          open: round.newModel === 0n && now <= round.deadline,
          maxSharePercent: maxShare,
          ...(lineage ? { lineage: { roundId: lineage.roundId, baseModel: lineage.baseModel } } : {}),
          ...(account
            ? { journal: { account, sends: sends.map(({ rawTx: _raw, data: _data, ...rest }) => rest) } }
            : {}),
        };
        say(flags, status, [
          `round ${round.roundId} of ${count} on ${client.address}: ${round.newModel !== 0n ? "finalised" : now <= round.deadline ? "open" : "closed, not finalised"}`,
          `base ${hex(round.baseModel)}; deadline ${new Date(Number(round.deadline) * 1000).toISOString()}; clip bound² ${round.clipBoundSquared}; samples in [${round.minSampleCount}, ${max}] (a share of ${maxShare} % at most)`,
          ...round.participants.map((p, i) =>
            round.sampleCounts[i] === 0n
              ? `  ${p}  not submitted`
              : `  ${p}  ${hex(round.updateCommitments[i]!)}  ${round.sampleCounts[i]} samples`,
          ),
          ...(lineage
            ? [
                `aggregate ${hex(round.newModel)}; lineage ${lineage.baseModel === 0n ? "none (a registered model)" : `round ${lineage.roundId} of base ${hex(lineage.baseModel)}`}`,
              ]
            : []),
          ...(account
            ? [
                `journal of ${account}: ${sends.length === 0 ? "no sends for this round" : sends.map((s) => `${s.step} ${s.state}${s.txHash ? ` ${s.txHash}` : ""}`).join("; ")}`,
              ]
            : []),
        ]);
      } finally {
        provider.destroy();
      }
    });
}
