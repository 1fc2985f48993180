import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  evaluateModel,
  FEATURE_NAMES,
  flattenWeights,
  modelCommitment,
  seededRandom,
  unflattenWeights,
} from "@zkagent/circuits";
import { expect } from "chai";

import { ConfigError } from "../src/errors.ts";
import { buildExamples } from "../src/model/proven/examples.ts";
import { ProvenModelFileError } from "../src/model/proven/errors.ts";
import {
  accumulateGradient,
  forward,
  meanLoss,
  PARAMETER_COUNT,
  type LossScales,
} from "../src/model/proven/float-model.ts";
import { jsonText } from "../src/model/proven/json-text.ts";
import { loadProvenModelFile, parseProvenModelFile } from "../src/model/proven/model-file.ts";
import { generatePathSet, generatePricePath, REGIMES, standardNormal } from "../src/model/proven/price-paths.ts";
import { parametersOf, quantizeModel, roundParameters } from "../src/model/proven/quantize.ts";
import { rescaleToRange } from "../src/model/proven/rescale.ts";
import { createOptimizerState, sgdStep } from "../src/model/proven/sgd.ts";
import { initialParameters } from "../src/model/proven/train-model.ts";
import { loadTrainingConfig, provenModelTexts, trainProvenModel } from "../src/model/proven/train-proven-model.ts";
import { DEFAULT_TRAINING_CONFIG } from "../src/model/proven/training-config.ts";

const MODELS = join(import.meta.dirname, "../models");
const SHIPPED = join(MODELS, "decision-model-v1.json");
const SHIPPED_REPORT = join(MODELS, "decision-model-v1.report.json");
const CLI = join(import.meta.dirname, "../bin/zkagent.js");
const scratch = mkdtempSync(join(tmpdir(), "zkagent-proven-"));

const shippedJson = () => JSON.parse(readFileSync(SHIPPED, "utf8")) as Record<string, unknown>;

/** Writes `content` to a scratch file and returns its path. */
function scratchFile(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

/** Runs the CLI as an operator does: a child process, no colours. */
function zkagent(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: scratch,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("proven decision model: training data", () => {
  it("generates the same path from the same seed, in every regime, and another path from another seed", () => {
    for (const regime of REGIMES) {
      const path = generatePricePath(regime, 7, 200);
      expect(generatePricePath(regime, 7, 200)).to.deep.equal(path);
      expect(generatePricePath(regime, 8, 200).prices).not.to.deep.equal(path.prices);
      expect(path.prices).to.have.length(200);
      // 8-decimal integers near $3,000, all positive.
      expect(path.prices[0]! >= 2_700n * 10n ** 8n && path.prices[0]! <= 3_300n * 10n ** 8n).to.equal(true);
      expect(path.prices.every((p) => p > 0n)).to.equal(true);
    }
  });

  it("draws normals with mean 0 and variance 1 from the seeded PRNG alone", () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 20_000 }, () => standardNormal(random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).to.be.below(0.03);
    expect(Math.abs(variance - 1)).to.be.below(0.05);
  });

  it("builds the same examples twice, with features from extractFeatures and advice in [-100, 100]", () => {
    const paths = generatePathSet(11, 1, 60);
    const examples = buildExamples(paths, DEFAULT_TRAINING_CONFIG);
    expect(buildExamples(generatePathSet(11, 1, 60), DEFAULT_TRAINING_CONFIG)).to.deep.equal(examples);
    expect(examples).to.have.length(REGIMES.length * (60 - 29 - DEFAULT_TRAINING_CONFIG.data.horizon));
    for (const e of examples) {
      expect(e.window).to.have.length(30);
      expect(e.features).to.have.length(FEATURE_NAMES.length);
      expect(e.features[7]).to.equal(e.advice);
      expect(Math.abs(e.advice)).to.be.at.most(100);
    }
  });
});

describe("proven decision model: the float model and its SGD", () => {
  const scales: LossScales = { direction: 192, size: 1600, sizeWeight: 1 };
  const toy = Array.from({ length: 64 }, (_, n) => {
    const random = seededRandom(100 + n);
    const features = Array.from({ length: 8 }, () => Math.round(200 * random() - 100));
    const targets: [number, number] = [features[0]! > 0 ? 192 : -192, 16 * (1 + Math.abs(features[1]!) / 2)];
    return { features, targets };
  });

  it("computes the gradient that finite differences give", () => {
    const params = initialParameters(5);
    const gradient = new Float64Array(PARAMETER_COUNT);
    for (const { features, targets } of toy)
      accumulateGradient(params, features, targets, scales, gradient, 1 / toy.length);
    for (const p of [0, 7, 100, 130, 150, 170, 176, 177]) {
      const step = 1e-4;
      const shifted = (delta: number) => {
        const q = Float64Array.from(params);
        q[p]! += delta;
        return meanLoss(q, toy, scales);
      };
      const numeric = (shifted(step) - shifted(-step)) / (2 * step);
      expect(gradient[p]).to.be.closeTo(numeric, 1e-6 + 1e-4 * Math.abs(numeric));
    }
  });

  it("lowers the loss on a toy problem, step after step, and keeps every weight in int8 range", () => {
    const params = initialParameters(5);
    const state = createOptimizerState(PARAMETER_COUNT);
    const losses = [meanLoss(params, toy, scales)];
    for (let step = 0; step < 50; step++) {
      const gradient = new Float64Array(PARAMETER_COUNT);
      for (const { features, targets } of toy) {
        accumulateGradient(params, features, targets, scales, gradient, 1 / toy.length);
      }
      sgdStep(params, gradient, state, 0.2);
      losses.push(meanLoss(params, toy, scales));
    }
    expect(losses[1]).to.be.below(losses[0]!);
    expect(losses.at(-1)).to.be.below(0.5 * losses[0]!);
    expect(params.every((w) => w >= -128 && w <= 127)).to.equal(true);
  });

  it("clips a weight that a step would push past int8 to the range", () => {
    const params = new Float64Array(PARAMETER_COUNT).fill(127);
    const gradient = new Float64Array(PARAMETER_COUNT).fill(-1);
    sgdStep(params, gradient, createOptimizerState(PARAMETER_COUNT), 5);
    expect(params.every((w) => w === 127)).to.equal(true);
  });
});

