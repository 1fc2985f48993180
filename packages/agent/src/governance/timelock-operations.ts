import { Contract, type Provider } from "ethers";

import type { TimelockCall } from "./describe-call.ts";

/** A timelock operation's state (TimelockController.OperationState, plus "cancelled" for Unset after scheduling). */
export type OperationState = "waiting" | "ready" | "done" | "cancelled";

/** One operation scheduled on a TimelockController, rebuilt from its events. */
export interface TimelockOperation {
  id: string;
  calls: TimelockCall[];
  predecessor: string;
  salt: string;
  /** The delay it was scheduled with, in seconds. */
  delay: bigint;
  scheduledBlock: number;
  scheduledTx: string;
  /** When it may be executed (seconds since the epoch), 0 once done or cancelled. */
  readyAt: bigint;
  state: OperationState;
}

export const TIMELOCK_ABI = [
  "event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay)",
  "event CallSalt(bytes32 indexed id, bytes32 salt)",
  "function getTimestamp(bytes32 id) view returns (uint256)",
  "function getMinDelay() view returns (uint256)",
];

/** TimelockController's marker for an executed operation (`_DONE_TIMESTAMP`). */
const DONE_TIMESTAMP = 1n;

/** Whether `address` answers as a TimelockController (its delay), and the delay if so. */
export async function timelockDelayOf(provider: Provider, address: string): Promise<bigint | undefined> {
  if ((await provider.getCode(address)) === "0x") return undefined;
  try {
    return (await new Contract(address, TIMELOCK_ABI, provider).getFunction("getMinDelay")()) as bigint;
  } catch {
    return undefined;
  }
}

/**
 * The operations scheduled on `timelock` in blocks `fromBlock..toBlock` (scanned in chunks of
 * `chunkBlocks`, as public RPCs cap a log query's range), each with its current state read from
 * the contract (so execution and cancellation need no events of their own).
 */
export async function readTimelockOperations(
  provider: Provider,
  timelock: string,
  { fromBlock = 0, toBlock, chunkBlocks = 50_000 }: { fromBlock?: number; toBlock?: number; chunkBlocks?: number } = {},
): Promise<TimelockOperation[]> {
  const contract = new Contract(timelock, TIMELOCK_ABI, provider);
  const last = toBlock ?? (await provider.getBlockNumber());
  const byId = new Map<string, TimelockOperation>();
  for (let from = fromBlock; from <= last; from += chunkBlocks) {
    const to = Math.min(last, from + chunkBlocks - 1);
    const [scheduled, salts] = await Promise.all([
      contract.queryFilter(contract.filters.CallScheduled!(), from, to),
      contract.queryFilter(contract.filters.CallSalt!(), from, to),
    ]);
    for (const log of scheduled) {
      if (!("args" in log)) continue;
      const [id, index, target, value, data, predecessor, delay] = log.args as unknown as [
        string,
        bigint,
        string,
        bigint,
        string,
        string,
        bigint,
      ];
      let op = byId.get(id);
      if (!op || op.scheduledBlock !== log.blockNumber) {
        // The same id again (scheduled, cancelled, scheduled anew) starts over.
        op = {
          id,
          calls: [],
          predecessor,
          salt: `0x${"0".repeat(64)}`,
          delay,
          scheduledBlock: log.blockNumber,
          scheduledTx: log.transactionHash,
          readyAt: 0n,
          state: "cancelled",
        };
        byId.set(id, op);
      }
      op.calls[Number(index)] = { target, value, data };
    }
    for (const log of salts) {
      if (!("args" in log)) continue;
      const [id, salt] = log.args as unknown as [string, string];
      const op = byId.get(id);
      if (op) op.salt = salt;
    }
  }
  const latest = await provider.getBlock(last);
  const now = BigInt(latest?.timestamp ?? 0);
  await Promise.all(
    [...byId.values()].map(async (op) => {
      const timestamp = (await contract.getFunction("getTimestamp")(op.id)) as bigint;
      op.state =
        timestamp === 0n ? "cancelled" : timestamp === DONE_TIMESTAMP ? "done" : timestamp <= now ? "ready" : "waiting";
      op.readyAt = timestamp > DONE_TIMESTAMP ? timestamp : 0n;
    }),
  );
  return [...byId.values()].sort((a, b) => a.scheduledBlock - b.scheduledBlock);
}
