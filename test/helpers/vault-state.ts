import { expect } from "chai";

import type { DecentralizedTrader } from "@zkagent/contracts/typechain";

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

/**
 * Everything a refused follow must leave untouched in a following vault: its balances, its book
 * of the publisher it follows (position, nonce), its use of the vault-wide limits (exposure,
 * trades and notional in the period and in the block) and the last round it followed.
 */
export async function followerState(tw: TraderWorld, vault: DecentralizedTrader, publisher: string) {
  const address = await vault.getAddress();
  const usage = await vault.vaultUsage();
  return {
    weth: await tw.world.weth.balanceOf(address),
    usdc: await tw.world.usdc.balanceOf(address),
    position: await vault.positionOf(publisher),
    nonce: await vault.nonceOf(publisher),
    usage: {
      totalPosition: usage.totalPosition,
      usagePeriod: usage.usagePeriod,
      tradesInPeriod: usage.tradesInPeriod,
      notionalInPeriod: usage.notionalInPeriod,
      lastTradeBlock: usage.lastTradeBlock,
      tradesInBlock: usage.tradesInBlock,
    },
    lastFollowedRound: await vault.lastFollowedRound(),
  };
}

/**
 * Asserts `run` (a refused `followSignal`) leaves the follower as it was: see `followerState`.
 * The publisher is read before `run`, so a test that unsubscribes first still checks the book of
 * the agent the vault followed.
 */
export async function expectFollowerUnchanged(
  tw: TraderWorld,
  vault: DecentralizedTrader,
  run: () => Promise<void>,
): Promise<void> {
  const publisher = await vault.signalPublisher();
  const before = await followerState(tw, vault, publisher);
  await run();
  expect(await followerState(tw, vault, publisher)).to.deep.equal(before);
}