describe("proven decision model: quantization", () => {
  it("rounds float weights to int8 in commitment order, and back exactly", () => {
    const random = seededRandom(3);
    const float = Float64Array.from({ length: PARAMETER_COUNT }, () => 300 * random() - 150);
    const model = quantizeModel(float);
    const flat = flattenWeights(model).map(Number);
    expect(flat).to.deep.equal([...roundParameters(float)]);
    expect(flat.every((w) => w >= -128 && w <= 127)).to.equal(true);
    expect([...parametersOf(model)]).to.deep.equal(flat);
    expect(unflattenWeights(flattenWeights(model))).to.deep.equal(model);
  });

  it("computes in fixed-point mode exactly what evaluateModel computes (the training twin)", () => {
    const { model } = parseProvenModelFile(shippedJson(), SHIPPED);
    const params = parametersOf(model);
    const examples = buildExamples(generatePathSet(99, 1, 80), DEFAULT_TRAINING_CONFIG);
    for (const e of examples) {
      const decision = evaluateModel(model, {
        prices: e.window,
        position: e.position,
        maxPosition: BigInt(DEFAULT_TRAINING_CONFIG.backtest.maxPositionBase),
        advice: BigInt(e.advice),
        thresholdBps: 100n,
      });
      expect(forward(params, e.features, true).outputs).to.deep.equal(decision.outputs.map(Number));
    }
  });
});

describe("proven decision model: quantization-aware steps", () => {
  it("rescales each hidden unit to the int8 and activation ranges without changing the float model's outputs", () => {
    const examples = buildExamples(generatePathSet(99, 1, 80), DEFAULT_TRAINING_CONFIG);
    const params = initialParameters(5);
    const rescaled = rescaleToRange(params, examples, 0.9);
    for (const e of examples) {
      const [before, after] = [forward(params, e.features).outputs, forward(rescaled, e.features).outputs];
      expect(after[0]).to.be.closeTo(before[0], 1e-9 * (1 + Math.abs(before[0])));
      expect(after[1]).to.be.closeTo(before[1], 1e-9 * (1 + Math.abs(before[1])));
      // Every activation at most 0.9 × 127 on the examples it was scaled on.
      expect(Math.max(...forward(rescaled, e.features).pre)).to.be.at.most(0.9 * 127 + 1e-9);
    }
    expect(roundParameters(rescaled).every((w) => w >= -128 && w <= 127)).to.equal(true);
    // Each unit is scaled up until its weights or its activations reach their range.
    const w1 = (p: Float64Array, j: number) =>
      Math.max(...p.slice(j * 8, j * 8 + 8).map(Math.abs), Math.abs(p[128 + j]!));
    for (let j = 0; j < 16; j++) expect(w1(rescaled, j)).to.be.above(w1(params, j));
  });

  it("says in the shipped report what it compares, and which fine-tuning run the validation paths chose", () => {
    const report = JSON.parse(readFileSync(SHIPPED_REPORT, "utf8")) as {
      data: { validationPaths: number; heldOutPaths: number };
      quantization: {
        comparison: string;
        meetsTarget: { modelAction: boolean; executedAction: boolean };
        fineTuningRuns: { seed: number; validationModelActionAgreement: number }[];
        chosenRun: number;
      };
    };
    const { quantization } = report;
    expect(quantization.comparison).to.match(/float64 with no floors/);
    expect(quantization.meetsTarget).to.deep.equal({ modelAction: true, executedAction: true });
    const agreements = quantization.fineTuningRuns.map((r) => r.validationModelActionAgreement);
    expect(agreements).to.have.length(DEFAULT_TRAINING_CONFIG.quantization.fineTuning.runs);
    expect(agreements[quantization.chosenRun]).to.equal(Math.max(...agreements));
    expect(report.data.validationPaths).to.equal(5 * DEFAULT_TRAINING_CONFIG.data.validationPathsPerRegime);
  });
});

