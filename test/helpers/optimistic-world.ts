import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { claimOfReceipt, type ClaimFields } from "@zkagent/agent";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { OptimisticLane__factory, type OptimisticLane } from "@zkagent/contracts/typechain";
import type { ContractTransactionReceipt } from "ethers";
import { parseUnits } from "ethers";

import { deployTraderWorld, type TraderWorld } from "./trader-fixture.ts";

/** The lane every optimistic test starts from (USDC, 6 decimals). */
export const LANE = {
  challengeWindow: 3_600n,
  responseWindow: 1_800n,
  challengeBond: parseUnits("100", 6),
  slashReward: parseUnits("50", 6),
  maxPendingClaims: 3n,
};
/** What each agent bonds: enough for three 1 ETH claims at ~3 000 USD and 1 % slippage (~30 USDC each). */
export const AGENT_BOND = parseUnits("500", 6);

export interface OptimisticWorld extends TraderWorld {
  lane: OptimisticLane;
  challenger: HardhatEthersSigner;
}

/** A claim as the lane hashes it, rebuilt from its ClaimOpened event. */
export type Claim = ClaimFields;

/**
 * The trader world with an optimistic lane set on the vault, the agent bonded for it, and a
 * challenger holding USDC approved for the lane.
 */
export async function deployOptimisticWorld(ethers: HardhatEthers, helpers: NetworkHelpers): Promise<OptimisticWorld> {
  return addOptimisticLane(ethers, await deployTraderWorld(ethers, helpers));
}

/** `tw` with an optimistic lane set on its vault, the agent bonded for it, and a funded challenger. */
export async function addOptimisticLane<T extends TraderWorld>(
  ethers: HardhatEthers,
  tw: T,
): Promise<T & Pick<OptimisticWorld, "lane" | "challenger">> {
  const challenger = (await ethers.getSigners())[5]!;
  const lane = await new OptimisticLane__factory(tw.owner).deploy(
    await tw.world.usdc.getAddress(),
    LANE.challengeWindow,
    LANE.responseWindow,
    LANE.challengeBond,
    LANE.slashReward,
    LANE.maxPendingClaims,
  );
  const laneAddress = await lane.getAddress();
  await tw.trader.setOptimisticLane(laneAddress);
  for (const holder of [tw.agent, tw.otherAgent, challenger]) {
    await tw.world.usdc.mint(holder.address, parseUnits("10000", 6));
    await tw.world.usdc.connect(holder).approve(laneAddress, parseUnits("10000", 6));
  }
  await lane.connect(tw.agent).depositBond(await tw.trader.getAddress(), AGENT_BOND);
  return { ...tw, lane, challenger };
}

/** The claim a receipt's ClaimOpened carries (as a plain object the lane's calls accept). */
export function claimOf(lane: OptimisticLane, receipt: ContractTransactionReceipt): { id: string; claim: Claim } {
  return claimOfReceipt(lane, receipt);
}
