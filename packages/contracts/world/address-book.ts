import type { Signer } from "ethers";
import { Contract } from "ethers";

import {
  IUniswapV3Pool__factory,
  ISwapRouter__factory,
  MockV3Aggregator__factory,
  TestStablecoin__factory,
  WETH9__factory,
  WorldArbitrageur__factory,
  WorldLiquidityProvider__factory,
} from "../typechain/index.ts";
import { USDC_DECIMALS, WETH_DECIMALS, type World } from "./deploy-world.ts";
import { uniswapArtifacts } from "./uniswap-artifacts.ts";

/** The addresses one chain's world is made of. */
export interface AddressBook {
  chainId: number;
  name: string;
  weth: string;
  usdc: string;
  uniswapV3Factory: string;
  swapRouter: string;
  positionManager: string;
  ethUsdFeed: string;
  /** Chainlink L2 sequencer-uptime feed; absent on L1s. */
  sequencerUptimeFeed?: string;
  poolFee: number;
  /** True only for worlds this project deployed (mintable USDC, pushable mock feeds). */
  local?: boolean;
  /** A local world's arbitrageur (it moves the pool from a finite inventory). */
  worldArbitrageur?: string;
  /** A local world's price-following liquidity provider of the WETH/USDC pool. */
  worldLiquidityProvider?: string;
  /** Uniswap's QuoterV2 (the agent's quoterAddress), where known. */
  quoterV2?: string;
}

/**
 * Canonical addresses per chain. Sources:
 * - Uniswap V3 (SwapRouter, factory, position manager): docs.uniswap.org,
 *   "Deployment Addresses" (same addresses on Ethereum and Arbitrum One).
 * - Chainlink ETH/USD and the sequencer-uptime feed: docs.chain.link,
 *   "Price Feed Contract Addresses" and "L2 Sequencer Uptime Feeds".
 * - WETH and USDC: the tokens' own deployments (Circle's native USDC on Arbitrum).
 * - QuoterV2 on Arbitrum One: docs.uniswap.org, "Deployment Addresses" → Arbitrum Deployments.
 */
export const canonicalAddressBooks: Record<number, AddressBook> = {
  1: {
    chainId: 1,
    name: "Ethereum mainnet",
    weth: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
    usdc: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    uniswapV3Factory: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
    swapRouter: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
    positionManager: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
    ethUsdFeed: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
    poolFee: 3000,
  },
  42161: {
    chainId: 42161,
    name: "Arbitrum One",
    weth: "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1",
    usdc: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
    uniswapV3Factory: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
    swapRouter: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
    positionManager: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
    ethUsdFeed: "0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612",
    sequencerUptimeFeed: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
    quoterV2: "0x61fFE014bA17989E743c5F6cB21bF9697530B21e",
    poolFee: 500,
  },
};

/** The address book of a world this project deployed. */
export async function addressBookOf(world: World, chainId: number, name: string): Promise<AddressBook> {
  return {
    chainId,
    name,
    weth: await world.weth.getAddress(),
    usdc: await world.usdc.getAddress(),
    uniswapV3Factory: await world.factory.getAddress(),
    swapRouter: await world.swapRouter.getAddress(),
    positionManager: await world.positionManager.getAddress(),
    ethUsdFeed: await world.priceFeed.getAddress(),
    sequencerUptimeFeed: await world.sequencerFeed.getAddress(),
    poolFee: world.poolFee,
    local: true,
    ...(world.arbitrageur && world.liquidityProvider
      ? {
          worldArbitrageur: await world.arbitrageur.getAddress(),
          worldLiquidityProvider: await world.liquidityProvider.getAddress(),
        }
      : {}),
    ...(world.quoter ? { quoterV2: await world.quoter.getAddress() } : {}),
  };
}

/** Connects to an existing world (a fork of a local node or of a real chain) by its address book. */
export async function attachWorld(book: AddressBook, signer: Signer): Promise<World> {
  const factory = new Contract(book.uniswapV3Factory, uniswapArtifacts.factory.abi as never, signer);
  const poolAddress = (await factory.getFunction("getPool")(book.weth, book.usdc, book.poolFee)) as string;
  return {
    deployer: signer,
    weth: WETH9__factory.connect(book.weth, signer),
    // Typed as the test stablecoin; on a real chain only its ERC20 functions are used.
    usdc: TestStablecoin__factory.connect(book.usdc, signer),
    factory,
    swapRouter: ISwapRouter__factory.connect(book.swapRouter, signer),
    positionManager: new Contract(book.positionManager, uniswapArtifacts.positionManager.abi as never, signer),
    pool: IUniswapV3Pool__factory.connect(poolAddress, signer),
    poolFee: book.poolFee,
    priceFeed: MockV3Aggregator__factory.connect(book.ethUsdFeed, signer),
    sequencerFeed: MockV3Aggregator__factory.connect(book.sequencerUptimeFeed ?? book.ethUsdFeed, signer),
    layout: {
      baseIsToken0: BigInt(book.weth) < BigInt(book.usdc),
      baseDecimals: WETH_DECIMALS,
      quoteDecimals: USDC_DECIMALS,
    },
    ...(book.worldArbitrageur && book.worldLiquidityProvider
      ? {
          arbitrageur: WorldArbitrageur__factory.connect(book.worldArbitrageur, signer),
          liquidityProvider: WorldLiquidityProvider__factory.connect(book.worldLiquidityProvider, signer),
        }
      : {}),
    ...(book.quoterV2 ? { quoter: new Contract(book.quoterV2, uniswapArtifacts.quoterV2.abi as never, signer) } : {}),
  };
}
