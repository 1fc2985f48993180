import { expect } from "chai";
import { Contract, ContractFactory, formatUnits, parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import {
  FEED_DECIMALS,
  WorldInventoryExhausted,
  deployWorld,
  marketDepth,
  movePoolToPrice,
  poolPrice,
  pushPrice,
  uniswapArtifacts,
  type World,
} from "@zkagent/contracts/world";

import { TEST_POLICY } from "../helpers/trader-fixture.ts";
import { expectWorldUnchanged } from "../helpers/world-state.ts";

/**
 * A world that survives real prices: the pool's liquidity follows the price and the arbitrageur
 * trades from a finite inventory, over a 1 000× range ($3 → $3 000 → $30 in 241 oracle rounds,
 * a trend with a ±3 % wobble, steps of up to ~9 %). At every round the arbitrageur brings the pool
 * to the oracle and the liquidity provider re-centres if the price left its band; then the test
 * quotes a policy-sized BUY and SELL (2 WETH) through Uniswap's QuoterV2 against the policy's
 * oracle-derived bounds, reads the depth, and counts every WETH and USDC the world holds.
 *
 * Figures, measured here (default world: liquidityBase 1 000 WETH, a ±1 200-tick position
 * re-centred past 600 ticks; the test prints them again):
 * - depth (the virtual WETH reserve L / sqrt(P)): 1 000 WETH at $3, 1 000 at $3 000, 1 016 at $30,
 *   never below 971 or above 1 030 (it sags or swells by the band between re-centrings); in dollars
 *   it follows the price ($3 k, $3 M, $30 k). The earlier world's full-range position minted at $3
 *   had 32 WETH of depth left at $3 000, where a 2-WETH BUY cost about 7 % over the oracle.
 * - worst policy-sized trade (2 WETH, the test policy's maxPosition) over all 241 rounds: BUY
 *   50.8 bps over the oracle, SELL 50.4 bps under it (the 0.3 % fee and ~0.2 % of impact), against
 *   the 100 bps bound; tracking error under 0.01 bps (each move lands on the oracle's price).
 * - 125 re-centrings; the arbitrageur ends with 333 WETH and 346 741 USDC from 250 and 300 000:
 *   what its moves earned against the position, less the fees they paid, the liquidity provider
 *   lost (its idle inventory went from 191 WETH and 599 828 USDC to 92 and 551 963); every WETH
 *   and USDC is accounted for.
 * - about 10 s for the 241 rounds here (2 shared cores).
 */
const { ethers, networkHelpers } = await network.create();

const START = 3;
const TOP = 3_000;
const END = 30;
const UP_ROUNDS = 160;
const DOWN_ROUNDS = 80;
const BPS = 10_000n;
const TRACKING_TOLERANCE_BPS = 1n;
/** The depth may sag between re-centrings by the band (600 ticks: sqrt moves 3 %). */
const MIN_DEPTH_SHARE_BPS = 9_500n;
const POLICY_TRADE = TEST_POLICY.maxPosition;

/** $3 → $3 000 → $30: a log-linear trend with a deterministic ±3 % wobble, 8 decimals. */
function realShapedPath(): bigint[] {
  const path: number[] = [];
  for (let i = 0; i <= UP_ROUNDS; i++) path.push(START * (TOP / START) ** (i / UP_ROUNDS));
  for (let i = 1; i <= DOWN_ROUNDS; i++) path.push(TOP * (END / TOP) ** (i / DOWN_ROUNDS));
  return path.map((price, i) => {
    const wobble = i === 0 || i === path.length - 1 ? 1 : 1 + 0.03 * Math.sin(1.7 * i);
    return BigInt(Math.round(price * wobble * 10 ** FEED_DECIMALS));
  });
}

async function realPricesFixture() {
  const [deployer, keeper] = await ethers.getSigners();
  const path = realShapedPath();
  const world = await deployWorld(deployer!, { initialPrice: path[0]! });
  const quoterArtifact = uniswapArtifacts.quoterV2;
  const quoter = (await (
    await new ContractFactory(quoterArtifact.abi as never, quoterArtifact.bytecode, deployer).deploy(
      await world.factory.getAddress(),
      await world.weth.getAddress(),
    )
  ).waitForDeployment()) as Contract;
  return { world, keeper: keeper!, quoter, path };
}

/** Everything the world holds of a token: the pool, the liquidity provider and the arbitrageur. */
async function heldByTheWorld(world: World, token: World["weth"] | World["usdc"]): Promise<bigint> {
  const holders = [world.pool, world.liquidityProvider!, world.arbitrageur!];
  const balances = await Promise.all(holders.map(async (h) => token.balanceOf(await h.getAddress())));
  return balances.reduce((a, b) => a + b, 0n);
}

/** The USDC a 2-WETH BUY costs and a 2-WETH SELL brings, quoted by QuoterV2 at the pool's state. */
async function quotePolicyTrades(world: World, quoter: Contract): Promise<{ buyIn: bigint; sellOut: bigint }> {
  const [weth, usdc] = [await world.weth.getAddress(), await world.usdc.getAddress()];
  const common = { fee: world.poolFee, sqrtPriceLimitX96: 0n };
  const [buy, sell] = await Promise.all([
    quoter
      .getFunction("quoteExactOutputSingle")
      .staticCall({ tokenIn: usdc, tokenOut: weth, amount: POLICY_TRADE, ...common }),
    quoter
      .getFunction("quoteExactInputSingle")
      .staticCall({ tokenIn: weth, tokenOut: usdc, amountIn: POLICY_TRADE, ...common }),
  ]);
  return { buyIn: (buy as unknown as bigint[])[0]!, sellOut: (sell as unknown as bigint[])[0]! };
}

/** USDC value of `base` WETH at an 8-decimal price. */
const valueOf = (base: bigint, price: bigint) => (base * price) / 10n ** BigInt(18 + FEED_DECIMALS - 6);

describe("a world that survives real prices (liquidity that follows the price, a finite arbitrageur)", function () {
  this.timeout(600_000);

  it("tracks the oracle, keeps a policy trade inside its slippage bound and conserves every token over $3 → $3 000 → $30", async () => {
    const { world, keeper, quoter, path } = await networkHelpers.loadFixture(realPricesFixture);
    const depthTarget = await world.liquidityProvider!.baseDepth();
    const wethInWorld = await heldByTheWorld(world, world.weth);
    const usdcInWorld = await heldByTheWorld(world, world.usdc);
    const supplies = [await world.weth.totalSupply(), await world.usdc.totalSupply()];
    const arbitrageurAddress = await world.arbitrageur!.getAddress();
    const arbitrageurAtStart = [
      await world.weth.balanceOf(arbitrageurAddress),
      await world.usdc.balanceOf(arbitrageurAddress),
    ];
    const providerAddress = await world.liquidityProvider!.getAddress();
    const providerAtStart = [await world.weth.balanceOf(providerAddress), await world.usdc.balanceOf(providerAddress)];

    let worstTrackingBps = 0n;
    let worstBuyBps = 0n;
    let worstSellBps = 0n;
    let minDepth = depthTarget * 10n;
    let maxDepth = 0n;
    const depthAt = new Map<string, bigint>();
    for (const [round, price] of path.entries()) {
      await pushPrice(world.priceFeed, price);
      await movePoolToPrice(world, keeper, price);

      const reached = await poolPrice(world);
      const trackingBps = ((reached > price ? reached - price : price - reached) * BPS * 100n) / price;
      expect(trackingBps <= TRACKING_TOLERANCE_BPS * 100n).to.equal(
        true,
        `round ${round}: pool ${reached}, oracle ${price}`,
      );
      if (trackingBps > worstTrackingBps) worstTrackingBps = trackingBps;

      // The policy's bounds (SlippageMath): a BUY pays at most value · (1 + 1 %), a SELL gets at least value · (1 − 1 %).
      const value = valueOf(POLICY_TRADE, price);
      const { buyIn, sellOut } = await quotePolicyTrades(world, quoter);
      expect(buyIn <= (value * (BPS + TEST_POLICY.maxSlippageBps)) / BPS).to.equal(
        true,
        `round ${round}: BUY costs ${buyIn} for ${value}`,
      );
      expect(sellOut >= (value * (BPS - TEST_POLICY.maxSlippageBps)) / BPS).to.equal(
        true,
        `round ${round}: SELL brings ${sellOut} for ${value}`,
      );
      const buyBps = ((buyIn - value) * BPS * 100n) / value;
      const sellBps = ((value - sellOut) * BPS * 100n) / value;
      if (buyBps > worstBuyBps) worstBuyBps = buyBps;
      if (sellBps > worstSellBps) worstSellBps = sellBps;

      const depth = await marketDepth(world);
      expect(depth * BPS >= depthTarget * MIN_DEPTH_SHARE_BPS).to.equal(true, `round ${round}: depth ${depth}`);
      if (depth < minDepth) minDepth = depth;
      if (depth > maxDepth) maxDepth = depth;
      if (round === 0) depthAt.set("start", depth);
      if (round === UP_ROUNDS) depthAt.set("top", depth);
      if (round === path.length - 1) depthAt.set("end", depth);

      // Nothing minted or wrapped after setup: every WETH and USDC is still in the pool or with the two actors.
      expect(await heldByTheWorld(world, world.weth)).to.equal(wethInWorld, `round ${round}: WETH`);
      expect(await heldByTheWorld(world, world.usdc)).to.equal(usdcInWorld, `round ${round}: USDC`);
    }
    expect([await world.weth.totalSupply(), await world.usdc.totalSupply()]).to.deep.equal(supplies);
    const arbitrageurAtEnd = [
      await world.weth.balanceOf(arbitrageurAddress),
      await world.usdc.balanceOf(arbitrageurAddress),
    ];
    // Recycled: it ends holding what it started with, give or take what the arbitrage earned.
    expect(arbitrageurAtEnd[0]! >= (arbitrageurAtStart[0]! * 99n) / 100n).to.equal(true);
    expect(arbitrageurAtEnd[1]! >= (arbitrageurAtStart[1]! * 99n) / 100n).to.equal(true);

    const providerAtEnd = [await world.weth.balanceOf(providerAddress), await world.usdc.balanceOf(providerAddress)];
    const recenterings = await world.liquidityProvider!.queryFilter(world.liquidityProvider!.filters.Recentered);
    const eth = (amount: bigint) => Number(formatUnits(amount, 18)).toFixed(0);
    const usd = (amount: bigint) => Number(formatUnits(amount, 6)).toFixed(0);
    const bps = (hundredths: bigint) => (Number(hundredths) / 100).toFixed(2);
    console.log(
      `      depth (virtual WETH) start ${eth(depthAt.get("start")!)}, top ${eth(depthAt.get("top")!)}, ` +
        `end ${eth(depthAt.get("end")!)}, min ${eth(minDepth)}, max ${eth(maxDepth)}; ` +
        `worst policy-sized BUY ${bps(worstBuyBps)} bps, SELL ${bps(worstSellBps)} bps (bound ${TEST_POLICY.maxSlippageBps}); ` +
        `worst tracking ${bps(worstTrackingBps)} bps; ${recenterings.length} re-centrings over ${path.length} rounds; ` +
        `arbitrageur WETH ${eth(arbitrageurAtStart[0]!)} → ${eth(arbitrageurAtEnd[0]!)}, ` +
        `USDC ${usd(arbitrageurAtStart[1]!)} → ${usd(arbitrageurAtEnd[1]!)}; liquidity provider (idle) ` +
        `WETH ${eth(providerAtStart[0]!)} → ${eth(providerAtEnd[0]!)}, USDC ${usd(providerAtStart[1]!)} → ${usd(providerAtEnd[1]!)}`,
    );
  });

  it("reports an arbitrageur that runs out instead of minting or wrapping for it", async () => {
    const [deployer, keeper] = await ethers.getSigners();
    const world = await deployWorld(deployer!, {
      initialPrice: 3_000n * 10n ** 8n,
      arbitrageurInventory: { base: parseEther("1"), quote: parseUnits("1000", 6) },
    });
    await expectWorldUnchanged(world, async () => {
      const error = await movePoolToPrice(world, keeper!, 3_300n * 10n ** 8n).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(WorldInventoryExhausted);
      expect((error as WorldInventoryExhausted).message).to.match(/arbitrageur ran out of USDC/);
    });
  });
});
