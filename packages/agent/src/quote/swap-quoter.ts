import { Contract, type Provider } from "ethers";

import { Action } from "@zkagent/circuits";

/** A trade's direction (a HOLD has no swap). */
export type TradeAction = typeof Action.BUY | typeof Action.SELL;
import type { DecentralizedTrader } from "@zkagent/contracts/typechain";

import { DEFAULT_RETRY, nodeRpcError, withRetry, type RetryOptions } from "../chain/retry.ts";
import { maxQuoteIn, minQuoteOut } from "./slippage-bound.ts";

/** Uniswap's QuoterV2 (v3-periphery, contracts/lens/QuoterV2.sol): the two single-pool quotes the agent asks. */
const QUOTER_V2_ABI = [
  "function quoteExactInputSingle((address tokenIn, address tokenOut, uint256 amountIn, uint24 fee, uint160 sqrtPriceLimitX96) params) returns (uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)",
  "function quoteExactOutputSingle((address tokenIn, address tokenOut, uint256 amount, uint24 fee, uint160 sqrtPriceLimitX96) params) returns (uint256 amountIn, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)",
];
const DECIMALS_ABI = ["function decimals() view returns (uint8)"];

/**
 * An eth_call that reverted: ethers' CALL_EXCEPTION over JSON-RPC, or an error carrying the node's
 * code 3 ("execution reverted", EIP-1474) as Hardhat's in-process provider throws it.
 */
function isRevert(error: unknown): boolean {
  const e = error as { code?: unknown } | undefined;
  return e?.code === "CALL_EXCEPTION" || e?.code === 3 || nodeRpcError(error)?.code === 3;
}

/**
 * Quotes the vault's own swaps on its Uniswap V3 pool through QuoterV2, and computes the oracle
 * bound the trader will hold them to, so the agent knows before proving whether a trade can fill.
 * A BUY takes exactly `size` base (quoteExactOutputSingle: the quote it would pay); a SELL sells
 * exactly `size` (quoteExactInputSingle: the quote it would get). QuoterV2 runs the real swap and
 * reverts with its result by design; ethers' staticCall (eth_call) reads it without a transaction.
 */
export class SwapQuoter {
  private constructor(
    readonly quoterAddress: string,
    private readonly quoter: Contract,
    readonly baseToken: string,
    readonly quoteToken: string,
    /** 10^(baseDecimals + feedDecimals − quoteDecimals), as the trader's _quoteScale. */
    readonly quoteScale: bigint,
    private readonly retry: RetryOptions,
  ) {}

  /** Reads the vault's tokens and the decimals of its tokens and feed once (they are immutable in the trader). */
  static async connect(
    quoterAddress: string,
    trader: DecentralizedTrader,
    provider: Provider,
    retry: RetryOptions = DEFAULT_RETRY,
  ): Promise<SwapQuoter> {
    const rpc = <T>(operation: () => Promise<T>) => withRetry(operation, retry);
    const [baseToken, quoteToken, feed] = await Promise.all([
      rpc(() => trader.baseToken()),
      rpc(() => trader.quoteToken()),
      rpc(() => trader.priceFeed()),
    ]);
    const decimalsOf = (address: string) =>
      rpc(() => new Contract(address, DECIMALS_ABI, provider).getFunction("decimals")() as Promise<bigint>);
    const [baseDecimals, quoteDecimals, feedDecimals] = await Promise.all([
      decimalsOf(baseToken),
      decimalsOf(quoteToken),
      decimalsOf(feed),
    ]);
    const quoteScale = 10n ** (BigInt(baseDecimals) + BigInt(feedDecimals) - BigInt(quoteDecimals));
    return new SwapQuoter(
      quoterAddress,
      new Contract(quoterAddress, QUOTER_V2_ABI, provider),
      baseToken,
      quoteToken,
      quoteScale,
      retry,
    );
  }

  /**
   * What the swap of `size` base would cost (BUY) or bring (SELL) on the pool of fee `fee` now, in
   * quote units; undefined if the pool cannot fill it (the quoter reverts: too little liquidity
   * for an exact output, or no such pool). An RPC failure is retried, then thrown.
   */
  async quote(action: TradeAction, size: bigint, fee: bigint): Promise<bigint | undefined> {
    const common = { fee, sqrtPriceLimitX96: 0n };
    try {
      const [amount] = (await withRetry(
        () =>
          action === Action.BUY
            ? this.quoter
                .getFunction("quoteExactOutputSingle")
                .staticCall({ tokenIn: this.quoteToken, tokenOut: this.baseToken, amount: size, ...common })
            : this.quoter
                .getFunction("quoteExactInputSingle")
                .staticCall({ tokenIn: this.baseToken, tokenOut: this.quoteToken, amountIn: size, ...common }),
        this.retry,
      )) as unknown as [bigint];
      return amount;
    } catch (error) {
      // A revert is the pool's answer (it cannot fill this); anything else is not.
      if (isRevert(error)) return undefined;
      throw error;
    }
  }

  /** The trader's bound for the trade: the most a BUY may pay, the least a SELL must get (0: too small to bound). */
  bound(action: TradeAction, size: bigint, price: bigint, maxSlippageBps: bigint): bigint {
    return action === Action.BUY
      ? maxQuoteIn(size, price, this.quoteScale, maxSlippageBps)
      : minQuoteOut(size, price, this.quoteScale, maxSlippageBps);
  }
}
