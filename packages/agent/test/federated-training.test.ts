import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { AGGREGATION_CHUNKS, deltaNormSquared, MODEL_WINDOW } from "@zkagent/circuits";

import { FederatedRoundError } from "../src/federated/federated-errors.ts";
import { examplesFromGenerator, examplesFromPrices, trainUpdate } from "../src/federated/local-training.ts";
import { loadProvenModelFile } from "../src/model/proven/model-file.ts";
import { generatePricePath } from "../src/model/proven/price-paths.ts";
import { DEFAULT_TRAINING_CONFIG } from "../src/model/proven/training-config.ts";

const SHIPPED = join(import.meta.dirname, "../models/decision-model-v1.json");
const HORIZON = DEFAULT_TRAINING_CONFIG.data.horizon;

describe("a federated participant's local training (zkagent fl train)", () => {
  it("reads an operator's own price file as the backtest importer does: one window per round with the horizon after it", () => {
    const path = generatePricePath("volatile", 99, 400);
    const dir = mkdtempSync(join(tmpdir(), "zkagent-fl-prices-"));
    const file = join(dir, "prices.csv");
    writeFileSync(file, `answer\n${path.prices.join("\n")}\n`);
    const data = examplesFromPrices(file);
    expect(data.examples).to.have.length(400 - (MODEL_WINDOW - 1) - HORIZON);
    expect(data.description).to.contain("(400 rounds)");
    // a file too short for one window and its horizon is refused by the importer, naming the file
    writeFileSync(file, `answer\n${path.prices.slice(0, 20).join("\n")}\n`);
    expect(() => examplesFromPrices(file)).to.throw(/prices\.csv/);
  });

  it("trains from the base into an int8 update within the round's clip bound in each chunk, the same for the same order seed", async () => {
    const { model: base } = await loadProvenModelFile(SHIPPED);
    const { examples } = examplesFromGenerator(5, "trending-down", 2);
    const schedule = { epochs: 3, batchSize: 64, learningRate: 0.05 };
    const clip = 400n;
    const first = trainUpdate(base, examples, clip, schedule, 11);
    const again = trainUpdate(base, examples, clip, schedule, 11);
    expect(JSON.stringify(first.model, (_, v: unknown) => String(v))).to.equal(
      JSON.stringify(again.model, (_, v: unknown) => String(v)),
    );
    for (const chunk of AGGREGATION_CHUNKS) expect(deltaNormSquared(base, first.model, chunk) <= clip).to.equal(true);
  });

  it("refuses a regime the generator does not have, naming the ones it has", () => {
    expect(() => examplesFromGenerator(1, "sideways", 1)).to.throw(FederatedRoundError, /mean-reverting, trending-up/);
  });
});
