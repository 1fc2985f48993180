import { Result, Transaction, type Interface, type JsonRpcProvider } from "ethers";

import {
  DecentralizedTrader__factory,
  OptimisticLane__factory,
  SignalHub__factory,
} from "@zkagent/contracts/typechain";

import type { JournalRecord } from "./journal/journal.ts";

/**
 * `zkagent once --dry-run` stops here: the node was asked to broadcast signed bytes, and a dry
 * run sends nothing. Deliberately not an AgentError, so no layer mistakes it for a fault to retry,
 * journal or report: it unwinds the cycle to the command, which prints what would have been sent.
 */
export class DryRunStop extends Error {
  override readonly name = "DryRunStop";

  constructor(readonly rawTx: string) {
    super("dry run: the signed transaction was not broadcast");
  }
}

/**
 * Makes `provider` refuse every request that would put a transaction on the chain
 * (eth_sendRawTransaction, eth_sendTransaction) by throwing DryRunStop with the signed bytes;
 * reads, simulation (eth_estimateGas, eth_call) and nonce queries go through as usual. Every
 * refused transaction is also added to `refused`: a step that carries on past a failed send (the
 * optimistic path's claim keeper retries next pass) still shows in the dry run's report.
 */
export function refuseBroadcasts(provider: JsonRpcProvider, refused: string[] = []): string[] {
  const send = provider.send.bind(provider);
  provider.send = async (method: string, params: unknown[] | Record<string, unknown>) => {
    if (method === "eth_sendRawTransaction" || method === "eth_sendTransaction") {
      const raw = method === "eth_sendRawTransaction" ? String((params as unknown[])[0]) : "";
      refused.push(raw);
      throw new DryRunStop(raw);
    }
    return send(method, params);
  };
  return refused;
}

/** What a dry run would have sent, decoded for the operator. */
export interface WouldSend {
  hash: string;
  from: string;
  to: string;
  chainId: bigint;
  /** The account's transaction nonce (not the trader's trade nonce). */
  nonce: number;
  gasLimit: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value: bigint;
  /** The contract function, e.g. executeTrade, and its arguments by name. */
  function?: string;
  args?: Record<string, unknown>;
  raw: string;
}

const KNOWN = [
  DecentralizedTrader__factory.createInterface(),
  OptimisticLane__factory.createInterface(),
  SignalHub__factory.createInterface(),
] as Interface[];

/** Decodes signed bytes: the transaction's fields and, for the trader, lane and hub, the call. */
export function describeSignedTransaction(rawTx: string): WouldSend {
  const tx = Transaction.from(rawTx);
  const call = KNOWN.map((iface) => iface.parseTransaction({ data: tx.data, value: tx.value })).find(Boolean);
  return {
    hash: tx.hash!,
    from: tx.from!,
    to: tx.to!,
    chainId: tx.chainId,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    ...(tx.maxFeePerGas === null ? {} : { maxFeePerGas: tx.maxFeePerGas }),
    ...(tx.maxPriorityFeePerGas === null ? {} : { maxPriorityFeePerGas: tx.maxPriorityFeePerGas }),
    value: tx.value,
    ...(call
      ? {
          function: call.name,
          args: Object.fromEntries(call.fragment.inputs.map((input, i) => [input.name, plain(call.args[i])])),
        }
      : {}),
    raw: rawTx,
  };
}

/** ethers' Result (array-like, maybe with names) as plain objects (all named) or arrays, for printing. */
function plain(value: unknown): unknown {
  if (!(value instanceof Result)) return value;
  try {
    const named = value.toObject();
    if (Object.keys(named).length === value.length) {
      return Object.fromEntries(Object.entries(named).map(([k, v]) => [k, plain(v)]));
    }
  } catch {
    // an unnamed member (e.g. uint256[5]): an array
  }
  return value.toArray().map(plain);
}

/** The last cycle record of a journal's records: what the dry run's cycle decided. */
export function lastCycle(records: readonly JournalRecord[]): JournalRecord | undefined {
  return records.findLast((record) => record.kind === "cycle");
}
