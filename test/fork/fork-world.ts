import { readFileSync } from "node:fs";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { attachWorld, canonicalAddressBooks, type AddressBook, type World } from "@zkagent/contracts/world";

/** Whether this process runs on a fork, and of what. Fork tests skip (with this message) otherwise. */
export const forkMode: "local-node" | "real-chain" | null = process.env.FORK_URL
  ? process.env.ZKAGENT_ADDRESS_BOOK
    ? "local-node"
    : "real-chain"
  : null;

export const SKIP_MESSAGE = "fork suite: FORK_URL is not set; run `pnpm fork-suite` (local node) or set FORK_URL";

/** The world on the fork: the deployed local one, or the chain's canonical contracts. */
export async function forkedWorld(ethers: HardhatEthers): Promise<{ world: World; book: AddressBook }> {
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const book: AddressBook | undefined = process.env.ZKAGENT_ADDRESS_BOOK
    ? (JSON.parse(readFileSync(process.env.ZKAGENT_ADDRESS_BOOK, "utf8")) as AddressBook)
    : canonicalAddressBooks[chainId];
  if (!book)
    throw new Error(`no address book for chain ${chainId}: add one to packages/contracts/world/address-book.ts`);
  const [signer] = await ethers.getSigners();
  return { world: await attachWorld(book, signer!), book };
}
