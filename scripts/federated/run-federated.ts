/**
 * The federated demo's rounds, on a chain the caller provides: each round, every operator trains
 * locally from the base and commits its update; the round is opened for the base through the
 * governor; each operator submits its commitment and sample count; the aggregator computes FedAvg
 * and proves both chunks (AggregationProver); finalize verifies them on chain; the candidate is
 * registered and approved through the governor and becomes the next round's base.
 */
import {
  AGGREGATION_CHUNKS,
  AggregationProver,
  aggregationArtifactPaths,
  modelCommitment,
  randomUpdateSalt,
  updateCommitment,
  type AggregationStatement,
  type QuantizedModel,
} from "@zkagent/circuits";
import { readFileSync } from "node:fs";

import { GOVERNOR_DELAY, governed, registerAndApprove, type FederatedChain } from "./federated-chain.ts";
import { heldOutAccuracy, heldOutSet, type Accuracy } from "./held-out.ts";
import {
  DEMO_LOCAL_TRAINING,
  DEMO_OPERATORS,
  operatorExamples,
  trainLocally,
  type LocalTraining,
  type OperatorSpec,
} from "./operators.ts";

/** Each update's squared L2 delta from the base per chunk is at most this (√2500 = 50 int8 units). */
export const DEMO_CLIP_BOUND_SQUARED = 2_500n;

/**
 * The band each round takes sample counts in (FederatedRound refuses a count outside it at
 * submission): the demo's operators hold 6 to 12 paths of about 266 windows each, and no claim in
 * the band can take more than 5 000 / (5 000 + 3 · 1 000) = 62.5 % of the average.
 */
export const DEMO_SAMPLE_COUNT_RANGE = [1_000n, 5_000n] as const;

export interface FederatedOptions {
  rounds: number;
  operators?: readonly OperatorSpec[];
  training?: LocalTraining;
  clipBoundSquared?: bigint;
  /** Held-out paths per regime (default: the shipped config's 5). */
  heldOutPerRegime?: number;
  /** Called with a line of progress. */
  log?: (line: string) => void;
}

export interface ParticipantRecord {
  operator: string;
  address: string;
  regimes: string[];
  sampleCount: number;
  updateCommitment: string;
  clipped: boolean;
  /** The operator's local model alone, on the held-out set. */
  localAccuracy: number;
  trainMs: number;
  submitGas: number;
}

export interface ChunkFigures {
  chunk: number;
  constraints: number;
  witnessMs: number;
  proveMs: number;
  /** eth_estimateGas of the chunk verifier's verifyProof (21 000 base and calldata included). */
  verifyGas: number;
}

export interface RoundRecord {
  round: number;
  roundId: number;
  baseModel: string;
  newModel: string;
  accuracy: Accuracy;
  participants: ParticipantRecord[];
  chunks: ChunkFigures[];
  finalizeGas: number;
  openGas: { schedule: number; execute: number };
  /** Zero when the aggregate was already registered. */
  approveGas: { schedule: number; execute: number };
  /** The aggregate equals a model already registered (e.g. its base): nothing to approve. */
  alreadyRegistered: boolean;
  lineage: { roundId: number; baseModel: string };
}

export interface FederatedSummary {
  base: { model: string; accuracy: Accuracy };
  heldOutWindows: number;
  clipBoundSquared: string;
  localTraining: LocalTraining;
  governorDelaySeconds: number;
  /** The aggregator's Groth16 backend (native when built, else snarkjs). */
  prover: string;
  rounds: RoundRecord[];
  wallMs: number;
}

const hex = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;

