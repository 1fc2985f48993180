import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { deployWorld, type World, type WorldOptions } from "@zkagent/contracts/world";

/** Deploys the shared world with the network's first signer as deployer. */
export async function deployTestWorld(ethers: HardhatEthers, options?: WorldOptions): Promise<World> {
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("no signer available on this network");
  return deployWorld(deployer, options);
}
