/**
 * Iteration spaces of strided kernels: shapes with the views that walk them, coalesced so that the
 * innermost axis is as long as possible (a contiguous tensor of any rank becomes one row), and the
 * wasm that turns a flat row index into each view's starting address.
 */
import type { DType } from '../../../graph/dtype.js';
import { type Expr, get, i32, type Local, op } from '../wasm/expr.js';
import type { FunctionBuilder } from '../wasm/function.js';

/** A view as the generators need it: element strides and offset into a buffer at a byte address. */
export interface StridedAccess {
  readonly address: number;
  readonly dtype: DType;
  readonly strides: readonly number[];
  readonly offset: number;
}

export const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4, i64: 8, bool: 1 };

/**
 * Drops axes of size 1 and merges neighbours every view steps through as one axis.
 *
 * @example coalesce([2, 3], [[3, 1]]) // { shape: [6], strides: [[1]] }
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const keep = shape.map((d, i) => i).filter((i) => shape[i] !== 1);
  let outShape = keep.map((i) => shape[i]);
  let outStrides = strides.map((s) => keep.map((i) => s[i]));
  for (let d = outShape.length - 2; d >= 0; d--) {
    if (outStrides.every((s) => s[d] === s[d + 1] * outShape[d + 1])) {
      outShape = [...outShape.slice(0, d), outShape[d] * outShape[d + 1], ...outShape.slice(d + 2)];
      outStrides = outStrides.map((s) => [...s.slice(0, d), s[d + 1], ...s.slice(d + 2)]);
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

/**
 * Byte address of each view at row `row` (flat index over all axes but the last) and column `col`.
 * Division by the constant extents happens once per row, not per element.
 */
export function rowAddresses(
  fn: FunctionBuilder,
  shape: readonly number[],
  views: readonly StridedAccess[],
  row: Expr,
  col: Expr,
): Expr[] {
  const r = shape.length - 1;
  const offsets: Expr[] = views.map((v) =>
    op('i32.add', i32(v.offset), op('i32.mul', col, i32(v.strides[r]))),
  );
  let rest = fn.let(row);
  for (let d = r - 1; d >= 0; d--) {
    const idx = d === 0 ? rest : fn.let(op('i32.rem_u', rest, i32(shape[d])));
    views.forEach((v, k) => {
      if (v.strides[d] !== 0) offsets[k] = op('i32.add', offsets[k], op('i32.mul', idx, i32(v.strides[d])));
    });
    if (d > 0) rest = fn.let(op('i32.div_u', rest, i32(shape[d])));
  }
  return views.map((v, k) =>
    fn.let(op('i32.add', i32(v.address), op('i32.mul', offsets[k], i32(BYTES[v.dtype])))),
  );
}

/** `for (;;) { if (cond()) break; body(); }` with labels handled. */
export function whileNot(fn: FunctionBuilder, done: () => Expr, body: () => void): void {
  fn.block((exit) =>
    fn.loop((repeat) => {
      fn.brIf(exit, done());
      body();
      fn.br(repeat);
    }),
  );
}

/**
 * The loop over work items every generated function runs: `for (w = start; w < end; w += step)`,
 * where `step` is what `body(w)` returns (1 when it returns nothing; a row or a block of outputs when
 * the body takes several items at once). The range defaults to the function's `(start, end)`
 * parameters, the part of the step the executor handed this thread.
 *
 * @example forEachWorkItem(fn, (w) => fn.store('f32.store', op('i32.mul', get(w), i32(4)), f32(0)))
 */
export function forEachWorkItem(
  fn: FunctionBuilder,
  body: (w: Local) => Expr | void,
  range: { readonly start: Expr; readonly end: Expr } = { start: get(fn.params[0]), end: get(fn.params[1]) },
): void {
  const w = fn.local('i32');
  fn.set(w, range.start);
  whileNot(
    fn,
    () => op('i32.ge_s', get(w), range.end),
    () => {
      const step = body(w);
      fn.set(w, op('i32.add', get(w), step ?? i32(1)));
    },
  );
}
