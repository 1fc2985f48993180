/** Small glue around snarkjs for the pipeline scripts. */

interface SnarkjsLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that shows snarkjs's progress lines (info and above) with a prefix. */
export function progressLogger(prefix: string): SnarkjsLogger {
  const print = (message: string) => console.log(`[${prefix}] ${message}`);
  return { debug: () => {}, info: print, warn: print, error: (m) => console.error(`[${prefix}] ${m}`) };
}

/** snarkjs keeps worker threads alive through the cached curve; end them so the process can exit. */
export async function terminateCurve(): Promise<void> {
  const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (cached) await cached.terminate();
}
