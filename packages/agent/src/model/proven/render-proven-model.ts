import { FEATURE_NAMES, MODEL_HIDDEN } from "@zkagent/circuits";

import type { LoadedProvenModel, ReportSummary } from "./model-file.ts";
import { AGREEMENT_TARGET } from "./report.ts";

const percent = (fraction: number | null) => (fraction === null ? "—" : `${(100 * fraction).toFixed(2)} %`);
const quote = (value: number) =>
  `${value < 0 ? "−" : ""}$${Math.abs(value).toLocaleString("en-US", { maximumFractionDigits: 2 })}`;

/** The report summary as an operator reads it. */
export function renderSummary(summary: ReportSummary): string {
  const met = (fraction: number) => (fraction >= AGREEMENT_TARGET ? "met" : "NOT met");
  const lines = [
    `held-out: ${summary.heldOutPaths} paths, ${summary.heldOutWindows} windows`,
    `float vs circuit: model's action ${percent(summary.agreement.modelAction)}, executed action ${percent(
      summary.agreement.executedAction,
    )}, executed trade ${percent(summary.agreement.executedTrade)} agree; max |Δo| direction ${
      summary.maxAbsOutputError.direction
    }, size ${summary.maxAbsOutputError.size} (output units; margin 64)`,
    `  target ${percent(AGREEMENT_TARGET)}: ${met(summary.agreement.modelAction)} for the model's own action, ${met(
      summary.agreement.executedAction,
    )} for the executed action`,
    "backtest (P&L marked to the last price, fee included):",
  ];
  const rows: [string, ReportSummary["backtest"]["model"]][] = [
    ["model", summary.backtest.model],
    ["model, neutral advice", summary.backtest.modelWithNeutralAdvice],
    ["band rule", summary.backtest.bandRule],
    ["buy and hold", summary.backtest.buyAndHold],
  ];
  for (const [name, s] of rows) {
    lines.push(
      `  ${name.padEnd(22)} P&L ${quote(s.pnlQuote).padStart(13)} (${s.pnlPercentOfCapValue.toFixed(2)} % of the cap's value), ` +
        `${s.trades} trades, hit rate ${percent(s.hitRate)}, turnover ${quote(s.turnoverQuote)}`,
    );
  }
  const bound = summary.advisoryBound;
  lines.push(
    `advice alone (−100…100): moves a trade by at most ${bound.maxSizeChangePercentOfCap} % of the cap; flips the executed action ` +
      `in ${percent(bound.executedActionFlipFraction)} of windows (the model's own action in ${percent(
        bound.modelActionFlipFraction,
      )}); advice weights W1[·][7] = [${bound.adviceWeights.join(", ")}]`,
    summary.caveat,
  );
  return `${lines.join("\n")}\n`;
}

/** min, max, mean |w| and zeros of a list of int8 weights. */
function stats(values: number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const meanAbs = values.reduce((sum, v) => sum + Math.abs(v), 0) / values.length;
  const zeros = values.filter((v) => v === 0).length;
  return `${values.length} weights, min ${min}, max ${max}, mean |w| ${meanAbs.toFixed(2)}, zeros ${zeros}`;
}

/** `zkagent model inspect`: architecture, features, weight statistics, commitment and report summary. */
export function renderInspection({ file, commitment }: LoadedProvenModel): string {
  const { architecture, weights } = file;
  const hex = `0x${commitment.toString(16).padStart(64, "0")}`;
  const lines = [
    `proven decision model, spec ${file.specVersion}, architecture ${architecture.id}`,
    `  ${architecture.features} features → ${architecture.hidden} hidden (clip 0…127, rescale 2^${architecture.shift}) → ` +
      `${architecture.outputs} outputs (direction margin ${architecture.directionMargin}, size % = o₁/16)`,
    "features (Σ_j |W1[j][i]|: the first layer's weight on each):",
    ...FEATURE_NAMES.map((name, i) => {
      const mass = weights.w1.reduce((sum, row) => sum + Math.abs(row[i]!), 0);
      return `  ${i} ${name.padEnd(40)} ${String(mass).padStart(5)}`;
    }),
    "weights (int8):",
    `  W1 ${MODEL_HIDDEN}×${architecture.features}: ${stats(weights.w1.flat())}`,
    `  b1 ${MODEL_HIDDEN}: ${stats(weights.b1)}`,
    `  W2 ${architecture.outputs}×${MODEL_HIDDEN}: ${stats(weights.w2.flat())}`,
    `  b2 ${architecture.outputs}: ${stats(weights.b2)}`,
    `commitment ${commitment}`,
    `           ${hex}`,
    `trained with seeds ${Object.values(file.training.seeds).join(", ")}: ${file.training.training.epochs} epochs, ` +
      `learning rate ${file.training.training.learningRate}, batch ${file.training.training.batchSize}`,
    "",
  ];
  return `${lines.join("\n")}${renderSummary(file.report)}`;
}
