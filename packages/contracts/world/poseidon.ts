import { createRequire } from "node:module";

import type { Signer } from "ethers";

const require = createRequire(import.meta.url);

/** What poseidon-solidity ships for one hasher: its creation code and its CREATE2 deployment. */
interface ShippedHasher {
  /** salt ‖ creation code, sent to the deterministic-deployment proxy. */
  data: string;
  /** Where that proxy deploys it on every EVM chain. */
  address: string;
  proxyAddress: string;
}

/** The deterministic-deployment proxy, deployable on any chain by a pre-signed transaction (Nick's method). */
interface DeploymentProxy {
  /** The keyless account that signed `tx`; it needs `gas` wei to pay for it. */
  from: string;
  gas: string;
  tx: string;
  address: string;
}

const shipped = require("poseidon-solidity") as {
  PoseidonT3: ShippedHasher;
  PoseidonT6: ShippedHasher;
  proxy: DeploymentProxy;
};

/** The two Poseidon hashers the WindowLog calls. */
export interface PoseidonHashers {
  poseidonT3: string;
  poseidonT6: string;
}

/** The canonical (CREATE2) addresses of poseidon-solidity's hashers, the same on every chain. */
export const CANONICAL_POSEIDON: PoseidonHashers = {
  poseidonT3: shipped.PoseidonT3.address,
  poseidonT6: shipped.PoseidonT6.address,
};

async function hasCode(signer: Signer, address: string): Promise<boolean> {
  return (await signer.provider!.getCode(address)) !== "0x";
}

/**
 * poseidon-solidity's shipped PoseidonT3 and PoseidonT6 at their canonical addresses, the same on
 * every chain: used as they are where someone deployed them already, else deployed through the
 * deterministic-deployment proxy (present on Arbitrum One, Ethereum and most chains; on a fresh
 * local chain it is first deployed by its pre-signed transaction, which costs its keyless account
 * 0.01 ETH, sent by `signer`). Idempotent, so a resumed deployment finds the same addresses. The
 * bytecode is the package's, never recompiled.
 */
export async function ensurePoseidonHashers(signer: Signer): Promise<PoseidonHashers> {
  const proxy = shipped.proxy;
  const deployOne = async (hasher: ShippedHasher): Promise<string> => {
    if (await hasCode(signer, hasher.address)) return hasher.address;
    if (!(await hasCode(signer, proxy.address))) {
      await (await signer.sendTransaction({ to: proxy.from, value: BigInt(proxy.gas) })).wait();
      const provider = signer.provider!;
      await (await provider.broadcastTransaction(proxy.tx)).wait();
    }
    await (await signer.sendTransaction({ to: proxy.address, data: hasher.data })).wait();
    if (!(await hasCode(signer, hasher.address))) {
      throw new Error(`the deterministic-deployment proxy did not deploy Poseidon at ${hasher.address}`);
    }
    return hasher.address;
  };
  return { poseidonT3: await deployOne(shipped.PoseidonT3), poseidonT6: await deployOne(shipped.PoseidonT6) };
}