function manifestConstraints(chunk: number): number {
  const manifest = aggregationArtifactPaths(chunk).vkey.replace("verification_key.json", "manifest.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { constraints: number }).constraints;
}

/**
 * Runs `options.rounds` rounds from `base`. The base must not be registered yet: it is
 * registered and approved through the governor first, as the shipped model would be.
 */
export async function runFederated(
  chain: FederatedChain,
  base: QuantizedModel,
  options: FederatedOptions,
): Promise<FederatedSummary> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const operators = options.operators ?? DEMO_OPERATORS;
  const training = options.training ?? DEMO_LOCAL_TRAINING;
  const clip = options.clipBoundSquared ?? DEMO_CLIP_BOUND_SQUARED;
  if (operators.length !== chain.participants.length) {
    throw new Error(`the aggregation circuit takes ${chain.participants.length} participants, got ${operators.length}`);
  }
  const heldOut = heldOutSet(options.heldOutPerRegime);
  const constraints = AGGREGATION_CHUNKS.map(manifestConstraints);

  await registerAndApprove(chain, modelCommitment(base), "shipped proven model", "1", "file://decision-model-v1.json");
  const summary: FederatedSummary = {
    base: { model: hex(modelCommitment(base)), accuracy: heldOutAccuracy(base, heldOut) },
    heldOutWindows: heldOut.examples.length,
    clipBoundSquared: clip.toString(),
    localTraining: training,
    governorDelaySeconds: Number(GOVERNOR_DELAY),
    prover: "",
    rounds: [],
    wallMs: 0,
  };
  log(
    `base ${summary.base.model.slice(0, 12)}… held-out accuracy ${(summary.base.accuracy.overall * 100).toFixed(2)} %`,
  );

  const prover = await AggregationProver.load();
  summary.prover = prover.backend.description;
  try {
    let current = base;
    for (let r = 0; r < options.rounds; r++) {
      const baseCommitment = modelCommitment(current);
      const datasets = operators.map((spec) => operatorExamples(spec, r));
      // 1. local training (off chain, private): each operator's update, clipped, with its salt
      const participants: ParticipantRecord[] = [];
      const updates: AggregationStatement["updates"][number][] = [];
      operators.forEach((spec, i) => {
        const t0 = performance.now();
        const { model, clipped } = trainLocally(current, datasets[i]!, spec.seed * 31 + r, clip, training);
        const trainMs = performance.now() - t0;
        const salt = randomUpdateSalt();
        const sampleCount = BigInt(datasets[i]!.length);
        updates.push({ model, salt, sampleCount });
        participants.push({
          operator: spec.name,
          address: chain.participants[i]!.address,
          regimes: [...spec.regimes],
          sampleCount: datasets[i]!.length,
          updateCommitment: hex(updateCommitment(model, salt)),
          clipped,
          localAccuracy: heldOutAccuracy(model, heldOut).overall,
          trainMs: Math.round(trainMs),
          submitGas: 0,
        });
      });

      // 2. the governor opens the round for the base
      const deadline = BigInt(await chain.helpers.time.latest()) + 2n * GOVERNOR_DELAY;
      const roundId = await chain.rounds.roundCount();
      const addresses = chain.participants.map((p) => p.address) as [string, string, string, string];
      await governed(chain, `open round ${r}`, [
        {
          target: chain.rounds,
          data: chain.rounds.interface.encodeFunctionData("openRound", [
            baseCommitment,
            addresses,
            deadline,
            clip,
            ...DEMO_SAMPLE_COUNT_RANGE,
          ]),
        },
      ]);
      const open = chain.governorGas.at(-1)!;

      // 3. each participant commits its update and sample count
      for (const [i, signer] of chain.participants.entries()) {
        const update = updates[i]!;
        const tx = await chain.rounds
          .connect(signer)
          .submitUpdate(roundId, updateCommitment(update.model, update.salt), update.sampleCount);
        participants[i]!.submitGas = Number((await tx.wait())!.gasUsed);
      }

      // 4. the aggregator (who received each update and salt off chain) computes FedAvg and proves it
      const proof = await prover.prove({ base: current, updates, clipBoundSquared: clip });
      const chunks: ChunkFigures[] = [];
      for (const c of proof.chunks) {
        const verifier = chain.verifiers[c.chunk]!;
        const { a, b, c: pc } = c.solidityProof;
        const verifyGas = await verifier.verifyProof.estimateGas(
          a,
          b,
          pc,
          proof.publicSignals as Parameters<typeof verifier.verifyProof>[3],
        );
        chunks.push({
          chunk: c.chunk,
          constraints: constraints[c.chunk]!,
          witnessMs: Math.round(c.timings.witnessMs),
          proveMs: Math.round(c.timings.proveMs),
          verifyGas: Number(verifyGas),
        });
      }

      // 5. finalize verifies both chunks on chain and records the candidate with its lineage
      const newModel = proof.publicValues.newCommitment;
      const [p0, p1] = proof.chunks;
      const finalized = await chain.rounds
        .connect(chain.aggregator)
        .finalize(roundId, newModel, p0!.solidityProof, p1!.solidityProof);
      const finalizeGas = Number((await finalized.wait())!.gasUsed);
      const lineage = await chain.rounds.lineageOf(newModel);

      // 6. the governor registers and approves the candidate: the next round's base. An aggregate
      // equal to a model already registered (the updates rounded back to the base) needs nothing.
      const known = (await chain.registry.approval(newModel))[0];
      let approveGas = { schedule: 0, execute: 0 };
      if (!known) {
        await registerAndApprove(
          chain,
          newModel,
          `federated round ${r + 1}`,
          String(r + 2),
          `federated://${String(roundId)}`,
        );
        const approve = chain.governorGas.at(-1)!;
        approveGas = { schedule: Number(approve.scheduleGas), execute: Number(approve.executeGas) };
      }
      const [approved] = await chain.registry.approval(newModel);
      if (!approved) throw new Error(`round ${r + 1}: the candidate was not approved`);

      const record: RoundRecord = {
        round: r + 1,
        roundId: Number(roundId),
        baseModel: hex(baseCommitment),
        newModel: hex(newModel),
        accuracy: heldOutAccuracy(proof.model, heldOut),
        participants,
        chunks,
        finalizeGas,
        openGas: { schedule: Number(open.scheduleGas), execute: Number(open.executeGas) },
        approveGas,
        alreadyRegistered: known,
        lineage: { roundId: Number(lineage.roundId), baseModel: hex(lineage.baseModel) },
      };
      summary.rounds.push(record);
      log(
        `round ${record.round}: ${record.newModel.slice(0, 12)}… accuracy ${(record.accuracy.overall * 100).toFixed(2)} %, ` +
          `prove ${chunks.map((c) => `${c.proveMs} ms`).join(" + ")}, finalize ${finalizeGas} gas`,
      );
      current = proof.model;
    }
  } finally {
    await prover.close();
  }
  summary.wallMs = Math.round(performance.now() - started);
  return summary;
}
