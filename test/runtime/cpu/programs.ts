// Scalar expressions and a float64 reference evaluation of them for the cpu executor's tests, which
// build their Programs with ../programs.ts (the lowering's own programs come through the parity suite).
import { castValue, type DType } from '../../../src/graph/dtype.js';
import { getOp } from '../../../src/graph/op-table.js';
import type { ScalarExpr, View } from '../../../src/runtime/program.js';

export const acc: ScalarExpr = { kind: 'acc', dtype: 'f64' };
export const ap = (
  o: string,
  args: ScalarExpr[],
  dtype: DType = 'f32',
  attrs?: Record<string, unknown>,
): ScalarExpr => ({
  kind: 'op',
  op: o,
  args,
  dtype,
  attrs,
});

/** The reference meaning of a scalar expression: float64 op, rounded to the op's dtype. */
export function evalScalar(e: ScalarExpr, operands: readonly number[], accValue = 0): number {
  switch (e.kind) {
    case 'operand':
      return operands[e.index];
    case 'const':
      return e.value;
    case 'acc':
      return accValue;
    case 'op':
      return castValue(getOp(e.op).scalar!(...e.args.map((a) => evalScalar(a, operands, accValue))), e.dtype);
  }
}

/** Element `index` (multi-index) of a view over `data`. */
export function at(data: ArrayLike<number>, v: View, index: readonly number[]): number {
  return data[v.offset + index.reduce((a, i, d) => a + i * v.strides[d], 0)];
}

/** Every multi-index of `shape` in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/** Ulp distance of float32 results (0 for equal, both-NaN, or same-sign zeros). */
export function f32Ulps(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const m = Math.max(Math.abs(b), 2 ** -126);
  return Math.abs(a - b) / 2 ** (Math.floor(Math.log2(m)) - 23);
}

/** A seeded xorshift PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
