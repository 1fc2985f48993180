/** `zkagent fl train`: a participant's update, trained locally from the round's base on its own data, written with its salt (local-training.ts, update-file.ts). */
import { Option, type Command } from "commander";
import { randomUpdateSalt, updateCommitment } from "@zkagent/circuits";
import { getAddress } from "ethers";

import { pathArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { ConfigError } from "../errors.ts";
import { FederatedRoundError } from "./federated-errors.ts";
import { DEFAULT_LOCAL_SCHEDULE, examplesFromGenerator, examplesFromPrices, trainUpdate } from "./local-training.ts";
import { UPDATE_FILE_FORMAT, writeUpdateFile } from "./update-file.ts";
import { withConfig, roundOption, connect, hex, say, baseOf, type Flags } from "./fl-shared.ts";

export function registerFlTrain(fl: Command): void {
  withConfig(fl.command("train"))
    .description(
      "train an update locally from the round's base on your own data, and write it (with its salt) to --out",
    )
    .addOption(roundOption())
    .requiredOption("--base <model.json>", "the round's base model file (checked against the round)", pathArgument)
    .requiredOption(
      "--out <update.json>",
      "where to write the update (never overwritten; keep it until the round is finalised)",
      pathArgument,
    )
    .option("--prices <file>", "a price history (CSV or JSON, as `zkagent backtest --prices` reads)", pathArgument)
    .addOption(
      new Option(
        "--seed <n>",
        "train on the proven model's generated paths from this seed instead of --prices",
      ).argParser(wholeNumberArgument(0, 2 ** 32 - 1)),
    )
    .option("--regime <name>", "with --seed: the generator's regime", "mean-reverting")
    .addOption(
      new Option("--paths <n>", "with --seed: how many paths").argParser(wholeNumberArgument(1, 200)).default(8),
    )
    .addOption(
      new Option("--epochs <n>", "local epochs")
        .argParser(wholeNumberArgument(1, 50))
        .default(DEFAULT_LOCAL_SCHEDULE.epochs),
    )
    .addOption(
      new Option("--order-seed <n>", "the example order's seed")
        .argParser(wholeNumberArgument(0, 2 ** 32 - 1))
        .default(1),
    )
    .action(
      async (
        flags: Flags & {
          round: number;
          base: string;
          out: string;
          prices?: string;
          seed?: number;
          regime: string;
          paths: number;
          epochs: number;
          orderSeed: number;
        },
      ) => {
        if ((flags.prices === undefined) === (flags.seed === undefined)) {
          throw new ConfigError(
            "fl train: give your data as --prices <file>, or --seed <n> for generated paths (one of the two)",
          );
        }
        const { config, provider, client } = await connect(flags);
        try {
          const round = await client.round(BigInt(flags.round));
          if (round.newModel !== 0n)
            throw new FederatedRoundError(`round ${flags.round} is already finalised: train for an open round`);
          if ((await client.latestTimestamp()) > round.deadline) {
            throw new FederatedRoundError(
              `round ${flags.round} closed at ${new Date(Number(round.deadline) * 1000).toISOString()}: train for an open round (\`zkagent fl status\`)`,
            );
          }
          const base = await baseOf(flags.base, round);
          const data = flags.prices
            ? examplesFromPrices(flags.prices)
            : examplesFromGenerator(flags.seed!, flags.regime, flags.paths);
          const windows = BigInt(data.examples.length);
          if (windows < round.minSampleCount) {
            throw new FederatedRoundError(
              `${data.description} gives ${windows} training windows; round ${flags.round} takes at least ${round.minSampleCount}: bring more data`,
            );
          }
          // a count past the cap is claimed as the cap: the round would refuse more, and the weight is capped anyway
          const sampleCount = windows > round.maxSampleCount ? round.maxSampleCount : windows;
          const schedule = { ...DEFAULT_LOCAL_SCHEDULE, epochs: flags.epochs };
          const { model, clipped } = trainUpdate(
            base.model,
            data.examples,
            round.clipBoundSquared,
            schedule,
            flags.orderSeed,
          );
          const salt = randomUpdateSalt();
          const commitment = updateCommitment(model, salt);
          writeUpdateFile(flags.out, {
            format: UPDATE_FILE_FORMAT,
            version: 1,
            chainId: config.chainId,
            federatedRound: getAddress(config.federatedRound),
            roundId: round.roundId.toString(),
            baseModel: round.baseModel.toString(),
            sampleCount: sampleCount.toString(),
            salt: salt.toString(),
            updateCommitment: commitment.toString(),
            weights: {
              w1: model.w1.map((row) => row.map(Number)),
              b1: model.b1.map(Number),
              w2: model.w2.map((row) => row.map(Number)),
              b2: model.b2.map(Number),
            },
            training: {
              data: data.description,
              windows: data.examples.length,
              ...schedule,
              orderSeed: flags.orderSeed,
              clipped,
            },
          });
          say(
            flags,
            { update: flags.out, roundId: round.roundId, sampleCount, updateCommitment: commitment, clipped },
            [
              `${flags.out}  (keep it until round ${round.roundId} is finalised: the aggregator needs it)`,
              `trained on ${data.description}: ${windows} windows, claimed ${sampleCount}${windows > sampleCount ? " (the round's cap)" : ""}${clipped ? "; clipped to the round's bound" : ""}`,
              `update commitment ${hex(commitment)}; next: zkagent fl submit --round ${round.roundId} --update ${flags.out}`,
            ],
          );
        } finally {
          provider.destroy();
        }
      },
    );
}
