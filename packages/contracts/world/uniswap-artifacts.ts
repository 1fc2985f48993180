import { createRequire } from "node:module";

/** The compiled Uniswap V3 contracts exactly as Uniswap published them on npm. */
export interface UniswapArtifact {
  contractName: string;
  abi: unknown[];
  bytecode: string;
}

const require = createRequire(import.meta.url);

function load(path: string): UniswapArtifact {
  return require(path) as UniswapArtifact;
}

export const uniswapArtifacts = {
  factory: load("@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json"),
  pool: load("@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json"),
  swapRouter: load("@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json"),
  positionManager: load(
    "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json",
  ),
  /** Uniswap's quoter (deployed by the tests that quote a trade before making it). */
  quoterV2: load("@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json"),
};
