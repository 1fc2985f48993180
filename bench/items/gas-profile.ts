import type { JsonRpcProvider, Provider } from "ethers";

/** The gas one call frame used: its own opcodes by kind, and the frames it called. */
export interface FrameGas {
  /** The callee's label (or its address when unlabelled). */
  name: string;
  /** Gas of this frame's own opcodes, calls' access costs included, callees excluded. */
  self: number;
  /** self plus every callee's inclusive gas. */
  inclusive: number;
  /** self by opcode kind: SLOAD, SSTORE, LOG, calls (access and memory), precompiles, the rest. */
  kinds: Record<string, number>;
  children: FrameGas[];
}

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** The precompiles a trade uses, by address. */
const PRECOMPILES: Record<number, string> = { 6: "ecAdd", 7: "ecMul", 8: "pairing" };

/** The kind an opcode's gas is counted under. */
function kindOf(log: StructLog): string {
  if (log.op === "SLOAD" || log.op === "SSTORE" || log.op === "TLOAD" || log.op === "TSTORE") return log.op;
  if (log.op.startsWith("LOG")) return "LOG";
  if (log.op === "KECCAK256") return "KECCAK256";
  if (CALLS.has(log.op)) {
    const address = BigInt(log.stack![log.stack!.length - 2]!);
    return address < 20n ? (PRECOMPILES[Number(address)] ?? `precompile ${address}`) : "calls";
  }
  return "code";
}

/**
 * Where a mined transaction's gas went, frame by frame, from the node's `debug_traceTransaction`
 * (struct logs with stacks). A step's cost is the gas left before it less the gas left after it in
 * the same frame, so a call's cost here is what the caller paid beyond its callee's own use (the
 * account access, memory, the value transfer): the callee's frame counts the rest.
 */
export async function profileTransaction(
  provider: Provider,
  hash: string,
  labels: Record<string, string>,
): Promise<{ intrinsic: number; root: FrameGas }> {
  const trace = (await (provider as JsonRpcProvider).send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true },
  ])) as { gas: number; structLogs: StructLog[] };
  const logs = trace.structLogs;
  const label = (address: string) => labels[address.toLowerCase()] ?? address;
  const receipt = await provider.getTransactionReceipt(hash);
  const tx = await provider.getTransaction(hash);

  const walk = (start: number, name: string): [FrameGas, number] => {
    const frame: FrameGas = { name, self: 0, inclusive: 0, kinds: {}, children: [] };
    const add = (kind: string, gas: number) => (frame.kinds[kind] = (frame.kinds[kind] ?? 0) + gas);
    const depth = logs[start]!.depth;
    let i = start;
    while (i < logs.length && logs[i]!.depth === depth) {
      const log = logs[i]!;
      const next = logs[i + 1];
      if (CALLS.has(log.op) && next?.depth === depth + 1) {
        const to = `0x${BigInt(log.stack![log.stack!.length - 2]!)
          .toString(16)
          .padStart(40, "0")}`;
        const [child, end] = walk(i + 1, label(to));
        frame.children.push(child);
        add("calls", log.gas - (logs[end]?.gas ?? 0) - child.inclusive);
        i = end;
        continue;
      }
      add(kindOf(log), next?.depth === depth ? log.gas - next.gas : log.gasCost);
      i++;
    }
    frame.self = Object.values(frame.kinds).reduce((a, b) => a + b, 0);
    frame.inclusive = frame.self + frame.children.reduce((a, c) => a + c.inclusive, 0);
    return [frame, i];
  };
  const [root] = walk(0, label(tx!.to!));
  return { intrinsic: Number(receipt!.gasUsed) - root.inclusive, root };
}
