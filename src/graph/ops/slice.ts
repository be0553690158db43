/**
 * `slice(x, begin, end, step)` with numpy's basic-slicing semantics per axis, and its write-back twin
 * `slice_update(x, v, …)` (PyTensor's set_subtensor), which is also slice's gradient.
 */
import { apply } from '../apply.js';
import { promote } from '../dtype.js';
import { ShapeError } from '../errors.js';
import type { Attrs, OpDef, TypeInfo } from '../op-def.js';
import {
  broadcastShapes,
  type Dim,
  formatShape,
  type Shape,
  shapesMatch,
  sizeOf,
  stridesOf,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastStrides, gather } from './kernels.js';

const SLICE_ATTRS = {
  begin: { type: 'ints', default: [] },
  end: { type: 'optInts', default: [] },
  step: { type: 'ints', default: [] },
} as const;

/** One axis of a slice once resolved: first index, step, and how many elements. */
interface AxisRange {
  readonly start: number;
  readonly step: number;
  readonly count: Dim;
}

/**
 * Resolves a slice of one axis the way numpy does for a concrete dim (negative indices, clamping).
 * On a symbolic dim only forward slices with non-negative bounds are allowed; the dim is assumed to be
 * at least `end`, which the interpreter checks when the dim is bound.
 */
function axisRange(dim: Dim, begin: number, end: number | null, step: number, axis: number): AxisRange {
  if (step === 0) throw new ShapeError(`slice: step of axis ${axis} is 0`);
  if (typeof dim === 'string') {
    if (step < 0 || begin < 0 || (end !== null && end < 0))
      throw new ShapeError(
        `slice: axis ${axis} has symbolic size '${dim}': only non-negative bounds and positive steps are allowed`,
      );
    if (end === null) {
      if (begin === 0 && step === 1) return { start: 0, step: 1, count: dim };
      throw new ShapeError(
        `slice: axis ${axis} has symbolic size '${dim}': give an explicit end to slice from ${begin} by ${step}`,
      );
    }
    return { start: begin, step, count: Math.max(0, Math.ceil((end - begin) / step)) };
  }
  const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i, lo), hi);
  if (step > 0) {
    const s = clamp(begin < 0 ? begin + dim : begin, 0, dim);
    const e = end === null ? dim : clamp(end < 0 ? end + dim : end, 0, dim);
    return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = clamp(begin < 0 ? begin + dim : begin, -1, dim - 1);
  const e = end === null ? -1 : clamp(end < 0 ? end + dim : end, -1, dim - 1);
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}

function ranges(shape: Shape, attrs: Attrs): AxisRange[] {
  const begin = attrs.begin as number[];
  const end = attrs.end as (number | null)[];
  const step = attrs.step as number[];
  if (begin.length > shape.length || end.length > shape.length || step.length > shape.length)
    throw new ShapeError(`slice: more bounds than the ${shape.length} axes of ${formatShape(shape)}`);
  return shape.map((d, i) => {
    // Negative steps default to walking from the last element to the first.
    const st = step[i] ?? 1;
    return axisRange(d, begin[i] ?? (st < 0 ? -1 : 0), end[i] ?? null, st, i);
  });
}

/** Offset of the first element and the strides that walk the slice inside a row-major tensor. */
function sliceView(shape: readonly number[], rs: readonly AxisRange[]): { start: number; strides: number[] } {
  const strides = stridesOf(shape);
  let start = 0;
  rs.forEach((r, i) => {
    start += r.start * strides[i];
  });
  return { start, strides: rs.map((r, i) => r.step * strides[i]) };
}

export const SLICE: OpDef = {
  name: 'slice',
  arity: 1,
  kind: 'layout',
  attrs: SLICE_ATTRS,
  doc: 'slice(x, begin=[…], end=[…], step=[…]): numpy basic slicing per axis (null end: to the end)',
  infer: ([x], attrs) => ({ dtype: x.dtype, shape: ranges(x.shape, attrs).map((r) => r.count) }),
  evaluate: ([x], attrs, out) => {
    const { start, strides } = sliceView(x.shape, ranges(x.shape, attrs));
    return gather(x, out.shape, strides, start);
  },
  vjp: ({ node, args: [x], g }) => [apply('slice_update', [apply('zeros_like', [x]), g], { ...node.attrs })],
  elementCost: 1,
};

export const SLICE_UPDATE: OpDef = {
  name: 'slice_update',
  arity: 2,
  kind: 'layout',
  attrs: SLICE_ATTRS,
  doc: 'slice_update(x, v, begin, end, step): x with the slice replaced by v (broadcast to it)',
  infer: ([x, v]: readonly TypeInfo[], attrs) => {
    const target = ranges(x.shape, attrs).map((r) => r.count);
    const shape = broadcastShapes('slice_update', [v.shape, target]);
    if (!shapesMatch(shape, target))
      throw new ShapeError(
        `slice_update: value of shape ${formatShape(v.shape)} does not fit the slice ${formatShape(target)}`,
      );
    return { dtype: promote(x.dtype, v.dtype), shape: x.shape };
  },
  evaluate: ([x, v], attrs, out) => {
    const rs = ranges(x.shape, attrs);
    const counts = rs.map((r) => r.count as number);
    const { start, strides } = sliceView(x.shape, rs);
    const values = gather(v, counts, broadcastStrides(v.shape, counts));
    const data = Float64Array.from(x.data);
    const index = new Array<number>(counts.length).fill(0);
    let offset = start;
    for (let i = 0; i < sizeOf(counts); i++) {
      data[offset] = values.data[i];
      for (let d = counts.length - 1; d >= 0; d--) {
        index[d]++;
        offset += strides[d];
        if (index[d] < counts[d]) break;
        offset -= strides[d] * counts[d];
        index[d] = 0;
      }
    }
    return Tensor.from(data, out.shape, out.dtype);
  },
  vjp: ({ node, args: [, v], g }) => [
    apply('slice_update', [g, apply('zeros_like', [v])], { ...node.attrs }),
    apply('slice', [g], { ...node.attrs }),
  ],
  elementCost: 1,
};
