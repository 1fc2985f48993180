import { InvalidArgumentError } from "commander";
import { getAddress, isAddress } from "ethers";

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
