import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { pricesCommitment, proofContext } from "@zkagent/circuits";
import {
  AcceptingSignalVerifier__factory,
  DecentralizedTrader__factory,
  SignalHub__factory,
  type DecentralizedTrader,
  type SignalHub,
} from "@zkagent/contracts/typechain";
import { parseEther, parseUnits } from "ethers";

import { readWindow } from "./market.ts";
import {
  TEST_LIMITS,
  TEST_MODEL_HASH,
  TEST_POLICY,
  deployTraderWorld,
  wiringOf,
  type TraderWorld,
} from "./trader-fixture.ts";

/** The followers' caps: each vault sizes a signal against its own. */
export const FOLLOWER_CAPS = [parseEther("2"), parseEther("1"), parseEther("4")];

export interface HubWorld extends TraderWorld {
  hub: SignalHub;
  followers: DecentralizedTrader[];
}

/** A market's packed public signal (circuits/src/circom/signal.circom). */
export function packMarketSignal(latestPrice: bigint, roundId: bigint, sizeBps: bigint, action: number): bigint {
  return latestPrice | (roundId << 64n) | (sizeBps << 144n) | (BigInt(action) << 158n);
}

/**
 * The trader world plus a signal hub listing the world's ETH/USD market, with a verifier that
 * accepts any proof for K = 1 (the hub's own checks are what these tests are about; the real
 * verifier's are tested with real proofs), and three follower vaults (caps 2, 1 and 4 ETH, each
 * funded with 10 WETH and 50 000 USDC) subscribed to the world's agent.
 */
export async function deployHubWorld(ethers: HardhatEthers, helpers: NetworkHelpers): Promise<HubWorld> {
  const tw = await deployTraderWorld(ethers, helpers);
  const hub = await new SignalHub__factory(tw.owner).deploy(
    tw.owner.address,
    await tw.registry.getAddress(),
    TEST_POLICY.maxOracleAge,
  );
  await hub.addMarket(await tw.world.priceFeed.getAddress(), await tw.windowLog.getAddress());
  const accepting = await new AcceptingSignalVerifier__factory(tw.owner).deploy();
  await hub.setVerifier(1n, await accepting.getAddress());

  const followers: DecentralizedTrader[] = [];
  for (const cap of FOLLOWER_CAPS) followers.push(await deployFollower(tw, hub, cap));
  return { ...tw, hub, followers };
}

/**
 * One more ETH/USD vault (cap `cap`, 10 WETH and 50 000 USDC deposited) subscribed on `hub` to the
 * world's agent.
 */
export async function deployFollower(tw: TraderWorld, hub: HubWorld["hub"], cap: bigint): Promise<DecentralizedTrader> {
  const vault = await new DecentralizedTrader__factory(tw.owner).deploy(
    tw.owner.address,
    await wiringOf(tw),
    { ...TEST_POLICY, maxPosition: cap },
    TEST_LIMITS,
  );
  const address = await vault.getAddress();
  await tw.world.weth.deposit({ value: parseEther("10") });
  await tw.world.weth.approve(address, parseEther("10"));
  await vault.deposit(await tw.world.weth.getAddress(), parseEther("10"));
  await tw.world.usdc.mint(tw.owner.address, parseUnits("50000", 6));
  await tw.world.usdc.approve(address, parseUnits("50000", 6));
  await vault.deposit(await tw.world.usdc.getAddress(), parseUnits("50000", 6));
  await vault.subscribe(await hub.getAddress(), tw.agent.address);
  return vault;
}

/** The public signals of a one-market signal over the feed's current window, bound to the hub. */
export async function hubSignals(
  hw: HubWorld,
  action: number,
  sizeBps: bigint,
  overrides: { modelHash?: bigint; thresholdBps?: bigint; nonce?: bigint } = {},
) {
  const { prices, roundId } = await readWindow(hw.world.priceFeed);
  const chainId = (await hw.agent.provider!.getNetwork()).chainId;
  const context = proofContext({
    chainId,
    trader: await hw.hub.getAddress(),
    agent: hw.agent.address,
    nonce: overrides.nonce ?? (await hw.hub.nonceOf(hw.agent.address)),
  });
  return {
    roundId,
    commitment: pricesCommitment(prices),
    signals: [
      pricesCommitment(prices),
      packMarketSignal(prices.at(-1)!, roundId, sizeBps, action),
      overrides.thresholdBps ?? TEST_POLICY.thresholdBps,
      overrides.modelHash ?? TEST_MODEL_HASH,
      context,
    ],
  };
}
