/**
 * Strided views: how the lowering expresses layout ops without copying. Each function returns a new
 * view of the same buffer, or `undefined` where no strided view can express the result (a reshape of
 * non-contiguous data), in which case the lowering copies first.
 */
import type { BufferId, View } from './program.js';

/**
 * The whole of a contiguous buffer, row-major.
 *
 * @example contiguousView(id, 'f32', [2, 3]).strides // [3, 1]
 */
export function contiguousView(buffer: BufferId, dtype: View['dtype'], shape: readonly number[]): View {
  return { buffer, dtype, shape: [...shape], strides: rowMajorStrides(shape), offset: 0 };
}

/** Row-major strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Number of elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * True when the view reads the buffer's first `size` elements in row-major order (axes of size 1 may
 * have any stride): element i of the view is element i of the buffer.
 */
export function isIdentityView(view: View, bufferSize: number): boolean {
  if (view.offset !== 0 || elementCount(view.shape) !== bufferSize) return false;
  let expected = 1;
  for (let i = view.shape.length - 1; i >= 0; i--) {
    if (view.shape[i] === 1) continue;
    if (view.strides[i] !== expected) return false;
    expected *= view.shape[i];
  }
  return true;
}

/** Axes permuted: axis i of the result is axis `perm[i]` of the view. */
export function permuteView(view: View, perm: readonly number[]): View {
  return {
    ...view,
    shape: perm.map((p) => view.shape[p]),
    strides: perm.map((p) => view.strides[p]),
  };
}

/** numpy broadcasting of the view to `shape` (right-aligned; stretched and new axes get stride 0). */
export function broadcastView(view: View, shape: readonly number[]): View {
  const lead = shape.length - view.shape.length;
  return {
    ...view,
    shape: [...shape],
    strides: shape.map((d, i) => {
      const j = i - lead;
      if (j < 0) return 0;
      return view.shape[j] === 1 && d !== 1 ? 0 : view.strides[j];
    }),
  };
}

/**
 * The same elements in row-major order under a new shape, when strides can express it (numpy's
 * no-copy reshape): groups of axes whose elements are evenly spaced are split or merged. Size-1 axes
 * can always be inserted or dropped, so expand_dims and squeeze never copy.
 */
export function reshapeView(view: View, shape: readonly number[]): View | undefined {
  const size = elementCount(shape);
  if (size !== elementCount(view.shape)) return undefined;
  if (size === 0) return { ...view, shape: [...shape], strides: rowMajorStrides(shape) };
  // Drop size-1 axes of the source; they carry no stepping.
  const oldShape: number[] = [];
  const oldStrides: number[] = [];
  view.shape.forEach((d, i) => {
    if (d !== 1) {
      oldShape.push(d);
      oldStrides.push(view.strides[i]);
    }
  });
  const newStrides = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < shape.length && oi < oldShape.length) {
    if (shape[ni] === 1) {
      ni++;
      continue;
    }
    // Grow a group on both sides until the element counts match.
    let np = shape[ni];
    let op = oldShape[oi];
    const nStart = ni;
    const oStart = oi;
    while (np !== op) {
      if (np < op) np *= shape[++ni];
      else op *= oldShape[++oi];
    }
    // The old axes of the group must be one evenly strided run.
    for (let k = oStart; k < oi; k++)
      if (oldStrides[k] !== oldStrides[k + 1] * oldShape[k + 1]) return undefined;
    // Spread the innermost stride over the new axes of the group.
    let stride = oldStrides[oi];
    for (let k = ni; k >= nStart; k--) {
      newStrides[k] = stride;
      stride *= shape[k];
    }
    ni++;
    oi++;
  }
  return { ...view, shape: [...shape], strides: newStrides };
}

/** One axis of a slice: the first index, the step, and how many elements. */
export interface AxisRange {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/**
 * numpy basic slicing of one axis of size `dim` (negative indices count from the end; bounds clamp),
 * as the `slice` op defines it.
 */
export function axisRange(
  dim: number,
  begin: number | undefined,
  end: number | null,
  step: number,
): AxisRange {
  const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i, lo), hi);
  const b = begin ?? (step < 0 ? -1 : 0);
  if (step > 0) {
    const s = clamp(b < 0 ? b + dim : b, 0, dim);
    const e = end === null ? dim : clamp(end < 0 ? end + dim : end, 0, dim);
    return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = clamp(b < 0 ? b + dim : b, -1, dim - 1);
  const e = end === null ? -1 : clamp(end < 0 ? end + dim : end, -1, dim - 1);
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/** The ranges of a `slice`/`slice_update` node's attributes over a concrete shape. */
export function sliceRanges(
  shape: readonly number[],
  attrs: { readonly begin?: unknown; readonly end?: unknown; readonly step?: unknown },
): AxisRange[] {
  const begin = (attrs.begin as number[] | undefined) ?? [];
  const end = (attrs.end as (number | null)[] | undefined) ?? [];
  const step = (attrs.step as number[] | undefined) ?? [];
  return shape.map((d, i) => axisRange(d, begin[i], end[i] ?? null, step[i] ?? 1));
}

/** The view restricted to a slice given per axis. */
export function sliceView(view: View, ranges: readonly AxisRange[]): View {
  let offset = view.offset;
  ranges.forEach((r, i) => {
    if (r.count > 0) offset += r.start * view.strides[i];
  });
  return {
    ...view,
    offset,
    shape: ranges.map((r) => r.count),
    strides: ranges.map((r, i) => r.step * view.strides[i]),
  };
}

/** A stable identity for a view, for deduplicating operands. */
export function viewKey(view: View): string {
  return `${view.buffer}@${view.offset}:${view.shape.join(',')}/${view.strides.join(',')}`;
}
