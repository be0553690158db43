/**
 * Issue 13's rewrite families that PyTensor users expect, as "start ⇒ goal" rows optimized by fast_run:
 * logit with sigmoid, log(erfc) for large arguments (measured against the exact reference), and partial
 * reductions of a product or sum with an operand broadcast along the reduced axis.
 */
import { describe, expect, it } from 'vitest';
import { bitsOfError } from '../../src/accuracy/ulps.js';
import { T } from '../../src/graph/builders.js';
import type { DType } from '../../src/graph/dtype.js';
import { exactValue } from '../../src/graph/exact/evaluate.js';
import { evaluate } from '../../src/graph/interpret.js';
import type { Node } from '../../src/graph/node.js';
import { formatExpr } from '../../src/graph/syntax/index.js';
import { Tensor } from '../../src/graph/tensor.js';
import { optimize } from '../../src/optimize.js';

const z = T.vector('z', 'f64', 'n');
const zf = T.vector('z', 'f32', 'n');
// sigmoid(tanh(.)) lies in (0.26, 0.74): the range analysis knows it is a probability.
const p = T.sigmoid(T.tanh(z));
const x = T.matrix('x', 'f64', ['n', 'm']);
const b = T.vector('b', 'f64', 'm');
const x3 = T.tensor('x3', 'f32', ['a', 'n', 'm']);
const b2 = T.matrix('b2', 'f32', ['n', 'm']);

const optimized = (e: Node) => formatExpr(optimize(e).outputs[0]);

describe('logit and sigmoid', () => {
  it.each<[string, Node, string]>([
    ['log(σ/(1-σ))', T.log(T.div(T.sigmoid(z), T.sub(1, T.sigmoid(z)))), 'z'],
    ['log σ - log(1-σ)', T.sub(T.log(T.sigmoid(z)), T.log(T.sub(1, T.sigmoid(z)))), 'z'],
    ['logit(σ), f32', T.logit(T.sigmoid(zf)), 'z'],
    ['σ(logit p)', T.sigmoid(T.logit(p)), 'sigmoid(tanh(z))'],
    ['σ(log(p/(1-p)))', T.sigmoid(T.log(T.div(p, T.sub(1, p)))), 'sigmoid(tanh(z))'],
    ['σ(log p - log(1-p))', T.sigmoid(T.sub(T.log(p), T.log(T.sub(1, p)))), 'sigmoid(tanh(z))'],
  ])('%s', (_, start, goal) => {
    expect(optimized(start)).toBe(goal);
  });

  it('keeps σ(logit z) where z may leave (0, 1]', () => {
    expect(optimized(T.sigmoid(T.logit(z)))).toMatch(/^sigmoid\(/);
  });
});

describe('partial reductions with an operand broadcast along the axis', () => {
  it.each<[string, Node, string]>([
    ['sum(x * b, axis=0)', T.sum(T.mul(x, b), { axis: 0 }), 'sum(x, axis=0) * b'],
    [
      'sum(x3 * b2, axis=0, keepdims)',
      T.sum(T.mul(x3, b2), { axis: 0, keepdims: true }),
      'sum(x3, axis=0, keepdims=true) * b2',
    ],
    ['sum(x + b, axis=0)', T.sum(T.add(x, b), { axis: 0 }), 'sum(x, axis=0) + size(x, axis=0) * b'],
    ['mean(x + b, axis=0)', T.mean(T.add(x, b), { axis: 0 }), 'mean(x, axis=0) + b'],
    ['max(x + tanh b, axis=0)', T.max(T.add(x, T.tanh(b)), { axis: 0 }), 'max(x, axis=0) + tanh(b)'],
  ])('%s', (_, start, goal) => {
    expect(optimized(start)).toBe(goal);
  });

  it('leaves the factor in where it varies along the reduced axis', () => {
    const sq = T.matrix('s', 'f64', ['n', 'n']);
    const v = T.vector('v', 'f64', 'n');
    expect(optimized(T.sum(T.mul(sq, v), { axis: 1 }))).toBe('sum(s * v, axis=1)');
  });

  it('keeps IEEE semantics without the unsafe rules: the sum of a shift stays', () => {
    const start = T.sum(T.add(x, b), { axis: 0 });
    expect(formatExpr(optimize(start, { exclude: ['unsafe'] }).outputs[0])).toBe('sum(x + b, axis=0)');
  });
});

/** Bits of error of each element of `form` against the exact value of `reference` at `v = values`. */
function bits(form: Node, reference: Node, values: readonly number[], dtype: DType): number[] {
  const inputs = { v: Tensor.from(values, [values.length], dtype) };
  const computed = evaluate(form, inputs).data;
  const exact = exactValue([reference, form], inputs).value.data;
  return values.map((_, i) => bitsOfError(dtype as 'f32' | 'f64', computed[i], exact[i]));
}

describe('log(erfc(x)) for large x', () => {
  it.each<[DType, number[]]>([
    ['f64', [-3, 0, 1, 5, 20, 25.9, 26.1, 26.6, 27, 28, 40, 1e3, 1e6]],
    ['f32', [-3, 0, 1, 5, 8.9, 9.1, 9.5, 10, 10.2, 15, 40, 1e3]],
  ])(
    '%s: the stable form is within a few bits everywhere; erfc alone is -Inf past its underflow',
    (dtype, values) => {
      const v = T.vector('v', dtype, values.length);
      const start = T.log(T.erfc(v));
      const stable = optimize(start).outputs[0];
      expect(formatExpr(stable)).toMatch(/^switch\(/);
      const before = bits(start, start, values, dtype);
      const after = bits(stable, start, values, dtype);
      const underflow = dtype === 'f64' ? 27.3 : 10.1;
      values.forEach((value, i) => {
        if (value > underflow) expect(before[i], `x = ${value} before`).toBeGreaterThan(20);
        expect(after[i], `x = ${value} after`).toBeLessThanOrEqual(3);
      });
    },
  );

  it("the exact reference follows erfc past float64's range (the asymptotic series at x = 30 and 100)", () => {
    const v = T.vector('v', 'f64', 2);
    const inputs = { v: Tensor.from([30, 100], [2], 'f64') };
    const exact = exactValue([T.log(T.erfc(v))], inputs).value.data;
    [30, 100].forEach((x, i) => {
      const u = 1 / (x * x);
      const series =
        -x * x - Math.log(x) - 0.5 * Math.log(Math.PI) + Math.log1p(u * (-0.5 + u * (0.75 - 1.875 * u)));
      expect(exact[i]).toBeCloseTo(series, 9);
    });
  });
});
