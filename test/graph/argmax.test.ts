/** argmax and argmin as ops: types, build-time refusals, the expression syntax, NumPy's semantics. */
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { DTypeError, ShapeError } from '../../src/graph/errors.js';
import { evaluate } from '../../src/graph/interpret.js';
import { argExtreme } from '../../src/graph/ops/arg-reductions.js';
import { formatExpr, parseExpr } from '../../src/graph/syntax/index.js';

describe('argmax types', () => {
  it('is i32 with the axis removed, or kept as 1', () => {
    const x = T.tensor('x', 'f32', ['n', 4, 5]);
    expect([T.argmax(x, 1).dtype, T.argmax(x, 1).shape]).toEqual(['i32', ['n', 5]]);
    expect(T.argmin(x, -1, { keepdims: true }).shape).toEqual(['n', 4, 1]);
    expect(T.argmax(x).shape).toEqual([]);
    expect(T.argmax(x, null, { keepdims: true }).shape).toEqual([1, 1, 1]);
  });

  it('is a method of nodes too, building the same node as the builder', () => {
    const x = T.matrix('x', 'f32', ['n', 3]);
    expect(x.argmax(1)).toBe(T.argmax(x, 1));
    expect(x.argmin(0, { keepdims: true })).toBe(T.argmin(x, 0, { keepdims: true }));
    expect(
      evaluate(x.exp().argmax(1), {
        x: [
          [1, 9, 2],
          [4, 0, 4],
        ],
      }).toArray(),
    ).toEqual([1, 0]);
  });

  it('stores the one axis of a vector as the flattened tensor, so both spellings are one node', () => {
    const v = T.vector('v', 'f32', 'n');
    expect(T.argmax(v, 0).attrs.axis).toBeNull();
    expect(T.argmax(v, -1)).toBe(T.argmax(v));
  });

  it('refuses an empty axis when the graph is built, naming the op and the shape', () => {
    const x = T.tensor('x', 'f32', [3, 0]);
    expect(() => T.argmax(x, 1)).toThrow(
      new ShapeError('argmax: axis 1 of shape [3, 0] is empty; it has no maximum'),
    );
    expect(() => T.argmin(x)).toThrow(
      new ShapeError('argmin: of an empty tensor (shape [3, 0]); it has no minimum'),
    );
    // Reducing the other axis is fine: three empty lanes give no indices.
    expect(T.argmax(T.tensor('y', 'f32', [0, 3]), 1).shape).toEqual([0]);
  });

  it('refuses an empty axis bound at run time when evaluated', () => {
    const x = T.tensor('x', 'f64', [2, 'n']);
    expect(() => evaluate(T.argmax(x, 1), { x: [[], []] })).toThrow(
      new ShapeError('argmax: axis 1 of shape [2, 0] is empty; it has no maximum'),
    );
  });

  it('refuses bools and out-of-range axes', () => {
    expect(() => T.argmax(T.vector('b', 'bool'))).toThrow(DTypeError);
    expect(() => T.argmax(T.matrix('m'), 2)).toThrow(
      new ShapeError('argmax: axis 2 is out of range for a tensor of rank 2'),
    );
  });
});

describe('argmax semantics (NumPy)', () => {
  // numpy.argmax([...]) as NumPy 1.26 prints it, lane by lane.
  it.each([
    [[2, 9, 9, 1], 'argmax', 1],
    [[2, 9, 9, 1], 'argmin', 3],
    [[Number.NaN, 1], 'argmax', 0],
    [[1, Number.POSITIVE_INFINITY, Number.NaN, Number.NaN], 'argmax', 2],
    [[0, -0], 'argmax', 0],
    [[-0, 0], 'argmin', 0],
    [[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], 'argmax', 0],
  ] as const)('%j %s is %d', (lane, op, index) => {
    expect(argExtreme(lane, op)).toBe(index);
    expect(evaluate(T.apply(op, [T.constant([...lane], 'f64')]), {}).item()).toBe(index);
  });

  it('reduces a middle axis lane by lane', () => {
    const x = T.constant(
      [
        [
          [1, 8],
          [5, 2],
          [5, 9],
        ],
      ],
      'f64',
    );
    expect(evaluate(T.argmax(x, 1), {}).toArray()).toEqual([[1, 2]]);
    expect(evaluate(T.argmin(x, 1), {}).toArray()).toEqual([[0, 1]]);
  });
});

describe('argmax in the expression syntax', () => {
  it('parses and prints with its attributes', () => {
    const x = T.matrix('x', 'f32', ['n', 'm']);
    const e = parseExpr('argmax(x, axis=1, keepdims=true)', { vars: 'x: f32[n, m]' });
    expect(e).toBe(T.argmax(x, 1, { keepdims: true }));
    expect(parseExpr(formatExpr(e), { vars: 'x: f32[n, m]' })).toBe(e);
    expect(parseExpr('argmin(x)', { vars: 'x: f32[n, m]' })).toBe(T.argmin(x));
  });
});
