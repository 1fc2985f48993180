import { readFileSync, writeFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, deployTraderWorld } from "../helpers/trader-fixture.ts";

/**
 * Gas of the hot paths, pinned in packages/contracts/gas-snapshot.json so a regression shows in
 * review. `UPDATE_GAS_SNAPSHOT=1 pnpm hardhat test mocha test/contracts/gas-snapshot.test.ts`
 * rewrites it. The tolerance absorbs proof-dependent calldata (zero bytes are cheaper).
 */
const SNAPSHOT = new URL("../../packages/contracts/gas-snapshot.json", import.meta.url);
const TOLERANCE = 0.01;
const BUDGET = { verifyProof: 250_000, executeTradeBuy: 400_000, executeTradeSell: 400_000 };

const { ethers, networkHelpers } = await network.create();

describe("gas snapshot", function () {
  this.timeout(120_000);
  after(closeSharedProver);

  it("keeps the verifier call and executeTrade BUY and SELL within the snapshot and the budget", async () => {
    const tw = await deployTraderWorld(ethers, networkHelpers);
    const ONE_ETH = 10n ** 18n;
    const measured: Record<keyof typeof BUDGET, number> = { verifyProof: 0, executeTradeBuy: 0, executeTradeSell: 0 };

    const below = (PRICE_3000 * 98n) / 100n;
    await pushPrice(tw.world.priceFeed, below);
    await movePoolToPrice(tw.world, tw.stranger, below);
    const buy = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
    const p = buy.solidityProof;
    // The verifier call alone: a direct transaction's estimate less the 21 000 intrinsic cost
    // every transaction pays (its calldata and execution stay in).
    const INTRINSIC_GAS = 21_000;
    measured.verifyProof =
      Number(await tw.verifier.verifyProof.estimateGas(p.a, p.b, p.c, buy.publicSignals)) - INTRINSIC_GAS;
    const buyReceipt = await (await tw.trader.connect(tw.agent).executeTrade(p, buy.publicSignals, 2n ** 64n)).wait();
    measured.executeTradeBuy = Number(buyReceipt!.gasUsed);

    const above = (PRICE_3000 * 102n) / 100n;
    await pushPrice(tw.world.priceFeed, above);
    await movePoolToPrice(tw.world, tw.stranger, above);
    const sell = await proveTrade(tw, tw.agent, { action: Action.SELL, size: ONE_ETH / 2n });
    const sellReceipt = await (
      await tw.trader.connect(tw.agent).executeTrade(sell.solidityProof, sell.publicSignals, 2n ** 64n)
    ).wait();
    measured.executeTradeSell = Number(sellReceipt!.gasUsed);

    console.log(`      gas: ${JSON.stringify(measured)}`);
    if (process.env.UPDATE_GAS_SNAPSHOT) {
      writeFileSync(SNAPSHOT, `${JSON.stringify(measured, null, 2)}\n`);
    }
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Record<string, number>;
    for (const [name, gas] of Object.entries(measured) as [keyof typeof BUDGET, number][]) {
      expect(gas, `${name} over budget`).to.be.at.most(BUDGET[name]);
      const pinned = snapshot[name]!;
      expect(Math.abs(gas - pinned) / pinned, `${name}: ${gas} vs snapshot ${pinned}`).to.be.at.most(TOLERANCE);
    }
  });
});
