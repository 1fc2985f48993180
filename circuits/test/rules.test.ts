import { expect } from "chai";

import {
  Action,
  PolicyProver,
  PolicyViolationError,
  circuitInputOf,
  type PolicyRule,
  type ProofRequest,
} from "../src/index.ts";
import { buyRequest, holdRequest, sellRequest } from "./helpers/statements.ts";
import { satisfiesR1cs } from "./helpers/witness-check.ts";
import { ONE_ETH } from "./helpers/windows.ts";

/**
 * Each policy rule is shown twice: the API refuses the violating signal
 * (nothing is proven), and the witness an attacker would compute for it —
 * every hint honest, asserts switched off — fails the R1CS check, so no proof
 * exists. The compliant fixtures pass the same check, so the check is live.
 */
describe("policy rules are constraints", function () {
  this.timeout(120_000);
  let prover: PolicyProver;
  before(async () => {
    prover = await PolicyProver.load();
  });
  after(async () => {
    await prover.close();
  });

  it("accepts the compliant BUY, SELL and HOLD witnesses (the check is live)", async () => {
    for (const request of [buyRequest, sellRequest, holdRequest]) {
      expect(await satisfiesR1cs(circuitInputOf(request).input)).to.equal(true);
    }
  });

  const violations: [PolicyRule, string, ProofRequest][] = [
    ["RANGE", "a price of zero", { ...holdRequest, prices: holdRequest.prices.map((p, i) => (i === 3 ? 0n : p)) }],
    [
      "RANGE",
      "a price of 2^64",
      { ...holdRequest, prices: holdRequest.prices.map((p, i) => (i === 3 ? 1n << 64n : p)) },
    ],
    ["RANGE", "thresholdBps of 10 000", { ...holdRequest, thresholdBps: 10_000n }],
    ["BAND", "a BUY inside the band", { ...holdRequest, action: Action.BUY, size: ONE_ETH / 10n }],
    ["BAND", "a SELL below the band", { ...buyRequest, action: Action.SELL, size: ONE_ETH / 10n }],
    ["BAND", "a BUY above the band", { ...sellRequest, action: Action.BUY, size: ONE_ETH / 10n }],
    ["HOLD_SIZE", "a HOLD with a size", { ...holdRequest, size: 1n }],
    ["HOLD_SIZE", "a BUY of size zero", { ...buyRequest, size: 0n }],
    [
      "POSITION_CAP",
      "a BUY one wei past the cap",
      { ...buyRequest, size: buyRequest.maxPosition - buyRequest.position + 1n },
    ],
    ["NO_SHORT", "a SELL one wei larger than the position", { ...sellRequest, size: sellRequest.position + 1n }],
  ];

  for (const [rule, name, request] of violations) {
    it(`rule ${rule}: refuses ${name} and no witness satisfies the R1CS`, async () => {
      const error = await prover.prove(request).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(PolicyViolationError);
      expect((error as PolicyViolationError).rule).to.equal(rule);
      expect(await satisfiesR1cs(circuitInputOf(request).input)).to.equal(false);
    });
  }

  it("rule COMMITMENT: a commitment that is not the window's fails the R1CS", async () => {
    const { input } = circuitInputOf(holdRequest);
    expect(await satisfiesR1cs({ ...input, pricesCommitment: input.pricesCommitment + 1n })).to.equal(false);
  });

  it("rule COMMITMENT: a public latest price that is not the window's last fails the R1CS", async () => {
    const { input } = circuitInputOf(holdRequest);
    expect(await satisfiesR1cs({ ...input, marketAndTrade: input.marketAndTrade + 1n })).to.equal(false);
  });

  it("accepts a BUY that lands exactly on maxPosition", async () => {
    const atCap = { ...buyRequest, size: buyRequest.maxPosition - buyRequest.position };
    const proof = await prover.prove(atCap);
    expect(await prover.verify(proof.proof, proof.publicSignals)).to.equal(true);
  });

  it("rejects an action value of 3 (both flag bits) in the R1CS", async () => {
    const { input } = circuitInputOf(holdRequest);
    expect(await satisfiesR1cs({ ...input, marketAndTrade: input.marketAndTrade | (3n << 240n) })).to.equal(false);
  });
});
