import { expect } from "chai";
import { parseEther } from "ethers";
import { network } from "hardhat";

import { WorldInventoryExhausted, deployWorld, movePoolToPrice } from "@zkagent/contracts/world";
import { WorldLiquidityProvider__factory } from "@zkagent/contracts/typechain";

import { deployTestWorld } from "../helpers/world-fixture.ts";
import { expectWorldUnchanged } from "../helpers/world-state.ts";

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
    await expectWorldUnchanged(world, async () => {
      await expect(lp.recenter()).to.be.revertedWithCustomError(lp, "WorldLiquidityProvider__InBand");
    });
    // 8 % is about 770 ticks: past it, so the move re-centres the position on the new price.
    await movePoolToPrice(world, keeper, (PRICE_3000 * 108n) / 100n);
    const [lower, upper, { tick }] = [await lp.tickLower(), await lp.tickUpper(), await world.pool.slot0()];
    expect(lower).to.not.equal(lowerAtStart);
    expect(upper - lower).to.equal(2n * (await lp.halfWidthTicks()));
    expect(tick > lower && tick < upper).to.equal(true);
  });

  it("takes swap and mint callbacks only from its pool, exchanges only with its providers, moves only the factory's pools; a refusal changes nothing", async () => {
    const { world, keeper } = await networkHelpers.loadFixture(worldFixture);
    const arbitrageur = world.arbitrageur!;
    const lp = world.liquidityProvider!;
    await expectWorldUnchanged(world, async () => {
      await expect(arbitrageur.connect(keeper).uniswapV3SwapCallback(1n, 0n, "0x"))
        .to.be.revertedWithCustomError(arbitrageur, "WorldArbitrageur__UnexpectedCallback")
        .withArgs(keeper.address);
      await expect(lp.connect(keeper).uniswapV3MintCallback(1n, 1n, "0x"))
        .to.be.revertedWithCustomError(lp, "WorldLiquidityProvider__UnexpectedCallback")
        .withArgs(keeper.address);
      await expect(
        arbitrageur.connect(keeper).exchange(await world.weth.getAddress(), 1n, await world.usdc.getAddress(), 1n),
      )
        .to.be.revertedWithCustomError(arbitrageur, "WorldArbitrageur__NotLiquidityProvider")
        .withArgs(keeper.address);
      // Another factory's pool on the same tokens (a second world) is not the world's to move.
      const foreign = await deployTestWorld(ethers);
      const foreignPool = await foreign.pool.getAddress();
      await expect(arbitrageur.connect(keeper).moveTo(foreignPool, (await foreign.pool.slot0()).sqrtPriceX96 + 1n))
        .to.be.revertedWithCustomError(arbitrageur, "WorldArbitrageur__UnknownPool")
        .withArgs(foreignPool);
    }, [keeper.address]);
  });

  it("refuses a liquidity provider for a token not in its pool, or with an unsound range", async () => {
    const { world, keeper } = await networkHelpers.loadFixture(worldFixture);
    const providers = new WorldLiquidityProvider__factory(keeper);
    const [pool, arbitrageur, weth] = [
      await world.pool.getAddress(),
      await world.arbitrageur!.getAddress(),
      await world.weth.getAddress(),
    ];
    const spacing = await world.pool.tickSpacing();
    await expect(providers.deploy(pool, arbitrageur, keeper.address, 1n, spacing * 20n, spacing * 10n))
      .to.be.revertedWithCustomError(providers, "WorldLiquidityProvider__NotPoolToken")
      .withArgs(keeper.address);
    for (const [half, band] of [
      [0n, 1n],
      [spacing * 20n + 1n, spacing * 10n],
      [spacing * 20n, 0n],
      [spacing * 20n, spacing * 20n + 1n],
    ]) {
      await expect(providers.deploy(pool, arbitrageur, weth, 1n, half!, band!))
        .to.be.revertedWithCustomError(providers, "WorldLiquidityProvider__BadRange")
        .withArgs(half, band, spacing);
    }
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