describe("proven decision model: the shipped file", function () {
  this.timeout(300_000);

  it("records the commitment of its weights, in decimal and hex", async () => {
    const { file, model, commitment } = await loadProvenModelFile(SHIPPED);
    expect(commitment).to.equal(modelCommitment(model));
    expect(file.commitment.decimal).to.equal(modelCommitment(model).toString());
    expect(BigInt(file.commitment.hex)).to.equal(modelCommitment(model));
  });

  it("is laid out as jsonText writes it (and so as Prettier does)", () => {
    expect(jsonText(shippedJson())).to.equal(readFileSync(SHIPPED, "utf8"));
  });

  it("is reproduced byte for byte, with its report, by retraining with its own config", async () => {
    const config = await loadTrainingConfig(SHIPPED);
    expect(config).to.deep.equal(DEFAULT_TRAINING_CONFIG);
    const trained = trainProvenModel(config);
    const texts = provenModelTexts(trained);
    expect(texts.model).to.equal(readFileSync(SHIPPED, "utf8"));
    expect(texts.report).to.equal(readFileSync(SHIPPED_REPORT, "utf8"));
  });
});

describe("proven decision model: malformed files are refused with an actionable ProvenModelFileError", () => {
  const edited = (edit: (file: Record<string, unknown>) => void) => {
    const file = shippedJson();
    edit(file);
    return file;
  };
  const cases: { name: string; path: () => string; message: RegExp }[] = [
    {
      name: "a missing file",
      path: () => join(scratch, "absent.json"),
      message: /cannot read .*no such file.*model train/,
    },
    {
      name: "a file that is not JSON",
      path: () => scratchFile("garbage.json", "{ not json"),
      message: /is not valid JSON/,
    },
    {
      name: "a weight outside int8",
      path: () =>
        scratchFile("int8.json", JSON.stringify(edited((f) => ((f.weights as { w1: number[][] }).w1[3]![2] = 200)))),
      message: /weights\.w1\.3\.2: Number must be less than or equal to 127/,
    },
    {
      name: "a layer of the wrong shape",
      path: () => scratchFile("shape.json", JSON.stringify(edited((f) => (f.weights as { b1: number[] }).b1.pop()))),
      message: /weights\.b1: Array must contain exactly 16/,
    },
    {
      name: "an edited weight (the commitment no longer matches)",
      path: () =>
        scratchFile(
          "tampered.json",
          JSON.stringify(
            edited((f) => ((f.weights as { b2: number[] }).b2[0] = (f.weights as { b2: number[] }).b2[0]! + 1)),
          ),
        ),
      message: /is not the commitment of its weights.*edited or corrupted/,
    },
    {
      name: "another architecture",
      path: () =>
        scratchFile("arch.json", JSON.stringify(edited((f) => ((f.architecture as { hidden: number }).hidden = 32)))),
      message: /is for model spec 1 \(architecture .*\); this zkagent proves spec 1/,
    },
  ];
  for (const { name, path, message } of cases) {
    it(name, async () => {
      const error = await refusal(loadProvenModelFile(path()));
      expect(error).to.be.instanceOf(ProvenModelFileError);
      expect((error as Error).message).to.match(message);
    });
  }

  it("a training config with a bad field is a ConfigError naming it", async () => {
    const bad = scratchFile("config.json", JSON.stringify({ ...DEFAULT_TRAINING_CONFIG, training: { epochs: 0 } }));
    const error = await refusal(loadTrainingConfig(bad));
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(/training\.epochs: Number must be greater than or equal to 1/);
  });
});

describe("zkagent model commit / inspect (the CLI as a child process)", function () {
  this.timeout(120_000);
  const commitment = () => modelCommitment(parseProvenModelFile(shippedJson(), SHIPPED).model);

  it("`model commit` prints the commitment the governor registers, in decimal and hex", () => {
    const { status, stdout, stderr } = zkagent("model", "commit", SHIPPED);
    expect(stderr).to.equal("");
    expect(status).to.equal(0);
    expect(stdout).to.equal(`decimal ${commitment()}\nhex 0x${commitment().toString(16).padStart(64, "0")}\n`);
  });

  it("`model inspect` prints the architecture, every feature, the weight statistics and the commitment", () => {
    const { status, stdout } = zkagent("model", "inspect", SHIPPED);
    expect(status).to.equal(0);
    expect(stdout).to.match(/8 features → 16 hidden/);
    for (const name of FEATURE_NAMES) expect(stdout).to.include(name);
    expect(stdout).to.match(/W1 16×8: 128 weights, min -?\d+, max -?\d+/);
    expect(stdout).to.include(`commitment ${commitment()}`);
    expect(stdout).to.match(/no trading skill beyond these numbers/);
  });

  it("a malformed file exits 2 with the typed error, no stack trace", () => {
    const { status, stdout, stderr } = zkagent("model", "commit", scratchFile("cli-garbage.json", "[]"));
    expect(status).to.equal(2);
    expect(stdout).to.equal("");
    expect(stderr).to.match(/^ProvenModelFileError: .*cli-garbage\.json: \(root\): Expected object, received array/);
    expect(stderr).not.to.match(/^\s+at /m);
  });
});
