import type { Interface } from "ethers";

/** Finds revert data in an ethers error (it nests differently per provider). */
function revertData(error: unknown): string | undefined {
  let e = error as
    { data?: unknown; error?: unknown; info?: { error?: { data?: unknown } }; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.data === "string" && e.data.startsWith("0x")) return e.data;
    const nested = e.info?.error?.data;
    if (typeof nested === "string" && nested.startsWith("0x")) return nested;
    e = (e.error ?? e.cause) as typeof e;
  }
  return undefined;
}

/**
 * Turns a revert into a readable reason: the trader's custom error with its arguments, else
 * Solidity's Error(string) (a pool's own reason, such as Uniswap's "LOK", bubbles up as one), else
 * ethers' short message.
 */
export function decodeRevert(error: unknown, abi: Interface): string {
  const data = revertData(error);
  if (data && data !== "0x") {
    try {
      const parsed = abi.parseError(data);
      // ethers parses Solidity's Error(string) too: that one reads better as its message.
      if (parsed && parsed.name !== "Error") return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
    } catch {
      // fall through
    }
    const message = decodeErrorString(data);
    if (message) return message;
  }
  return (
    (error as { shortMessage?: string; message?: string }).shortMessage ?? String((error as Error).message ?? error)
  );
}

function decodeErrorString(data: string): string | undefined {
  if (!data.startsWith("0x08c379a0")) return undefined;
  const hex = data.slice(10);
  const length = Number(BigInt(`0x${hex.slice(64, 128)}`));
  return Buffer.from(hex.slice(128, 128 + length * 2), "hex").toString("utf8");
}
