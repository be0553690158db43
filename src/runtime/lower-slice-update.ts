/**
 * `slice_update(x, v)` lowered with the kernels every executor has: along each axis the result is x's
 * rows before the slice, the updated rows, and x's rows after, joined by `concat`; rows inside the
 * slice recurse on the next axis. Views cut the pieces, so only the concat kernels copy. A slice with
 * step ±1 gives at most three pieces per axis; a wider step gives one piece per row (correct, slower).
 */
import type { DType } from '../graph/dtype.js';
import { castTo, type Value } from './lower-value.js';
import { leafValue } from './program-builder.js';
import type { View } from './program.js';
import type { AxisRange } from './views.js';

/** What the recursion needs from the lowering. */
export interface SliceUpdateOps {
  /** Joins views along `axis` into a fresh buffer. */
  concat(views: readonly View[], axis: number): Value;
  slice(view: View, ranges: readonly AxisRange[]): View;
}

/**
 * The value of `slice_update` of `x` with `v` (already broadcast to the slice's counts) over `ranges`.
 *
 * @example sliceUpdate(x, v, [{ start: 1, step: 1, count: 2 }], 'f32', ops) // concat(x[0:1], v, x[3:])
 */
export function sliceUpdate(
  x: View,
  v: View,
  ranges: readonly AxisRange[],
  dtype: DType,
  ops: SliceUpdateOps,
): Value {
  const view = build(x, v, ranges, 0, ops);
  const value = leafValue(view, []);
  return view.dtype === dtype ? value : { ...value, dtype, expr: castTo(value.expr, view.dtype, dtype) };
}

function build(x: View, v: View, ranges: readonly AxisRange[], axis: number, ops: SliceUpdateOps): View {
  const rank = x.shape.length;
  const covered = ranges
    .slice(axis)
    .every((r, i) => r.start === 0 && r.step === 1 && r.count === x.shape[axis + i]);
  if (axis === rank || covered) return v;
  const r = ranges[axis];
  const dim = x.shape[axis];
  if (r.count === 0) return x;
  const index = new Map<number, number>();
  for (let i = 0; i < r.count; i++) index.set(r.start + i * r.step, i);
  const pieces: View[] = [];
  let p = 0;
  while (p < dim) {
    let q = p + 1;
    if (!index.has(p)) {
      while (q < dim && !index.has(q)) q++;
      pieces.push(along(x, axis, p, q, false, ops));
    } else {
      while (q < dim && index.has(q) && Math.abs(index.get(q)! - index.get(q - 1)!) === 1) q++;
      const k0 = index.get(p)!;
      const k1 = index.get(q - 1)!;
      const values =
        k1 >= k0 ? along(v, axis, k0, k1 + 1, false, ops) : along(v, axis, k1, k0 + 1, true, ops);
      pieces.push(build(along(x, axis, p, q, false, ops), values, ranges, axis + 1, ops));
    }
    p = q;
  }
  if (pieces.length === 1) return pieces[0];
  const joined = ops.concat(pieces, axis);
  return (joined.expr as { view: View }).view;
}

/** Rows [from, to) of `axis` (in reverse order when `reversed`), every other axis whole. */
function along(
  view: View,
  axis: number,
  from: number,
  to: number,
  reversed: boolean,
  ops: SliceUpdateOps,
): View {
  const ranges = view.shape.map((d, i): AxisRange => {
    if (i !== axis) return { start: 0, step: 1, count: d };
    return reversed
      ? { start: to - 1, step: -1, count: to - from }
      : { start: from, step: 1, count: to - from };
  });
  return ops.slice(view, ranges);
}
