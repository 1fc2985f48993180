import { join } from "node:path";

import { fileURLToPath } from "node:url";

import {
  ModelProver,
  NativeProverUnavailableError,
  PolicyProver,
  WINDOW_SIZE,
  modelCommitment,
  resolveProverChoice,
  type ProofSystem,
  type ProverChoice,
  type QuantizedModel,
} from "@zkagent/circuits";

import { FaultReporter } from "./chain/fault-reporter.ts";
import { DEFAULT_RETRY, type RetryOptions } from "./chain/retry.ts";
import type { AgentSigner } from "./chain/signer.ts";
import { PlonkAdapterClient } from "./chain/plonk-adapter-client.ts";
import { TraderClient } from "./chain/trader-client.ts";
import { Discloser, type DisclosureOptions } from "./disclosure/discloser.ts";
import { runCycle, type CycleReport, type DecisionMode, type ProvenDecider } from "./cycle.ts";
import { ConfigError, PreflightError, ProverUnavailableError } from "./errors.ts";
import { GovernanceWatch } from "./governance/governance-watch.ts";
import { Journal } from "./journal/journal.ts";
import type { Logger } from "./log.ts";
import { chainlinkFeed, type AggregatorV3Interface } from "./market/feed-abi.ts";
import { HubPublisher, type HubPathOptions } from "./hub/hub-publisher.ts";
import { ClaimKeeper, type TendReport } from "./optimistic/claim-keeper.ts";
import { LaneClient } from "./optimistic/lane-client.ts";
import { ensureTinyModel } from "./model/bundled-model.ts";
import { modelHashOf } from "./model/model-file.ts";
import { loadProvenModelFile } from "./model/proven/model-file.ts";
import { SignalModel } from "./model/signal-model.ts";
import { resolveQuoter } from "./quote/resolve-quoter.ts";
import type { SwapQuoter } from "./quote/swap-quoter.ts";
import { detectReorg, reconcile } from "./reconcile.ts";

/**
 * One journal per chain, trader and agent (a journal never meets another deployment's chain):
 * `journal-<chain>-<trader>-<agent>.sqlite`, beside its `.lock` and, from earlier versions, the
 * `.jsonl` journal it imports on first start.
 */
export function journalPath(dataDir: string, chainId: bigint, trader: string, agent: string): string {
  return join(dataDir, `journal-${chainId}-${trader.toLowerCase()}-${agent.toLowerCase()}.sqlite`);
}

/** Which Groth16 backend `choice` means here; "native" where it cannot run is a typed agent error. */
function proverBackendOf(choice: ProverChoice): ReturnType<typeof resolveProverChoice> {
  try {
    return resolveProverChoice(choice);
  } catch (error) {
    if (error instanceof NativeProverUnavailableError) throw new ProverUnavailableError(error.message);
    throw error;
  }
}

/** The proven decision model shipped with the agent (`zkagent model train` reproduces it). */
export const SHIPPED_DECISION_MODEL = fileURLToPath(new URL("../models/decision-model-v1.json", import.meta.url));

/**
 * How trades reach the chain: "verified" (executeTrade: the proof is verified before the swap) or
 * "optimistic" (executeOptimistic: proven off-chain, bonded in the vault's lane, the proof posted
 * only if challenged or to settle early), or "hub" (each round's signal published to a signal hub,
 * proven once and followed by the vaults subscribed to this agent; mode "llm" only).
 */
export type TradePath = "verified" | "optimistic" | "hub";

