/** One entry of a zkey's phase-2 contribution chain, as snarkjs's verification reports it. */
export interface ChainEntry {
  /** 1-based position in the chain. */
  index: number;
  name: string;
  /** blake2b-512 of the contribution's public key, hex: what the contributor was shown. */
  contributionHash: string;
  beacon: boolean;
}

/**
 * A snarkjs logger that reads a zkey's contribution chain out of `zKey.verifyFromInit` /
 * `verifyFromR1cs`'s report (snarkjs exports no reader for it): each contribution is printed as
 * "contribution #i name:" and its hash as 4 lines of 4 hex words, a beacon with a "Beacon
 * generator" line after it. Warnings and errors are kept to explain a failed verification.
 */
export function chainReader(): {
  logger: { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void };
  chain(): ChainEntry[];
  errors: string[];
} {
  const entries: ChainEntry[] = [];
  const errors: string[] = [];
  return {
    errors,
    chain: () => [...entries].sort((a, b) => a.index - b.index),
    logger: {
      debug: () => {},
      warn: (message) => errors.push(message),
      error: (message) => errors.push(message),
      info: (message) => {
        const entry = /^contribution #(\d+) (.*):\n([\s\S]+)$/.exec(message);
        if (entry) {
          entries.push({
            index: Number(entry[1]),
            name: entry[2]!.trim(),
            contributionHash: entry[3]!.replace(/\s+/g, ""),
            beacon: false,
          });
        } else if (message.startsWith("Beacon generator:") && entries.length > 0) {
          // Printed right after its contribution (snarkjs walks the chain from the last entry).
          entries[entries.length - 1]!.beacon = true;
        }
      },
    },
  };
}
