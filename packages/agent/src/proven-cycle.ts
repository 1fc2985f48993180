import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import { Action, ACTION_NAMES, evaluateModel, proofContext } from "@zkagent/circuits";

import type { TraderState } from "./chain/trader-client.ts";
import type { CycleDeps, CycleReport } from "./cycle.ts";
import { discloseRefusal, holdsForBond, submitProof, traceBase } from "./cycle.ts";
import type { DecisionTrace } from "./disclosure/record-of-decision.ts";
import { ConfigError, MalformedSignalError } from "./errors.ts";
import { cannotRead } from "./file-errors.ts";
import type { Window } from "./market/read-window.ts";
import { skipsStaleWindow } from "./market/skip-stale-window.ts";
import { quoteBeforeProving } from "./quote/quote-before-proving.ts";
import { parseSignal, type Signal } from "./signal/parse-signal.ts";
import { buildPrompt } from "./signal/prompt.ts";

/** The largest notes file the adviser reads into its prompt (the rest is ignored, and said so). */
const MAX_NOTES_BYTES = 4_096;

/**
 * The adviser's bias from the LLM's grammar-bounded signal: the direction it leans (+ for BUY,
 * − for SELL, 0 for HOLD) times its confidence, as an integer in [−100, 100]. Attested, not
 * proven: the proven model weighs it, so its effect on the trade is bounded by the registered
 * weights and the policy (measured in the model's report).
 */
export function adviceOf(signal: Signal): bigint {
  const lean = signal.action === "BUY" ? 1 : signal.action === "SELL" ? -1 : 0;
  return BigInt(lean * Math.round(signal.confidence * 100));
}

/** The adviser's prompt: the market picture, and the operator's notes if any. */
function advisorPrompt(base: string, notesPath: string | undefined): string {
  if (!notesPath) return base;
  let notes: string;
  try {
    notes = readFileSync(notesPath, "utf8").slice(0, MAX_NOTES_BYTES);
  } catch (error) {
    throw new ConfigError(`notesPath: ${cannotRead("notes file", notesPath, error)}`);
  }
  return `Operator's notes (headlines, context):\n${notes}\n\n${base}`;
}

/**
 * One cycle in the proven modes: the adviser's bias (mode "llm+model"; 0 in mode "model"), then
 * the registered proven model decides over the feed's window, the position and the bias, with the
 * policy applied (evaluateModel, the circuit's exact twin). A HOLD is journaled and nothing is
 * proven; a trade is proven with the proven-model circuit and submitted like any other.
 */
export async function runProvenCycle(
  deps: CycleDeps,
  tick: number,
  window: Window,
  state: TraderState,
  report: CycleReport,
  t1: number,
): Promise<CycleReport> {
  const { journal, log, client } = deps;
  if (!deps.proven) throw new Error(`mode ${deps.mode} needs the proven model`);
  let advice = 0n;
  let adviserText = "";
  let adviserPrompt = "";
  if (deps.mode === "llm+model") {
    if (!deps.model) throw new Error("mode llm+model needs the LLM adviser");
    const prompt = advisorPrompt(
      buildPrompt({
        prices: window.prices,
        position: state.position,
        maxPosition: state.maxPosition,
        thresholdBps: state.thresholdBps,
      }),
      deps.notesPath,
    );
    adviserPrompt = prompt;
    const { text } = await deps.model.generate(prompt, {
      temperature: deps.temperature,
      ...(deps.seed === undefined ? {} : { seed: deps.seed }),
    });
    adviserText = text;
    try {
      advice = adviceOf(parseSignal(text));
    } catch (error) {
      if (!(error instanceof MalformedSignalError)) throw error;
      // A malformed adviser is no adviser: the model decides without it (and the journal says so).
      log.warn(`tick ${tick}: adviser output ignored: ${error.message}`);
    }
  }
  const t2 = performance.now();
  report.timingsMs.inference = t2 - t1;

  const decision = evaluateModel(deps.proven.model, {
    prices: window.prices,
    position: state.position,
    maxPosition: state.maxPosition,
    thresholdBps: state.thresholdBps,
    advice,
  });
  report.timingsMs.precheck = performance.now() - t2;
  report.advice = advice;
  report.proven = true;
  report.action = ACTION_NAMES[decision.action];
  report.size = decision.size;
  if (decision.heldBecause) {
    report.rule = decision.heldBecause;
    report.reason = `the model's ${ACTION_NAMES[decision.modelAction]} ${decision.modelSize} became HOLD (${decision.heldBecause === "BAND" ? "outside the band's zone" : "a size of zero"})`;
  }
  report.verdict = decision.action === Action.HOLD ? "hold" : "compliant";
  journal.append({
    kind: "cycle",
    tick,
    roundId: report.roundId.toString(),
    latestPrice: report.latestPrice.toString(),
    movingAverage: report.movingAverage.toString(),
    signal: JSON.stringify({ adviser: adviserText, advice: advice.toString(), outputs: decision.outputs.map(String) }),
    verdict: report.verdict,
    ...(report.rule ? { rule: report.rule } : {}),
    ...(report.reason ? { reason: report.reason } : {}),
    timingsMs: report.timingsMs,
  });
  const trace: DecisionTrace = {
    ...traceBase(deps, window, state),
    kind: "refusal",
    ...(deps.mode === "llm+model" ? { llm: { prompt: adviserPrompt, output: adviserText } } : {}),
    model: {
      kind: "proven",
      hash: deps.modelHash,
      advice,
      features: decision.features,
      hidden: decision.hidden,
      outputs: decision.outputs,
      modelAction: decision.modelAction,
      modelSize: decision.modelSize,
    },
    decision: {
      action: decision.action,
      size: decision.size,
      verdict: decision.heldBecause ? "refused" : report.verdict === "compliant" ? "compliant" : "hold",
      ...(report.rule ? { rule: report.rule } : {}),
      ...(report.reason ? { reason: report.reason } : {}),
    },
    timingsMs: { ...report.timingsMs },
  };
  if (decision.action === Action.HOLD) {
    // The policy turning the model's trade into HOLD is a refusal; the model's own HOLD is not.
    if (decision.heldBecause) await discloseRefusal(deps, report, trace);
    log.info(`tick ${tick}: the proven model holds`, { round: report.roundId, advice, reason: report.reason });
    return report;
  }

  // The model's size is computed in its circuit: a trade the pool cannot fill is skipped, not resized.
  if (!(await quoteBeforeProving(deps, tick, report, state, decision, false))) return report;
  if (await holdsForBond(deps, tick, report, state, decision)) return report;
  if (await skipsStaleWindow(deps, tick, report, window, state.maxOracleAge, "before-proof")) return report;
  const proof = await deps.proven.prover.prove({
    prices: window.prices,
    roundId: window.roundId,
    maxPosition: state.maxPosition,
    thresholdBps: state.thresholdBps,
    position: state.position,
    advice,
    model: deps.proven.model,
    context: proofContext({
      chainId: deps.chainId,
      trader: client.traderAddress,
      agent: client.wallet.address,
      nonce: state.nonce,
    }),
  });
  return submitProof(deps, tick, report, proof, state, decision, trace);
}
