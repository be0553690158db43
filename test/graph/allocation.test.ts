/** evaluate refuses a value above its element cap with a typed error, before allocating it. */
import { describe, expect, it } from 'vitest';
import { AllocationError, evaluate, InputError, T } from '../../src/graph/index.js';

describe('allocation cap', () => {
  it('refuses a 1e9-element constant with an AllocationError naming the op', () => {
    expect(() => evaluate(T.zeros([1e9]), {})).toThrow(AllocationError);
    expect(() => evaluate(T.zeros([1e9]), {})).toThrow(/zeros .*1000000000 elements, above the cap/);
  });

  it('refuses 2^32 elements with the typed error, not a RangeError', () => {
    expect(() => evaluate(T.sum(T.ones([2 ** 16, 2 ** 16])), {})).toThrow(AllocationError);
  });

  it('is configurable', () => {
    expect(() => evaluate(T.zeros([100]), {}, { maxElements: 10 })).toThrow(AllocationError);
    expect(evaluate(T.sum(T.ones([100])), {}, { maxElements: 100 }).item()).toBe(100);
    expect(() => evaluate(T.zeros([1]), {}, { maxElements: Number.NaN })).toThrow(InputError);
  });
});
