import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import {
  Action,
  ModelProver,
  PolicyProver,
  packMarketAndTrade,
  packPolicyAndPosition,
  poseidonHash,
  pricesCommitment,
} from "@zkagent/circuits";
import * as snarkjs from "snarkjs";

import { compileCircuit } from "../../circuits/scripts/build.ts";
import { circuitsRoot, phase1Path } from "../../circuits/scripts/paths.ts";
import { stats, type Stats } from "../stats.ts";

const FEATURES = 8;
const PRICE = 3_000n * 10n ** 8n;
const CAP = 2n * 10n ** 18n;
/** The committed phase-1 file's power. */
const COMMITTED_POWER = 14;

export interface ModelCircuitPoint {
  windowSize: number;
  hidden: number;
  constraints: number;
  ptauPowerNeeded: number;
  compileMs: number;
  setupMs: number | null;
  proveMedianMs: number | null;
  note?: string;
}

export interface ModelCircuitFigures {
  /** The shipped circuit (N = 30, H = 16), warm, against policy v1 in the same run. */
  shipped: { model: Stats; policy: Stats; ratio: number };
  growth: ModelCircuitPoint[];
}

const architectureId = (hidden: number) =>
  (0x7a6b6d6c70n << 40n) | (1n << 24n) | (BigInt(FEATURES) << 16n) | (BigInt(hidden) << 8n) | 2n;

/**
 * A valid witness input for ModelPolicyV1(n, 8, hidden) with every weight zero: the model holds, so
 * the public trade is HOLD. Proving time does not depend on the weights' values.
 */
function zeroModelInput(n: number, hidden: number): Record<string, bigint | bigint[]> {
  const weightCount = hidden * FEATURES + hidden + 2 * hidden + 2;
  const limbs = Math.ceil(weightCount / 31);
  const weightLimbs = Array.from({ length: limbs }, (_, l) => {
    let limb = 0n;
    for (let t = 0; t < 31 && l * 31 + t < weightCount; t++) limb |= 128n << BigInt(8 * t);
    return limb;
  });
  const prices = [...Array<bigint>(n - 1).fill(PRICE), PRICE - 10n ** 8n];
  return {
    prices,
    weightLimbs,
    pricesCommitment: pricesCommitment(prices),
    marketAndTrade: packMarketAndTrade(1_000n, prices.at(-1)!, Action.HOLD, 0n),
    policyAndPosition: packPolicyAndPosition(CAP, 100n, 0n, 0n),
    modelHash: poseidonHash([architectureId(hidden), ...weightLimbs]),
    context: 1n,
  };
}

/**
 * The proven-model circuit built for several window sizes and hidden widths from the same template:
 * constraints, compile and setup time, and the warm prove time; plus the shipped circuit's warm
 * prove time against policy v1's, alternating, in one run.
 */
export async function benchModelCircuit(
  configs: { n: number; hidden: number }[],
  proveReps: number,
  shippedReps: number,
): Promise<ModelCircuitFigures> {
  // snarkjs for both, so the ratio compares with earlier runs (the backends item has the native one)
  const policyProver = await PolicyProver.load({}, undefined, { prover: "snarkjs" });
  const modelProver = await ModelProver.load({}, { prover: "snarkjs" });
  const { buyRequest } = await import("../../circuits/test/helpers/statements.ts");
  const { meanReversionModel } = await import("../../test/helpers/models.ts");
  const modelRequest = { ...buyRequest, advice: 0n, model: meanReversionModel() };
  const model: number[] = [];
  const policy: number[] = [];
  for (let i = 0; i <= shippedReps; i++) {
    let t = performance.now();
    await modelProver.proveAny(modelRequest);
    const modelMs = performance.now() - t;
    t = performance.now();
    await policyProver.prove(buyRequest);
    const policyMs = performance.now() - t;
    if (i === 0) continue; // warm-up
    model.push(modelMs);
    policy.push(policyMs);
  }
  const shipped = { model: stats(model), policy: stats(policy), ratio: 0 };
  shipped.ratio = Math.round((shipped.model.median / shipped.policy.median) * 100) / 100;

  const dir = join(circuitsRoot, "build/bench-model");
  mkdirSync(dir, { recursive: true });
  const growth: ModelCircuitPoint[] = [];
  for (const { n, hidden } of configs) {
    const limbs = Math.ceil((hidden * FEATURES + hidden + 2 * hidden + 2) / 31);
    const name = `model_${n}_${hidden}`;
    const main = join(dir, `${name}.circom`);
    writeFileSync(
      main,
      `pragma circom 2.1.9;\ninclude "../../src/circom/model-policy.circom";\ncomponent main {public [pricesCommitment, marketAndTrade, policyAndPosition, modelHash, context]} = ModelPolicyV1(${n}, ${FEATURES}, ${hidden}, ${limbs}, ${architectureId(hidden)});\n`,
    );
    const out = join(dir, name);
    const compileStart = performance.now();
    const log = compileCircuit(main, out);
    const point: ModelCircuitPoint = {
      windowSize: n,
      hidden,
      constraints: Number(/non-linear constraints: (\d+)/.exec(log)?.[1] ?? "0"),
      ptauPowerNeeded: 0,
      compileMs: Math.round(performance.now() - compileStart),
      setupMs: null,
      proveMedianMs: null,
    };
    point.ptauPowerNeeded = Math.ceil(Math.log2(point.constraints + 6));
    if (point.ptauPowerNeeded > COMMITTED_POWER || proveReps === 0) {
      if (point.ptauPowerNeeded > COMMITTED_POWER) point.note = `needs a power-${point.ptauPowerNeeded} Powers of Tau`;
      growth.push(point);
      continue;
    }
    const zkey = join(out, "bench.zkey");
    const setupStart = performance.now();
    await snarkjs.zKey.newZKey(join(out, `${name}.r1cs`), phase1Path, zkey);
    point.setupMs = Math.round(performance.now() - setupStart);
    const input = zeroModelInput(n, hidden);
    const times: number[] = [];
    for (let i = 0; i <= proveReps; i++) {
      const t = performance.now();
      await snarkjs.groth16.fullProve(input, join(out, `${name}_js`, `${name}.wasm`), zkey);
      if (i > 0) times.push(performance.now() - t);
    }
    point.proveMedianMs = Math.round(stats(times).median);
    growth.push(point);
  }
  await policyProver.close();
  await modelProver.close();
  return { shipped, growth };
}
