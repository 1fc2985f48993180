import { expect } from "chai";

import type { TraderWorld } from "./trader-fixture.ts";

/** Everything a rejected call must leave untouched. */
export async function vaultState(tw: TraderWorld, agent: string) {
  const trader = await tw.trader.getAddress();
  return {
    weth: await tw.world.weth.balanceOf(trader),
    usdc: await tw.world.usdc.balanceOf(trader),
    position: await tw.trader.positionOf(agent),
    nonce: await tw.trader.nonceOf(agent),
  };
}

/** Asserts `run` leaves vault balances, the agent's position and its nonce exactly as they were. */
export async function expectUnchanged(tw: TraderWorld, agent: string, run: () => Promise<void>): Promise<void> {
  const before = await vaultState(tw, agent);
  await run();
  expect(await vaultState(tw, agent)).to.deep.equal(before);
}
