import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

import { AbiCoder, getAddress, keccak256 } from "ethers";

/**
 * The two derivations the prover and the contracts must agree on bit for bit.
 * Both drop the low byte (>> 8) so the value fits the BN254 scalar field.
 *
 *   modelHash = uint256(sha256(model file bytes)) >> 8
 *   context   = uint256(keccak256(abi.encode(chainId, trader, agent, nonce))) >> 8
 *
 * Solidity twin: packages/contracts/src/libraries/ProofContext.sol.
 */

/** modelHash of raw model bytes. */
export function modelHashOfBytes(bytes: Uint8Array): bigint {
  return BigInt(`0x${createHash("sha256").update(bytes).digest("hex")}`) >> 8n;
}

/** modelHash of a model file, streamed (GGUF files can be gigabytes). */
export async function modelHashOfFile(path: string): Promise<bigint> {
  const hash = createHash("sha256");
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve());
  });
  return BigInt(`0x${hash.digest("hex")}`) >> 8n;
}

export interface ProofContextFields {
  chainId: bigint;
  trader: string;
  agent: string;
  nonce: bigint;
}

/** The context one proof is bound to: this chain, this trader contract, this agent, this nonce. */
export function proofContext({ chainId, trader, agent, nonce }: ProofContextFields): bigint {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["uint256", "address", "address", "uint256"],
    [chainId, getAddress(trader), getAddress(agent), nonce],
  );
  return BigInt(keccak256(encoded)) >> 8n;
}
