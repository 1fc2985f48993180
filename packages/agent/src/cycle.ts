import { performance } from "node:perf_hooks";

import {
  Action,
  ACTION_NAMES,
  evaluatePolicy,
  proofContext,
  type ModelProver,
  type PolicyProof,
  type PolicyProver,
  type QuantizedModel,
} from "@zkagent/circuits";

import type { PlonkAdapterClient } from "./chain/plonk-adapter-client.ts";
import type { TraderClient, TraderState } from "./chain/trader-client.ts";
import type { Discloser } from "./disclosure/discloser.ts";
import type { DecisionTrace } from "./disclosure/record-of-decision.ts";
import type { RecordHash } from "./disclosure/seal-record.ts";
import { MalformedSignalError, TradeRevertedError, WindowUnavailableError } from "./errors.ts";
import type { Journal } from "./journal/journal.ts";
import type { Logger } from "./log.ts";
import type { AggregatorV3Interface } from "./market/feed-abi.ts";
import type { HubCycleOutcome, HubPublisher } from "./hub/hub-publisher.ts";
import { unavailableWindow } from "./unavailable-window.ts";
import { storedProofOf, type ClaimKeeper } from "./optimistic/claim-keeper.ts";
import { readFeedWindow, type Window } from "./market/read-window.ts";
import { skipsStaleWindow } from "./market/skip-stale-window.ts";
import type { StaleWindow } from "./market/stale-window.ts";
import type { QuoteCheck } from "./quote/fit-to-pool.ts";
import { quoteBeforeProving } from "./quote/quote-before-proving.ts";
import type { SwapQuoter } from "./quote/swap-quoter.ts";
import type { SignalModel } from "./model/signal-model.ts";
import { parseSignal, type Signal } from "./signal/parse-signal.ts";
import { buildPrompt } from "./signal/prompt.ts";
import { tradeOf } from "./signal/to-trade.ts";
import { runProvenCycle } from "./proven-cycle.ts";

/**
 * How the agent decides:
 * - "llm": the LLM proposes the trade; the proof covers the policy, the model is attested;
 * - "model": the registered proven model decides; the proof carries its forward pass;
 * - "llm+model": the LLM advises (a bias in −100..100) and the proven model decides with it.
 */
export type DecisionMode = "llm" | "model" | "llm+model";

/** The proven model and its prover (modes "model" and "llm+model"). */
export interface ProvenDecider {
  model: QuantizedModel;
  prover: ModelProver;
}

export interface CycleDeps {
  client: TraderClient;
  feed: AggregatorV3Interface;
  mode: DecisionMode;
  /** The LLM (absent in mode "model"). */
  model?: SignalModel;
  proven?: ProvenDecider;
  /** The attested model's hash and the policy prover (mode "llm"). */
  modelHash: bigint;
  prover?: PolicyProver;
  journal: Journal;
  log: Logger;
  chainId: bigint;
  windowSize: number;
  temperature: number;
  /** Sampling seed for this tick (used when temperature > 0). */
  seed?: number;
  deadlineSeconds: number;
  /**
   * The deadline a trade sent now must carry, or why it must not be sent (a scheduled governance
   * change could take effect first; see governance/governance-watch.ts). Default: now + deadlineSeconds.
   */
  tradeDeadline?: () => Promise<{ deadline: bigint } | { wait: string }>;
  /** A text file of the operator's notes or headlines the adviser reads (mode "llm+model"). */
  notesPath?: string;
  /** Seals each decision record to the auditors' keys; its hash is committed with the trade. */
  discloser?: Discloser;
  /**
   * The optimistic path (config `path: "optimistic"`): each trade is still proven, the proof kept
   * in the journal, and sent with executeOptimistic; the keeper checks the bond first and answers
   * the claim's challenges. Absent: the verified path (executeTrade).
   */
  optimistic?: ClaimKeeper;
  /**
   * The hub path (config `path: "hub"`, mode "llm"): each round's signal is published to the
   * signal hub (asked first, proven once) instead of traded; see hub/hub-publisher.ts.
   */
  hub?: HubPublisher;
  /** Seconds before the policy's maxOracleAge a round is no longer proven over (default ORACLE_AGE_MARGIN_SECONDS). */
  oracleAgeMarginSeconds?: bigint;
  /** Quotes each trade's swap on the vault's pool before proving (absent: no quoter known; the simulation checks). */
  quoter?: SwapQuoter;
  /**
   * PLONK deployments (config proofSystem "plonk"): the trader's PlonkVerifierAdapter, to which each
   * proof is submitted (verified, its signals recorded) before the trade is sent.
   */
  plonkAdapter?: PlonkAdapterClient;
}

