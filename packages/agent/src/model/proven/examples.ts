import { Action, ADVICE_LIMIT, extractFeatures, MODEL_WINDOW, seededRandom } from "@zkagent/circuits";

import { standardNormal, type PricePath } from "./price-paths.ts";
import type { TrainingConfig } from "./training-config.ts";

/** One training or evaluation case: a window, a position, the adviser's bias, and what followed. */
export interface Example {
  /** Index of the path in its set, and the round the window ends at. */
  path: number;
  t: number;
  /** The 30 oracle answers ending at round t. */
  window: bigint[];
  position: bigint;
  advice: number;
  /** extractFeatures(window, position, cap, advice), as numbers (each in [-127, 127]). */
  features: number[];
  /** (p[t + horizon] − p[t]) / p[t]. */
  forwardReturn: number;
  /** The label's threshold on the forward return. */
  theta: number;
  label: Action;
  /** Regression targets in output units: o₀ (direction) and o₁ (16 × size percent). */
  targets: [number, number];
}

const MODEL_SCALE = 16;

/** The window's RMS 1-round return: the volatility the label's threshold and the adviser scale by. */
export function windowVolatility(window: readonly bigint[]): number {
  let sum = 0;
  for (let i = 1; i < window.length; i++) {
    const r = (Number(window[i]!) - Number(window[i - 1]!)) / Number(window[i - 1]!);
    sum += r * r;
  }
  return Math.sqrt(sum / (window.length - 1));
}

/** The rounds a path has examples at: a full window behind, `horizon` rounds ahead. */
export function exampleRounds(path: PricePath, horizon: number): number[] {
  const rounds: number[] = [];
  for (let t = MODEL_WINDOW - 1; t + horizon < path.prices.length; t++) rounds.push(t);
  return rounds;
}

const clip = (v: number, low: number, high: number) => (v < low ? low : v > high ? high : v);

/**
 * The simulated LLM adviser of a path: at each round an integer bias in [-100, 100], a noisy
 * signal of the forward return it cannot really know (signal-to-noise set by the config). It stands
 * in for the adviser so that the model learns how far to trust one, and the report bounds how far
 * the advice alone moves a trade. Rounds with no forward return get 0.
 */
export function adviserSeries(path: PricePath, data: TrainingConfig["data"]): number[] {
  const random = seededRandom((path.seed ^ 0x5bd1e995) >>> 0);
  const limit = Number(ADVICE_LIMIT);
  return path.prices.map((price, t) => {
    if (t < MODEL_WINDOW - 1 || t + data.horizon >= path.prices.length) return 0;
    const window = path.prices.slice(t - MODEL_WINDOW + 1, t + 1);
    const scale = windowVolatility(window) * Math.sqrt(data.horizon);
    const forwardReturn = (Number(path.prices[t + data.horizon]!) - Number(price)) / Number(price);
    const raw =
      data.adviserSignal * (scale > 0 ? forwardReturn / scale : 0) + data.adviserNoise * standardNormal(random);
    return clip(Math.round(raw), -limit, limit) + 0; // + 0: no −0 in JSON or BigInt
  });
}

/**
 * The label of a forward return r: BUY above +θ, SELL below −θ, else HOLD, with
 * θ = max(floor, multiple · σ₁ · √horizon) — a move that is large for this window's volatility.
 */
export function labelOf(forwardReturn: number, window: readonly bigint[], data: TrainingConfig["data"]) {
  const theta = Math.max(
    data.thetaFloor,
    data.thetaVolatilityMultiple * windowVolatility(window) * Math.sqrt(data.horizon),
  );
  const label: Action = forwardReturn > theta ? Action.BUY : forwardReturn < -theta ? Action.SELL : Action.HOLD;
  return { theta, label };
}

/**
 * Targets in output units: o₀ = ±direction for BUY/SELL, 0 for HOLD; o₁ = 16 × a size percent
 * that grows from 1 % at |r| = θ to 100 % at |r| = θ·(1 + sizeRange) (1 % for HOLD).
 */
export function targetsOf(
  forwardReturn: number,
  theta: number,
  label: Action,
  targets: TrainingConfig["targets"],
): [number, number] {
  const direction = label === Action.BUY ? targets.direction : label === Action.SELL ? -targets.direction : 0;
  const excess = Math.abs(forwardReturn) / theta - 1;
  const sizePercent = label === Action.HOLD ? 1 : clip(1 + (99 * excess) / targets.sizeRange, 1, 100);
  return [direction, MODEL_SCALE * sizePercent];
}

/**
 * Every example of a set of paths: each round with a full window behind and a forward return
 * ahead, a position drawn uniformly in [0, cap] (per-mille steps, seeded by the path) and the
 * path's simulated advice.
 */
export function buildExamples(paths: readonly PricePath[], config: TrainingConfig): Example[] {
  const cap = BigInt(config.backtest.maxPositionBase);
  const examples: Example[] = [];
  paths.forEach((path, index) => {
    const advice = adviserSeries(path, config.data);
    const positions = seededRandom((path.seed ^ 0x27d4eb2f) >>> 0);
    for (const t of exampleRounds(path, config.data.horizon)) {
      const window = path.prices.slice(t - MODEL_WINDOW + 1, t + 1);
      const position = (cap * BigInt(Math.floor(positions() * 1001))) / 1000n;
      const features = extractFeatures({ prices: window, position, maxPosition: cap, advice: BigInt(advice[t]!) }).map(
        Number,
      );
      const price = Number(path.prices[t]!);
      const forwardReturn = (Number(path.prices[t + config.data.horizon]!) - price) / price;
      const { theta, label } = labelOf(forwardReturn, window, config.data);
      const targets = targetsOf(forwardReturn, theta, label, config.targets);
      examples.push({
        path: index,
        t,
        window,
        position,
        advice: advice[t]!,
        features,
        forwardReturn,
        theta,
        label,
        targets,
      });
    }
  });
  return examples;
}
