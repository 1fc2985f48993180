import { Contract, MaxUint256, type Signer } from "ethers";

import { fullRangeTicks } from "./price-math.ts";

// Only approve is called, on tokens of several kinds (WETH9, the test stablecoin, test tokens).
const ERC20_APPROVE_ABI = ["function approve(address spender, uint256 value) returns (bool)"];

/** A pool's pair as a full-range position sees it: its base and quote tokens, fee tier and tick spacing. */
export interface FullRangePair {
  baseToken: string;
  quoteToken: string;
  /** Whether the base token sorts first (is the pool's token0). */
  baseIsToken0: boolean;
  fee: number;
  tickSpacing: number;
}

/**
 * Mints one full-range position of `amounts` (base, quote) through Uniswap's
 * NonfungiblePositionManager, owned by `signer`, which must already hold both amounts: it approves
 * the position manager for both tokens, then mints with no minimum and no deadline (a world being
 * built has no one to front-run it). The pool must exist and be initialised.
 */
export async function mintFullRangePosition(
  signer: Signer,
  positionManager: Contract,
  pair: FullRangePair,
  [amountBase, amountQuote]: readonly [bigint, bigint],
): Promise<void> {
  const owner = await signer.getAddress();
  const positionManagerAddress = await positionManager.getAddress();
  for (const token of [pair.baseToken, pair.quoteToken]) {
    const erc20 = new Contract(token, ERC20_APPROVE_ABI, signer);
    await (await erc20.getFunction("approve")(positionManagerAddress, MaxUint256)).wait();
  }
  const [token0, token1] = pair.baseIsToken0 ? [pair.baseToken, pair.quoteToken] : [pair.quoteToken, pair.baseToken];
  const [amount0, amount1] = pair.baseIsToken0 ? [amountBase, amountQuote] : [amountQuote, amountBase];
  const { tickLower, tickUpper } = fullRangeTicks(pair.tickSpacing);
  await (
    await positionManager.getFunction("mint")({
      token0,
      token1,
      fee: pair.fee,
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
}