/** "unavailable": the feed has no window the chain would accept (see readFeedWindow); nothing to do. */
export type Verdict = "hold" | "compliant" | "refused" | "malformed" | "unavailable";

/** Everything one cycle did, for the log, the journal, the demo's table and the benchmarks. */
export interface CycleReport {
  tick: number;
  roundId: bigint;
  latestPrice: bigint;
  movingAverage: bigint;
  lowerBand: bigint;
  upperBand: bigint;
  position: bigint;
  signal?: Signal;
  /** The adviser's bias the proven model weighed (modes "model" and "llm+model"). */
  advice?: bigint;
  /** What the proof covered: the policy only (attested model) or the model's forward pass (proven). */
  proven?: boolean;
  action?: "HOLD" | "BUY" | "SELL";
  size?: bigint;
  verdict: Verdict;
  rule?: string;
  reason?: string;
  /** Optimistic path: why nothing was proven or sent (the bond could not cover the claim; journaled bond-hold). */
  bondHold?: string;
  /** Optimistic path: the claim the trade opened. */
  claimId?: string;
  /** The window was not proven over: no longer the feed's latest round, or too old to land (journaled stale-window). */
  staleWindow?: StaleWindow;
  /** The trade's swap quoted against the trader's oracle bound before proving: fits, resized or skipped. */
  quote?: QuoteCheck;
  /** Hub path: the signal's markets and keys, a cache hit, the publication and the own vault's follow. */
  hub?: HubCycleOutcome;
  /** PLONK deployments: the adapter's submit before the trade (absent when another copy had recorded it). */
  plonkSubmit?: { txHash: string; gasUsed: bigint };
  /** "superseded": a newer oracle round landed between proof and inclusion; re-proved next round. */
  outcome?: "executed" | "pending" | "reverted" | "superseded";
  txHash?: string;
  /** The sealed decision record's hash (disclosure on): committed on-chain with the trade. */
  recordHash?: RecordHash;
  gasUsed?: bigint;
  positionAfter?: bigint;
  /** The whole tick as Agent.tick ran it, recovery and the governance gate included (ms). */
  elapsedMs?: number;
  timingsMs: {
    /** Agent.tick's recovery before the cycle: reorg check, open sends, optimistic claims. */
    recovery?: number;
    /** Agent.tick's governance gate: the timelock's scheduled changes that could affect a trade. */
    gate?: number;
    data: number;
    inference: number;
    precheck: number;
    witness?: number;
    prove?: number;
    /** Sealing and storing the decision record. */
    disclose?: number;
    submit?: number;
    confirm?: number;
  };
}

