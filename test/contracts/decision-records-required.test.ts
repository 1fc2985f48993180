import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { keccak256, parseEther } from "ethers";

import { BELOW, NO_PROOF, forgedSignals, forgedWorld } from "../helpers/forged-world.ts";
import { deployOptimisticWorld } from "../helpers/optimistic-world.ts";
import { TEST_POLICY } from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = parseEther("1");
const FAR = 2n ** 64n;
const RECORD = keccak256("0x1234");

describe("a vault that requires a decision record with every agent trade", function () {
  this.timeout(120_000);
  const fixture = () => forgedWorld(ethers, networkHelpers);

  it("lets only the owner require records, announces it, and refuses executeTrade until it is lifted", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await expect(tw.trader.connect(tw.stranger).setDecisionRecordsRequired(true))
      .to.be.revertedWithCustomError(tw.trader, "OwnableUnauthorizedAccount")
      .withArgs(tw.stranger.address);
    await expect(tw.trader.setDecisionRecordsRequired(true))
      .to.emit(tw.trader, "DecisionRecordsRequiredSet")
      .withArgs(true);
    expect(await tw.trader.decisionRecordsRequired()).to.equal(true);

    const signals = await forgedSignals(tw, Action.BUY, ONE_ETH);
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, FAR, 0n)).to.be.revertedWithCustomError(
        tw.trader,
        "DecisionRecordRequired",
      );
    });
    // The same trade with its record executes.
    await expect(tw.trader.connect(tw.agent).executeTradeWithRecord(NO_PROOF, signals, FAR, 0n, RECORD))
      .to.emit(tw.trader, "DecisionRecordCommitted")
      .withArgs(tw.agent.address, 0n, RECORD)
      .and.to.emit(tw.trader, "TradeExecuted");

    await tw.trader.setDecisionRecordsRequired(false);
    await expect(
      tw.trader.connect(tw.agent).executeTrade(NO_PROOF, await forgedSignals(tw, Action.SELL, ONE_ETH), FAR, 0n),
    ).to.emit(tw.trader, "TradeExecuted");
  });

  it("keeps the policy and the pause switch that share its storage slot as they were", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const policy = await tw.trader.policy();
    await tw.trader.pause();
    await tw.trader.setDecisionRecordsRequired(true);
    expect(await tw.trader.policy()).to.deep.equal(policy);
    expect(await tw.trader.paused()).to.equal(true);
    await tw.trader.setPolicy({ ...TEST_POLICY, thresholdBps: 150n });
    expect(await tw.trader.decisionRecordsRequired()).to.equal(true);
  });

  it("refuses the optimistic path, which has no record to commit", async () => {
    const ow = await deployOptimisticWorld(ethers, networkHelpers);
    await pushPrice(ow.world.priceFeed, BELOW);
    await movePoolToPrice(ow.world, ow.stranger, BELOW);
    await ow.trader.setDecisionRecordsRequired(true);
    const signals = await forgedSignals(ow, Action.BUY, ONE_ETH);
    const bond = await ow.lane.bondOf(await ow.trader.getAddress(), ow.agent.address);
    await expectUnchanged(ow, ow.agent.address, async () => {
      await expect(ow.trader.connect(ow.agent).executeOptimistic(signals, FAR, 0n)).to.be.revertedWithCustomError(
        ow.trader,
        "DecisionRecordRequired",
      );
    });
    expect(await ow.lane.bondOf(await ow.trader.getAddress(), ow.agent.address)).to.deep.equal(bond);
  });
});
