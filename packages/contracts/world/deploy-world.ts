import { Contract, ContractFactory, type Signer } from "ethers";

import {
  IUniswapV3Pool__factory,
  ISwapRouter__factory,
  MockV3Aggregator__factory,
  TestStablecoin__factory,
  WETH9__factory,
  type ISwapRouter,
  type IUniswapV3Pool,
  type MockV3Aggregator,
  type TestStablecoin,
  type WETH9,
  type WorldArbitrageur,
  type WorldLiquidityProvider,
} from "../typechain/index.ts";
import {
  defaultInventories,
  deployArbitrageur,
  provideFollowingLiquidity,
  type Inventory,
  type RangeShape,
} from "./market-makers.ts";
import { mintFullRangePosition } from "./full-range-position.ts";
import { sqrtPriceX96FromPrice, type PairLayout } from "./price-math.ts";
import { uniswapArtifacts, type UniswapArtifact } from "./uniswap-artifacts.ts";

export interface WorldOptions extends RangeShape {
  /** Initial ETH/USD price, 8 decimals (Chainlink's). Default 3 000 USD. */
  initialPrice?: bigint;
  /**
   * The pool's depth in WETH: the virtual WETH reserve (L / sqrt(P)) the liquidity provider keeps at
   * every price, the depth a full-range position of this much WETH has at the start price
   * ("full-range": the WETH put into that position). Default 1 000 WETH.
   */
  liquidityBase?: bigint;
  /** Pool fee tier in hundredths of a bip. Default 3000 (0.3 %). */
  poolFee?: number;
  /**
   * "following" (default): a concentrated position re-centred as the price moves, with the same WETH
   * depth at every price, and an arbitrageur with a finite inventory it recycles (market-makers.ts).
   * "full-range": the earlier world, one full-range position minted at the start price (it thins
   * as the price rises) and an arbitrageur that wraps and mints whatever each move needs.
   */
  liquidity?: "following" | "full-range";
  /** The liquidity provider's inventory (WETH, USDC). Default {@link defaultInventories}. */
  liquidityProviderInventory?: Inventory;
  /** The arbitrageur's inventory (WETH, USDC). Default {@link defaultInventories}. */
  arbitrageurInventory?: Inventory;
}

/** Everything a test, the demo or a fork run needs, as live contracts. */
export interface World {
  deployer: Signer;
  weth: WETH9;
  usdc: TestStablecoin;
  /** Uniswap's own UniswapV3Factory bytecode (untyped: only getPool is used). */
  factory: Contract;
  swapRouter: ISwapRouter;
  /** Uniswap's own NonfungiblePositionManager bytecode (untyped: it does not compile under 0.8). */
  positionManager: Contract;
  pool: IUniswapV3Pool;
  poolFee: number;
  /** Chainlink's MockV3Aggregator as ETH/USD (8 decimals): a mock because no real feed runs here. */
  priceFeed: MockV3Aggregator;
  /** Chainlink's MockV3Aggregator as the L2 sequencer-uptime feed (answer 0 = up). */
  sequencerFeed: MockV3Aggregator;
  layout: PairLayout;
  /** The arbitrageur that moves the world's pools from a finite inventory ("following" worlds only). */
  arbitrageur?: WorldArbitrageur;
  /** The price-following liquidity provider of the WETH/USDC pool ("following" worlds only). */
  liquidityProvider?: WorldLiquidityProvider;
  /** Uniswap's QuoterV2 bytecode (untyped), with which the agent quotes a trade before proving it. */
  quoter?: Contract;
}

export const FEED_DECIMALS = 8;
export const WETH_DECIMALS = 18;
export const USDC_DECIMALS = 6;
export const DEFAULT_INITIAL_PRICE = 3_000n * 10n ** 8n;
const TICK_SPACING_BY_FEE: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

