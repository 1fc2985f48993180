import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Provider } from "ethers";

/** The repository's deployment records (deployments/<network>/zkagent.json, see deployments/README.md). */
export const DEPLOYMENTS_DIR = fileURLToPath(new URL("../../../../deployments/", import.meta.url));

/** Where a contract's history starts, and how that was found. */
export interface DeploymentBlock {
  block: number;
  source: "deployment record" | "code search" | "unknown";
  detail: string;
}

interface DeploymentRecord {
  chainId?: number;
  deployedAtBlock?: number | null;
  contracts?: Record<string, { address?: string; tx?: string | null }>;
}

/**
 * The block `address` was deployed in: from a deployment record of this chain naming it (its
 * creation transaction's block, or the record's deployedAtBlock), else by binary search for the
 * first block at which it has code (about log2(toBlock) eth_getCode calls, which needs a node
 * that serves old state). A node that cannot answer leaves block 0, said so in `detail`.
 */
export async function deploymentBlock(
  provider: Provider,
  address: string,
  toBlock: number,
  { chainId, recordsDir = DEPLOYMENTS_DIR }: { chainId: bigint; recordsDir?: string },
): Promise<DeploymentBlock> {
  for (const { network, record } of await deploymentRecords(recordsDir)) {
    if (BigInt(record.chainId ?? -1) !== chainId) continue;
    const entry = Object.values(record.contracts ?? {}).find((c) => c.address?.toLowerCase() === address.toLowerCase());
    if (!entry) continue;
    const receipt = entry.tx ? await provider.getTransactionReceipt(entry.tx) : null;
    const block = receipt?.blockNumber ?? record.deployedAtBlock;
    if (typeof block === "number") {
      return { block, source: "deployment record", detail: `deployments/${network}/zkagent.json` };
    }
  }
  try {
    if ((await provider.getCode(address, toBlock)) === "0x") {
      return { block: toBlock, source: "code search", detail: `no code at ${address} by block ${toBlock}` };
    }
    let [withoutCode, withCode] = [-1, toBlock];
    while (withCode - withoutCode > 1) {
      const middle = Math.floor((withoutCode + withCode) / 2);
      if ((await provider.getCode(address, middle)) === "0x") withoutCode = middle;
      else withCode = middle;
    }
    return { block: withCode, source: "code search", detail: `first block with code at ${address}` };
  } catch (error) {
    return {
      block: 0,
      source: "unknown",
      detail: `the node cannot serve old state (${(error as Error).message.split("\n")[0]}): reading from block 0; pass --from-block to start at the deployment`,
    };
  }
}

async function deploymentRecords(dir: string): Promise<{ network: string; record: DeploymentRecord }[]> {
  const networks = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const records: { network: string; record: DeploymentRecord }[] = [];
  for (const entry of networks) {
    if (!entry.isDirectory()) continue;
    try {
      const text = await readFile(join(dir, entry.name, "zkagent.json"), "utf8");
      records.push({ network: entry.name, record: JSON.parse(text) as DeploymentRecord });
    } catch {
      // not a network folder with a record (ignition/, or a half-written one)
    }
  }
  return records;
}
