import { Contract, ContractFactory, MaxUint256, type Signer } from "ethers";

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
} from "../typechain/index.ts";
import { fullRangeTicks, sqrtPriceX96FromPrice, type PairLayout } from "./price-math.ts";
import { uniswapArtifacts, type UniswapArtifact } from "./uniswap-artifacts.ts";

export interface WorldOptions {
  /** Initial ETH/USD price, 8 decimals (Chainlink's). Default 3 000 USD. */
  initialPrice?: bigint;
  /** WETH put into the full-range position. Default 1 000 WETH. */
  liquidityBase?: bigint;
  /** Pool fee tier in hundredths of a bip. Default 3000 (0.3 %). */
  poolFee?: number;
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
 * Chainlink's mock feeds, and a WETH/USDC pool initialised at `initialPrice`
 * with full-range liquidity owned by `signer`.
 */
export async function deployWorld(signer: Signer, options: WorldOptions = {}): Promise<World> {
  const initialPrice = options.initialPrice ?? DEFAULT_INITIAL_PRICE;
  const poolFee = options.poolFee ?? 3000;
  const liquidityBase = options.liquidityBase ?? 1_000n * 10n ** 18n;
  const tickSpacing = TICK_SPACING_BY_FEE[poolFee];
  if (tickSpacing === undefined) throw new RangeError(`deployWorld: unsupported pool fee ${poolFee}`);

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

  // Full-range liquidity: liquidityBase WETH and its value in USDC.
  const liquidityQuote =
    (liquidityBase * initialPrice * 10n ** BigInt(USDC_DECIMALS)) / 10n ** BigInt(WETH_DECIMALS + FEED_DECIMALS);
  const owner = await signer.getAddress();
  const positionManagerAddress = await positionManager.getAddress();
  await (await weth.deposit({ value: liquidityBase })).wait();
  await (await usdc.mint(owner, liquidityQuote)).wait();
  await (await weth.approve(positionManagerAddress, MaxUint256)).wait();
  await (await usdc.approve(positionManagerAddress, MaxUint256)).wait();
  const [amount0, amount1] = baseIsToken0 ? [liquidityBase, liquidityQuote] : [liquidityQuote, liquidityBase];
  const { tickLower, tickUpper } = fullRangeTicks(tickSpacing);
  await (
    await positionManager.getFunction("mint")({
      token0,
      token1,
      fee: poolFee,
      tickLower,
      tickUpper,
      amount0Desired: amount0,
      amount1Desired: amount1,
      amount0Min: 0n,
      amount1Min: 0n,
      recipient: owner,
      deadline: MaxUint256,
    })
  ).wait();

  return {
    deployer: signer,
    weth,
    usdc,
    factory,
    swapRouter: ISwapRouter__factory.connect(await router.getAddress(), signer),
    positionManager,
    pool: IUniswapV3Pool__factory.connect(poolAddress, signer),
    poolFee,
    priceFeed,
    sequencerFeed,
    layout,
  };
}
