import { expect } from "chai";

import {
  Action,
  BPS,
  InvalidPolicyInputError,
  SignalProver,
  SignalViolationError,
  bandFigures,
  evaluateSignal,
  packMarketSignal,
  pricesCommitment,
  signalArtifactPaths,
  signalCircuitInputOf,
  signalPublicSignals,
  unpackMarketSignal,
  unpackSignalPublicSignals,
  type MarketSignalRequest,
  type SignalRequest,
  type SignalRule,
} from "../src/index.ts";
import { circuitChecker } from "./helpers/witness-check.ts";
import { PRICE_3000, randomBigInt, seededRandom, windowWith } from "./helpers/windows.ts";

const one = circuitChecker(signalArtifactPaths(1));
const two = circuitChecker(signalArtifactPaths(2));

/** Latest price 2 % below the MA (threshold 100 bps): BUY is allowed. */
const buyMarket: MarketSignalRequest = {
  prices: windowWith(PRICE_3000, (PRICE_3000 * 98n) / 100n),
  roundId: 101n,
  action: Action.BUY,
  sizeBps: 2_500n,
};
/** Latest price 2 % above the MA: SELL is allowed. */
const sellMarket: MarketSignalRequest = {
  prices: windowWith(PRICE_3000 * 20n, (PRICE_3000 * 20n * 102n) / 100n),
  roundId: 202n,
  action: Action.SELL,
  sizeBps: 10_000n,
};
/** Latest price at the MA: only HOLD is allowed. */
const holdMarket: MarketSignalRequest = {
  prices: windowWith(PRICE_3000, PRICE_3000),
  roundId: 303n,
  action: Action.HOLD,
  sizeBps: 0n,
};

