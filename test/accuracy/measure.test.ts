import { describe, expect, it } from 'vitest';
import { inferRegimes } from '../../src/accuracy/regimes.js';
import { floatSampler } from '../../src/accuracy/sample.js';
import { bitsOfError, fromOrdinal64, ordinal32, ordinal64 } from '../../src/accuracy/ulps.js';
import { prng } from '../../src/graph/random.js';

describe('bits of error', () => {
  it('counts floats between the result and the exact value, log2(1 + n)', () => {
    expect(bitsOfError('f64', 1, 1)).toBe(0);
    expect(bitsOfError('f64', 1 + Number.EPSILON, 1)).toBe(1);
    expect(bitsOfError('f64', 1 + 3 * Number.EPSILON, 1)).toBe(2);
    expect(bitsOfError('f64', Number.NaN, 1)).toBe(64);
    expect(bitsOfError('f32', Math.fround(1.0000001), 1)).toBe(1);
    // Across zero: -min and +min are two floats apart through -0 and +0.
    expect(bitsOfError('f64', -Number.MIN_VALUE, Number.MIN_VALUE)).toBeCloseTo(Math.log2(4));
    // 0 against 1 is nearly the whole dtype.
    expect(bitsOfError('f64', 0, 1)).toBeGreaterThan(61);
  });

  it('orders floats by ordinal and round-trips them', () => {
    for (const x of [-Number.MAX_VALUE, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 1e-300, 1, 1e300])
      expect(fromOrdinal64(ordinal64(x))).toBe(x);
    expect(ordinal64(1) < ordinal64(1 + Number.EPSILON)).toBe(true);
    expect(ordinal64(-2) < ordinal64(-1)).toBe(true);
    expect(ordinal32(Math.fround(0.1)) < ordinal32(Math.fround(0.2))).toBe(true);
  });
});

describe('sampling over bit patterns', () => {
  it('stays within the domain and reaches every binade about equally', () => {
    const draw = floatSampler('f64', 1e-100, 1e100, prng(3));
    const xs = Array.from({ length: 2000 }, draw);
    expect(xs.every((x) => x >= 1e-100 && x <= 1e100)).toBe(true);
    // Uniform over bit patterns: about half the draws fall below 1 (a uniform real draw: none would).
    const below = xs.filter((x) => x < 1).length / xs.length;
    expect(below).toBeGreaterThan(0.4);
    expect(below).toBeLessThan(0.6);
  });

  it('replays from a seed', () => {
    const a = floatSampler('f32', -1, 1, prng(9));
    const b = floatSampler('f32', -1, 1, prng(9));
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('regimes', () => {
  it('splits where one candidate is accurate below a value and the other above', () => {
    const xs = Float64Array.from({ length: 40 }, (_, i) => i - 20);
    const a = Float64Array.from(xs, (x) => (x < 0 ? 0 : 30));
    const b = Float64Array.from(xs, (x) => (x < 0 ? 30 : 0));
    const split = inferRegimes([a, b], new Map([['x', xs]]), 'f64')!;
    expect(split.variable).toBe('x');
    expect(split.pick).toEqual([0, 1]);
    expect(split.thresholds[0]).toBeGreaterThan(-1);
    expect(split.thresholds[0]).toBeLessThanOrEqual(0);
    expect(split.bits).toBe(0);
  });

  it('does not split when one candidate is best everywhere', () => {
    const xs = Float64Array.from({ length: 40 }, (_, i) => i);
    const a = new Float64Array(40).fill(0.1);
    const b = Float64Array.from(xs, (x) => (x < 20 ? 0 : 5));
    expect(inferRegimes([a, b], new Map([['x', xs]]), 'f64')).toBeUndefined();
  });
});
