/**
 * Held-out accuracy of a model: on the proven model's held-out paths (their own seed: neither the
 * shipped model's training data nor any operator's), the share of windows where the int8 model,
 * evaluated with the circuit's integer arithmetic, takes the labelled action (BUY / SELL / HOLD),
 * overall and per regime.
 */
import { DIRECTION_MARGIN, type QuantizedModel } from "@zkagent/circuits";

import { buildExamples, type Example } from "../../packages/agent/src/model/proven/examples.ts";
import { forward } from "../../packages/agent/src/model/proven/float-model.ts";
import { generatePathSet, REGIMES, type Regime } from "../../packages/agent/src/model/proven/price-paths.ts";
import { parametersOf } from "../../packages/agent/src/model/proven/quantize.ts";
import { DEFAULT_TRAINING_CONFIG } from "../../packages/agent/src/model/proven/training-config.ts";

export interface HeldOutSet {
  examples: Example[];
  regimeOf: Regime[];
}

export interface Accuracy {
  overall: number;
  byRegime: Record<Regime, number>;
}

/** The held-out examples, `perRegime` paths of each regime from the shipped config's held-out seed. */
export function heldOutSet(perRegime = DEFAULT_TRAINING_CONFIG.data.heldOutPathsPerRegime): HeldOutSet {
  const config = DEFAULT_TRAINING_CONFIG;
  const paths = generatePathSet(config.seeds.heldOutPaths, perRegime, config.data.pathLength);
  const examples = buildExamples(paths, config);
  return { examples, regimeOf: examples.map((e) => paths[e.path]!.regime) };
}

const MARGIN = Number(DIRECTION_MARGIN);
const actionOf = (o: number) => (o > MARGIN ? 1 : o < -MARGIN ? 2 : 0);

/** The model's accuracy on `set` (the circuit's integer forward pass against each window's label). */
export function heldOutAccuracy(model: QuantizedModel, set: HeldOutSet): Accuracy {
  const params = parametersOf(model);
  const hits = Object.fromEntries(REGIMES.map((r) => [r, [0, 0]])) as Record<Regime, [number, number]>;
  set.examples.forEach((example, i) => {
    const tally = hits[set.regimeOf[i]!];
    tally[1]++;
    if (actionOf(forward(params, example.features, true).outputs[0]) === Number(example.label)) tally[0]++;
  });
  const total = Object.values(hits).reduce((a, [h, n]) => [a[0]! + h, a[1]! + n], [0, 0]);
  const byRegime = Object.fromEntries(REGIMES.map((r) => [r, hits[r][1] ? hits[r][0] / hits[r][1] : 0]));
  return { overall: total[0]! / total[1]!, byRegime: byRegime as Record<Regime, number> };
}