const signalOf = (...markets: MarketSignalRequest[]): SignalRequest => ({
  markets,
  thresholdBps: 100n,
  modelHash: (1n << 247n) + 0x1234n,
  context: 0x5678n,
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe("signal v1: the public layout", () => {
  it("packs a market signal low bits first: latestPrice | roundId << 64 | sizeBps << 144 | action << 158", () => {
    const packed = packMarketSignal({ latestPrice: 5n, roundId: 7n, sizeBps: 10_000n, action: Action.SELL });
    expect(packed).to.equal(5n + (7n << 64n) + (10_000n << 144n) + (2n << 158n));
    expect(packed < 1n << 160n).to.equal(true);
    expect(unpackMarketSignal(packed)).to.deep.equal({ latestPrice: 5n, roundId: 7n, sizeBps: 10_000n, action: 2 });
  });

  it("orders the 2K + 3 public inputs: commitments, market signals, thresholdBps, modelHash, context", () => {
    const request = signalOf(buyMarket, sellMarket);
    const signals = signalPublicSignals(request);
    expect(signals).to.have.length(7);
    expect(signals[0]).to.equal(pricesCommitment(buyMarket.prices));
    expect(signals[1]).to.equal(pricesCommitment(sellMarket.prices));
    expect(unpackMarketSignal(signals[3]!)).to.deep.equal({
      latestPrice: sellMarket.prices.at(-1),
      roundId: 202n,
      sizeBps: 10_000n,
      action: Action.SELL,
    });
    expect(signals.slice(4)).to.deep.equal([100n, request.modelHash, request.context]);
    expect(unpackSignalPublicSignals(signals).markets[0]!.latestPrice).to.equal(buyMarket.prices.at(-1));
  });

  it("refuses packed values outside their widths, naming the field", () => {
    expect(() => packMarketSignal({ latestPrice: 1n, roundId: 1n << 80n, sizeBps: 0n, action: 0 })).to.throw(
      InvalidPolicyInputError,
      /roundId/,
    );
    expect(() => signalPublicSignals(signalOf({ ...buyMarket, sizeBps: 1n << 14n }))).to.throw(
      /markets\[0\]\.sizeBps: must be in \[0, 16384\)/,
    );
    expect(() => unpackMarketSignal(1n << 160n)).to.throw(/marketSignal/);
    expect(() => unpackMarketSignal(3n << 158n)).to.throw(/action bits 3/);
  });
});

/**
 * Each rule twice: the API refuses the signal (nothing is proven), and the witness an attacker
 * would compute for it (every hint honest, asserts switched off) fails the R1CS check.
 */
describe("signal v1: every rule is a constraint", function () {
  this.timeout(120_000);
  let prover: SignalProver;
  before(async () => {
    prover = await SignalProver.load(1);
  });
  after(async () => {
    await prover.close();
  });

  it("accepts the compliant BUY, SELL and HOLD witnesses (the check is live)", async () => {
    for (const market of [buyMarket, sellMarket, holdMarket]) {
      expect(await one.satisfiesR1cs(signalCircuitInputOf(signalOf(market)).input)).to.equal(true);
    }
  });

  const at3 = (value: bigint) => holdMarket.prices.map((p, i) => (i === 3 ? value : p));
  const violations: [SignalRule, string, SignalRequest][] = [
    ["RANGE", "a price of zero", signalOf({ ...holdMarket, prices: at3(0n) })],
    ["RANGE", "a price of 2^64", signalOf({ ...holdMarket, prices: at3(1n << 64n) })],
    ["RANGE", "thresholdBps of 10 000", { ...signalOf(holdMarket), thresholdBps: 10_000n }],
    ["BAND", "a BUY inside the band", signalOf({ ...holdMarket, action: Action.BUY, sizeBps: 100n })],
    ["BAND", "a SELL inside the band", signalOf({ ...holdMarket, action: Action.SELL, sizeBps: 100n })],
    ["BAND", "a SELL below the band", signalOf({ ...buyMarket, action: Action.SELL })],
    ["BAND", "a BUY above the band", signalOf({ ...sellMarket, action: Action.BUY })],
    ["HOLD_SIZE", "a HOLD with a size", signalOf({ ...holdMarket, sizeBps: 1n })],
    ["HOLD_SIZE", "a BUY of size zero", signalOf({ ...buyMarket, sizeBps: 0n })],
    ["HOLD_SIZE", "a SELL of size zero", signalOf({ ...sellMarket, sizeBps: 0n })],
    ["SIZE_BPS", "a BUY of 10 001 bps", signalOf({ ...buyMarket, sizeBps: 10_001n })],
    ["SIZE_BPS", "a SELL of 2^14 − 1 bps", signalOf({ ...sellMarket, sizeBps: (1n << 14n) - 1n })],
  ];
  for (const [rule, name, request] of violations) {
    it(`rule ${rule}: refuses ${name} and no witness satisfies the R1CS`, async () => {
      const error = await refusal(prover.prove(request));
      expect(error).to.be.instanceOf(SignalViolationError);
      expect((error as SignalViolationError).rule).to.equal(rule);
      expect(await one.satisfiesR1cs(signalCircuitInputOf(request).input)).to.equal(false);
    });
  }

  const holdInput = () => signalCircuitInputOf(signalOf(holdMarket)).input;
  it("rule COMMITMENT: a commitment that is not the window's fails the R1CS", async () => {
    const input = holdInput();
    expect(
      await one.satisfiesR1cs({ ...input, pricesCommitment: [(input.pricesCommitment as bigint[])[0]! + 1n] }),
    ).to.equal(false);
  });

  it("rule COMMITMENT: a public latest price that is not the window's last fails the R1CS", async () => {
    const input = holdInput();
    expect(await one.satisfiesR1cs({ ...input, marketSignal: [(input.marketSignal as bigint[])[0]! + 1n] })).to.equal(
      false,
    );
  });

  it("rejects an action value of 3 (both flag bits) and any bit at or above 160 in the R1CS", async () => {
    const input = holdInput();
    const packed = (input.marketSignal as bigint[])[0]!;
    expect(await one.satisfiesR1cs({ ...input, marketSignal: [packed | (3n << 158n)] })).to.equal(false);
    expect(await one.satisfiesR1cs({ ...input, marketSignal: [packed | (1n << 160n)] })).to.equal(false);
  });

  it("rejects a thresholdBps of 2^16 + 100 (its range check, not only the < 10 000 comparison)", async () => {
    expect(await one.satisfiesR1cs({ ...holdInput(), thresholdBps: (1n << 16n) + 100n })).to.equal(false);
  });

  it("proves a SELL of exactly 10 000 bps, and a BUY one unit inside the band edge but not at it", async () => {
    const full = await prover.prove(signalOf(sellMarket));
    expect(await prover.verify(full.proof, full.publicSignals)).to.equal(true);
    // MA = 100 000 000, threshold 100 bps: the lower band is exactly 99 000 000 (BUY needs latest < it).
    const inside = { ...buyMarket, prices: windowWith(100_000_000n, 98_999_999n) };
    expect(await one.witnessExists(signalCircuitInputOf(signalOf(inside)).input)).to.equal(true);
    const edge = signalOf({ ...buyMarket, prices: windowWith(100_000_000n, 99_000_000n) });
    expect(((await refusal(prover.prove(edge))) as SignalViolationError).rule).to.equal("BAND");
    expect(await one.satisfiesR1cs(signalCircuitInputOf(edge).input)).to.equal(false);
  });

  it("refuses a request with the wrong number of markets before proving", async () => {
    const error = await refusal(prover.prove(signalOf(buyMarket, holdMarket)));
    expect(error).to.be.instanceOf(InvalidPolicyInputError);
    expect((error as Error).message).to.match(/exactly 1 market/);
  });
});

/**
 * Every hint (`<--`) of the K = 2 circuit, in market 1 (the loop's second copy) and in the shared
 * threshold check, is pinned: the honest witness with that one value changed fails the R1CS.
 */
describe("signal v1: hints are pinned by constraints", function () {
  this.timeout(120_000);
  const input = signalCircuitInputOf(signalOf(sellMarket, buyMarket)).input;
  const flip = (v: bigint) => 1n - v;
  const hints: [string, string, (v: bigint) => bigint][] = [
    ["MovingAverage.average (its range-check bits)", "main.window[1].movingAverage.averageRange.bits.out[0]", flip],
    ["MovingAverage remainder's range-check bits", "main.window[1].movingAverage.remainderRange.bits.out[0]", flip],
    ["AssertNonZero.inverse of a price", "main.window[1].priceNonZero[7].inverse", (v) => v + 1n],
    ["a price's range-check bits", "main.window[1].priceRange[29].bits.out[3]", flip],
    ["Unpack's bits of the market signal (sizeBps)", "main.marketFields[1].bits.out[150]", flip],
    ["Unpack's bits of the market signal (roundId)", "main.marketFields[1].bits.out[100]", flip],
    ["IsZero.inv of sizeBps", "main.sizeIsZero[1].inv", (v) => v + 1n],
    ["the sizeBps ≤ 10 000 comparator's bits", "main.sizeWithinBps[1].lt.n2b.out[0]", flip],
    ["the BUY band comparator's bits", "main.window[1].below.n2b.out[0]", flip],
    ["the SELL band comparator's bits", "main.window[1].above.n2b.out[0]", flip],
    ["the threshold < 10 000 comparator's bits", "main.window[1].thresholdBelowBps.n2b.out[0]", flip],
    ["thresholdBps's range-check bits", "main.thresholdRange.bits.out[0]", flip],
  ];

  it("accepts the honest witness (identity change), so the check is live", async () => {
    expect(await two.tamperedSatisfiesR1cs(input, "main.sizeIsZero[1].inv", (v) => v)).to.equal(true);
  });
  for (const [name, signal, change] of hints) {
    it(`rejects a witness with another ${name}`, async () => {
      expect(await two.tamperedSatisfiesR1cs(input, signal, change)).to.equal(false);
    });
  }
});

describe("signal v1: K markets in one proof", function () {
  this.timeout(120_000);
  let prover: SignalProver;
  before(async () => {
    prover = await SignalProver.load(2);
  });
  after(async () => {
    await prover.close();
  });

  it("proves two compliant markets, and fails verification when any one public signal changes", async () => {
    const result = await prover.prove(signalOf(buyMarket, sellMarket));
    expect(result.publicSignals).to.have.length(7);
    expect(unpackSignalPublicSignals(result.publicSignals)).to.deep.equal(result.publicValues);
    expect(await prover.verify(result.proof, result.publicSignals)).to.equal(true);
    for (let i = 0; i < result.publicSignals.length; i++) {
      const tampered = [...result.publicSignals];
      tampered[i] = tampered[i]! + 1n;
      expect(await prover.verify(result.proof, tampered), `public signal ${i}`).to.equal(false);
    }
    const [a, b] = result.publicSignals;
    expect(await prover.verify(result.proof, [b!, a!, ...result.publicSignals.slice(2)]), "markets swapped").to.equal(
      false,
    );
    expect(result.solidityProof.b[0]).to.deep.equal([
      BigInt(result.proof.pi_b[0]![1]!),
      BigInt(result.proof.pi_b[0]![0]!),
    ]);
  });

  for (const [name, markets, bad] of [
    [
      "a compliant market 0 and a SELL inside the band in market 1",
      [buyMarket, { ...holdMarket, action: Action.SELL, sizeBps: 1n }],
      1,
    ],
    ["a HOLD with a size in market 0 and a compliant market 1", [{ ...holdMarket, sizeBps: 5n }, sellMarket], 0],
  ] as const) {
    it(`refuses ${name}, and no witness satisfies the R1CS`, async () => {
      const request = signalOf(...(markets as readonly MarketSignalRequest[]));
      const error = await refusal(prover.prove(request));
      expect(error).to.be.instanceOf(SignalViolationError);
      expect((error as SignalViolationError).market).to.equal(bad);
      expect(await two.satisfiesR1cs(signalCircuitInputOf(request).input)).to.equal(false);
      // the compliant market alone is fine: the refusal is the other market's
      const alone = markets[1 - bad] as MarketSignalRequest;
      expect(await one.satisfiesR1cs(signalCircuitInputOf(signalOf(alone)).input)).to.equal(true);
    });
  }

  it("proves four markets in one proof (K = 4)", async () => {
    const four = await SignalProver.load(4);
    const result = await four.prove(signalOf(buyMarket, sellMarket, holdMarket, { ...buyMarket, roundId: 9n }));
    expect(result.publicSignals).to.have.length(11);
    expect(await four.verify(result.proof, result.publicSignals)).to.equal(true);
    await four.close();
  });
});

const CASES = 200;
const SEED = 20261414;

/**
 * A random market biased toward the edges: band boundaries, sizeBps 0, 10 000, 10 001 and 2^14 − 1,
 * a zero price. Half the markets aim to comply (the action the band allows), so both outcomes of a
 * two-market signal are well represented.
 */
function randomMarket(random: () => number, thresholdBps: bigint): MarketSignalRequest {
  const average = randomBigInt(random, 10n ** 6n, 10n ** 13n);
  const t = thresholdBps < BPS ? thresholdBps : 0n;
  const pick = random();
  let latest: bigint;
  if (pick < 0.15) latest = (average * (BPS - t)) / BPS;
  else if (pick < 0.3) latest = (average * (BPS - t)) / BPS - 1n;
  else if (pick < 0.45) latest = (average * (BPS + t) + BPS - 1n) / BPS;
  else if (pick < 0.6) latest = (average * (BPS + t)) / BPS + 1n;
  else latest = randomBigInt(random, (average * 9n) / 10n, (average * 11n) / 10n);
  const prices = windowWith(average, latest);
  if (random() < 0.03) prices[Math.floor(random() * prices.length)] = 0n;
  const roundId = randomBigInt(random, 1n, (1n << 80n) - 1n);
  if (random() < 0.5) {
    const zone = bandFigures(
      prices.map((p) => (p === 0n ? 1n : p)),
      t,
    ).zone;
    const action = zone === "BELOW" ? Action.BUY : zone === "ABOVE" ? Action.SELL : Action.HOLD;
    const sizeBps = action === Action.HOLD ? 0n : random() < 0.2 ? 10_000n : randomBigInt(random, 1n, 10_000n);
    return { prices, roundId, action, sizeBps };
  }
  const action = [Action.HOLD, Action.BUY, Action.SELL][Math.floor(random() * 3)]!;
  const sizePick = random();
  const sizeBps =
    sizePick < 0.2
      ? 0n
      : sizePick < 0.3
        ? 10_000n
        : sizePick < 0.38
          ? 10_001n
          : sizePick < 0.42
            ? (1n << 14n) - 1n
            : randomBigInt(random, 1n, 10_000n);
  return { prices, roundId, action, sizeBps };
}

describe("evaluateSignal agrees with the circuit", function () {
  this.timeout(300_000);

  it(`on ${CASES} seeded two-market signals (seed ${SEED}), edges included, naming a market that fails alone`, async () => {
    const random = seededRandom(SEED);
    const tally = { compliant: 0, violating: 0 };
    for (let i = 0; i < CASES; i++) {
      const thresholdBps = random() < 0.03 ? 10_000n : random() < 0.2 ? 0n : randomBigInt(random, 1n, 2_000n);
      const request: SignalRequest = {
        markets: [randomMarket(random, thresholdBps), randomMarket(random, thresholdBps)],
        thresholdBps,
        modelHash: 1n,
        context: 2n,
      };
      const verdict = evaluateSignal(request);
      const circuit = await two.witnessExists(signalCircuitInputOf(request).input);
      const describe = JSON.stringify(verdict, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
      expect(circuit, `case ${i}: ${describe}`).to.equal(verdict.compliant);
      if (!verdict.compliant) {
        const alone = { ...request, markets: [request.markets[verdict.market]!] };
        expect(evaluateSignal(alone).compliant, `case ${i}: market ${verdict.market} alone`).to.equal(false);
      }
      tally[verdict.compliant ? "compliant" : "violating"]++;
    }
    expect(tally.compliant).to.be.greaterThan(CASES / 10);
    expect(tally.violating).to.be.greaterThan(CASES / 10);
  });
});
