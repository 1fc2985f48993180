import { expect } from "chai";

import { Action, PolicyProver, SNARK_SCALAR_FIELD, circuitInputOf, type ProofRequest } from "../src/index.ts";
import { buyRequest, holdRequest } from "./helpers/statements.ts";
import { tamperedSatisfiesR1cs } from "./helpers/witness-check.ts";
import { windowWith } from "./helpers/windows.ts";

/**
 * Every value the prover supplies as a hint (`<--`), in our templates and in the circomlib
 * templates we use, is pinned by constraints: the honest witness with that one value changed
 * fails the R1CS. (With --O2, MovingAverage's `average` has no witness slot of its own: the
 * optimiser expresses it through the bits of its range check, which are tampered instead.)
 */
describe("hints are pinned by constraints", function () {
  this.timeout(120_000);
  const buy = circuitInputOf(buyRequest).input;
  const hints: [string, string, (v: bigint) => bigint][] = [
    [
      "MovingAverage.average (through its range-check bits)",
      "main.window.movingAverage.averageRange.bits.out[0]",
      (v) => 1n - v,
    ],
    [
      "MovingAverage remainder's range-check bits",
      "main.window.movingAverage.remainderRange.bits.out[0]",
      (v) => 1n - v,
    ],
    ["AssertNonZero.inverse", "main.window.priceNonZero[7].inverse", (v) => v + 1n],
    ["Num2Bits bits of a price's range check", "main.window.priceRange[29].bits.out[3]", (v) => 1n - v],
    ["Unpack's bits of the packed public values", "main.marketFields.bits.out[150]", (v) => 1n - v],
    ["IsZero.inv of the size", "main.sizeIsZero.inv", (v) => v + 1n],
    ["LessThan's bits (band comparator)", "main.window.below.n2b.out[0]", (v) => 1n - v],
  ];

  it("accepts the honest witness (identity change), so the check is live", async () => {
    expect(await tamperedSatisfiesR1cs(buy, "main.sizeIsZero.inv", (v) => v)).to.equal(true);
  });

  for (const [name, signal, change] of hints) {
    it(`rejects a witness with another ${name}`, async () => {
      expect(await tamperedSatisfiesR1cs(buy, signal, change)).to.equal(false);
    });
  }
});

describe("inputs at the edges of their ranges", function () {
  this.timeout(120_000);
  let prover: PolicyProver;
  before(async () => {
    prover = await PolicyProver.load();
  });
  after(async () => {
    await prover.close();
  });

  const proves = async (request: ProofRequest) => {
    const { proof, publicSignals } = await prover.prove(request);
    return prover.verify(proof, publicSignals);
  };

  it("proves a window of prices at 2^64 − 1", async () => {
    const max = (1n << 64n) - 1n;
    expect(await proves({ ...holdRequest, prices: Array(30).fill(max) })).to.equal(true);
  });

  it("proves a BUY that takes the position to exactly 2^96 − 1 under a cap of 2^96 − 1", async () => {
    const cap = (1n << 96n) - 1n;
    expect(await proves({ ...buyRequest, maxPosition: cap, position: cap - 1000n, size: 1000n })).to.equal(true);
  });

  it("proves with modelHash and context at the field modulus minus one", async () => {
    expect(
      await proves({ ...holdRequest, modelHash: SNARK_SCALAR_FIELD - 1n, context: SNARK_SCALAR_FIELD - 1n }),
    ).to.equal(true);
  });

  it("proves a BUY at the band edge minus one unit and refuses it at the edge", async () => {
    // MA = 100 000 000, threshold 100 bps: the lower band is exactly 99 000 000.
    const average = 100_000_000n;
    const base = { ...buyRequest, thresholdBps: 100n, action: Action.BUY };
    expect(await proves({ ...base, prices: windowWith(average, 98_999_999n) })).to.equal(true);
    const refused = await prover.prove({ ...base, prices: windowWith(average, 99_000_000n) }).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused?.message).to.match(/rule BAND/);
  });
});
