/** `zkagent fl submit`: commits an update to its round, journaled (round-client.ts): a re-run finishes an open attempt, never sends twice. */
import type { Command } from "commander";

import { pathArgument } from "../cli-arguments.ts";
import { FederatedRoundError } from "./federated-errors.ts";
import { readUpdateFile } from "./update-file.ts";
import { withConfig, roundOption, connectSigned, hex, say, assertUpdateFor, type Flags } from "./fl-shared.ts";

export function registerFlSubmit(fl: Command): void {
  withConfig(fl.command("submit"))
    .description("commit an update to its round (journaled: run it again after a crash; it never sends twice)")
    .addOption(roundOption())
    .requiredOption("--update <update.json>", "the file `fl train` wrote", pathArgument)
    .action(async (flags: Flags & { round: number; update: string }) => {
      const roundId = BigInt(flags.round);
      const update = readUpdateFile(flags.update);
      const { config, client, signer, journal, close } = await connectSigned(flags);
      try {
        const round = await client.round(roundId);
        assertUpdateFor(update, config, round);
        // the journal's attempt (in flight, or landed) names the update it commits: the operator must
        // finish it, or hand over that file, not this one
        for (const [attempt, state] of [
          [journal.federated.open("submit", roundId), "in flight"],
          [journal.federated.executed("submit", roundId), "already committed"],
        ] as const) {
          const committed = attempt && "updateCommitment" in attempt.detail ? attempt.detail : undefined;
          if (committed && committed.updateCommitment !== update.commitment.toString()) {
            throw new FederatedRoundError(
              `round ${roundId} has another update of yours ${state} (commitment ${committed.updateCommitment}, from ${committed.updateFile}): ${state === "in flight" ? "finish it with that file first" : "send that file to the aggregator; this one was never committed"}`,
            );
          }
        }
        const slot = round.participants.indexOf(signer.address);
        if (slot < 0)
          throw new FederatedRoundError(
            `${signer.address} is not a participant of round ${roundId} (${round.participants.join(", ")})`,
          );
        const outcome = await client.send(
          journal,
          "submit",
          roundId,
          async () => ({
            data: client.contract.interface.encodeFunctionData("submitUpdate", [
              roundId,
              update.commitment,
              update.sampleCount,
            ]),
            detail: {
              updateCommitment: update.commitment.toString(),
              sampleCount: update.sampleCount.toString(),
              updateFile: update.path,
            },
          }),
          (attempt) =>
            process.stderr.write(`recovering the journaled submission of round ${roundId} (${attempt.state})\n`),
        );
        say(flags, { roundId, ...outcome, updateCommitment: update.commitment, sampleCount: update.sampleCount }, [
          outcome.already
            ? `round ${roundId}: already submitted (tx ${outcome.txHash}, block ${outcome.blockNumber}); nothing sent`
            : `round ${roundId}: submitted update ${hex(update.commitment)} with ${update.sampleCount} samples (tx ${outcome.txHash}, ${outcome.gasUsed} gas)`,
          `send ${update.path} to the aggregator, and keep it until the round is finalised`,
        ]);
      } finally {
        close();
      }
    });
}
