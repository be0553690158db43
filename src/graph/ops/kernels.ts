/**
 * Loops the reference evaluations share: broadcasting elementwise maps, reductions over axes, and lanes
 * along one axis. They favour being obviously right over being fast; the runtimes are the fast path.
 */
import { castValue, type DType } from '../dtype.js';
import { sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Strides of `shape` read as if broadcast to `outShape` (0 along stretched or missing axes). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((d, i) => {
    const j = i - offset;
    if (j < 0) return 0;
    return shape[j] === 1 && d !== 1 ? 0 : own[j];
  });
}

/** Applies `fn` element by element over broadcast args, rounding results to `dtype`. */
export function mapElementwise(
  args: readonly Tensor[],
  outShape: readonly number[],
  dtype: DType,
  fn: (...xs: number[]) => number,
): Tensor {
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  const rank = outShape.length;
  const strides = args.map((a) => broadcastStrides(a.shape, outShape));
  const index = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(args.length).fill(0);
  const xs = new Array<number>(args.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < args.length; k++) xs[k] = args[k].data[offsets[k]];
    out[i] = castValue(fn(...xs), dtype);
    // Advance the multi-index like an odometer, updating each arg's offset.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < args.length; k++) offsets[k] += strides[k][d];
      if (index[d] < outShape[d]) break;
      for (let k = 0; k < args.length; k++) offsets[k] -= strides[k][d] * outShape[d];
      index[d] = 0;
    }
  }
  return Tensor.wrap(out, outShape, dtype);
}

/** The shape left after reducing `axes` of `shape`, keeping them as 1 when `keepdims`. */
export function reducedShape<D>(
  shape: readonly D[],
  axes: readonly number[],
  keepdims: boolean,
  one: D,
): D[] {
  const out: D[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(one);
  });
  return out;
}

/**
 * Folds the elements of each reduced group: `step(acc, x)` from `init`, then `finish(acc, count)`.
 *
 * @example reduce(t, [1], false, 'f64', 0, (a, x) => a + x) // row sums
 */
export function reduce(
  x: Tensor,
  axes: readonly number[],
  keepdims: boolean,
  dtype: DType,
  init: number,
  step: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (acc) => acc,
): Tensor {
  const outShape = reducedShape(x.shape, axes, keepdims, 1);
  const keptShape = reducedShape(x.shape, axes, true, 1);
  const outStrides = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const acc = new Float64Array(sizeOf(outShape)).fill(init);
  const rank = x.shape.length;
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < x.size; i++) {
    acc[offset] = step(acc[offset], x.data[i]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset += outStrides[d];
      if (index[d] < x.shape[d]) break;
      offset -= outStrides[d] * x.shape[d];
      index[d] = 0;
    }
  }
  const count = axes.reduce((c, a) => c * x.shape[a], 1);
  for (let i = 0; i < acc.length; i++) acc[i] = castValue(finish(acc[i], count), dtype);
  return Tensor.wrap(acc, outShape, dtype);
}

/**
 * Calls `fn` once per lane along `axis`: the lane's values in, the lane's results out (same length).
 * Softmax and its relatives are defined lane by lane.
 */
export function mapLanes(
  x: Tensor,
  axis: number,
  dtype: DType,
  fn: (lane: Float64Array) => Float64Array,
): Tensor {
  const out = new Float64Array(x.size);
  const strides = stridesOf(x.shape);
  const len = x.shape[axis];
  const stride = strides[axis];
  const lane = new Float64Array(len);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = stride;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * stride + i;
      for (let k = 0; k < len; k++) lane[k] = x.data[base + k * stride];
      const result = fn(lane);
      for (let k = 0; k < len; k++) out[base + k * stride] = castValue(result[k], dtype);
    }
  }
  return Tensor.wrap(out, x.shape, dtype);
}

/** Copies `x` read through `strides` (one per output axis) into a fresh row-major tensor of `shape`. */
export function gather(x: Tensor, shape: readonly number[], strides: readonly number[], start = 0): Tensor {
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const index = new Array<number>(shape.length).fill(0);
  let offset = start;
  for (let i = 0; i < n; i++) {
    out[i] = x.data[offset];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < shape[d]) break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return Tensor.wrap(out, shape, x.dtype);
}
