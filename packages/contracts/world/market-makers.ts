/**
 * The world's market makers: a liquidity provider whose concentrated position follows the price
 * with the same base depth at every price, and an arbitrageur that moves the pool to the oracle
 * from a finite inventory it recycles (contracts in packages/contracts/src/world/). Both are
 * funded once, here; nothing mints or wraps for them afterwards.
 */
import type { Signer } from "ethers";

import {
  WorldArbitrageur__factory,
  WorldLiquidityProvider__factory,
  type IUniswapV3Pool,
  type WorldArbitrageur,
  type WorldLiquidityProvider,
} from "../typechain/index.ts";
import { asWorldInventoryError } from "./inventory-error.ts";

/** Amounts of a market's base and quote token, in their own units. */
export interface Inventory {
  base: bigint;
  quote: bigint;
}

/** The contracts that make one market: the arbitrageur (shared by the world's markets) and the market's liquidity provider. */
export interface MarketActors {
  arbitrageur: WorldArbitrageur;
  liquidityProvider: WorldLiquidityProvider;
}

/** How the liquidity provider places its position. */
export interface RangeShape {
  /** Half the position's width in ticks, a multiple of the tick spacing. Default 1 200 (±12.7 %). */
  halfWidthTicks?: number;
  /** Re-centre once the price is this many ticks from the centre. Default 600 (6.2 %). */
  recenterTicks?: number;
}

export const DEFAULT_RANGE_HALF_WIDTH_TICKS = 1_200;
export const DEFAULT_RECENTER_TICKS = 600;

/**
 * Default inventories, against the liquidity's value at the start price (`baseDepth` base and its
 * value in quote): a quarter of `baseDepth` in base each (the position holds about 6 % of it; the
 * rest pays for moves down, and the base is wrapped ETH), and 200× (provider) and 100×
 * (arbitrageur) that value in quote. A closed world that keeps the same base depth from P0 up to
 * 1 000 · P0 must hold at P0 the quote its position needs at 1 000 · P0 (about 58 · baseDepth · P0
 * for the default range) plus what the arbitrageur's moves take from the position on the way (its
 * loss-versus-rebalancing, net of fees); the quote is test money.
 */
export const DEFAULT_INVENTORY_SHARES = {
  liquidityProvider: { baseBps: 2_500n, quoteMultiple: 200n },
  arbitrageur: { baseBps: 2_500n, quoteMultiple: 100n },
} as const;

/** The default inventories for a market of `baseDepth` base worth `quoteValue` quote at its start price. */
export function defaultInventories(
  baseDepth: bigint,
  quoteValue: bigint,
): { liquidityProvider: Inventory; arbitrageur: Inventory } {
  const { liquidityProvider: lp, arbitrageur: arb } = DEFAULT_INVENTORY_SHARES;
  return {
    liquidityProvider: { base: (baseDepth * lp.baseBps) / 10_000n, quote: quoteValue * lp.quoteMultiple },
    arbitrageur: { base: (baseDepth * arb.baseBps) / 10_000n, quote: quoteValue * arb.quoteMultiple },
  };
}

/** Deploys the world's arbitrageur for `factory`'s pools, owned by `signer`. */
export async function deployArbitrageur(factory: string, signer: Signer): Promise<WorldArbitrageur> {
  const arbitrageur = await new WorldArbitrageur__factory(signer).deploy(factory, await signer.getAddress());
  return arbitrageur.waitForDeployment();
}

export interface FollowingLiquidityParams extends RangeShape {
  /** Owner of the arbitrageur; pays for the setup. */
  signer: Signer;
  pool: IUniswapV3Pool;
  arbitrageur: WorldArbitrageur;
  baseToken: string;
  /** The virtual base reserve every position is minted with, in base units. */
  baseDepth: bigint;
  inventories: { liquidityProvider: Inventory; arbitrageur: Inventory };
  /** Sends `amount` of the base (or quote) token to `to`: the only place tokens enter the world. */
  fund(to: string, isBase: boolean, amount: bigint): Promise<void>;
}

/**
 * Deploys a market's liquidity provider, funds it and tops up the arbitrageur with their
 * inventories, registers the provider with the arbitrageur and mints the first position.
 */
export async function provideFollowingLiquidity(params: FollowingLiquidityParams): Promise<WorldLiquidityProvider> {
  const halfWidthTicks = params.halfWidthTicks ?? DEFAULT_RANGE_HALF_WIDTH_TICKS;
  const recenterTicks = params.recenterTicks ?? DEFAULT_RECENTER_TICKS;
  const poolAddress = await params.pool.getAddress();
  const liquidityProvider = await (
    await new WorldLiquidityProvider__factory(params.signer).deploy(
      poolAddress,
      await params.arbitrageur.getAddress(),
      params.baseToken,
      params.baseDepth,
      halfWidthTicks,
      recenterTicks,
    )
  ).waitForDeployment();
  const lpAddress = await liquidityProvider.getAddress();
  const arbitrageurAddress = await params.arbitrageur.getAddress();
  const { liquidityProvider: lpInventory, arbitrageur: arbInventory } = params.inventories;
  await params.fund(lpAddress, true, lpInventory.base);
  await params.fund(lpAddress, false, lpInventory.quote);
  await params.fund(arbitrageurAddress, true, arbInventory.base);
  await params.fund(arbitrageurAddress, false, arbInventory.quote);
  await (await params.arbitrageur.connect(params.signer).setLiquidityProvider(poolAddress, lpAddress)).wait();
  await asWorldInventoryError(params.signer, "minting its first position", async () =>
    (await liquidityProvider.recenter()).wait(),
  );
  return liquidityProvider;
}
