import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { parseEther, parseUnits } from "ethers";

import { BELOW, NO_PROOF, forgedSignals, forgedWorld } from "../helpers/forged-world.ts";
import { TEST_LIMITS, type TraderWorld } from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = parseEther("1");
const FAR = 2n ** 64n;

/** A vault behind a verifier that accepts every proof, with the limits under test. */
async function limitedWorld(limits: Partial<typeof TEST_LIMITS>): Promise<TraderWorld> {
  const tw = await forgedWorld(ethers, networkHelpers);
  await tw.trader.setRiskLimits({ ...TEST_LIMITS, ...limits });
  return tw;
}

const trade = async (tw: TraderWorld, action: Action, size: bigint, agent = tw.agent, amountLimit = 0n) =>
  tw.trader.connect(agent).executeTrade(NO_PROOF, await forgedSignals(tw, action, size, agent), FAR, amountLimit);

async function expectRefused(tw: TraderWorld, run: () => Promise<unknown>, error: string, args?: unknown[]) {
  await expectUnchanged(tw, tw.agent.address, async () => {
    const assertion = expect(run()).to.be.revertedWithCustomError(tw.trader, error);
    await (args ? assertion.withArgs(...args) : assertion);
  });
}

/** Quote value of the vault (USDC plus WETH at the oracle price), in USDC units. */
async function vaultValue(tw: TraderWorld): Promise<bigint> {
  const trader = await tw.trader.getAddress();
  const [, answer] = await tw.world.priceFeed.latestRoundData();
  return (await tw.world.usdc.balanceOf(trader)) + ((await tw.world.weth.balanceOf(trader)) * answer) / 10n ** 20n;
}

