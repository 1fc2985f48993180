import * as snarkjs from "snarkjs";

/** Where ffjavascript caches its BN254 curve: snarkjs's groth16.verify and prove take it from there. */
const cache = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };

/** The single-threaded curve, built once per process (about 0.3-0.5 s here) and kept for the next audit. */
let verifierCurve: Promise<{ terminate(): Promise<void> }> | undefined;
/** Audits running with it: the last to end takes it back from snarkjs's cache. */
let lent = 0;

/**
 * Runs `audit` with a single-threaded BN254 curve for snarkjs's `groth16.verify`, unless a curve
 * is already alive in this process (a snarkjs prover's), which it then shares.
 *
 * Without this, the first verification builds ffjavascript's curve with one worker thread per CPU,
 * each its own WebAssembly instance, and caches it for the life of the process: about 60 MB of
 * RSS on 2 CPUs (more with more cores) that an agent proving natively, or a backtest auditing
 * between ticks, otherwise never needs; the single-threaded curve costs about 14 MB. A
 * verification is a multi-exponentiation over a handful of public inputs and one product of four
 * pairings: one thread does it as fast (25-50 ms either way here). The curve is this module's,
 * lent to snarkjs's cache only while `audit` runs, so a snarkjs prover loaded later still builds
 * its worker pool (a snarkjs proof made while an audit runs in the same process would be
 * single-threaded: slower, never wrong).
 */
export async function withVerifierCurve<T>(audit: () => Promise<T>): Promise<T> {
  if (cache.curve_bn128 && lent === 0) return audit();
  verifierCurve ??= snarkjs.curves.getCurveFromName("bn128", { singleThread: true }) as Promise<{
    terminate(): Promise<void>;
  }>;
  const curve = await verifierCurve;
  if (cache.curve_bn128 && cache.curve_bn128 !== curve) return audit(); // a prover's, built meanwhile
  cache.curve_bn128 = curve;
  lent++;
  try {
    return await audit();
  } finally {
    if (--lent === 0 && cache.curve_bn128 === curve) cache.curve_bn128 = null;
  }
}
