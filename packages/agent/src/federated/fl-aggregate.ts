/** `zkagent fl aggregate`: the round's update files opened against the chain, FedAvg proven in both chunks and the round finalised, the proof journaled before anything is signed. */
import type { Command } from "commander";
import { AggregationProver, modelCommitment } from "@zkagent/circuits";

import { pathArgument } from "../cli-arguments.ts";
import { FederatedRoundError } from "./federated-errors.ts";
import { writeAggregateModelFile } from "./aggregate-model-file.ts";
import { readUpdateFile } from "./update-file.ts";
import { withConfig, roundOption, connectSigned, hex, say, baseOf, assertUpdateFor, type Flags } from "./fl-shared.ts";

export function registerFlAggregate(fl: Command): void {
  withConfig(fl.command("aggregate"))
    .description("prove FedAvg of the round's committed updates (their files) in both chunks and finalise the round")
    .addOption(roundOption())
    .requiredOption("--base <model.json>", "the round's base model file", pathArgument)
    .requiredOption(
      "--updates <files...>",
      "the participants' update files, in any order",
      (v: string, all: string[] = []) => [...all, pathArgument(v)],
    )
    .requiredOption(
      "--out <model.json>",
      "where to write the aggregate's model file (register it through the time lock)",
      pathArgument,
    )
    .action(async (flags: Flags & { round: number; base: string; updates: string[]; out: string }) => {
      const roundId = BigInt(flags.round);
      const updates = flags.updates.map(readUpdateFile);
      const { config, client, journal, close } = await connectSigned(flags);
      try {
        const round = await client.round(roundId);
        const base = await baseOf(flags.base, round);
        const outcome = await client.send(
          journal,
          "finalize",
          roundId,
          async () => {
            const missing = round.participants.filter((_, i) => round.sampleCounts[i] === 0n);
            if (missing.length > 0)
              throw new FederatedRoundError(`round ${roundId} waits for ${missing.join(", ")} to submit`);
            // the circuit takes the updates in the round's participant order
            const ordered = round.updateCommitments.map((commitment, i) => {
              const update = updates.find((u) => u.commitment === commitment);
              if (!update) {
                throw new FederatedRoundError(
                  `no update file opens ${round.participants[i]}'s commitment ${hex(commitment)}: ask that participant for the file it submitted`,
                );
              }
              assertUpdateFor(update, config, round);
              if (update.sampleCount !== round.sampleCounts[i]) {
                throw new FederatedRoundError(
                  `${update.path} claims ${update.sampleCount} samples; ${round.participants[i]} committed ${round.sampleCounts[i]}`,
                );
              }
              return { model: update.model, salt: update.salt, sampleCount: round.sampleCounts[i]! };
            });
            const prover = await AggregationProver.load({}, { prover: config.prover });
            let proof;
            try {
              proof = await prover.prove({
                base: base.model,
                updates: ordered,
                clipBoundSquared: round.clipBoundSquared,
              });
            } finally {
              await prover.close();
            }
            const newModel = proof.publicValues.newCommitment;
            if (newModel !== modelCommitment(proof.model))
              throw new Error("the aggregate's commitment is not its model's");
            writeAggregateModelFile(flags.out, base, proof.model, roundId);
            const [p0, p1] = proof.chunks;
            return {
              data: client.contract.interface.encodeFunctionData("finalize", [
                roundId,
                newModel,
                p0!.solidityProof,
                p1!.solidityProof,
              ]),
              detail: {
                newModel: newModel.toString(),
                modelFile: flags.out,
                proveMs: proof.chunks.map((c) => Math.round(c.timings.proveMs)),
              },
            };
          },
          (attempt) =>
            process.stderr.write(
              `recovering the journaled finalisation of round ${roundId} (${attempt.state}): no new proof\n`,
            ),
        );
        const finalized = await client.round(roundId);
        const lineage = await client.contract.lineageOf(finalized.newModel);
        say(
          flags,
          {
            roundId,
            ...outcome,
            newModel: finalized.newModel,
            modelFile: flags.out,
            lineage: { roundId: lineage.roundId, baseModel: lineage.baseModel },
          },
          [
            outcome.already
              ? `round ${roundId}: already finalised (tx ${outcome.txHash}); nothing sent`
              : `round ${roundId}: finalised (tx ${outcome.txHash}, ${outcome.gasUsed} gas)`,
            `aggregate ${hex(finalized.newModel)}  ${flags.out}`,
            lineage.baseModel === 0n
              ? "lineage: none recorded (the aggregate is a registered model, e.g. the base)"
              : `lineage: round ${lineage.roundId} of base ${hex(lineage.baseModel)}; register and approve it through the time lock to trade with it`,
          ],
        );
      } finally {
        close();
      }
    });
}
