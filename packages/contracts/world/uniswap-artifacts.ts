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

/**
 * keccak256 of UniswapV3Pool's creation code: the CREATE2 hash from which every Uniswap V3 pool's
 * address follows (Uniswap's periphery PoolAddress.POOL_INIT_CODE_HASH, the same on every chain
 * Uniswap deployed to). The world's pools come from the same bytecode (test/contracts/direct-swap checks it).
 */
export const UNISWAP_V3_POOL_INIT_CODE_HASH = "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54";

export const uniswapArtifacts = {
  factory: load("@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json"),
  pool: load("@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json"),
  swapRouter: load("@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json"),
  positionManager: load(
    "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json",
  ),
  /** Uniswap's quoter (deployed with every world: the agent quotes a trade before proving it). */
  quoterV2: load("@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json"),
};
