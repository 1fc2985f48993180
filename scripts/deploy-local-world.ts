/**
 * Deploys the test world onto the network Hardhat is pointed at (a local
 * `hardhat node` in the fork suite) and writes its address book as JSON.
 *
 *   ZKAGENT_ADDRESS_BOOK=out.json hardhat run --network localhost scripts/deploy-local-world.ts
 */
import { writeFileSync } from "node:fs";

import { addressBookOf, deployWorld } from "@zkagent/contracts/world";
import { network } from "hardhat";

const out = process.env.ZKAGENT_ADDRESS_BOOK;
if (!out) throw new Error("set ZKAGENT_ADDRESS_BOOK to the JSON file the address book should go to");

const { ethers } = await network.create();
const [deployer] = await ethers.getSigners();
const world = await deployWorld(deployer!);
const chainId = Number((await ethers.provider.getNetwork()).chainId);
writeFileSync(out, JSON.stringify(await addressBookOf(world, chainId, "local hardhat node"), null, 2));
console.log(`deployed the world on chain ${chainId}; address book in ${out}`);
