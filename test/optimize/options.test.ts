/** Option errors from optimize() are typed Saturn errors that name the option. */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/graph/errors.js';
import { T } from '../../src/graph/builders.js';
import { optimize } from '../../src/optimize.js';
import type { CostModel } from '../../src/optimize.js';

const x = T.vector('x', 'f32', 'n');

describe('optimize options', () => {
  it('an unknown cost model name is an OptionError listing the known ones', () => {
    expect(() => optimize([T.exp(x)], { cost: 'gpuu' as unknown as CostModel })).toThrow(
      new OptionError(`cost: unknown cost model "gpuu" (expected 'cpu', 'gpu', 'count' or a function)`),
    );
  });

  it('a cost function returning NaN, a negative number or Infinity is an OptionError', () => {
    for (const bad of [NaN, -1, Infinity]) {
      const cost: CostModel = () => () => bad;
      expect(() => optimize([T.add(T.exp(x), 1)], { cost })).toThrow(OptionError);
      expect(() => optimize([T.add(T.exp(x), 1)], { cost })).toThrow(/cost model returned/);
    }
  });

  it('a well-behaved cost function is used', () => {
    const cost: CostModel = () => () => 1;
    expect(optimize([T.log(T.add(1, T.exp(x)))], { cost }).outputs).toHaveLength(1);
  });
});
