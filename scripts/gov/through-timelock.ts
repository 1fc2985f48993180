/**
 * For local chains only (`pnpm local-network`, tests): schedules `calls` as one timelock operation,
 * moves the chain's clock past the delay (evm_increaseTime), and executes it. On a live network
 * the same steps are `hardhat gov schedule`, the wait, and `hardhat gov execute`.
 */
import { TimelockController__factory } from "@zkagent/contracts/typechain";
import { ZeroHash, hexlify, randomBytes, type JsonRpcProvider, type Signer } from "ethers";

import type { TimelockCall } from "@zkagent/agent";

export async function throughTimelock(
  signer: Signer,
  provider: JsonRpcProvider,
  timelockAddress: string,
  calls: Pick<TimelockCall, "target" | "data">[],
): Promise<{ id: string; delay: bigint }> {
  const timelock = TimelockController__factory.connect(timelockAddress, signer);
  const delay = await timelock.getMinDelay();
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0n);
  const payloads = calls.map((c) => c.data);
  const salt = hexlify(randomBytes(32));
  await (await timelock.scheduleBatch(targets, values, payloads, ZeroHash, salt, delay)).wait();
  await provider.send("evm_increaseTime", [`0x${delay.toString(16)}`]);
  await provider.send("evm_mine", []);
  await (await timelock.executeBatch(targets, values, payloads, ZeroHash, salt)).wait();
  return { id: await timelock.hashOperationBatch(targets, values, payloads, ZeroHash, salt), delay };
}
