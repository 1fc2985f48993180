import { expect } from "chai";
import { network } from "hardhat";

import { analyseHistory, auditTrades, historyOfChain, slippageAtBound } from "@zkagent/agent";
import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_POLICY, deployTraderWorld } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = 10n ** 18n;

/**
 * A BUY at 2 % under 3 000 with the pool at the oracle; then the owner tightens the band, and
 * ten minutes later a SELL at 2 % over with the pool pushed 0.6 % against the agent first (a
 * sandwich inside the 1 % bound).
 */
async function history() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  const below = (PRICE_3000 * 98n) / 100n;
  await pushPrice(tw.world.priceFeed, below);
  await movePoolToPrice(tw.world, tw.stranger, below);
  const buy = await proveTrade(tw, tw.agent, { action: Action.BUY, size: ONE_ETH });
  await tw.trader.connect(tw.agent).executeTrade(buy.solidityProof, buy.publicSignals, 2n ** 64n, 0n);

  await networkHelpers.time.increase(86_400);
  const policyChange = await tw.trader.setPolicy({ ...TEST_POLICY, thresholdBps: 150n });
  await networkHelpers.time.increase(600);
  const above = (PRICE_3000 * 102n) / 100n;
  await pushPrice(tw.world.priceFeed, above);
  await movePoolToPrice(tw.world, tw.stranger, (above * 994n) / 1000n); // the SELL now fills 0.6 % under the oracle
  const sell = await proveTrade(tw, tw.agent, { action: Action.SELL, size: ONE_ETH / 2n }, { thresholdBps: 150n });
  const sold = await tw.trader.connect(tw.agent).executeTrade(sell.solidityProof, sell.publicSignals, 2n ** 64n, 0n);
  return { tw, policyBlock: (await policyChange.wait())!.blockNumber, sellTx: sold.hash };
}

describe("audit history from the chain (the figures the history analyses read)", function () {
  this.timeout(300_000);
  after(closeSharedProver);

  it("derives each trade's time, band margin, realised slippage and bound, and the governance changes", async () => {
    const { tw, policyBlock, sellTx } = await networkHelpers.loadFixture(history);
    const traderAddress = await tw.trader.getAddress();
    const report = await auditTrades({ provider: ethers.provider, traderAddress });
    const { trades, changes } = await historyOfChain({ provider: ethers.provider, traderAddress, report });
    expect(trades.map((t) => t.action)).to.deep.equal(["BUY", "SELL"]);
    const [buy, sell] = trades;
    expect(sell!.timestamp - buy!.timestamp).to.be.greaterThan(86_400);
    for (const t of trades) {
      expect(t.maxSlippageBps).to.equal(100);
      expect(t.recordCommitted).to.equal(false);
      expect(Number.isFinite(t.bandMarginBps)).to.equal(true);
    }
    // The pool fee (30 bps) and a little impact at the oracle price; the sandwiched SELL near the bound.
    expect(buy!.slippageBps).to.be.within(25, 45);
    expect(sell!.slippageBps).to.be.within(80, 100);
    expect(changes.find((c) => c.kind === "policy" && c.blockNumber === policyBlock)?.detail).to.match(
      /thresholdBps 150/,
    );

    const findings = analyseHistory({ trades, changes });
    const afterChange = findings.find((f) => f.kind === "trade-after-change" && f.evidence.txHashes.includes(sellTx));
    expect(afterChange?.severity).to.equal("medium");
    expect(findings.find((f) => f.kind === "disclosure-gap")?.severity).to.equal("info");
    expect(slippageAtBound(trades, { withinBps: 25 }).flatMap((f) => f.evidence.txHashes)).to.deep.equal([sellTx]);
  });

  it("reads the same history in pages of two blocks as in one request", async () => {
    const { tw } = await networkHelpers.loadFixture(history);
    const traderAddress = await tw.trader.getAddress();
    const paging = { pageBlocks: 2 };
    const whole = await auditTrades({ provider: ethers.provider, traderAddress });
    const paged = await auditTrades({ provider: ethers.provider, traderAddress, paging });
    expect(paged.trades.map((t) => t.txHash)).to.deep.equal(whole.trades.map((t) => t.txHash));
    const a = await historyOfChain({ provider: ethers.provider, traderAddress, report: whole });
    const b = await historyOfChain({ provider: ethers.provider, traderAddress, report: paged, paging });
    expect(b).to.deep.equal(a);
  });
});
