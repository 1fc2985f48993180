import { expect } from "chai";
import { MaxUint256, parseEther } from "ethers";
import { network } from "hardhat";

import { movePoolToPrice, poolPrice, pushPrice } from "@zkagent/contracts/world";

import { forkedWorld, forkMode, SKIP_MESSAGE } from "./fork-world.ts";

describe(`Uniswap V3 and the feeds on a fork (${forkMode ?? "skipped"})`, function () {
  this.timeout(120_000);

  before(function () {
    if (forkMode === null) {
      console.log(`      ${SKIP_MESSAGE}`);
      this.skip();
    }
  });

  async function connect() {
    const connection = await network.create("fork");
    const { world, book } = await forkedWorld(connection.ethers);
    const [, trader] = await connection.ethers.getSigners();
    return { ...connection, world, book, trader: trader! };
  }

  it("swaps WETH for USDC with exactInputSingle, then buys WETH back with exactOutputSingle", async () => {
    const { world, trader } = await connect();
    const router = await world.swapRouter.getAddress();
    await world.weth.connect(trader).deposit({ value: parseEther("2") });
    await world.weth.connect(trader).approve(router, MaxUint256);
    await world.usdc.connect(trader).approve(router, MaxUint256);
    const [, answer] = await world.priceFeed.latestRoundData();

    await world.swapRouter.connect(trader).exactInputSingle({
      tokenIn: await world.weth.getAddress(),
      tokenOut: await world.usdc.getAddress(),
      fee: world.poolFee,
      recipient: trader.address,
      deadline: MaxUint256,
      amountIn: parseEther("1"),
      // within 5 % of the oracle: a real pool may sit a little away from the feed
      amountOutMinimum: (answer * 95n) / 100n / 100n,
      sqrtPriceLimitX96: 0n,
    });
    const usdcAfterSell = await world.usdc.balanceOf(trader.address);
    expect(usdcAfterSell > 0n).to.equal(true);

    const wethBefore = await world.weth.balanceOf(trader.address);
    await world.swapRouter.connect(trader).exactOutputSingle({
      tokenIn: await world.usdc.getAddress(),
      tokenOut: await world.weth.getAddress(),
      fee: world.poolFee,
      recipient: trader.address,
      deadline: MaxUint256,
      amountOut: parseEther("0.1"),
      amountInMaximum: usdcAfterSell,
      sqrtPriceLimitX96: 0n,
    });
    expect((await world.weth.balanceOf(trader.address)) - wethBefore).to.equal(parseEther("0.1"));
  });

  it("reads the ETH/USD feed (and pushes a round where the feed is the local mock)", async function () {
    const { world, book } = await connect();
    const [roundId, answer, , updatedAt] = await world.priceFeed.latestRoundData();
    expect(answer > 0n && updatedAt > 0n).to.equal(true);
    if (!book.local) return;
    const next = await pushPrice(world.priceFeed, 3_210_00000000n);
    expect(next).to.equal(roundId + 1n);
    expect((await world.priceFeed.latestRoundData())[1]).to.equal(3_210_00000000n);
  });

  it("moves the pool to a target price with the arbitrage helper (local world only)", async function () {
    const { world, book, trader } = await connect();
    if (!book.local) this.skip(); // needs a mintable stablecoin
    const target = 2_750_00000000n;
    const reached = await movePoolToPrice(world, trader, target);
    const diff = reached > target ? reached - target : target - reached;
    expect(diff * 10_000n <= target).to.equal(true);
    expect(await poolPrice(world)).to.equal(reached);
  });
});
