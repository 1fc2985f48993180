import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { pushPrice } from "@zkagent/contracts/world";
import { parseEther } from "ethers";

import { BELOW, NO_PROOF, forgedSignals, forgedWorld as deployForgedWorld } from "../helpers/forged-world.ts";
import { TEST_POLICY } from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const forgedWorld = () => deployForgedWorld(ethers, networkHelpers);

describe("losses stay bounded when a proof lies (a verifier that accepts everything)", function () {
  this.timeout(120_000);

  it("executes a forged BUY within the cap (the forger's reach: the band rule, which only a proof shows)", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    const signals = await forgedSignals(tw, Action.BUY, parseEther("1"));
    await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, 2n ** 64n, 0n)).to.emit(
      tw.trader,
      "TradeExecuted",
    );
  });

  it("refuses a forged BUY one wei past the cap (PositionCapExceeded), leaving everything as it was", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    const signals = await forgedSignals(tw, Action.BUY, TEST_POLICY.maxPosition + 1n);
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, 2n ** 64n, 0n))
        .to.be.revertedWithCustomError(tw.trader, "PositionCapExceeded")
        .withArgs(0n, TEST_POLICY.maxPosition + 1n, TEST_POLICY.maxPosition);
    });
  });

  it("refuses a forged SELL larger than the position (ShortSaleRefused), leaving everything as it was", async () => {
    const tw = await networkHelpers.loadFixture(forgedWorld);
    await tw.trader
      .connect(tw.agent)
      .executeTrade(NO_PROOF, await forgedSignals(tw, Action.BUY, parseEther("1")), 2n ** 64n, 0n);
    await pushPrice(tw.world.priceFeed, BELOW);
    const signals = await forgedSignals(tw, Action.SELL, parseEther("1") + 1n);
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(tw.trader.connect(tw.agent).executeTrade(NO_PROOF, signals, 2n ** 64n, 0n))
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
