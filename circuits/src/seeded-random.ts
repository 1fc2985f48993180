/**
 * mulberry32: a small deterministic PRNG in [0, 1). Everything seeded in this project (random
 * test statements, the tiny model's weights, the demo's price path) uses it, so a seed names
 * the same numbers everywhere.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
