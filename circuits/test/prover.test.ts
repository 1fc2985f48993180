import { expect } from "chai";

import {
  InvalidPolicyInputError,
  PolicyProver,
  SNARK_SCALAR_FIELD,
  unpackPublicValues,
  type Groth16Proof,
  type ProofRequest,
} from "../src/index.ts";
import { buyRequest, holdRequest, sellRequest } from "./helpers/statements.ts";

describe("PolicyProver (in-process Groth16)", function () {
  this.timeout(120_000);
  let prover: PolicyProver;

  before(async () => {
    prover = await PolicyProver.load();
  });
  after(async () => {
    await prover.close();
  });

  for (const [name, request] of [
    ["BUY below the band", buyRequest],
    ["SELL above the band", sellRequest],
    ["HOLD inside the band", holdRequest],
  ] as const) {
    it(`proves and verifies a compliant ${name}`, async () => {
      const result = await prover.prove(request);
      expect(await prover.verify(result.proof, result.publicSignals)).to.equal(true);
      expect(unpackPublicValues(result.publicSignals)).to.deep.equal(result.publicValues);
      expect(result.publicValues.latestPrice).to.equal(request.prices.at(-1));
    });
  }

  it("fails verification when any one public signal changes", async () => {
    const { proof, publicSignals } = await prover.prove(buyRequest);
    for (let i = 0; i < publicSignals.length; i++) {
      const tampered = [...publicSignals];
      tampered[i] = tampered[i]! + 1n;
      expect(await prover.verify(proof, tampered), `signal ${i}`).to.equal(false);
    }
  });

  it("returns calldata in the verifier's shape with pB's pairs swapped", async () => {
    const { proof: made, solidityProof } = await prover.prove(holdRequest);
    const proof = made as Groth16Proof;
    expect(solidityProof.a).to.deep.equal([BigInt(proof.pi_a[0]!), BigInt(proof.pi_a[1]!)]);
    expect(solidityProof.b[0]).to.deep.equal([BigInt(proof.pi_b[0]![1]!), BigInt(proof.pi_b[0]![0]!)]);
    expect(solidityProof.c).to.deep.equal([BigInt(proof.pi_c[0]!), BigInt(proof.pi_c[1]!)]);
  });

  describe("rejects malformed input before proving, naming the field", () => {
    const cases: [string, ProofRequest, RegExp][] = [
      [
        "a window of 29 prices",
        { ...holdRequest, prices: holdRequest.prices.slice(1) },
        /prices: expected exactly 30 prices/,
      ],
      [
        "a non-integer price",
        { ...holdRequest, prices: [...holdRequest.prices.slice(1), 1.5 as unknown as bigint] },
        /prices\[29\]: must be a bigint/,
      ],
      [
        "an unknown action",
        { ...holdRequest, action: 3 as never },
        /action: must be 0 \(HOLD\), 1 \(BUY\) or 2 \(SELL\)/,
      ],
      ["a round id of 2^80", { ...holdRequest, roundId: 1n << 80n }, /roundId: must be in \[0, /],
      ["a context at the field modulus", { ...holdRequest, context: SNARK_SCALAR_FIELD }, /context: must be in \[0, /],
    ];
    for (const [name, request, message] of cases) {
      it(name, async () => {
        const error = await prover.prove(request).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(InvalidPolicyInputError);
        expect((error as Error).message).to.match(message);
      });
    }
  });
});