describe("exposure and loss limits hold even when a proof lies", function () {
  this.timeout(120_000);

  it("stops a forged churn (buy and sell back, again and again) at the agent's notional limit, its loss within the bound", async () => {
    // ~2 940 USDC per 1 ETH leg: three legs fit under 10 000, the fourth does not.
    const tw = await limitedWorld({ maxNotionalPerAgentPerPeriod: parseUnits("10000", 6) });
    const before = await vaultValue(tw);
    let legs = 0;
    for (const action of [Action.BUY, Action.SELL, Action.BUY]) {
      await trade(tw, action, ONE_ETH);
      await pushPrice(tw.world.priceFeed, BELOW);
      legs++;
    }
    const maxNotional = parseUnits("10000", 6);
    const usage = await tw.trader.vaultUsage();
    await expectRefused(tw, () => trade(tw, Action.SELL, ONE_ETH), "AgentNotionalPerPeriodExceeded", [
      tw.agent.address,
      usage.notionalInPeriod,
      (ONE_ETH * BELOW) / 10n ** 20n,
      maxNotional,
    ]);
    const loss = before - (await vaultValue(tw));
    // Each leg loses at most the slippage bound (1 %) on its notional.
    expect(loss).to.be.at.most((usage.notionalInPeriod * 100n) / 10_000n);
    expect(legs).to.equal(3);
  });

  it("refuses a BUY past the vault's exposure, summed over agents (VaultExposureExceeded)", async () => {
    const tw = await limitedWorld({ maxVaultPosition: parseEther("3") });
    await tw.trader.setAgentAuthorization(tw.otherAgent.address, true);
    await trade(tw, Action.BUY, parseEther("2"));
    await pushPrice(tw.world.priceFeed, BELOW);
    await expectRefused(tw, () => trade(tw, Action.BUY, parseEther("1") + 1n, tw.otherAgent), "VaultExposureExceeded", [
      parseEther("2"),
      parseEther("1") + 1n,
      parseEther("3"),
    ]);
    await trade(tw, Action.BUY, parseEther("1"), tw.otherAgent);
    expect(await tw.trader.totalPosition()).to.equal(parseEther("3"));
  });

  it("refuses an agent's trade past its trades per period, and allows it again in the next period", async () => {
    const tw = await limitedWorld({ maxTradesPerAgentPerPeriod: 2n, period: 3_600n });
    await trade(tw, Action.BUY, ONE_ETH / 10n);
    await trade(tw, Action.BUY, ONE_ETH / 10n);
    await expectRefused(tw, () => trade(tw, Action.BUY, ONE_ETH / 10n), "AgentTradesPerPeriodExceeded", [
      tw.agent.address,
      2n,
      2n,
    ]);
    await networkHelpers.time.increase(3_600n);
    await pushPrice(tw.world.priceFeed, BELOW); // keep the oracle fresh
    await movePoolToPrice(tw.world, tw.stranger, BELOW);
    await expect(trade(tw, Action.BUY, ONE_ETH / 10n)).to.emit(tw.trader, "TradeExecuted");
  });

  it("refuses the vault's trades past its trades and notional per period, whichever agent trades", async () => {
    const tw = await limitedWorld({ maxTradesPerVaultPerPeriod: 1n });
    await tw.trader.setAgentAuthorization(tw.otherAgent.address, true);
    await trade(tw, Action.BUY, ONE_ETH / 10n);
    await expectRefused(tw, () => trade(tw, Action.BUY, ONE_ETH / 10n, tw.otherAgent), "VaultTradesPerPeriodExceeded", [
      1n,
      1n,
    ]);

    const tw2 = await limitedWorld({ maxNotionalPerVaultPerPeriod: parseUnits("4000", 6) });
    await tw2.trader.setAgentAuthorization(tw2.otherAgent.address, true);
    await trade(tw2, Action.BUY, ONE_ETH);
    await expectRefused(
      tw2,
      () => trade(tw2, Action.BUY, ONE_ETH / 2n, tw2.otherAgent),
      "VaultNotionalPerPeriodExceeded",
    );
  });

  it("refuses a trade past the vault's trades per block (TradesPerBlockExceeded)", async () => {
    const tw = await limitedWorld({ maxTradesPerBlock: 1n });
    await tw.trader.setAgentAuthorization(tw.otherAgent.address, true);
    const first = await forgedSignals(tw, Action.BUY, ONE_ETH / 10n);
    const second = await forgedSignals(tw, Action.BUY, ONE_ETH / 10n, tw.otherAgent);
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      const a = await tw.trader.connect(tw.agent).executeTrade(NO_PROOF, first, FAR, 0n, { gasLimit: 1_000_000n });
      const b = await tw.trader
        .connect(tw.otherAgent)
        .executeTrade(NO_PROOF, second, FAR, 0n, { gasLimit: 1_000_000n });
      await networkHelpers.mine();
      expect((await a.wait())!.status).to.equal(1);
      await b.wait().catch(() => undefined); // it reverted: the receipt below says so
      const receipt = await ethers.provider.getTransactionReceipt(b.hash);
      expect(receipt!.status).to.equal(0);
      expect(receipt!.blockNumber).to.equal((await a.wait())!.blockNumber);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect(await tw.trader.nonceOf(tw.otherAgent.address)).to.equal(0n);
  });

  it("uses the agent's own amount limit where it is tighter, never where it is looser", async () => {
    const tw = await limitedWorld({});
    // A BUY of 1 ETH at ~2 940 needs ~2 949 USDC (pool fee); a limit of 2 900 cannot be met.
    await expectRefused(
      tw,
      () => trade(tw, Action.BUY, ONE_ETH, tw.agent, parseUnits("2900", 6)),
      "SwapInputAboveBound",
    );
    await expect(trade(tw, Action.BUY, ONE_ETH, tw.agent, parseUnits("2990", 6))).to.emit(tw.trader, "TradeExecuted");
    // The pool moves 3 % against the vault: the policy's 1 % bound refuses, and a looser agent limit does not help.
    await pushPrice(tw.world.priceFeed, BELOW);
    await movePoolToPrice(tw.world, tw.stranger, (BELOW * 103n) / 100n);
    await expectRefused(
      tw,
      () => trade(tw, Action.BUY, ONE_ETH, tw.agent, parseUnits("100000", 6)),
      "SwapInputAboveBound",
    );
  });

  it("uses the agent's own least output for a SELL where it is tighter, never where it is looser", async () => {
    const tw = await limitedWorld({});
    await trade(tw, Action.BUY, ONE_ETH);
    // A SELL of 1 ETH at ~2 940 gets ~2 931 USDC (pool fee); a least output of 2 990 cannot be met.
    await expectRefused(
      tw,
      () => trade(tw, Action.SELL, ONE_ETH, tw.agent, parseUnits("2990", 6)),
      "SwapOutputBelowBound",
      [(out: bigint) => out < parseUnits("2990", 6), parseUnits("2990", 6)],
    );
    // Below the policy's own bound (~2 910), the agent's limit is looser and the policy's decides.
    await expect(trade(tw, Action.SELL, ONE_ETH, tw.agent, parseUnits("2000", 6))).to.emit(tw.trader, "TradeExecuted");
  });

  it("lets only the owner set limits, refuses a zero limit, and announces every change", async () => {
    const tw = await limitedWorld({});
    await expect(tw.trader.connect(tw.stranger).setRiskLimits(TEST_LIMITS)).to.be.revertedWithCustomError(
      tw.trader,
      "OwnableUnauthorizedAccount",
    );
    const before = await tw.trader.riskLimits();
    for (const field of Object.keys(TEST_LIMITS) as (keyof typeof TEST_LIMITS)[]) {
      await expect(tw.trader.setRiskLimits({ ...TEST_LIMITS, [field]: 0n }))
        .to.be.revertedWithCustomError(tw.trader, "InvalidRiskLimits")
        .withArgs(field);
    }
    expect(await tw.trader.riskLimits()).to.deep.equal(before); // every refusal left the limits as they were
    await expect(tw.trader.setRiskLimits({ ...TEST_LIMITS, maxTradesPerBlock: 3n })).to.emit(
      tw.trader,
      "RiskLimitsUpdated",
    );
    expect((await tw.trader.riskLimits()).maxTradesPerBlock).to.equal(3n);
  });
});
