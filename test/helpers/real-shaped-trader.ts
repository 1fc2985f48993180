import {
  deployRealShapedFeed,
  deployZkagent,
  marketOf,
  transmitPrices,
  type RealShapedFeed,
} from "@zkagent/contracts/world";
import { parseEther, parseUnits } from "ethers";

import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY, type TraderWorld } from "./trader-fixture.ts";

/** A trader world whose price feed is real-shaped: Chainlink's proxy over an OCR2-shaped aggregator. */
export interface RealShapedTraderWorld extends TraderWorld {
  feed: RealShapedFeed;
}

/**
 * A second vault in `tw`'s world (same pool, tokens, sequencer feed), wired to a real-shaped
 * ETH/USD feed holding 29 rounds at 3 000 USD, funded like the first and with the same agents.
 * Gas measured through it is what a real Chainlink feed costs.
 */
export async function deployRealShapedTrader(tw: TraderWorld): Promise<RealShapedTraderWorld> {
  const feed = await deployRealShapedFeed(tw.owner);
  const market = { ...(await marketOf(tw.world)), priceFeed: await feed.proxy.getAddress() };
  const deployed = await deployZkagent(tw.owner, market, TEST_POLICY, {
    owner: tw.owner.address,
    governor: tw.owner.address,
  });
  await deployed.registry.register(TEST_MODEL_HASH, "contract-test model", "1", "test://bytes");
  await deployed.registry.approve(TEST_MODEL_HASH);
  const traderAddress = await deployed.trader.getAddress();
  await deployed.trader.setAgentAuthorization(tw.agent.address, true);
  await tw.world.weth.deposit({ value: parseEther("10") });
  await tw.world.weth.approve(traderAddress, parseEther("10"));
  await deployed.trader.deposit(await tw.world.weth.getAddress(), parseEther("10"));
  await tw.world.usdc.mint(tw.owner.address, parseUnits("50000", 6));
  await tw.world.usdc.approve(traderAddress, parseUnits("50000", 6));
  await deployed.trader.deposit(await tw.world.usdc.getAddress(), parseUnits("50000", 6));
  await transmitPrices(feed, Array(29).fill(PRICE_3000));
  return { ...tw, ...deployed, feed };
}
