import { expect } from "chai";
import { network } from "hardhat";

import { Action, packMarketAndTrade, packPolicyAndPosition, pricesCommitment } from "@zkagent/circuits";
import { marketOf, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { DecentralizedTrader__factory, ForgedProofVerifier__factory } from "@zkagent/contracts/typechain";
import { parseEther, parseUnits } from "ethers";

import { readWindow } from "../helpers/market.ts";
import {
  PRICE_3000,
  TEST_MODEL_HASH,
  TEST_POLICY,
  deployTraderWorld,
  type TraderWorld,
} from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;
const NO_PROOF = {
  a: [0n, 0n] as [bigint, bigint],
  b: [
    [0n, 0n],
    [0n, 0n],
  ] as [[bigint, bigint], [bigint, bigint]],
  c: [0n, 0n] as [bigint, bigint],
};

/** The shared world with a second vault whose verifier accepts every proof (a forged proof). */
async function forgedWorld(): Promise<TraderWorld> {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  const market = await marketOf(tw.world);
  const trader = await new DecentralizedTrader__factory(tw.owner).deploy(
    tw.owner.address,
    {
      baseToken: market.weth,
      quoteToken: market.usdc,
      swapRouter: market.swapRouter,
      priceFeed: market.priceFeed,
      sequencerUptimeFeed: market.sequencerUptimeFeed,
      sequencerGracePeriod: 0n,
      modelRegistry: await tw.registry.getAddress(),
      verifier: await (await new ForgedProofVerifier__factory(tw.owner).deploy()).getAddress(),
      windowLog: await tw.windowLog.getAddress(),
    },
    TEST_POLICY,
  );
  await trader.setAgentAuthorization(tw.agent.address, true);
  await tw.world.weth.deposit({ value: parseEther("10") });
  await tw.world.weth.approve(await trader.getAddress(), parseEther("10"));
  await trader.deposit(await tw.world.weth.getAddress(), parseEther("10"));
  await tw.world.usdc.mint(tw.owner.address, parseUnits("50000", 6));
  await tw.world.usdc.approve(await trader.getAddress(), parseUnits("50000", 6));
  await trader.deposit(await tw.world.usdc.getAddress(), parseUnits("50000", 6));
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return { ...tw, trader };
}

/** Public signals a forger would submit: everything the contract checks is right except the rule. */
async function forgedSignals(tw: TraderWorld, action: Action, size: bigint) {
  const { prices, roundId } = await readWindow(tw.world.priceFeed);
  const position = await tw.trader.positionOf(tw.agent.address);
  return [
    pricesCommitment(prices),
    packMarketAndTrade(roundId, prices.at(-1)!, action, size),
    packPolicyAndPosition(TEST_POLICY.maxPosition, TEST_POLICY.thresholdBps, position),
    TEST_MODEL_HASH,
    await tw.trader.expectedContext(tw.agent.address),
  ] as [bigint, bigint, bigint, bigint, bigint];
}

describe("losses stay bounded when a proof lies (a verifier that accepts everything)", function () {
  this.timeout(120_000);

  it("executes a forged BUY within the cap (the forger's reach: the band rule, which only a proof shows)", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    const signals = await forgedSignals(tw, Action.BUY, parseEther("1"));
    await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, 2n ** 64n)).to.emit(
      tw.trader,
      "TradeExecuted",
    );
  });

  it("refuses a forged BUY one wei past the cap (PositionCapExceeded), leaving everything as it was", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    const signals = await forgedSignals(tw, Action.BUY, TEST_POLICY.maxPosition + 1n);
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, 2n ** 64n))
        .to.be.revertedWithCustomError(tw.trader, "PositionCapExceeded")
        .withArgs(0n, TEST_POLICY.maxPosition + 1n, TEST_POLICY.maxPosition);
    });
  });

  it("refuses a forged SELL larger than the position (ShortSaleRefused), leaving everything as it was", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    await tw.trader
      .connect(tw.agent)
      .executeTrade(NO_PROOF, await forgedSignals(tw, Action.BUY, parseEther("1")), 2n ** 64n);
    await pushPrice(tw.world.priceFeed, BELOW);
    const signals = await forgedSignals(tw, Action.SELL, parseEther("1") + 1n);
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, 2n ** 64n))
        .to.be.revertedWithCustomError(tw.trader, "ShortSaleRefused")
        .withArgs(parseEther("1") + 1n, parseEther("1"));
    });
  });
});

describe("nobody can leave a vault or the registry ungoverned", function () {
  it("refuses renounceOwnership on the trader (OwnershipCannotBeRenounced); the owner stays", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    await expect(tw.trader.renounceOwnership()).to.be.revertedWithCustomError(tw.trader, "OwnershipCannotBeRenounced");
    expect(await tw.trader.owner()).to.equal(tw.owner.address);
  });

  it("refuses to renounce the registry's governor and admin roles (RoleCannotBeRenounced)", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    for (const role of [await tw.registry.GOVERNOR_ROLE(), await tw.registry.DEFAULT_ADMIN_ROLE()]) {
      await expect(tw.registry.renounceRole(role, tw.owner.address))
        .to.be.revertedWithCustomError(tw.registry, "RoleCannotBeRenounced")
        .withArgs(role);
      expect(await tw.registry.hasRole(role, tw.owner.address)).to.equal(true);
    }
  });
});
