import { expect } from "chai";
import type { World } from "@zkagent/contracts/world";

/**
 * Everything a refused call on the world's market makers must leave as it was: the pool's price,
 * the liquidity provider's position, and the WETH and USDC of the pool, the provider, the
 * arbitrageur and `others`.
 */
export async function worldState(world: World, others: string[] = []) {
  const lp = world.liquidityProvider!;
  const holders = [
    await world.pool.getAddress(),
    await lp.getAddress(),
    await world.arbitrageur!.getAddress(),
    ...others,
  ];
  return {
    sqrtPriceX96: (await world.pool.slot0()).sqrtPriceX96,
    position: [await lp.tickLower(), await lp.tickUpper(), await lp.liquidity()],
    weth: await Promise.all(holders.map((h) => world.weth.balanceOf(h))),
    usdc: await Promise.all(holders.map((h) => world.usdc.balanceOf(h))),
  };
}

/** Asserts `run` leaves {@link worldState} exactly as it was. */
export async function expectWorldUnchanged(world: World, run: () => Promise<void>, others: string[] = []) {
  const before = await worldState(world, others);
  await run();
  expect(await worldState(world, others)).to.deep.equal(before);
}
