import { expect } from "chai";
import { parseEther } from "ethers";
import { network } from "hardhat";

import { WorldInventoryExhausted, deployWorld, movePoolToPrice } from "@zkagent/contracts/world";

import { deployTestWorld } from "../helpers/world-fixture.ts";

const { ethers, networkHelpers } = await network.create();

async function worldFixture() {
  const world = await deployTestWorld(ethers);
  const [, keeper] = await ethers.getSigners();
  return { world, keeper: keeper! };
}

const PRICE_3000 = 3_000n * 10n ** 8n;

describe("the world's market makers", () => {
  it("re-centres the position only once the price has left its band, and refuses to inside it", async () => {
    const { world, keeper } = await networkHelpers.loadFixture(worldFixture);
    const lp = world.liquidityProvider!;
    const lowerAtStart = await lp.tickLower();
    // 3 % is about 300 ticks: inside the 600-tick band.
    await movePoolToPrice(world, keeper, (PRICE_3000 * 103n) / 100n);
    expect(await lp.tickLower()).to.equal(lowerAtStart);
    await expect(lp.recenter()).to.be.revertedWithCustomError(lp, "WorldLiquidityProvider__InBand");
    // 8 % is about 770 ticks: past it, so the move re-centres the position on the new price.
    await movePoolToPrice(world, keeper, (PRICE_3000 * 108n) / 100n);
    const [lower, upper, { tick }] = [await lp.tickLower(), await lp.tickUpper(), await world.pool.slot0()];
    expect(lower).to.not.equal(lowerAtStart);
    expect(upper - lower).to.equal(2n * (await lp.halfWidthTicks()));
    expect(tick > lower && tick < upper).to.equal(true);
  });

  it("takes swap callbacks only from the pool it is moving", async () => {
    const { world, keeper } = await networkHelpers.loadFixture(worldFixture);
    const arbitrageur = world.arbitrageur!;
    await expect(arbitrageur.connect(keeper).uniswapV3SwapCallback(1n, 0n, "0x"))
      .to.be.revertedWithCustomError(arbitrageur, "WorldArbitrageur__UnexpectedCallback")
      .withArgs(keeper.address);
    await expect(
      arbitrageur.connect(keeper).exchange(await world.weth.getAddress(), 1n, await world.usdc.getAddress(), 1n),
    ).to.be.revertedWithCustomError(arbitrageur, "WorldArbitrageur__NotLiquidityProvider");
  });

  it("reports a liquidity provider that cannot pay for its position instead of minting for it", async () => {
    const [deployer] = await ethers.getSigners();
    const error = await deployWorld(deployer!, {
      liquidityProviderInventory: { base: parseEther("10"), quote: 0n },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WorldInventoryExhausted);
    expect((error as WorldInventoryExhausted).message).to.match(
      /liquidity provider ran out of (WETH|USDC) minting its first position/,
    );
  });
});
