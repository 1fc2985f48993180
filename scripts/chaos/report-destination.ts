/**
 * Where a chaos run writes its report. The committed report (scripts/chaos/*-report.json) is the
 * record of a full run, so a shorter run never replaces it unless asked: `--out <file>` writes
 * any run's report there (the committed path included), and a full run without `--out` updates
 * the committed one.
 */
export interface ReportDestinationInput {
  /** The --out flag, if given. */
  out: string | undefined;
  /** The committed report's path. */
  committed: string;
  cycles: number;
  /** The cycles of a full run (the script's default). */
  fullRunCycles: number;
}

export type ReportDestination = { write: string } | { skip: string };

export function reportDestination(input: ReportDestinationInput): ReportDestination {
  if (input.out !== undefined) return { write: input.out };
  if (input.cycles >= input.fullRunCycles) return { write: input.committed };
  return {
    skip: `report not written: a short run (--cycles ${input.cycles}, under ${input.fullRunCycles}) never replaces the committed ${input.committed}; pass --out <file> to keep it`,
  };
}

/**
 * A whole-number flag of a chaos script, or one line saying what is wrong (the caller exits 2).
 */
export function wholeNumberFlag(name: string, value: string, min: number): number {
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new RangeError(`--${name} ${JSON.stringify(value)}: expected a whole number, ${min} or more`);
  }
  return parsed;
}

/** A fraction flag in [0, 1] of a chaos script, or one line saying what is wrong. */
export function fractionFlag(name: string, value: string): number {
  const parsed = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 0 && parsed <= 1))
    throw new RangeError(`--${name} ${JSON.stringify(value)}: expected a number from 0 to 1`);
  return parsed;
}

/**
 * Parses a chaos script's flags with node:util's parseArgs and `read`; a bad flag or value is one
 * line on stderr with the usage, exit 2 (before any node starts).
 */
export function chaosFlags<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${usage}\n`);
    process.exit(2);
  }
}
