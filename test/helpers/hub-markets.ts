import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { pricesCommitment, proofContext } from "@zkagent/circuits";
import {
  EXTRA_MARKETS,
  deployExtraMarket,
  deployWindowLog,
  movePoolMarketToPrice,
  movePoolToPrice,
  pushPrice,
  pushPrices,
  type ExtraMarket,
  type ExtraMarketOptions,
} from "@zkagent/contracts/world";
import { DecentralizedTrader__factory, type DecentralizedTrader } from "@zkagent/contracts/typechain";
import { parseUnits } from "ethers";

import { deployHubWorld, packMarketSignal, type HubWorld } from "./hub-world.ts";
import { readWindow } from "./market.ts";
import { PRICE_3000, TEST_LIMITS, TEST_MODEL_HASH, TEST_POLICY, wiringOf } from "./trader-fixture.ts";

/** One listed market of the hub: its feed, and (for the extra ones) its pool and base token. */
export interface HubMarket {
  id: bigint;
  feed: HubWorld["world"]["priceFeed"];
  extra?: ExtraMarket;
}

export interface MultiMarketWorld extends HubWorld {
  markets: HubMarket[];
  /** A follower vault on each extra market (WBTC, LINK, ARB), subscribed to the world's agent. */
  extraFollowers: DecentralizedTrader[];
}

/** 2 % under each market's moving average: the band allows a BUY everywhere. */
export const belowOf = (initial: bigint) => (initial * 98n) / 100n;

/**
 * The hub world with the shared world's extra markets (WBTC, LINK, ARB against USDC, each with its
 * mock feed, window log and real Uniswap V3 pool) listed beside ETH/USD, 29 rounds at each
 * market's initial price and one 2 % below it (pools moved there), and one follower vault per
 * extra market (cap: 1 000 USD worth, as a base amount).
 */
export async function deployMultiMarketWorld(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
): Promise<MultiMarketWorld> {
  const hw = await deployHubWorld(ethers, helpers);
  const markets: HubMarket[] = [{ id: 0n, feed: hw.world.priceFeed }];
  const extraFollowers: DecentralizedTrader[] = [];
  for (const options of EXTRA_MARKETS) {
    const extra = await deployExtraMarket(hw.world, hw.owner, options);
    const feed = await extra.priceFeed.getAddress();
    const log = await deployWindowLog(hw.owner, feed);
    await hw.hub.addMarket(feed, await log.getAddress());
    markets.push({ id: BigInt(markets.length), feed: extra.priceFeed, extra });
    await pushPrices(extra.priceFeed, Array(28).fill(options.initialPrice));
    await pushPrice(extra.priceFeed, belowOf(options.initialPrice));
    await movePoolMarketToPrice(extra, hw.stranger, belowOf(options.initialPrice));

    extraFollowers.push(await deployExtraFollower(hw, extra, options, await log.getAddress()));
  }
  await pushPrice(hw.world.priceFeed, belowOf(PRICE_3000));
  await movePoolToPrice(hw.world, hw.stranger, belowOf(PRICE_3000));
  return { ...hw, markets, extraFollowers };
}

/**
 * One vault on an extra market (cap: 1 000 USD worth, as a base amount; ten caps of base and
 * 50 000 USDC deposited) subscribed on the hub to the world's agent.
 */
export async function deployExtraFollower(
  hw: HubWorld,
  extra: ExtraMarket,
  { initialPrice, decimals }: ExtraMarketOptions,
  windowLog: string,
): Promise<DecentralizedTrader> {
  const cap = (1_000n * 10n ** 8n * 10n ** BigInt(decimals)) / initialPrice;
  const vault = await new DecentralizedTrader__factory(hw.owner).deploy(
    hw.owner.address,
    await wiringOf(hw, {
      baseToken: await extra.baseToken.getAddress(),
      priceFeed: await extra.priceFeed.getAddress(),
      windowLog,
    }),
    { ...TEST_POLICY, maxPosition: cap },
    { ...TEST_LIMITS, maxVaultPosition: cap },
  );
  const address = await vault.getAddress();
  await extra.baseToken.mint(hw.owner.address, cap * 10n);
  await extra.baseToken.approve(address, cap * 10n);
  await vault.deposit(await extra.baseToken.getAddress(), cap * 10n);
  await hw.world.usdc.mint(hw.owner.address, parseUnits("50000", 6));
  await hw.world.usdc.approve(address, parseUnits("50000", 6));
  await vault.deposit(await hw.world.usdc.getAddress(), parseUnits("50000", 6));
  await vault.subscribe(await hw.hub.getAddress(), hw.agent.address);
  return vault;
}

/** The public signals of one proof covering `markets`, each with `action` and `sizeBps`. */
export async function multiMarketSignals(
  mw: MultiMarketWorld,
  markets: HubMarket[],
  action: number,
  sizeBps: bigint,
): Promise<{ signals: bigint[]; windows: { roundId: bigint; commitment: bigint }[] }> {
  const windows = [];
  for (const market of markets) {
    const { prices, roundId } = await readWindow(market.feed);
    windows.push({ roundId, commitment: pricesCommitment(prices), latest: prices.at(-1)! });
  }
  const context = proofContext({
    chainId: (await mw.agent.provider!.getNetwork()).chainId,
    trader: await mw.hub.getAddress(),
    agent: mw.agent.address,
    nonce: await mw.hub.nonceOf(mw.agent.address),
  });
  return {
    signals: [
      ...windows.map((w) => w.commitment),
      ...windows.map((w) => packMarketSignal(w.latest, w.roundId, sizeBps, action)),
      TEST_POLICY.thresholdBps,
      TEST_MODEL_HASH,
      context,
    ],
    windows,
  };
}
