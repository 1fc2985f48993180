import * as poseidon from "poseidon-lite";

/** Prices per Poseidon leaf; the circuit's PricesCommitment uses the same. */
const CHUNK = 15;

type PoseidonFn = (inputs: bigint[]) => bigint;

function poseidonOf(arity: number): PoseidonFn {
  const fn = (poseidon as unknown as Record<string, PoseidonFn | undefined>)[`poseidon${arity}`];
  if (!fn) throw new RangeError(`no Poseidon of arity ${arity} (1..16 supported)`);
  return fn;
}

/**
 * The window commitment of prices/commitment circuit (lib/prices-commitment.circom):
 * leaves of 15 prices (the last zero-padded), then Poseidon over the leaves.
 */
export function pricesCommitment(prices: readonly bigint[]): bigint {
  const nChunks = Math.ceil(prices.length / CHUNK);
  const leaves: bigint[] = [];
  for (let c = 0; c < nChunks; c++) {
    const chunk = Array.from({ length: CHUNK }, (_, i) => prices[c * CHUNK + i] ?? 0n);
    leaves.push(poseidonOf(CHUNK)(chunk));
  }
  return poseidonOf(nChunks)(leaves);
}
