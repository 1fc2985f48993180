/**
 * `zkagent fl open | train | submit | aggregate | status`: federated training of the proven model
 * for real operators (see README, "Federated training: operators"). A participant trains locally
 * from the round's base on its own data and commits its update (`train`, then `submit`); the
 * aggregator collects the participants' update files, proves FedAvg in both chunks and finalises
 * (`aggregate`); `status` reads the round from the chain and the caller's journal. Every send is
 * journaled as trades are (round-client.ts), in one journal per (chain, FederatedRound, account).
 */
import { Option, type Command } from "commander";
import {
  AggregationProver,
  MAX_CLIP_BOUND_SQUARED,
  modelCommitment,
  randomUpdateSalt,
  updateCommitment,
} from "@zkagent/circuits";
import { getAddress, type JsonRpcProvider } from "ethers";

import { addressArgument, pathArgument, rpcUrlArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { writeJson } from "../cli-json.ts";
import { assertChainId } from "../chain/assert-chain-id.ts";
import { keystoreAddress, loadSigner } from "../chain/keys.ts";
import { rpcProvider } from "../chain/rpc-provider.ts";
import type { AgentSigner } from "../chain/signer.ts";
import { ConfigError } from "../errors.ts";
import { Journal, JournalView } from "../journal/journal.ts";
import { loadProvenModelFile, type LoadedProvenModel } from "../model/proven/model-file.ts";
import { federatedJournalPath, loadFederatedConfig, type FederatedConfig } from "./federated-config.ts";
import { FederatedRoundError } from "./federated-errors.ts";
import { DEFAULT_LOCAL_SCHEDULE, examplesFromGenerator, examplesFromPrices, trainUpdate } from "./local-training.ts";
import { writeAggregateModelFile } from "./aggregate-model-file.ts";
import { FederatedRoundClient, type RoundView } from "./round-client.ts";
import { readUpdateFile, UPDATE_FILE_FORMAT, writeUpdateFile, type LoadedUpdate } from "./update-file.ts";

interface Flags {
  config: string;
  rpcUrl?: string;
  json?: boolean;
}

const withConfig = (command: Command) =>
  command
    .addOption(
      new Option("-c, --config <file>", "the federated config (rpcUrl, chainId, federatedRound, dataDir, key)")
        .argParser(pathArgument)
        .makeOptionMandatory(),
    )
    .addOption(new Option("--rpc-url <url>", "JSON-RPC endpoint (over the config's)").argParser(rpcUrlArgument))
    .option("--json", "the outcome as one JSON document on stdout");

const roundOption = () =>
  new Option("--round <id>", "the round id").argParser(wholeNumberArgument(0)).makeOptionMandatory();

/** The config, a provider on its chain (checked first) and the FederatedRound there. */
async function connect(
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
async function connectSigned(flags: Flags): Promise<{
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

const hex = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;

function say(flags: Flags, report: Record<string, unknown>, lines: string[]): void {
  if (flags.json) writeJson(report);
  else process.stdout.write(`${lines.join("\n")}\n`);
}

/** The base model file of `round`, checked against the round's base commitment. */
async function baseOf(path: string, round: RoundView): Promise<LoadedProvenModel> {
  const base = await loadProvenModelFile(path);
  if (base.commitment !== round.baseModel) {
    throw new FederatedRoundError(
      `${path} commits to ${hex(base.commitment)}, but round ${round.roundId}'s base is ${hex(round.baseModel)}: pass the base's model file (the shipped model, or the aggregate file \`fl aggregate\` wrote for the round that produced it)`,
    );
  }
  return base;
}

/** An update file written for this chain, FederatedRound, round and base. */
function assertUpdateFor(update: LoadedUpdate, config: FederatedConfig, round: RoundView): void {
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

export function registerFederatedCommand(program: Command): void {
  const fl = program
    .command("fl")
    .description("federated training of the proven model: train and commit an update, aggregate with a proof, status");

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
              `e.g. npx pnpm hardhat gov schedule --target ${client.address} --function openRound --args '${JSON.stringify(args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}'`,
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
        const open = journal.federated.open("submit", roundId);
        const openCommitment = open && "updateCommitment" in open.detail ? open.detail.updateCommitment : undefined;
        if (openCommitment !== undefined && openCommitment !== update.commitment.toString()) {
          throw new FederatedRoundError(
            `round ${roundId} has a submission of another update in flight (commitment ${openCommitment}, from ${(open!.detail as { updateFile: string }).updateFile}): finish it with that file first`,
          );
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
