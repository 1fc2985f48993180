import type { Signer } from "ethers";

import { WindowLog__factory, type WindowLog } from "../typechain/index.ts";
import { ensurePoseidonHashers } from "./poseidon.ts";

/** A WindowLog for `priceFeed`, with poseidon-solidity's shipped hashers (deployed if needed). */
export async function deployWindowLog(signer: Signer, priceFeed: string): Promise<WindowLog> {
  const { poseidonT3, poseidonT6 } = await ensurePoseidonHashers(signer);
  return await (await new WindowLog__factory(signer).deploy(priceFeed, poseidonT3, poseidonT6)).waitForDeployment();
}