/** One agent cycle: market data → inference → pre-check → proof → submission → receipt. */
export async function runCycle(deps: CycleDeps, tick: number): Promise<CycleReport> {
  if (deps.hub) return deps.hub.runCycle(deps, tick);
  const { client, journal, log } = deps;
  const t0 = performance.now();
  const state = await client.state();
  let window;
  try {
    window = await readFeedWindow(deps.feed, deps.windowSize);
  } catch (error) {
    if (!(error instanceof WindowUnavailableError)) throw error;
    const [roundId] = await deps.feed.latestRoundData();
    return unavailableWindow(deps, tick, roundId, state.position, error, t0);
  }
  const t1 = performance.now();

  const verdictBase = evaluatePolicy({
    prices: window.prices,
    maxPosition: state.maxPosition,
    thresholdBps: state.thresholdBps,
    position: state.position,
    action: Action.HOLD,
    size: 0n,
  });
  const band = {
    movingAverage: verdictBase.movingAverage ?? 0n,
    lowerBand: (verdictBase.lowerBand ?? 0n) / 10_000n,
    upperBand: (verdictBase.upperBand ?? 0n) / 10_000n,
  };
  const report: CycleReport = {
    tick,
    roundId: window.roundId,
    latestPrice: window.prices.at(-1)!,
    ...band,
    position: state.position,
    verdict: "hold",
    timingsMs: { data: t1 - t0, inference: 0, precheck: 0 },
  };
  if (await skipsStaleWindow(deps, tick, report, window, state.maxOracleAge, "window")) return report;

  if (deps.mode !== "llm") return runProvenCycle(deps, tick, window, state, report, t1);

  const prompt = buildPrompt({
    prices: window.prices,
    position: state.position,
    maxPosition: state.maxPosition,
    thresholdBps: state.thresholdBps,
  });
  if (!deps.model) throw new Error("mode llm needs the LLM");
  const { text } = await deps.model.generate(prompt, {
    temperature: deps.temperature,
    ...(deps.seed === undefined ? {} : { seed: deps.seed }),
  });
  const t2 = performance.now();
  report.timingsMs.inference = t2 - t1;
  const trace = (action: Action, size: bigint): DecisionTrace => ({
    ...traceBase(deps, window, state),
    kind: "refusal",
    llm: { prompt, output: text },
    model: { kind: "attested", hash: deps.modelHash },
    decision: {
      action,
      size,
      verdict: report.verdict === "unavailable" ? "hold" : report.verdict,
      ...(report.rule ? { rule: report.rule } : {}),
      ...(report.reason ? { reason: report.reason } : {}),
    },
    timingsMs: { ...report.timingsMs },
  });

  const record = () =>
    journal.append({
      kind: "cycle",
      tick,
      roundId: report.roundId.toString(),
      latestPrice: report.latestPrice.toString(),
      movingAverage: report.movingAverage.toString(),
      signal: text,
      verdict: report.verdict,
      ...(report.rule ? { rule: report.rule } : {}),
      ...(report.reason ? { reason: report.reason } : {}),
      timingsMs: report.timingsMs,
    });

  let signal: Signal;
  try {
    signal = parseSignal(text);
  } catch (error) {
    if (!(error instanceof MalformedSignalError)) throw error;
    report.verdict = "malformed";
    report.reason = error.message;
    log.warn(`tick ${tick}: ${error.message}`);
    record();
    await discloseRefusal(deps, report, trace(Action.HOLD, 0n));
    return report;
  }
  let trade = tradeOf(signal, state);
  report.signal = signal;
  report.action = ACTION_NAMES[trade.action];
  report.size = trade.size;
  if (trade.action === Action.HOLD) {
    report.timingsMs.precheck = performance.now() - t2;
    record();
    log.info(`tick ${tick}: HOLD`, { round: report.roundId });
    return report;
  }

  const verdict = evaluatePolicy({
    prices: window.prices,
    maxPosition: state.maxPosition,
    thresholdBps: state.thresholdBps,
    position: state.position,
    ...trade,
  });
  const t3 = performance.now();
  report.timingsMs.precheck = t3 - t2;
  if (!verdict.compliant) {
    report.verdict = "refused";
    report.rule = verdict.rule;
    report.reason = verdict.reason;
    record();
    log.info(
      `tick ${tick}: ${report.action} refused by the policy pre-check (${verdict.rule}): nothing proven or sent`,
      { reason: verdict.reason },
    );
    await discloseRefusal(deps, report, trace(trade.action, trade.size));
    return report;
  }
  report.verdict = "compliant";
  record();

  if (!deps.prover) throw new Error("mode llm needs the policy prover");
  const fitted = await quoteBeforeProving(deps, tick, report, state, trade, true);
  if (!fitted) return report;
  trade = fitted;
  if (await holdsForBond(deps, tick, report, state, trade)) return report;
  if (await skipsStaleWindow(deps, tick, report, window, state.maxOracleAge, "before-proof")) return report;
  const proof = await deps.prover.prove({
    prices: window.prices,
    roundId: window.roundId,
    maxPosition: state.maxPosition,
    thresholdBps: state.thresholdBps,
    position: state.position,
    ...trade,
    modelHash: deps.modelHash,
    context: proofContext({
      chainId: deps.chainId,
      trader: client.traderAddress,
      agent: client.wallet.address,
      nonce: state.nonce,
    }),
  });
  return submitProof(deps, tick, report, proof, state, trade, trace(trade.action, trade.size));
}

