import { MaxUint256, type Signer } from "ethers";

import {
  IUniswapV3Pool__factory,
  MockV3Aggregator__factory,
  TestToken__factory,
  type MockV3Aggregator,
  type TestToken,
} from "../typechain/index.ts";
import type { PoolMarket } from "./arbitrage.ts";
import { FEED_DECIMALS, USDC_DECIMALS, type World } from "./deploy-world.ts";
import { defaultInventories, provideFollowingLiquidity } from "./market-makers.ts";
import { mintFullRangePosition } from "./full-range-position.ts";
import { sqrtPriceX96FromPrice, type PairLayout } from "./price-math.ts";

/** Another market of the world: a base token against the world's USDC, with its feed and pool. */
export interface ExtraMarket extends PoolMarket {
  symbol: string;
  baseToken: TestToken;
  /** Chainlink's MockV3Aggregator as <symbol>/USD (8 decimals). */
  priceFeed: MockV3Aggregator;
}

export interface ExtraMarketOptions {
  symbol: string;
  decimals: number;
  /** Initial price in USD, 8 decimals. */
  initialPrice: bigint;
  /**
   * The pool's depth in base tokens: the virtual base reserve the world's liquidity provider keeps at
   * every price (a world without one: the base tokens in a full-range position).
   */
  liquidityBase: bigint;
}

/** The extra markets the shared world offers beside ETH/USD (the hub's K-market signals use them). */
export const EXTRA_MARKETS: readonly ExtraMarketOptions[] = [
  { symbol: "WBTC", decimals: 8, initialPrice: 60_000n * 10n ** 8n, liquidityBase: 50n * 10n ** 8n },
  { symbol: "LINK", decimals: 18, initialPrice: 15n * 10n ** 8n, liquidityBase: 200_000n * 10n ** 18n },
  { symbol: "ARB", decimals: 18, initialPrice: 1n * 10n ** 8n, liquidityBase: 3_000_000n * 10n ** 18n },
];

/**
 * Deploys one more market into `world`: a mintable base token, its mock feed at `initialPrice`,
 * and a real Uniswap V3 pool against the world's USDC (same factory, router and fee tier). In a
 * world with market makers the pool gets its own price-following liquidity provider and the
 * world's arbitrageur a finite inventory of the new token (both funded here, by minting, once);
 * otherwise full-range liquidity owned by `signer`.
 */
export async function deployExtraMarket(
  world: World,
  signer: Signer,
  options: ExtraMarketOptions,
): Promise<ExtraMarket> {
  if (world.poolFee !== 3000)
    throw new RangeError(`deployExtraMarket: the world's fee tier ${world.poolFee} is not 3000`);
  const baseToken = await (
    await new TestToken__factory(signer).deploy(`Test ${options.symbol}`, options.symbol, options.decimals)
  ).waitForDeployment();
  const priceFeed = await (
    await new MockV3Aggregator__factory(signer).deploy(FEED_DECIMALS, options.initialPrice)
  ).waitForDeployment();
  const baseAddress = await baseToken.getAddress();
  const usdcAddress = await world.usdc.getAddress();
  const baseIsToken0 = BigInt(baseAddress) < BigInt(usdcAddress);
  const layout: PairLayout = { baseIsToken0, baseDecimals: options.decimals, quoteDecimals: USDC_DECIMALS };
  const [token0, token1] = baseIsToken0 ? [baseAddress, usdcAddress] : [usdcAddress, baseAddress];
  const pm = world.positionManager;
  const sqrtPriceX96 = sqrtPriceX96FromPrice(options.initialPrice, FEED_DECIMALS, layout);
  await (
    await pm.getFunction("createAndInitializePoolIfNecessary")(token0, token1, world.poolFee, sqrtPriceX96)
  ).wait();
  const poolAddress = (await world.factory.getFunction("getPool")(token0, token1, world.poolFee)) as string;

  const liquidityQuote =
    (options.liquidityBase * options.initialPrice * 10n ** BigInt(USDC_DECIMALS)) /
    10n ** BigInt(options.decimals + FEED_DECIMALS);
  const pool = IUniswapV3Pool__factory.connect(poolAddress, signer);
  let actors: Pick<ExtraMarket, "actors"> = {};
  if (world.arbitrageur) {
    const liquidityProvider = await provideFollowingLiquidity({
      signer: world.deployer, // the arbitrageur's owner registers the new provider
      pool,
      arbitrageur: world.arbitrageur,
      baseToken: baseAddress,
      baseDepth: options.liquidityBase,
      inventories: defaultInventories(options.liquidityBase, liquidityQuote),
      fund: async (to, isBase, amount) => {
        if (amount === 0n) return;
        await (await (isBase ? baseToken : world.usdc).connect(signer).mint(to, amount)).wait();
      },
    });
    actors = { actors: { arbitrageur: world.arbitrageur, liquidityProvider } };
  } else {
    // A world without market makers: full-range liquidity owned by `signer`.
    const owner = await signer.getAddress();
    await (await baseToken.mint(owner, options.liquidityBase)).wait();
    await (await world.usdc.connect(signer).mint(owner, liquidityQuote)).wait();
    await mintFullRangePosition(
      signer,
      pm,
      { baseToken: baseAddress, quoteToken: usdcAddress, baseIsToken0, fee: world.poolFee, tickSpacing: 60 },
      [options.liquidityBase, liquidityQuote],
    );
  }

  return {
    symbol: options.symbol,
    baseToken,
    priceFeed,
    pool,
    poolFee: world.poolFee,
    layout,
    swapRouter: world.swapRouter,
    base: baseToken,
    quote: world.usdc,
    fund: async (arbitrageur, isBase, amount) => {
      const router = await world.swapRouter.getAddress();
      const token = isBase ? baseToken : world.usdc;
      await (await token.connect(arbitrageur).mint(await arbitrageur.getAddress(), amount)).wait();
      await (await token.connect(arbitrageur).approve(router, MaxUint256)).wait();
    },
    ...actors,
  };
}
