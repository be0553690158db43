import { describe, expect, it } from 'vitest';
import { grad, isShared, OpError, sharedValue, T, Tensor } from '../../src/index.js';
import { evaluate } from '../../src/graph/interpret.js';

describe('T.shared', () => {
  it('is an input node with a concrete shape and its initial value beside it', () => {
    const w = T.shared('w_s1', [
      [1, 2],
      [3, 4],
    ]);
    expect(w.op).toBe('input');
    expect(w.inputName).toBe('w_s1');
    expect(w.dtype).toBe('f32');
    expect(w.shape).toEqual([2, 2]);
    expect(isShared(w)).toBe(true);
    expect(sharedValue(w)!.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(isShared(T.vector('v_s1'))).toBe(false);
  });

  it('takes numbers, typed arrays, { data, shape } and tensors, with an optional dtype', () => {
    expect(T.shared('b_s2', 0.5, 'f64').dtype).toBe('f64');
    expect(T.shared('b_s3', 2).dtype).toBe('f32');
    const typed = T.shared('t_s4', new Int32Array([1, 2, 3]));
    expect([typed.dtype, typed.shape]).toEqual(['i32', [3]]);
    const data = T.shared('d_s5', { data: new Float64Array(6), shape: [2, 3] });
    expect([data.dtype, data.shape]).toEqual(['f64', [2, 3]]);
    const cast = T.shared('c_s6', Tensor.from([1.5, 2.5], [2], 'f64'), 'i32');
    expect(sharedValue(cast)!.toArray()).toEqual([1, 2]);
    expect(sharedValue(T.shared('z_s7', Tensor.zeros([2], 'f32')))!.toArray()).toEqual([0, 0]);
  });

  it('refuses bad names and ragged values', () => {
    expect(() => T.shared('1w', 0)).toThrow(OpError);
    expect(() => T.shared('r_s8', [[1], [2, 3]])).toThrow(/ragged/);
    expect(() => T.shared('r_s9', { data: [1, 2], shape: [3] })).toThrow(/2 values for shape \[3\]/);
  });

  it('is differentiated and evaluated as an input', () => {
    const w = T.shared('w_s10', [1, 2], 'f64');
    const [gw] = grad(T.sum(T.mul(w, w)), [w]);
    expect(evaluate(gw, { w_s10: [1, 2] }).toArray()).toEqual([2, 4]);
  });
});

describe('Tensor.fromTypedArray', () => {
  it('wraps without copying and converts to float64 on demand', () => {
    const array = new Float32Array([1.5, 2]);
    const t = Tensor.fromTypedArray(array, [2], 'f32');
    expect(t.array).toBe(array);
    expect(Array.from(t.data)).toEqual([1.5, 2]);
    expect(t.toTypedArray()).not.toBe(array);
    expect(() => Tensor.fromTypedArray(new Float64Array(2), [2], 'f32')).toThrow(/Float32Array/);
    expect(() => Tensor.fromTypedArray(array, [3], 'f32')).toThrow(/2 values/);
  });
});