/** What every decision record of this cycle shares: the chain, the agent, its nonce, the window, the policy. */
export function traceBase(
  deps: CycleDeps,
  window: Window,
  state: TraderState | { nonce: bigint; position: bigint; maxPosition: bigint; thresholdBps: bigint },
): Pick<DecisionTrace, "chainId" | "trader" | "agent" | "traderNonce" | "mode" | "window" | "policy" | "position"> {
  return {
    chainId: deps.chainId,
    trader: deps.client.traderAddress,
    agent: deps.client.wallet.address,
    traderNonce: state.nonce,
    mode: deps.mode,
    window,
    policy: { maxPosition: state.maxPosition, thresholdBps: state.thresholdBps },
    position: state.position,
  };
}

/**
 * Optimistic path: true if the lane could not take this trade's claim now (the bond, the claim
 * cap, a slash), checked before proving: the hold is journaled (bond-hold) and nothing is proven
 * or sent. The keeper first settles open claims early when that alone makes room.
 */
export async function holdsForBond(
  deps: CycleDeps,
  tick: number,
  report: CycleReport,
  state: { nonce: bigint },
  trade: { action: Action; size: bigint },
): Promise<boolean> {
  if (!deps.optimistic) return false;
  const verdict = await deps.optimistic.bondVerdict(trade.size, report.latestPrice);
  if (verdict.fits) return false;
  deps.optimistic.holdForBond(tick, report.roundId, state.nonce, trade, verdict);
  report.bondHold = verdict.reason;
  report.reason = verdict.reason;
  deps.log.warn(`tick ${tick}: ${report.action} ${trade.size} held, nothing proven or sent: ${verdict.reason}`);
  return true;
}

/** Seals and stores a refusal's record, if the operator opted in. Never committed on-chain (there is no trade). */
export async function discloseRefusal(deps: CycleDeps, report: CycleReport, trace: DecisionTrace): Promise<void> {
  if (!deps.discloser?.recordsRefusals) return;
  const started = performance.now();
  const { recordHash } = await deps.discloser.disclose({ ...trace, kind: "refusal" });
  report.recordHash = recordHash;
  report.timingsMs.disclose = performance.now() - started;
}

/**
 * Journals the proof, then simulates, signs, sends and confirms it, and journals the outcome (the
 * trade lifecycle: proved → signed → executed | reverted | abandoned | superseded). Shared by
 * every decision mode.
 */
