import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Action, packMarketAndTrade, packPolicyAndPosition, pricesCommitment } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { DecentralizedTrader__factory, ForgedProofVerifier__factory } from "@zkagent/contracts/typechain";
import { parseEther, parseUnits } from "ethers";

import { readWindow } from "./market.ts";
import {
  PRICE_3000,
  TEST_LIMITS,
  TEST_MODEL_HASH,
  TEST_POLICY,
  deployTraderWorld,
  wiringOf,
  type TraderWorld,
} from "./trader-fixture.ts";

export const BELOW = (PRICE_3000 * 98n) / 100n;
/** Any proof: the forged verifier accepts it. */
export const NO_PROOF = {
  a: [0n, 0n] as [bigint, bigint],
  b: [
    [0n, 0n],
    [0n, 0n],
  ] as [[bigint, bigint], [bigint, bigint]],
  c: [0n, 0n] as [bigint, bigint],
};

/** The shared world with a second vault whose verifier accepts every proof (a forged proof). */
export async function forgedWorld(ethers: HardhatEthers, networkHelpers: NetworkHelpers): Promise<TraderWorld> {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  const forged = await (await new ForgedProofVerifier__factory(tw.owner).deploy()).getAddress();
  const trader = await new DecentralizedTrader__factory(tw.owner).deploy(
    tw.owner.address,
    await wiringOf(tw, { verifier: forged }),
    TEST_POLICY,
    TEST_LIMITS,
  );
  await trader.setAgentAuthorization(tw.agent.address, true);
  await tw.world.weth.deposit({ value: parseEther("10") });
  await tw.world.weth.approve(await trader.getAddress(), parseEther("10"));
  await trader.deposit(await tw.world.weth.getAddress(), parseEther("10"));
  await tw.world.usdc.mint(tw.owner.address, parseUnits("50000", 6));
  await tw.world.usdc.approve(await trader.getAddress(), parseUnits("50000", 6));
  await trader.deposit(await tw.world.usdc.getAddress(), parseUnits("50000", 6));
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return { ...tw, trader };
}

/** Public signals a forger would submit: everything the contract checks is right except the rule. */
export async function forgedSignals(tw: TraderWorld, action: Action, size: bigint, agent = tw.agent) {
  const { prices, roundId } = await readWindow(tw.world.priceFeed);
  const position = await tw.trader.positionOf(agent.address);
  return [
    pricesCommitment(prices),
    packMarketAndTrade(roundId, prices.at(-1)!, action, size),
    packPolicyAndPosition(TEST_POLICY.maxPosition, TEST_POLICY.thresholdBps, position),
    TEST_MODEL_HASH,
    await tw.trader.expectedContext(agent.address),
  ] as [bigint, bigint, bigint, bigint, bigint];
}
