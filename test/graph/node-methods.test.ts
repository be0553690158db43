/** Node methods for common ops, and softmax's axis given as reductions take it. */
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { Tensor } from '../../src/graph/tensor.js';

const x = T.matrix('x', 'f64', ['n', 3]);

describe('node methods', () => {
  it('build the same nodes as T', () => {
    expect(x.relu()).toBe(T.relu(x));
    expect(x.abs()).toBe(T.abs(x));
    expect(x.softplus()).toBe(T.softplus(x));
    expect(x.log1p().expm1()).toBe(T.expm1(T.log1p(x)));
    expect(x.sin().cos().sqr().reciprocal()).toBe(T.reciprocal(T.sqr(T.cos(T.sin(x)))));
    expect(x.maximum(0).minimum(1)).toBe(T.minimum(T.maximum(x, 0), 1));
    expect(x.min({ axis: 1 })).toBe(T.min(x, { axis: 1 }));
    expect(x.prod()).toBe(T.prod(x));
    expect(x.softmax({ axis: 0 })).toBe(T.softmax(x, { axis: 0 }));
  });
});

describe('softmax and log_softmax', () => {
  it('take { axis } like reductions, and the positional axis as before, defaulting to the last', () => {
    expect(T.softmax(x, { axis: 0 })).toBe(T.softmax(x, 0));
    expect(T.softmax(x)).toBe(T.softmax(x, { axis: -1 }));
    expect(T.softmax(x)).toBe(T.softmax(x, -1));
    expect(T.log_softmax(x, { axis: 0 })).toBe(T.log_softmax(x, 0));
    expect(T.softmax(x, { axis: 0 })).not.toBe(T.softmax(x));
  });
});

describe('Tensor.toString', () => {
  it('prints as its TSDoc says, special values spelled out', () => {
    expect(String(Tensor.from([1, 2, 3, 4], [2, 2], 'f32'))).toBe('f32[2, 2] [[1, 2], [3, 4]]');
    expect(String(Tensor.from([-0, Number.NaN, -Infinity, Infinity], [4], 'f64'))).toBe(
      'f64[4] [-0, NaN, -Inf, Inf]',
    );
    expect(String(Tensor.from([1, 0], [2], 'bool'))).toBe('bool[2] [true, false]');
  });
});

describe('Tensor.toTypedArray', () => {
  it('returns the typed array of the dtype, typed by it', () => {
    const f32: Float32Array = Tensor.from([1.5, 2], [2], 'f32').toTypedArray();
    const i64: BigInt64Array = Tensor.from([3], [1], 'i64').toTypedArray();
    const bool: Uint8Array = Tensor.from([1, 0], [2], 'bool').toTypedArray();
    expect(f32).toBeInstanceOf(Float32Array);
    expect(Array.from(f32)).toEqual([1.5, 2]);
    expect(i64).toEqual(BigInt64Array.from([3n]));
    expect(Array.from(bool)).toEqual([1, 0]);
  });
});
