/**
 * `once --dry-run`'s parts (#20): the provider that refuses to broadcast, and the decoding of
 * what it refused. The whole command runs against a node in test/agent/dry-run.test.ts.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";

import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";

import { DryRunStop, describeSignedTransaction, refuseBroadcasts } from "../src/cli-dry-run.ts";

const TRADER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

async function signedTrade(wallet: Wallet, nonce: number): Promise<string> {
  const data = DecentralizedTrader__factory.createInterface().encodeFunctionData("executeTrade", [
    {
      a: [1n, 2n],
      b: [
        [3n, 4n],
        [5n, 6n],
      ],
      c: [7n, 8n],
    },
    [10n, 11n, 12n, 13n, 14n],
    1_800_000_000n,
    0n,
  ]);
  return wallet.signTransaction({
    to: TRADER,
    data,
    nonce,
    chainId: 31337n,
    gasLimit: 500_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    type: 2,
  });
}

describe("once --dry-run: nothing leaves, everything refused is shown", () => {
  const wallet = new Wallet(Wallet.createRandom().privateKey);

  it("every broadcast is refused with DryRunStop carrying the signed bytes, and each is kept in order", async () => {
    const provider = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
    const refused = refuseBroadcasts(provider);
    const first = await signedTrade(wallet, 4);
    const second = await signedTrade(wallet, 5);
    for (const raw of [first, second]) {
      const error = await provider.broadcastTransaction(raw).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DryRunStop);
      expect((error as DryRunStop).rawTx).to.equal(raw);
    }
    expect(refused).to.deep.equal([first, second]);
    provider.destroy();
  });

  it("decodes a refused trade: the transaction's fields and executeTrade's arguments by name", async () => {
    const described = describeSignedTransaction(await signedTrade(wallet, 4));
    expect(described).to.deep.include({
      from: wallet.address,
      to: TRADER,
      nonce: 4,
      chainId: 31337n,
      gasLimit: 500_000n,
      function: "executeTrade",
    });
    expect(described.args).to.deep.equal({
      proof: {
        a: [1n, 2n],
        b: [
          [3n, 4n],
          [5n, 6n],
        ],
        c: [7n, 8n],
      },
      publicSignals: [10n, 11n, 12n, 13n, 14n],
      deadline: 1_800_000_000n,
      amountLimit: 0n,
    });
  });
});
