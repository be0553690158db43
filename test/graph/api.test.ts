/** The graph API: hash-consing, immutability, chainable methods, constants, and the random-graph helper. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { evaluate } from '../../src/graph/interpret.js';
import { Tensor } from '../../src/graph/tensor.js';
import { arbGraph, buildGraph } from '../../src/testing/random-graphs.js';

describe('hash-consing', () => {
  const x = T.vector('x', 'f32');
  it('builds one node per distinct expression', () => {
    expect(x.mul(2).add(1)).toBe(T.add(T.mul(x, 2), 1));
    expect(T.vector('x', 'f32')).toBe(x);
    expect(T.sum(x, { axis: 0 })).toBe(T.sum(x, { axis: -1 }));
  });
  it('keeps different attributes, dtypes and args apart', () => {
    expect(T.vector('x', 'f64')).not.toBe(x);
    expect(x.mul(2)).not.toBe(x.mul(3));
    expect(T.sum(x, { keepdims: true })).not.toBe(T.sum(x));
    expect(T.sub(x, 1)).not.toBe(T.sub(1, x));
  });
  it('keeps -0 and NaN constants distinct from 0', () => {
    expect(T.constant(-0)).not.toBe(T.constant(0));
    expect(T.constant(Number.NaN)).not.toBe(T.constant(0));
    expect(T.constant(Number.NaN)).toBe(T.constant(Number.NaN));
    expect(Object.is(evaluate(T.constant(-0), {}).item(), -0)).toBe(true);
  });
  it('shares large constants by value', () => {
    const big = Array.from({ length: 100 }, (_, i) => i);
    expect(T.constant(big)).toBe(T.constant([...big]));
    expect(T.constant(big)).not.toBe(T.constant([...big.slice(0, 99), -1]));
  });
  it('keys applications of many args by every arg, in order', () => {
    const [a, b] = [T.vector('a', 'f32', 1), T.vector('b', 'f32', 1)];
    expect(T.concat([a, b, a])).toBe(T.concat([a, b, a]));
    expect(T.concat([a, b, a])).not.toBe(T.concat([a, a, b]));
    // Past 0xffff args the arity takes more than one char of the key.
    const many = Array.from({ length: 70_000 }, (_, i) => (i === 69_999 ? b : a));
    expect(T.concat(many)).toBe(T.concat([...many]));
    expect(T.concat(many)).not.toBe(T.concat(many.slice(0, -1)));
  });
  it('gives args smaller ids than their users', () => {
    const y = x.exp().add(x);
    expect(y.args.every((a) => a.id < y.id)).toBe(true);
  });
});

describe('immutability', () => {
  const s = T.sum(T.matrix('m'), { axis: [0] });
  it('freezes nodes, attrs, their lists and shapes', () => {
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.attrs)).toBe(true);
    expect(Object.isFrozen(s.attrs.axis)).toBe(true);
    expect(Object.isFrozen(s.shape)).toBe(true);
    expect(() => (s.attrs.axis as number[]).push(1)).toThrow(TypeError);
    expect(() => Object.assign(s, { op: 'prod' })).toThrow(TypeError);
    expect(s.op).toBe('sum');
  });
});

describe('chainable methods', () => {
  it('build the same nodes as T', () => {
    const x = T.matrix('x', 'f64');
    const w = T.vector('w', 'f64');
    expect(x.dot(w).sigmoid().log().neg().mean()).toBe(T.mean(T.neg(T.log(T.sigmoid(T.dot(x, w))))));
    expect(x.T).toBe(T.transpose(x));
    expect(x.sub(1).div(2).pow(2).sqrt().exp().tanh()).toBe(
      T.tanh(T.exp(T.sqrt(T.pow(T.div(T.sub(x, 1), 2), 2)))),
    );
    expect(x.lt(0)).toBe(T.lt(x, 0));
    expect(x.gt(0)).toBe(T.gt(x, 0));
    expect(x.eq(0)).toBe(T.eq(x, 0));
    expect(x.sum({ axis: 1 })).toBe(T.sum(x, { axis: 1 }));
    expect(x.max({ axis: 0, keepdims: true })).toBe(T.max(x, { axis: 0, keepdims: true }));
    expect(x.reshape([-1])).toBe(T.reshape(x, [-1]));
    expect(x.cast('f32')).toBe(T.cast(x, 'f32'));
    expect(x.rank).toBe(2);
    expect(x.inputName).toBe('x');
    expect(String(x.exp())).toMatch(/^Node\(exp#\d+\)$/);
  });
});

describe('constants', () => {
  it('from nested arrays', () => {
    const c = T.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(c.shape).toEqual([2, 3]);
    expect(c.dtype).toBe('f64');
    expect(evaluate(c, {}).get([1, 0])).toBe(4);
  });
  it('from typed arrays with a shape', () => {
    const c = T.constant(new Float64Array([1, 2, 3, 4]), 'f64', [2, 2]);
    expect(c.shape).toEqual([2, 2]);
    expect(evaluate(c, {}).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => T.constant(new Float64Array(2))).toThrow('constant: a typed array needs a shape');
  });
  it('with a dtype rounds the values', () => {
    expect(evaluate(T.constant([1.7, -1.7], 'i32'), {}).toArray()).toEqual([1, -1]);
    expect(evaluate(T.constant(0.1, 'f32'), {}).item()).toBe(Math.fround(0.1));
  });
  it('from a Tensor', () => {
    const t = Tensor.from([1, 2], [2], 'i32');
    expect(T.constant(t).dtype).toBe('i32');
  });
  it('refuses ragged arrays and non-numbers', () => {
    expect(() => T.constant([[1, 2], [3]])).toThrow('constant: ragged nested array');
    expect(() => T.constant(['a'])).toThrow('constant: "a" is not a number in a regular nested array');
  });
});

describe('random graphs', () => {
  it('are well-typed and evaluate on their values', () => {
    fc.assert(
      fc.property(arbGraph({ maxSteps: 6 }), (g) => {
        const out = evaluate(g.output, g.values);
        expect(out.dtype).toBe(g.output.dtype);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
  it('are finite in smooth mode', () => {
    fc.assert(
      fc.property(arbGraph({ smooth: true, maxSteps: 6 }), (g) => {
        expect(evaluate(g.output, g.values).data.every(Number.isFinite)).toBe(true);
      }),
      { seed: 8, numRuns: 100 },
    );
  });
  it('use only the recipes asked for, and rebuild from their choices', () => {
    const g = buildGraph({ ops: ['exp', 'sum'] }, [1, 2, 1, 1, 1, 3, 0, 1, 0, 1, 1, 1], 5);
    expect(g.steps.every((s) => s === 'exp' || s === 'sum')).toBe(true);
    const again = buildGraph({ ops: ['exp', 'sum'] }, [1, 2, 1, 1, 1, 3, 0, 1, 0, 1, 1, 1], 5);
    expect(again.steps).toEqual(g.steps);
    expect(evaluate(again.output, again.values).toArray()).toEqual(evaluate(g.output, g.values).toArray());
  });
});
