import * as poseidon from "poseidon-lite";

/** Prices per field element (three 64-bit prices fit below the BN254 modulus). */
const PER_LIMB = 3;
/** Limbs per Poseidon leaf: five, the widest Poseidon the chain hashes cheaply (WindowLog.sol). */
const LIMBS_PER_LEAF = 5;
/** circomlib's Poseidon takes at most 16 inputs: at most 16 leaves (N ≤ 240). */
const MAX_LEAVES = 16;

type PoseidonFn = (inputs: bigint[]) => bigint;

function poseidonOf(arity: number): PoseidonFn {
  const fn = (poseidon as unknown as Record<string, PoseidonFn | undefined>)[`poseidon${arity}`];
  if (!fn) throw new RangeError(`no Poseidon of arity ${arity} (1..16 supported)`);
  return fn;
}

/** circomlib's Poseidon over 1..16 inputs (the circuits' hash). */
export function poseidonHash(inputs: readonly bigint[]): bigint {
  return poseidonOf(inputs.length)([...inputs]);
}

/**
 * The window commitment of lib/prices-commitment.circom and WindowLog.sol: prices packed three to
 * a field element (low price first), Poseidon over each run of five limbs, then Poseidon over those
 * leaves (for N = 30: Poseidon(Poseidon(limbs 0..4), Poseidon(limbs 5..9))). Prices must be
 * < 2^64, as the circuit constrains them; 16..240 prices (2..16 leaves).
 */
export function pricesCommitment(prices: readonly bigint[]): bigint {
  const limbs: bigint[] = [];
  for (let j = 0; j * PER_LIMB < prices.length; j++) {
    let limb = 0n;
    // a sum, exactly as the circuit builds the limb (in range, the same as OR)
    for (let k = 0; k < PER_LIMB; k++) limb += (prices[j * PER_LIMB + k] ?? 0n) << BigInt(64 * k);
    limbs.push(limb);
  }
  const leafCount = Math.ceil(limbs.length / LIMBS_PER_LEAF);
  if (leafCount < 2 || leafCount > MAX_LEAVES) {
    throw new RangeError(`a window of ${prices.length} prices is outside the commitment's 16..240`);
  }
  const leaves: bigint[] = [];
  for (let c = 0; c * LIMBS_PER_LEAF < limbs.length; c++) {
    const chunk = limbs.slice(c * LIMBS_PER_LEAF, (c + 1) * LIMBS_PER_LEAF);
    leaves.push(poseidonOf(chunk.length)(chunk));
  }
  return poseidonOf(leaves.length)(leaves);
}