export interface AgentOptions {
  /** How trades reach the chain (default "verified"). */
  path?: TradePath;
  /** The signal hub and its markets (path "hub"). */
  hub?: HubPathOptions;
  /** How the agent decides (see DecisionMode); default "llm". */
  mode?: DecisionMode;
  /** The proven model's file (modes "model", "llm+model"); default the shipped one. */
  decisionModelPath?: string;
  /** The proven model itself, instead of a file (embedding and tests). */
  decisionModel?: QuantizedModel;
  /** A text file of notes or headlines the adviser reads (mode "llm+model"). */
  notesPath?: string;
  /** What the agent signs through: an ethers Wallet (see loadSigner) or an external signer. */
  wallet: AgentSigner;
  traderAddress: string;
  chainId: bigint;
  dataDir: string;
  /** A GGUF file; default: the bundled tiny model in dataDir. */
  modelPath?: string;
  threads?: number;
  gpu?: "auto" | false;
  /** The Groth16 prover (default "auto": native when built and usable here, else snarkjs). */
  prover?: ProverChoice;
  /** The deployment's proof system (default "groth16"); "plonk": the trader's verifier is a PlonkVerifierAdapter. */
  proofSystem?: ProofSystem;
  temperature?: number;
  /** Base sampling seed; tick n samples with seed + n (only when temperature > 0). */
  seed?: number;
  deadlineSeconds?: number;
  /**
   * A trade is proved only if it can land at least this long before any scheduled governance
   * change that affects it could take effect; otherwise the agent waits (default 30 s).
   */
  minTradeWindowSeconds?: number;
  /** Where the scan for the timelock's scheduled changes starts (the deployment's block; default 0). */
  governanceFromBlock?: number;
  /**
   * A round is not proven over once it is older than the policy's maxOracleAge less this margin
   * (default 60 s, at most half of maxOracleAge; see market/stale-window.ts).
   */
  oracleAgeMarginSeconds?: number;
  /**
   * Uniswap's QuoterV2, with which each trade's swap is quoted before proving (and sized down or
   * skipped if it breaks the oracle bound). Default: the chain's known QuoterV2 (Arbitrum One);
   * none known: trades are not quoted, and the agent says so at start.
   */
  quoterAddress?: string;
  retry?: RetryOptions;
  /** How long a cycle waits for its receipt before leaving the transaction to the next tick. */
  confirmTimeoutMs?: number;
  receiptPollMs?: number;
  log: Logger;
  /** Seal each decision record to these auditor keys and commit its hash with the trade (view-key disclosure). */
  disclosure?: DisclosureOptions;
  /** Called as each load step finishes (the CLI shows progress). */
  onProgress?: (step: string, ms: number) => void;
}

/**
 * The operator's agent: everything heavy (model, prover) loaded once; preflight checks and crash
 * recovery at start; then one `tick` per oracle round.
 */
export class Agent {
  /** Stuck transactions already reported, so each is reported once. */
  private readonly reportedPending = new Set<string>();

  private constructor(
    readonly client: TraderClient,
    readonly journal: Journal,
    /** The LLM (modes "llm" and "llm+model"). */
    readonly model: SignalModel | undefined,
    /** The policy prover (mode "llm"). */
    readonly prover: PolicyProver | undefined,
    /** The proven model and its prover (modes "model" and "llm+model"). */
    readonly proven: ProvenDecider | undefined,
    readonly feed: AggregatorV3Interface,
    readonly modelHash: bigint,
    readonly modelPath: string,
    readonly faults: FaultReporter,
    private readonly options: AgentOptions,
    /** Seals decision records to the auditors (disclosure on). */
    readonly discloser?: Discloser,
    /** The optimistic path's bond and claims (path "optimistic", or claims left from it). */
    readonly claims?: ClaimKeeper,
    /** The hub path's publisher (path "hub"). */
    readonly hub?: HubPublisher,
    /** Quotes each trade's swap before proving (absent: no quoter known for the chain). */
    readonly quoter?: SwapQuoter,
    /** The trader's PLONK adapter (proofSystem "plonk"): each proof is submitted to it before the trade. */
    readonly plonkAdapter?: PlonkAdapterClient,
  ) {}