async function deployArtifact(artifact: UniswapArtifact, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const contract = await new ContractFactory(artifact.abi as never, artifact.bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

/**
 * Deploys the real Uniswap V3 factory, SwapRouter and NonfungiblePositionManager
 * (Uniswap's own npm bytecode), canonical WETH9, a 6-decimal stablecoin,
 * Chainlink's mock feeds, and a WETH/USDC pool initialised at `initialPrice`. Its liquidity
 * follows the price (a concentrated position of constant WETH depth, re-centred by the world's
 * keepers) and an arbitrageur with a finite inventory moves it, both funded here by `signer`
 * (`liquidity: "full-range"`: one full-range position owned by `signer` instead).
 */
export async function deployWorld(signer: Signer, options: WorldOptions = {}): Promise<World> {
  const initialPrice = options.initialPrice ?? DEFAULT_INITIAL_PRICE;
  const poolFee = options.poolFee ?? 3000;
  const liquidityBase = options.liquidityBase ?? 1_000n * 10n ** 18n;
  const tickSpacing = TICK_SPACING_BY_FEE[poolFee];
  if (tickSpacing === undefined) throw new RangeError(`deployWorld: unsupported pool fee ${poolFee}`);
  if (options.liquidity !== undefined && options.liquidity !== "following" && options.liquidity !== "full-range")
    throw new RangeError(
      `deployWorld: liquidity must be "following" or "full-range", not ${String(options.liquidity)}`,
    );

  const weth = await (await new WETH9__factory(signer).deploy()).waitForDeployment();
  const usdc = await (await new TestStablecoin__factory(signer).deploy()).waitForDeployment();
  const feeds = new MockV3Aggregator__factory(signer);
  const priceFeed = await (await feeds.deploy(FEED_DECIMALS, initialPrice)).waitForDeployment();
  const sequencerFeed = await (await feeds.deploy(0, 0)).waitForDeployment();

  const wethAddress = await weth.getAddress();
  const usdcAddress = await usdc.getAddress();
  const factory = await deployArtifact(uniswapArtifacts.factory, signer);
  const factoryAddress = await factory.getAddress();
  const router = await deployArtifact(uniswapArtifacts.swapRouter, signer, factoryAddress, wethAddress);
  // The token descriptor only renders NFT metadata; no swap or mint path reads it.
  const positionManager = await deployArtifact(
    uniswapArtifacts.positionManager,
    signer,
    factoryAddress,
    wethAddress,
    "0x0000000000000000000000000000000000000001",
  );

  const baseIsToken0 = BigInt(wethAddress) < BigInt(usdcAddress);
  const layout: PairLayout = { baseIsToken0, baseDecimals: WETH_DECIMALS, quoteDecimals: USDC_DECIMALS };
  const [token0, token1] = baseIsToken0 ? [wethAddress, usdcAddress] : [usdcAddress, wethAddress];
  const sqrtPriceX96 = sqrtPriceX96FromPrice(initialPrice, FEED_DECIMALS, layout);
  await (
    await positionManager.getFunction("createAndInitializePoolIfNecessary")(token0, token1, poolFee, sqrtPriceX96)
  ).wait();
  const poolAddress = (await factory.getFunction("getPool")(token0, token1, poolFee)) as string;
  const quoter = await deployArtifact(uniswapArtifacts.quoterV2, signer, factoryAddress, wethAddress);

  // liquidityBase WETH and its value in USDC at the start price.
  const liquidityQuote =
    (liquidityBase * initialPrice * 10n ** BigInt(USDC_DECIMALS)) / 10n ** BigInt(WETH_DECIMALS + FEED_DECIMALS);
  const pool = IUniswapV3Pool__factory.connect(poolAddress, signer);
  let actors: Pick<World, "arbitrageur" | "liquidityProvider"> = {};
  if (options.liquidity === "full-range") {
    // The earlier world's liquidity: one full-range position owned by `signer`.
    await (await weth.deposit({ value: liquidityBase })).wait();
    await (await usdc.mint(await signer.getAddress(), liquidityQuote)).wait();
    await mintFullRangePosition(
      signer,
      positionManager,
      { baseToken: wethAddress, quoteToken: usdcAddress, baseIsToken0, fee: poolFee, tickSpacing },
      [liquidityBase, liquidityQuote],
    );
  } else {
    const inventories = defaultInventories(liquidityBase, liquidityQuote);
    const lpInventory = options.liquidityProviderInventory ?? inventories.liquidityProvider;
    const arbInventory = options.arbitrageurInventory ?? inventories.arbitrageur;
    const wethNeeded = lpInventory.base + arbInventory.base;
    if (wethNeeded > 0n) await (await weth.deposit({ value: wethNeeded })).wait();
    const arbitrageur = await deployArbitrageur(factoryAddress, signer);
    const liquidityProvider = await provideFollowingLiquidity({
      signer,
      pool,
      arbitrageur,
      baseToken: wethAddress,
      baseDepth: liquidityBase,
      ...(options.halfWidthTicks === undefined ? {} : { halfWidthTicks: options.halfWidthTicks }),
      ...(options.recenterTicks === undefined ? {} : { recenterTicks: options.recenterTicks }),
      inventories: { liquidityProvider: lpInventory, arbitrageur: arbInventory },
      fund: async (to, isBase, amount) => {
        if (amount === 0n) return;
        await (await (isBase ? weth.transfer(to, amount) : usdc.mint(to, amount))).wait();
      },
    });
    actors = { arbitrageur, liquidityProvider };
  }

  return {
    deployer: signer,
    weth,
    usdc,
    factory,
    swapRouter: ISwapRouter__factory.connect(await router.getAddress(), signer),
    positionManager,
    pool,
    poolFee,
    priceFeed,
    sequencerFeed,
    layout,
    ...actors,
    quoter,
  };
}