export async function submitProof(
  deps: CycleDeps,
  tick: number,
  report: CycleReport,
  proof: PolicyProof,
  state: { nonce: bigint; position: bigint },
  trade: { action: Action; size: bigint },
  trace?: DecisionTrace,
): Promise<CycleReport> {
  const { client, journal, log } = deps;
  report.timingsMs.witness = proof.timings.witnessMs;
  report.timingsMs.prove = proof.timings.proveMs;
  // The record is stored before anything is journaled or signed: a trade that commits its hash
  // never goes out without it. If the store fails, the tick fails and nothing is sent.
  let recordHash: RecordHash | undefined;
  if (deps.discloser) {
    if (!trace) throw new Error("disclosure needs the decision's trace");
    const started = performance.now();
    ({ recordHash } = await deps.discloser.disclose({
      ...trace,
      kind: "trade",
      decision: { ...trace.decision, verdict: "compliant" },
      proof,
      timingsMs: { ...report.timingsMs },
    }));
    report.recordHash = recordHash;
    report.timingsMs.disclose = performance.now() - started;
  }
  // Optimistic path: the proof is journaled before anything is sent, so no claim exists without it.
  journal.trades.proved(
    state.nonce,
    proof.publicSignals,
    deps.optimistic ? { proof: storedProofOf(proof.solidityProof) } : undefined,
  );

  const t4 = performance.now();
  const gate = deps.tradeDeadline
    ? await deps.tradeDeadline()
    : { deadline: await client.deadlineIn(deps.deadlineSeconds) };
  if ("wait" in gate) {
    // A change was scheduled while this proof was made: it is not sent, and the next tick waits.
    journal.trades.abandoned({ traderNonce: state.nonce }, `not sent: ${gate.wait}`);
    report.reason = gate.wait;
    log.info(`tick ${tick}: ${report.action} proven but not sent: ${gate.wait}`);
    return report;
  }
  const { deadline } = gate;
  try {
    if (deps.plonkAdapter) {
      // The trader's verifier call finds the PLONK proof's signals recorded only after this.
      const submitted = await deps.plonkAdapter.submit(proof);
      if (submitted.txHash) report.plonkSubmit = { txHash: submitted.txHash, gasUsed: submitted.gasUsed ?? 0n };
      log.info(
        `tick ${tick}: PLONK proof ${submitted.status === "recorded" ? "verified by the adapter" : "already recorded by the adapter"}`,
        {
          ...(submitted.txHash ? { tx: submitted.txHash, gas: submitted.gasUsed } : {}),
        },
      );
    }
    const txHash = deps.optimistic
      ? await client.sendOptimistic(proof.publicSignals, state.nonce, deadline, journal)
      : await client.send(proof, state.nonce, deadline, journal, 0n, recordHash);
    const t5 = performance.now();
    report.timingsMs.submit = t5 - t4;
    report.txHash = txHash;
    const outcome = await client.confirm(txHash);
    report.timingsMs.confirm = performance.now() - t5;
    report.outcome = outcome.status;
    if (outcome.status === "executed") {
      report.gasUsed = outcome.receipt.gasUsed;
      report.positionAfter = trade.action === Action.BUY ? state.position + trade.size : state.position - trade.size;
      journal.trades.executed(outcome.txHash, outcome.receipt);
      if (deps.optimistic) {
        // a stop before this record is recovered from the chain (ClaimKeeper.tend)
        const claimId = await deps.optimistic.recordOpened(outcome.txHash, state.nonce, outcome.receipt.blockNumber);
        if (claimId) report.claimId = claimId;
      }
      log.info(`tick ${tick}: ${report.action} ${trade.size} executed`, {
        tx: outcome.txHash,
        gas: outcome.receipt.gasUsed,
      });
    } else {
      log.warn(
        `tick ${tick}: ${report.action} sent, not mined yet; no new trade until it settles (each tick re-checks it)`,
        {
          tx: outcome.txHash,
        },
      );
    }
  } catch (error) {
    if (!(error instanceof TradeRevertedError)) throw error;
    report.reason = error.reason;
    if (!error.txHash && !error.journaled && error.reason.startsWith("RoundSuperseded")) {
      // The race between proving and inclusion: not a fault. Nothing was sent; prove again over
      // the new round on the next tick.
      report.outcome = "superseded";
      journal.trades.superseded(state.nonce, `${error.reason}; re-proving on the next round`);
      log.info(`tick ${tick}: a newer oracle round landed after the proof (${error.reason}): re-proving next tick`);
      return report;
    }
    report.outcome = "reverted";
    if (error.journaled) {
      // send() already journaled it
    } else if (error.receipt && error.txHash) {
      journal.trades.reverted(error.txHash, error.receipt, error.reason); // mined: its gas and block are kept
    } else if (error.txHash) {
      // sent, outcome unknown: the send stays open and the next tick's recovery reads its receipt
    } else {
      journal.trades.abandoned({ traderNonce: state.nonce }, `simulation reverted: ${error.reason}`);
    }
    log.warn(`tick ${tick}: ${report.action} not executed: ${error.reason}`);
  }
  return report;
}
