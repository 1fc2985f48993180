import { expect } from "chai";
import { MaxUint256, parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import {
  deployExtraMarket,
  EXTRA_MARKETS,
  fullRangeTicks,
  movePoolToPrice,
  poolPrice,
  pushPrice,
} from "@zkagent/contracts/world";

import { deployTestWorld } from "../helpers/world-fixture.ts";

const { ethers, networkHelpers } = await network.create();

async function worldFixture() {
  const world = await deployTestWorld(ethers);
  const [, trader, arbitrageur] = await ethers.getSigners();
  return { world, trader: trader!, arbitrageur: arbitrageur! };
}

describe("the test world (real Uniswap V3 bytecode, Chainlink mock feeds)", () => {
  it("initialises the pool at the feed's price", async () => {
    const { world } = await networkHelpers.loadFixture(worldFixture);
    const [, answer] = await world.priceFeed.latestRoundData();
    const price = await poolPrice(world);
    // sqrtPriceX96 is floored, so the read-back may be one unit below.
    expect(answer - price).to.be.within(0n, 1n);
  });

  it("swaps an exact WETH input for USDC with exactInputSingle", async () => {
    const { world, trader } = await networkHelpers.loadFixture(worldFixture);
    const amountIn = parseEther("1");
    await world.weth.connect(trader).deposit({ value: amountIn });
    await world.weth.connect(trader).approve(await world.swapRouter.getAddress(), MaxUint256);
    const usdcBefore = await world.usdc.balanceOf(trader.address);

    await world.swapRouter.connect(trader).exactInputSingle({
      tokenIn: await world.weth.getAddress(),
      tokenOut: await world.usdc.getAddress(),
      fee: world.poolFee,
      recipient: trader.address,
      deadline: MaxUint256,
      amountIn,
      amountOutMinimum: parseUnits("2980", 6),
      sqrtPriceLimitX96: 0n,
    });

    const received = (await world.usdc.balanceOf(trader.address)) - usdcBefore;
    // 3 000 USD less the 0.3 % fee and a little price impact on 1 000 WETH of depth.
    expect(received).to.be.within(parseUnits("2985", 6), parseUnits("2991", 6));
    expect(await world.weth.balanceOf(trader.address)).to.equal(0n);
  });

  it("buys an exact WETH output with exactOutputSingle and refunds nothing it did not take", async () => {
    const { world, trader } = await networkHelpers.loadFixture(worldFixture);
    const amountOut = parseEther("0.5");
    const budget = parseUnits("1600", 6);
    await world.usdc.mint(trader.address, budget);
    await world.usdc.connect(trader).approve(await world.swapRouter.getAddress(), MaxUint256);

    await world.swapRouter.connect(trader).exactOutputSingle({
      tokenIn: await world.usdc.getAddress(),
      tokenOut: await world.weth.getAddress(),
      fee: world.poolFee,
      recipient: trader.address,
      deadline: MaxUint256,
      amountOut,
      amountInMaximum: budget,
      sqrtPriceLimitX96: 0n,
    });

    expect(await world.weth.balanceOf(trader.address)).to.equal(amountOut);
    const spent = budget - (await world.usdc.balanceOf(trader.address));
    expect(spent).to.be.within(parseUnits("1504", 6), parseUnits("1507", 6));
  });

  it("rejects an exactOutputSingle whose amountInMaximum is too low", async () => {
    const { world, trader } = await networkHelpers.loadFixture(worldFixture);
    await world.usdc.mint(trader.address, parseUnits("10000", 6));
    await world.usdc.connect(trader).approve(await world.swapRouter.getAddress(), MaxUint256);
    await expect(
      world.swapRouter.connect(trader).exactOutputSingle({
        tokenIn: await world.usdc.getAddress(),
        tokenOut: await world.weth.getAddress(),
        fee: world.poolFee,
        recipient: trader.address,
        deadline: MaxUint256,
        amountOut: parseEther("1"),
        amountInMaximum: parseUnits("2900", 6),
        sqrtPriceLimitX96: 0n,
      }),
    ).to.be.revertedWith("Too much requested");
  });

  it("pushes a new oracle round with the feed helper", async () => {
    const { world } = await networkHelpers.loadFixture(worldFixture);
    const before = await world.priceFeed.latestRound();
    const roundId = await pushPrice(world.priceFeed, 3_123_45000000n);
    expect(roundId).to.equal(before + 1n);
    const [latestRound, answer] = await world.priceFeed.latestRoundData();
    expect(latestRound).to.equal(roundId);
    expect(answer).to.equal(3_123_45000000n);
  });

  for (const target of [2_400_00000000n, 3_000_00000000n, 3_777_77000000n]) {
    it(`moves the pool to ${Number(target) / 1e8} USD with the arbitrage helper (within 1 bp)`, async () => {
      const { world, arbitrageur } = await networkHelpers.loadFixture(worldFixture);
      const reached = await movePoolToPrice(world, arbitrageur, target);
      const diff = reached > target ? reached - target : target - reached;
      expect(diff * 10_000n <= target).to.equal(true, `reached ${reached}, target ${target}`);
    });
  }
});

describe("the earlier world: full-range liquidity, no market makers", () => {
  async function fullRangeFixture() {
    const world = await deployTestWorld(ethers, { liquidity: "full-range" });
    const wbtc = EXTRA_MARKETS[0]!;
    const extra = await deployExtraMarket(world, world.deployer, wbtc);
    return { world, wbtc, extra };
  }

  it("gives the WETH/USDC pool and an extra market's pool one full-range position each, of the depth asked for, owned by the deployer", async () => {
    const { world, wbtc, extra } = await networkHelpers.loadFixture(fullRangeFixture);
    expect(world.arbitrageur).to.equal(undefined);
    expect(world.liquidityProvider).to.equal(undefined);
    expect(extra.actors).to.equal(undefined);

    const deployer = await world.deployer.getAddress();
    const positionManager = world.positionManager;
    expect(await positionManager.getFunction("balanceOf")(deployer)).to.equal(2n);
    const { tickLower, tickUpper } = fullRangeTicks(60);
    const markets = [
      { pool: world.pool, base: world.weth, depthBase: 1_000n * 10n ** 18n, depthQuote: 3_000_000n * 10n ** 6n },
      { pool: extra.pool, base: extra.baseToken, depthBase: wbtc.liquidityBase, depthQuote: 3_000_000n * 10n ** 6n },
    ];
    for (const [index, market] of markets.entries()) {
      const tokenId = await positionManager.getFunction("tokenOfOwnerByIndex")(deployer, index);
      const position = await positionManager.getFunction("positions")(tokenId);
      expect([position.token0, position.token1]).to.deep.equal([
        await market.pool.token0(),
        await market.pool.token1(),
      ]);
      expect([position.tickLower, position.tickUpper]).to.deep.equal([BigInt(tickLower), BigInt(tickUpper)]);
      expect(position.liquidity).to.equal(await market.pool.liquidity());
      // At the start price the position takes nearly all of both amounts (the price is floored).
      const poolAddress = await market.pool.getAddress();
      for (const [held, asked] of [
        [await market.base.balanceOf(poolAddress), market.depthBase],
        [await world.usdc.balanceOf(poolAddress), market.depthQuote],
      ] as const) {
        expect(held <= asked && held * 10_000n >= asked * 9_999n).to.equal(true, `pool holds ${held} of ${asked}`);
      }
    }
  });
});
