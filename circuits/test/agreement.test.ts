import { expect } from "chai";

import { Action, BPS, circuitInputOf, evaluatePolicy, type ProofRequest } from "../src/index.ts";
import { witnessExists } from "./helpers/witness-check.ts";
import { ONE_ETH, randomBigInt, seededRandom, windowWith } from "./helpers/windows.ts";

const CASES = 500;
const SEED = 20261121;

/** A random statement biased toward the edges: band boundaries, the cap, the whole position. */
function randomStatement(random: () => number): ProofRequest {
  const average = randomBigInt(random, 10n ** 6n, 10n ** 13n);
  const thresholdBps = random() < 0.2 ? 0n : randomBigInt(random, 1n, 2_000n);
  const pick = random();
  let latest: bigint;
  if (pick < 0.15)
    latest = (average * (BPS - thresholdBps)) / BPS; // lower band edge (± rounding)
  else if (pick < 0.3) latest = (average * (BPS - thresholdBps)) / BPS - 1n;
  else if (pick < 0.45)
    latest = (average * (BPS + thresholdBps) + BPS - 1n) / BPS; // upper band edge
  else if (pick < 0.6) latest = (average * (BPS + thresholdBps)) / BPS + 1n;
  else latest = randomBigInt(random, (average * 9n) / 10n, (average * 11n) / 10n);
  const maxPosition = randomBigInt(random, 1n, 10n * ONE_ETH);
  const position = random() < 0.2 ? 0n : randomBigInt(random, 0n, maxPosition);
  const action = [Action.HOLD, Action.BUY, Action.SELL][Math.floor(random() * 3)]!;
  const sizePick = random();
  const size =
    sizePick < 0.15
      ? 0n
      : sizePick < 0.3
        ? maxPosition - position // exactly to the cap
        : sizePick < 0.4
          ? maxPosition - position + 1n
          : sizePick < 0.55
            ? position // the whole position
            : sizePick < 0.6
              ? position + 1n
              : randomBigInt(random, 1n, maxPosition);
  return {
    prices: windowWith(average, latest),
    maxPosition,
    thresholdBps,
    position,
    action,
    size,
    roundId: randomBigInt(random, 1n, (1n << 80n) - 1n),
    modelHash: 1n,
    context: 2n,
  };
}

describe("evaluatePolicy agrees with the circuit", function () {
  this.timeout(300_000);

  it(`on ${CASES} seeded random statements (seed ${SEED}), edges included`, async () => {
    const random = seededRandom(SEED);
    const tally = { compliant: 0, violating: 0 };
    for (let i = 0; i < CASES; i++) {
      const statement = randomStatement(random);
      const verdict = evaluatePolicy(statement);
      const circuit = await witnessExists(circuitInputOf(statement).input);
      expect(
        circuit,
        `case ${i}: ${JSON.stringify(verdict, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`,
      ).to.equal(verdict.compliant);
      tally[verdict.compliant ? "compliant" : "violating"]++;
    }
    // Both outcomes must be well represented, or the agreement says little.
    expect(tally.compliant).to.be.greaterThan(CASES / 10);
    expect(tally.violating).to.be.greaterThan(CASES / 10);
  });
});
