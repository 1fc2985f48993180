import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";

import { NO_PROOF } from "../helpers/forged-world.ts";
import { FOLLOWER_CAPS } from "../helpers/hub-world.ts";
import { deployMultiMarketWorld, multiMarketSignals } from "../helpers/hub-markets.ts";
import { TEST_MODEL_HASH } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

async function fixture() {
  const mw = await deployMultiMarketWorld(ethers, networkHelpers);
  const accepting = await mw.hub.verifierOf(1n);
  await mw.hub.setVerifier(2n, accepting);
  await mw.hub.setVerifier(4n, accepting);
  return mw;
}

describe("SignalHub across markets: one proof for ETH, WBTC, LINK and ARB", function () {
  this.timeout(240_000);

  it("lists the shared world's extra markets, each with a real Uniswap V3 pool at its feed's price", async () => {
    const mw = await networkHelpers.loadFixture(fixture);
    expect(await mw.hub.marketCount()).to.equal(4n);
    for (const market of mw.markets.slice(1)) {
      const listed = await mw.hub.market(market.id);
      expect(listed.feed).to.equal(await market.feed.getAddress());
      expect(await market.extra!.pool.liquidity()).to.be.greaterThan(0n);
    }
  });

  for (const k of [2, 4]) {
    it(`verifies one ${k}-market signal once and every market's followers execute it`, async () => {
      const mw = await networkHelpers.loadFixture(fixture);
      const markets = mw.markets.slice(0, k);
      const { signals, windows } = await multiMarketSignals(mw, markets, Action.BUY, 5_000n);
      const ids = markets.map((m) => m.id);
      const receipt = await (await mw.hub.connect(mw.agent).publishSignal(ids, NO_PROOF, signals)).wait();
      const verified = receipt!.logs
        .map((l) => mw.hub.interface.parseLog(l))
        .filter((e) => e?.name === "SignalVerified");
      expect(verified).to.have.length(k);

      // ETH/USD: all three ETH followers; each extra market: its follower
      for (const [i, vault] of mw.followers.entries()) {
        await vault.followSignal(windows[0]!.roundId, windows[0]!.commitment, TEST_MODEL_HASH);
        expect(await vault.positionOf(mw.agent.address)).to.equal(FOLLOWER_CAPS[i]! / 2n);
      }
      for (let m = 1; m < k; m++) {
        const vault = mw.extraFollowers[m - 1]!;
        const cap = (await vault.policy()).maxPosition;
        await expect(vault.followSignal(windows[m]!.roundId, windows[m]!.commitment, TEST_MODEL_HASH)).to.emit(
          vault,
          "SignalFollowed",
        );
        expect(await vault.positionOf(mw.agent.address)).to.equal(cap / 2n);
      }
      expect(await mw.hub.nonceOf(mw.agent.address)).to.equal(1n);
    });
  }

  it("refuses a multi-market proof whose second market's window is not its feed's, caching nothing", async () => {
    const mw = await networkHelpers.loadFixture(fixture);
    const markets = mw.markets.slice(0, 2);
    const { signals, windows } = await multiMarketSignals(mw, markets, Action.BUY, 5_000n);
    signals[1] = signals[1]! + 1n;
    await expect(mw.hub.connect(mw.agent).publishSignal([0n, 1n], NO_PROOF, signals))
      .to.be.revertedWithCustomError(mw.hub, "WindowMismatch")
      .withArgs(1n, windows[1]!.roundId, signals[1], windows[1]!.commitment);
    await expect(
      mw.followers[0]!.followSignal(windows[0]!.roundId, windows[0]!.commitment, TEST_MODEL_HASH),
    ).to.be.revertedWithCustomError(mw.followers[0]!, "SignalNotVerified");
  });
});
