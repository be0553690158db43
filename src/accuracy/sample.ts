/**
 * Input points for measuring error, drawn as Herbie draws them: uniformly over the bit patterns of the
 * dtype between the domain's bounds, so that 1e-300, 1e-3 and 1e300 are all as likely as 1. A uniform
 * draw over the reals would nearly never meet the small and huge inputs where cancellation lives.
 */
import { prng } from '../graph/random.js';
import { fromOrdinal32, fromOrdinal64, ordinal32, ordinal64, type FloatDType } from './ulps.js';

/** The closed interval each input variable is drawn from, by name. Unnamed variables take every finite float. */
export type Domain = Readonly<Record<string, readonly [number, number]>>;

/** The bounds a variable without a declared domain is drawn from: every finite value of the dtype. */
export function defaultBounds(dtype: FloatDType): readonly [number, number] {
  const max = dtype === 'f64' ? Number.MAX_VALUE : 3.4028234663852886e38;
  return [-max, max];
}

/**
 * A draw of floats of `dtype` uniform over the bit patterns within [lo, hi], from a seeded generator.
 *
 * @example const draw = floatSampler('f64', 1, 2, prng(1)); draw() // a double in [1, 2]
 */
export function floatSampler(dtype: FloatDType, lo: number, hi: number, random: () => number): () => number {
  if (dtype === 'f32') {
    const a = ordinal32(Math.fround(lo));
    const b = ordinal32(Math.fround(hi));
    return () => fromOrdinal32(a + Math.floor(random() * (b - a + 1)));
  }
  const a = ordinal64(lo);
  const span = ordinal64(hi) - a + 1n;
  return () => {
    // Two 32-bit halves make a 64-bit draw; the modulo bias is below 2^-10 for any span.
    const r = (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32));
    return fromOrdinal64(a + (r % span));
  };
}

/** One sampled point: a value per input variable. */
export type Point = Readonly<Record<string, number>>;

/**
 * A stream of points for variables of given dtypes within a domain (seeded, so runs replay).
 *
 * @example pointSampler({ x: 'f64' }, { x: [1, 10] }, 7)() // { x: 3.1… }
 */
export function pointSampler(
  variables: Readonly<Record<string, FloatDType>>,
  domain: Domain,
  seed: number,
): () => Point {
  const random = prng(seed);
  const draws = Object.entries(variables).map(([name, dtype]) => {
    const [lo, hi] = domain[name] ?? defaultBounds(dtype);
    return [name, floatSampler(dtype, lo, hi, random)] as const;
  });
  return () => Object.fromEntries(draws.map(([name, draw]) => [name, draw()]));
}
