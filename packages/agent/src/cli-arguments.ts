import { InvalidArgumentError } from "commander";
import { getAddress, isAddress } from "ethers";

import { fromInvocationDir } from "./invocation-dir.ts";

/**
 * A commander parser for a whole-number option in [min, max]. `Number` alone would hand "abc"
 * on as NaN and `BigInt` would throw a SyntaxError with a stack trace; an InvalidArgumentError
 * becomes commander's own usage error (message, the command's help, exit 1).
 *
 * Option values stay plain numbers (convert to bigint where they are used): commander renders a
 * default in help with JSON.stringify, which throws on a bigint.
 */
export function wholeNumberArgument(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  return (value) => {
    const parsed = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`Expected a whole number, ${range}.`);
    }
    return parsed;
  };
}

/** A commander parser for an address option: the checksummed address, or commander's usage error. */
export function addressArgument(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("Expected a 0x-prefixed 20-byte address.");
  return getAddress(value);
}

/** A commander parser for a JSON-RPC endpoint: an http(s) URL, or commander's usage error. */
export function rpcUrlArgument(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("Expected an http:// or https:// URL, e.g. http://127.0.0.1:8545.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError("Expected an http:// or https:// URL, e.g. http://127.0.0.1:8545.");
  }
  return value;
}

/**
 * A commander parser for a file or folder option: absolute, from the folder zkagent was run from
 * (the operator's folder under `pnpm zkagent`, not the workspace root pnpm runs it in).
 */
export function pathArgument(value: string): string {
  return fromInvocationDir(value);
}
