/**
 * A small seeded pseudo-random generator (mulberry32), for everything that must replay from a seed:
 * rule soundness draws, random graphs, fuzzing. Not for cryptography.
 *
 * @example const random = prng(42); random() // 0.6011037519201636
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
