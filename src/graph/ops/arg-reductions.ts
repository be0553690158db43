/**
 * `argmax` and `argmin`: the index of the extreme element along one axis, or in the flattened tensor
 * when `axis` is null (NumPy's and PyTensor's meaning). The result is i32, Saturn's index dtype (the
 * one every executor holds, WebGPU included); `keepdims` keeps the reduced axis as 1.
 *
 * Ties give the first index. A NaN counts as the extreme, so the index of the first NaN is returned,
 * as NumPy does: the index agrees with `max`/`min`, which propagate NaN. An empty axis has no extreme
 * and is refused when the graph is built (or, for a dim bound at run time, when it is evaluated).
 */
import { DTypeError, ShapeError } from '../errors.js';
import type { Attrs, OpDef } from '../op-def.js';
import { formatShape, normalizeAxes, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reducedShape } from './kernels.js';

/** The two arg reductions: the index of the largest or of the smallest element. */
export type ArgDirection = 'argmax' | 'argmin';

/**
 * The index of the first extreme of `lane` (first NaN if any), the meaning every executor must match.
 *
 * @example argExtreme([1, 3, 3, 2], 'argmax') // 1
 */
export function argExtreme(lane: ArrayLike<number>, op: ArgDirection): number {
  let best = 0;
  let value = lane[0];
  if (Number.isNaN(value)) return 0;
  for (let i = 1; i < lane.length; i++) {
    const v = lane[i];
    if (Number.isNaN(v)) return i;
    if (op === 'argmax' ? v > value : v < value) {
      best = i;
      value = v;
    }
  }
  return best;
}

/** The reduced axis, or null for the flattened tensor. */
const axisOf = (attrs: Attrs): number | null => attrs.axis as number | null;

/** The refusal of an empty reduced axis, naming the op and the shape. */
function checkNotEmpty(op: string, shape: Shape, axis: number | null): void {
  const dims = axis === null ? shape : [shape[axis]];
  if (dims.some((d) => d === 0))
    throw new ShapeError(
      axis === null
        ? `${op}: of an empty tensor (shape ${formatShape(shape)}); it has no ${op === 'argmax' ? 'maximum' : 'minimum'}`
        : `${op}: axis ${axis} of shape ${formatShape(shape)} is empty; it has no ${op === 'argmax' ? 'maximum' : 'minimum'}`,
    );
}

function argReduction(op: ArgDirection): OpDef {
  return {
    name: op,
    arity: 1,
    kind: 'reduction',
    attrs: {
      axis: { type: 'int', default: null, nullable: true },
      keepdims: { type: 'bool', default: false },
    },
    doc: `${op}(x, axis=null, keepdims=false): index (i32) of the first ${op === 'argmax' ? 'maximum' : 'minimum'} along axis (of the flattened x when null); NaN counts as the extreme`,
    normalize: ([x], attrs) => {
      const rank = x.shape.length;
      if (attrs.axis === null) return attrs;
      // A rank-1 tensor's only axis is the flattened tensor: one spelling, so rules match either way.
      const axis = normalizeAxes(op, attrs.axis as number, rank)[0];
      return { ...attrs, axis: rank === 1 ? null : axis };
    },
    infer: ([x], attrs) => {
      if (x.dtype === 'bool') throw new DTypeError(`${op}: needs a numeric tensor, got bool`);
      const axis = axisOf(attrs);
      checkNotEmpty(op, x.shape, axis);
      const axes = axis === null ? x.shape.map((_, i) => i) : [axis];
      return {
        dtype: 'i32',
        shape: reducedShape<Shape[number]>(x.shape, axes, attrs.keepdims as boolean, 1),
      };
    },
    evaluate: ([x], attrs, out) => {
      const axis = axisOf(attrs);
      checkNotEmpty(op, x.shape, axis);
      // Lanes along the axis: outer × len × inner, row-major; the flattened tensor is one lane.
      const len = axis === null ? x.size : x.shape[axis];
      const inner = axis === null ? 1 : sizeOf(x.shape.slice(axis + 1));
      const outer = x.size / (len * inner) || 0;
      const picked = new Float64Array(outer * inner);
      const lane = new Float64Array(len);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          for (let k = 0; k < len; k++) lane[k] = x.data[(o * len + k) * inner + i];
          picked[o * inner + i] = argExtreme(lane, op);
        }
      return Tensor.wrap(picked, out.shape, 'i32');
    },
    // An index is piecewise constant in x: no gradient flows through it.
    vjp: () => [null],
    elementCost: 1,
  };
}

/** argmax and argmin. */
export const ARG_REDUCTION_OPS: readonly OpDef[] = [argReduction('argmax'), argReduction('argmin')];
