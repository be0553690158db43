/** The exact reference evaluator: real-number values where floats overflow, underflow or cancel. */
import { describe, expect, it } from 'vitest';
import { evaluateExact, exactValue, toTensor } from '../../src/graph/exact/evaluate.js';
import { constant, parseDecls, parseExpr, Tensor } from '../../src/graph/index.js';

const exact = (expr: string, decls: string, inputs: Record<string, number | number[]>) =>
  toTensor(evaluateExact([parseExpr(expr, { vars: parseDecls(decls) })], inputs)[0]).data;

describe('evaluateExact', () => {
  it('does not overflow where floats do', () => {
    expect(Array.from(exact('log(exp(x))', 'x: f64', { x: 800 }))).toEqual([800]);
    expect(Array.from(exact('sum(x) * 0.5', 'x: f64[n]', { x: [1e308, 1e308] }))).toEqual([1e308]);
    expect(Array.from(exact('x / s', 'x: f32; s: f32', { x: 1e-30, s: 1e-40 }))).toEqual([
      Math.fround(Math.fround(1e-30) / Math.fround(1e-40)),
    ]);
  });

  it('knows exp(-800) is positive', () => {
    expect(Array.from(exact('sign(exp(x))', 'x: f64', { x: -800 }))).toEqual([1]);
  });

  it('wraps i32 arithmetic as numpy does', () => {
    expect(Array.from(exact('x * x', 'x: i32', { x: 46341 }))).toEqual([Math.imul(46341, 46341)]);
    expect(Array.from(exact('x + 1', 'x: i32', { x: 2147483647 }))).toEqual([-2147483648]);
  });

  it('moves elements through layout ops, reductions and lanes', () => {
    const x = { x: [1, 2, 3, 4, 5, 6] };
    expect(Array.from(exact('transpose(reshape(x, shape=[2, 3]))', 'x: f64[6]', x))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
    expect(Array.from(exact('sum(reshape(x, shape=[2, 3]), axis=1)', 'x: f64[6]', x))).toEqual([6, 15]);
    const sm = exact('softmax(reshape(x, shape=[2, 3]))', 'x: f64[6]', x);
    expect(sm[0] + sm[1] + sm[2]).toBeCloseTo(1, 15);
    expect(
      Array.from(exact('dot(reshape(x, shape=[2, 3]), ones_like(reshape(x, shape=[3, 2])))', 'x: f64[6]', x)),
    ).toEqual([6, 6, 15, 15]);
  });

  it('finds the argmax that rounding tied: exp(1e-10) and exp(2e-10) are both 1 in f32', () => {
    const tied = { x: [1e-10, 2e-10] };
    expect(Array.from(exact('argmax(exp(x))', 'x: f32[n]', tied))).toEqual([1]);
    expect(Array.from(exact('argmin(-exp(x))', 'x: f32[n]', tied))).toEqual([1]);
    expect(
      Array.from(
        exact('argmax(x, axis=0)', 'x: f64[n, m]', {
          x: [
            [1, 5],
            [4, 5],
          ],
        }),
      ),
    ).toEqual([1, 0]);
    expect(Array.from(exact('argmax(x)', 'x: f64[n]', { x: [1, Number.NaN, 9, Number.NaN] }))).toEqual([1]);
    // One value at any number of digits (1 - e^-1000 and 1 - e^-999 agree to 434), told apart by x.
    expect(Array.from(exact('argmax(sigmoid(x))', 'x: f64[n]', { x: [999, 1000, 998] }))).toEqual([1]);
    expect(Array.from(exact('argmin(tanh(exp(x)))', 'x: f64[n]', { x: [30, 20, 25] }))).toEqual([1]);
    // relu ties negatives on the reals too: the first of them.
    expect(Array.from(exact('argmax(relu(x))', 'x: f64[n]', { x: [-2, -1] }))).toEqual([0]);
  });

  it('grows the precision for a cancellation of 300 digits', () => {
    const x = constant(Tensor.from([1e-300], [1], 'f64'));
    const e = parseExpr('log(1 - exp(x))', { vars: { x } });
    // 1 - e^x < 0 for x > 0: the exact value is undefined (NaN), though floats give log(0) = -Inf.
    expect(exactValue([e]).value.data[0]).toBeNaN();
    const e2 = parseExpr('log1p(x)', { vars: { x } });
    expect(exactValue([e2]).value.data[0]).toBe(1e-300);
  });
});