  static async start(options: AgentOptions): Promise<Agent> {
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      options.onProgress?.(name, performance.now() - started);
      return result;
    };
    const mode = options.mode ?? "llm";
    // Refused before anything loads: "native" asked for on a machine that has not built it.
    const proverChoice = options.prover ?? "auto";
    const { backend, why } = proverBackendOf(proverChoice);
    options.log.info(`prover: ${backend} (${why})`);
    // Checked before anything loads: a disclosure with no active key is a configuration error.
    const discloser = options.disclosure ? new Discloser(options.disclosure) : undefined;
    const path = options.path ?? "verified";
    const proofSystem = options.proofSystem ?? "groth16";
    if (proofSystem === "plonk" && path !== "verified") {
      throw new ConfigError(
        `proofSystem "plonk" with path "${path}": only the verified path submits PLONK proofs to the adapter; use path "verified", or proofSystem "groth16"`,
      );
    }
    if (path === "optimistic" && discloser) {
      throw new ConfigError(
        'path "optimistic" with disclosure: executeOptimistic cannot commit a decision record\'s hash; use path "verified" to disclose',
      );
    }
    if (path === "hub") {
      // the hub verifies attested models' signals only (ProvenModelNotSupported)
      if (mode !== "llm") {
        throw new ConfigError(
          `path "hub" publishes signals of the attested model (mode "llm"), but mode is "${mode}": the hub refuses a proven model's signal; use mode "llm", or path "verified"`,
        );
      }
      if (!options.hub) throw new ConfigError('path "hub" needs hub.address (the SignalHub)');
      if (discloser) {
        throw new ConfigError(
          'path "hub" with disclosure: a publication commits no decision record; use path "verified"',
        );
      }
    }
    const modelPath = options.modelPath ?? ensureTinyModel(options.dataDir);
    // The model the proofs name: the GGUF's hash (attested), or the proven model's commitment.
    const provenFile =
      mode === "llm"
        ? undefined
        : options.decisionModel
          ? { model: options.decisionModel, commitment: modelCommitment(options.decisionModel) }
          : await step("proven model", () => loadProvenModelFile(options.decisionModelPath ?? SHIPPED_DECISION_MODEL));
    const modelHash = provenFile ? provenFile.commitment : await step("model hash", () => modelHashOf(modelPath));
    const faults = options.retry?.faults ?? new FaultReporter(options.log);
    const retry: RetryOptions = { ...(options.retry ?? DEFAULT_RETRY), faults };
    const client = new TraderClient(
      options.traderAddress,
      options.wallet,
      retry,
      options.confirmTimeoutMs,
      options.receiptPollMs,
    );
    const { priceFeed } = await step("preflight", () => client.preflight(options.chainId, modelHash));
    // The trader's verifier of this agent's model kind says which proof system it takes.
    const plonkAdapter =
      path === "hub" ? undefined : await PlonkAdapterClient.of(client, mode === "llm" ? 0 : 1, proofSystem, retry);
    if (plonkAdapter) options.log.info(`proof system: PLONK (adapter ${plonkAdapter.address})`);
    // A vault that requires decision records refuses every trade without one: say so before the first proof.
    if (path !== "hub" && (!discloser || path === "optimistic") && (await client.decisionRecordsRequired())) {
      throw new PreflightError(
        path === "optimistic"
          ? `${options.traderAddress} requires a decision record with every trade, which the optimistic path cannot commit: use path "verified" with disclosure`
          : `${options.traderAddress} requires a decision record with every trade: configure "disclosure" (auditor keys) in agent.json`,
      );
    }
    const quoter =
      path === "hub"
        ? undefined
        : await resolveQuoter({
            ...(options.quoterAddress ? { configured: options.quoterAddress } : {}),
            chainId: options.chainId,
            trader: client.trader,
            provider: options.wallet.provider!,
            retry,
            log: options.log,
          });
    const lane = await LaneClient.of(options.traderAddress, options.wallet.address, { signer: options.wallet }, retry);
    if (path === "optimistic" && !lane) {
      throw new PreflightError(
        `${options.traderAddress} has no optimistic lane: the vault owner turns the path on with setOptimisticLane; or use path "verified"`,
      );
    }
    // Refused here, before anything heavy loads, if another agent process holds this journal.
    const journal = Journal.open(
      journalPath(options.dataDir, options.chainId, options.traderAddress, options.wallet.address),
    );
    try {
      if (journal.imported) {
        const { from, records, renamedTo, tornLastLine } = journal.imported;
        options.log.warn(
          `journal: imported ${records} records from ${from}${tornLastLine ? " (a partial last line left by a crash was dropped)" : ""}; the old file is kept as ${renamedTo}`,
        );
      }
      if (journal.previousUncleanRun) {
        const { pid, host, startedAt } = journal.previousUncleanRun;
        options.log.warn(
          `journal: the previous run (pid ${pid} on ${host}, started ${startedAt}) stopped without closing it; recovering`,
        );
      }
      const model =
        mode === "model"
          ? undefined
          : await step("model load", () =>
              SignalModel.load({
                modelPath,
                ...(options.threads ? { threads: options.threads } : {}),
                gpu: options.gpu ?? false,
              }),
            );
      const proverOptions = { prover: proverChoice, proofSystem };
      const prover =
        mode === "llm" && path !== "hub"
          ? await step("prover load", () => PolicyProver.load({}, WINDOW_SIZE, proverOptions))
          : undefined;
      const hub =
        path === "hub"
          ? await step("signal prover load", () =>
              HubPublisher.start(options.hub!, client, priceFeed, proverOptions, retry),
            )
          : undefined;
      const proven = provenFile
        ? { model: provenFile.model, prover: await step("prover load", () => ModelProver.load({}, proverOptions)) }
        : undefined;
      // On the verified path too, while claims from an earlier optimistic run are still open.
      const keepsClaims = path === "optimistic" || journal.claims().length + journal.unrecordedClaims().length > 0;
      const claims =
        lane && keepsClaims ? new ClaimKeeper(lane, journal, options.wallet.provider!, options.log) : undefined;
      if (claims) {
        const { slashReward, challengeWindow, responseWindow } = await claims.parameters();
        options.log.info(
          `path: ${path}${path === "optimistic" ? ` (lane ${lane!.address}: challenge window ${challengeWindow} s, response window ${responseWindow} s, slash reserve ${slashReward})` : " (tending open optimistic claims)"}`,
        );
      }
      const agent = new Agent(
        client,
        journal,
        model,
        prover,
        proven,
        chainlinkFeed(priceFeed, options.wallet, retry),
        modelHash,
        modelPath,
        faults,
        options,
        discloser,
        claims,
        hub,
        quoter,
        plonkAdapter,
      );
      await step("recovery", () => agent.recover());
      return agent;
    } catch (error) {
      journal.close(); // a failed start leaves the journal free for the next
      throw error;
    }
  }

  /** Undoes what a reorganisation removed, then settles every open send; returns how many are still pending. */
  private async recover(): Promise<number> {
    await detectReorg(this.journal, this.client, this.options.log);
    await this.hub?.detectReorg(this.journal, this.options.log);
    const pending = this.journal.hasOpenTrades()
      ? await reconcile(this.journal, this.client, this.options.log, this.reportedPending)
      : 0;
    await this.tendClaims();
    return pending;
  }

  /**
   * Optimistic path: one pass over the agent's claims (record, answer challenges, finalise; see
   * ClaimKeeper). The run loop calls it on every poll, not only on new rounds: a challenge must
   * not wait for the market to move.
   */
  async tendClaims(): Promise<TendReport | undefined> {
    return this.claims?.tend();
  }

  private governanceWatch?: GovernanceWatch;

  /** The vault's governance as this agent sees it: its timelock's scheduled changes. */
  get governance(): GovernanceWatch {
    this.governanceWatch ??= new GovernanceWatch(
      this.client.wallet.provider!,
      this.client.traderAddress,
      { agent: this.client.wallet.address, modelHash: this.modelHash },
      this.options.governanceFromBlock ?? 0,
      this.client.retry,
    );
    return this.governanceWatch;
  }

  /** Now: trade with this deadline, or wait for a scheduled change (see GovernanceWatch). */
  private tradeGate() {
    return this.governance.gate(this.options.deadlineSeconds ?? 300, this.options.minTradeWindowSeconds ?? 30);
  }

  /**
   * One cycle. Never proves a new trade while a sent one has no outcome, nor while a scheduled
   * governance change could take effect before the trade could land (journaled: governance-wait).
   */
  async tick(tick: number): Promise<CycleReport | { tick: number; skipped: string }> {
    const started = performance.now();
    if ((await this.recover()) > 0) return { tick, skipped: "a sent transaction is still pending" };
    const recovered = performance.now();
    const gate = await this.tradeGate();
    const gated = performance.now();
    if (!gate.trade) {
      const [roundId] = await this.feed.latestRoundData();
      this.journal.append({
        kind: "governance-wait",
        tick,
        roundId: roundId.toString(),
        reason: gate.reason,
        changes: gate.changes.map((c) => ({
          id: c.id,
          readyAt: new Date(Number(c.readyAt) * 1000).toISOString(),
          calls: c.calls.map((call) => call.text),
        })),
      });
      return { tick, skipped: `governance: ${gate.reason}` };
    }
    const { temperature = 0, seed = 0 } = this.options;
    const report = await runCycle(
      {
        client: this.client,
        feed: this.feed,
        mode: this.options.mode ?? "llm",
        ...(this.model ? { model: this.model } : {}),
        ...(this.proven ? { proven: this.proven } : {}),
        ...(this.options.notesPath ? { notesPath: this.options.notesPath } : {}),
        ...(this.discloser ? { discloser: this.discloser } : {}),
        ...(this.claims && (this.options.path ?? "verified") === "optimistic" ? { optimistic: this.claims } : {}),
        ...(this.hub ? { hub: this.hub } : {}),
        ...(this.quoter ? { quoter: this.quoter } : {}),
        ...(this.plonkAdapter ? { plonkAdapter: this.plonkAdapter } : {}),
        modelHash: this.modelHash,
        ...(this.prover ? { prover: this.prover } : {}),
        journal: this.journal,
        log: this.options.log,
        chainId: this.options.chainId,
        windowSize: WINDOW_SIZE,
        temperature,
        ...(temperature > 0 ? { seed: seed + tick } : {}),
        deadlineSeconds: this.options.deadlineSeconds ?? 300,
        ...(this.options.oracleAgeMarginSeconds === undefined
          ? {}
          : { oracleAgeMarginSeconds: BigInt(this.options.oracleAgeMarginSeconds) }),
        tradeDeadline: async () => {
          const now = await this.tradeGate();
          return now.trade ? { deadline: now.deadline } : { wait: now.reason };
        },
      },
      tick,
    );
    report.timingsMs.recovery = recovered - started;
    report.timingsMs.gate = gated - recovered;
    report.elapsedMs = performance.now() - started;
    if (report.outcome === "pending" && report.txHash) this.reportedPending.add(report.txHash);
    return report;
  }

  /** Releases the model, the prover's worker threads and the journal. */
  async close(): Promise<void> {
    await this.model?.dispose();
    await this.prover?.close();
    await this.proven?.prover.close();
    await this.hub?.close();
    this.journal.close();
  }
}
