import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastShapes } from '../../src/graph/index.js';
import {
  arbBroadcastPair,
  arbDType,
  arbElement,
  arbShape,
  arbTensor,
  DOMAINS,
  randomInputs,
} from '../../src/testing/index.js';
import { T } from '../../src/graph/index.js';

const params = { numRuns: 100, seed: 6 };

describe('arbitraries', () => {
  it('draws dtypes from the given list', () => {
    fc.assert(
      fc.property(arbDType(['f32', 'i32']), (d) => ['f32', 'i32'].includes(d)),
      params,
    );
  });

  it('keeps shapes within their bounds', () => {
    fc.assert(
      fc.property(arbShape({ minRank: 1, maxRank: 2, minDim: 0, maxDim: 3 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(2);
        expect(s.every((d) => d >= 0 && d <= 3)).toBe(true);
      }),
      params,
    );
  });

  it('draws shape pairs that broadcast', () => {
    fc.assert(
      fc.property(arbBroadcastPair(), ([a, b]) => {
        expect(() => broadcastShapes(a, b)).not.toThrow();
      }),
      params,
    );
  });

  it('respects value domains', () => {
    fc.assert(
      fc.property(arbElement('f64', DOMAINS.positive), (v) => v > 0 && v <= 10),
      params,
    );
    fc.assert(
      fc.property(arbElement('f32', DOMAINS.nonzero), (v) => v !== 0 && Math.fround(v) === v),
      params,
    );
    fc.assert(
      fc.property(arbElement('i32', { min: -3, max: 3 }), (v) => Number.isInteger(v) && Math.abs(v) <= 3),
      params,
    );
    fc.assert(
      fc.property(arbElement('bool'), (v) => v === 0 || v === 1),
      params,
    );
    fc.assert(
      fc.property(arbElement('f64', DOMAINS.unit), (v) => Number.isFinite(v) && Math.abs(v) <= 1),
      params,
    );
  });

  it('mixes NaN and infinities in only when asked', () => {
    const special = fc.sample(arbElement('f64', DOMAINS.special), { numRuns: 300, seed: 1 });
    expect(special.some(Number.isNaN)).toBe(true);
    expect(special.some((v) => v === Infinity || v === -Infinity)).toBe(true);
    expect(fc.sample(arbElement('f64'), { numRuns: 300, seed: 1 }).every(Number.isFinite)).toBe(true);
  });

  it('builds tensors of the requested type, including empty ones', () => {
    fc.assert(
      fc.property(
        arbShape({ minDim: 0 }).chain((s) => arbTensor('f32', s)),
        (t) => {
          expect(t.dtype).toBe('f32');
          expect(t.size).toBe(t.shape.reduce((a, b) => a * b, 1));
        },
      ),
      params,
    );
  });

  it('draws inputs for declared types, sizing symbolic dims consistently', () => {
    const x = T.tensor('x', 'f64', ['n', 3]);
    const y = T.tensor('y', 'i32', ['n']);
    for (let seed = 0; seed < 20; seed++) {
      const v = randomInputs([T.add(T.sum(x, { axis: 1 }), y)], seed, { domain: { min: -2, max: 2 } });
      expect(v.x.shape[1]).toBe(3);
      expect(v.x.shape[0]).toBe(v.y.shape[0]);
      expect(v.y.dtype).toBe('i32');
      expect([...v.y.data].every((d) => Number.isInteger(d) && Math.abs(d) <= 2)).toBe(true);
    }
  });
});
