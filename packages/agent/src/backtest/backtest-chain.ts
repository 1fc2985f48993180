import { fileURLToPath } from "node:url";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { World, Zkagent } from "@zkagent/contracts/world";

const AGENT_PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The replay's chain and contracts, left running after the session (the demo's scenes use them). */
export interface SessionChain {
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
  world: World;
  zkagent: Zkagent;
  deployer: HardhatEthersSigner;
  /** The session's agent (hardhat account 1) as a signer of this chain. */
  agent: HardhatEthersSigner;
  arbitrageur: HardhatEthersSigner;
}

/**
 * A new in-process chain (Hardhat's EDR, Cancun, chain 31337, the development accounts) whose
 * genesis block is dated `genesisSeconds`, so its clock can follow a history's timestamps.
 *
 * Hardhat is loaded here, on demand, with its own minimal config: only `zkagent backtest` and the
 * demo need an EVM, so `zkagent run` never loads one, and the CLI works from any folder (it does
 * not look for the repository's hardhat.config.ts). The contracts come as typechain factories and
 * Uniswap's npm artifacts (packages/contracts/world), so no Hardhat build is needed here either.
 */
export async function createReplayChain(
  genesisSeconds: number,
): Promise<{ ethers: HardhatEthers; networkHelpers: NetworkHelpers }> {
  const [{ createHardhatRuntimeEnvironment }, { default: hardhatEthers }, { default: hardhatNetworkHelpers }] =
    await Promise.all([
      import("hardhat/hre"),
      import("@nomicfoundation/hardhat-ethers"),
      import("@nomicfoundation/hardhat-network-helpers"),
    ]);
  const hre = await createHardhatRuntimeEnvironment(
    {
      plugins: [hardhatEthers, hardhatNetworkHelpers],
      networks: {
        default: {
          type: "edr-simulated",
          chainType: "l1",
          hardfork: "cancun",
          initialDate: new Date(genesisSeconds * 1000),
        },
      },
    },
    {},
    AGENT_PACKAGE_ROOT, // Hardhat wants a package root; nothing is built or written there
  );
  const { ethers, networkHelpers } = await hre.network.connect();
  return { ethers, networkHelpers };
}
