/**
 * Layout ops: `transpose reshape broadcast_to expand_dims squeeze concat slice slice_update`. They move
 * or copy elements and compute nothing; shapes may hold symbolic dims wherever the op can track them.
 */
import { apply } from '../apply.js';
import { promoteAll } from '../dtype.js';
import { ShapeError } from '../errors.js';
import type { Attrs, OpDef, TypeInfo } from '../op-def.js';
import {
  broadcastShapes,
  type Dim,
  dimProduct,
  dimProductsEqual,
  formatShape,
  isUnknownDim,
  normalizeAxes,
  type Shape,
  shapesMatch,
  sizeOf,
  stridesOf,
  unifyDims,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastStrides, gather } from './kernels.js';
import { SLICE, SLICE_UPDATE } from './slice.js';

/** The permutation of a transpose; null (the default) reverses the axes. */
function permOf(attrs: Attrs, rank: number): number[] {
  return (attrs.perm as number[] | null) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

const TRANSPOSE: OpDef = {
  name: 'transpose',
  arity: 1,
  kind: 'layout',
  attrs: { perm: { type: 'ints', default: null, nullable: true } },
  doc: 'transpose(x, perm=null): permute axes (reverse them by default)',
  normalize: ([x], attrs) => {
    const perm = permOf(attrs, x.shape.length);
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i))
      throw new ShapeError(
        `transpose: perm ${JSON.stringify(perm)} is not a permutation of the ${x.shape.length} axes of ${formatShape(x.shape)}`,
      );
    // The full reversal is stored as null, so `transpose(x)` has one spelling at any rank.
    return { perm: perm.every((p, i) => p === perm.length - 1 - i) ? null : perm };
  },
  infer: ([x], attrs) => ({ dtype: x.dtype, shape: permOf(attrs, x.shape.length).map((p) => x.shape[p]) }),
  evaluate: ([x], attrs, out) => {
    const strides = stridesOf(x.shape);
    return gather(
      x,
      out.shape,
      permOf(attrs, x.rank).map((p) => strides[p]),
    );
  },
  vjp: ({ node, args: [x], g }) => {
    const perm = permOf(node.attrs, x.rank);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [apply('transpose', [g], { perm: inverse })];
  },
  elementCost: 1,
};

/** Resolves a reshape target with at most one -1 against the input shape, checking element counts. */
function reshapeTarget(x: Shape, target: readonly Dim[]): Shape {
  const wild = target.filter((d) => d === -1).length;
  if (wild > 1) throw new ShapeError(`reshape: at most one -1 is allowed in ${formatShape(target)}`);
  // With unknown sizes the check waits for run time; the -1 stays in the attribute, to be resolved
  // then, and the output dim gets a name derived from what it is the quotient of.
  if ([...x, ...target].some(isUnknownDim)) return target;
  const have = dimProduct(x);
  const known = dimProduct(target.filter((d) => d !== -1));
  if (wild === 0) {
    if (!dimProductsEqual(have, known))
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x)} into ${formatShape(target)} (sizes differ)`,
      );
    return target;
  }
  // The -1 takes what is left: a number when the symbolic parts cancel, or one leftover name.
  const left = [...have.symbols];
  for (const s of known.symbols) {
    const i = left.indexOf(s);
    if (i < 0)
      throw new ShapeError(`reshape: cannot infer -1 of ${formatShape(target)} from ${formatShape(x)}`);
    left.splice(i, 1);
  }
  const coefficient = have.coefficient / known.coefficient;
  let fill: Dim;
  if (left.length === 0 && Number.isInteger(coefficient)) fill = coefficient;
  else if (left.length === 1 && coefficient === 1) fill = left[0];
  // Flattening [n, 3] to [-1] leaves 3·n, which no single dim can name: as with unknown sizes, the -1
  // stays, to be resolved at run time, and the output dim is a derived unknown.
  else if (left.length > 0) return target;
  else throw new ShapeError(`reshape: cannot infer -1 of ${formatShape(target)} from ${formatShape(x)}`);
  return target.map((d) => (d === -1 ? fill : d));
}

const RESHAPE: OpDef = {
  name: 'reshape',
  arity: 1,
  kind: 'layout',
  attrs: { shape: { type: 'shape', wildcard: true } },
  doc: 'reshape(x, shape=[…]): same elements in row-major order, new shape (one -1 is inferred)',
  normalize: ([x], attrs) => ({ shape: reshapeTarget(x.shape, attrs.shape as Dim[]) }),
  infer: ([x], attrs) => {
    const target = attrs.shape as Shape;
    if (!target.includes(-1)) return { dtype: x.dtype, shape: target };
    const known = target.filter((d) => d !== -1);
    const quotient = `?(${x.shape.join('*')})/(${known.join('*') || 1})`;
    return { dtype: x.dtype, shape: target.map((d) => (d === -1 ? quotient : d)) };
  },
  evaluate: ([x], _attrs, out) => Tensor.wrap(x.data, out.shape, x.dtype),
  vjp: ({ args: [x], g }) => [apply('reshape', [g], { shape: x.shape })],
  elementCost: 0,
};

const BROADCAST_TO: OpDef = {
  name: 'broadcast_to',
  arity: 1,
  kind: 'layout',
  attrs: { shape: { type: 'shape' } },
  doc: 'broadcast_to(x, shape=[…]): stretch size-1 and missing leading axes',
  infer: ([x], attrs) => {
    const target = attrs.shape as Shape;
    const shape = broadcastShapes('broadcast_to', [x.shape, target]);
    if (!shapesMatch(shape, target))
      throw new ShapeError(
        `broadcast_to: cannot broadcast ${formatShape(x.shape)} to ${formatShape(target)}`,
      );
    return { dtype: x.dtype, shape: target };
  },
  evaluate: ([x], _attrs, out) => gather(x, out.shape, broadcastStrides(x.shape, out.shape)),
  // grad() sums the adjoint back over the stretched axes.
  vjp: ({ g }) => [g],
  elementCost: 1,
};

const EXPAND_DIMS: OpDef = {
  name: 'expand_dims',
  arity: 1,
  kind: 'layout',
  attrs: { axis: { type: 'int' } },
  doc: 'expand_dims(x, axis=k): insert an axis of size 1 at position k',
  normalize: ([x], attrs) => ({
    axis: normalizeAxes('expand_dims', attrs.axis as number, x.shape.length + 1)[0],
  }),
  infer: ([x], attrs) => {
    const shape = [...x.shape];
    shape.splice(attrs.axis as number, 0, 1);
    return { dtype: x.dtype, shape };
  },
  evaluate: ([x], _attrs, out) => Tensor.wrap(x.data, out.shape, x.dtype),
  vjp: ({ args: [x], g }) => [apply('reshape', [g], { shape: x.shape })],
  elementCost: 0,
};

const SQUEEZE: OpDef = {
  name: 'squeeze',
  arity: 1,
  kind: 'layout',
  attrs: { axis: { type: 'axes', default: null, nullable: true } },
  doc: 'squeeze(x, axis=null): drop axes of size 1 (all of them by default)',
  normalize: ([x], attrs) => {
    if (attrs.axis === null) return { axis: x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) };
    const axes = normalizeAxes('squeeze', attrs.axis as number[], x.shape.length);
    for (const a of axes)
      if (x.shape[a] !== 1)
        throw new ShapeError(
          `squeeze: axis ${a} of ${formatShape(x.shape)} has size ${String(x.shape[a])}, not 1`,
        );
    return { axis: axes };
  },
  infer: ([x], attrs) => ({
    dtype: x.dtype,
    shape: x.shape.filter((_, i) => !(attrs.axis as number[]).includes(i)),
  }),
  evaluate: ([x], _attrs, out) => Tensor.wrap(x.data, out.shape, x.dtype),
  vjp: ({ args: [x], g }) => [apply('reshape', [g], { shape: x.shape })],
  elementCost: 0,
};

const CONCAT: OpDef = {
  name: 'concat',
  arity: { min: 1 },
  kind: 'layout',
  attrs: { axis: { type: 'int', default: 0 } },
  doc: 'concat(a, b, …, axis=0): join along an axis; other dims must agree',
  normalize: ([x], attrs) => {
    if (x.shape.length === 0) throw new ShapeError('concat: cannot join scalars (expand_dims them first)');
    return { axis: normalizeAxes('concat', attrs.axis as number, x.shape.length)[0] };
  },
  infer: (args, attrs) => concatType(args, attrs.axis as number),
  evaluate: (args, attrs, out) => {
    const axis = attrs.axis as number;
    const outer = sizeOf(out.shape.slice(0, axis));
    const data = new Float64Array(sizeOf(out.shape));
    let pos = 0;
    for (let o = 0; o < outer; o++)
      for (const a of args) {
        const block = sizeOf(a.shape.slice(axis));
        data.set(a.data.subarray(o * block, (o + 1) * block), pos);
        pos += block;
      }
    return Tensor.from(data, out.shape, out.dtype);
  },
  vjp: ({ node, args, g }) => {
    const axis = node.attrs.axis as number;
    let start = 0;
    return args.map((a) => {
      const size = a.shape[axis] as number;
      const begin = a.shape.map((_, i) => (i === axis ? start : 0));
      const end = a.shape.map((_, i) => (i === axis ? start + size : null));
      start += size;
      return apply('slice', [g], { begin, end });
    });
  },
  elementCost: 1,
};

function concatType(args: readonly TypeInfo[], axis: number): TypeInfo {
  const first = args[0].shape;
  let total = 0;
  for (const [k, a] of args.entries()) {
    if (
      a.shape.length !== first.length ||
      a.shape.some((d, i) => i !== axis && unifyDims(d, first[i]) === undefined)
    )
      throw new ShapeError(
        `concat: argument ${k + 1} has shape ${formatShape(a.shape)}, which does not fit ${formatShape(first)} along axis ${axis}`,
      );
    const d = a.shape[axis];
    if (typeof d !== 'number')
      throw new ShapeError(
        `concat: cannot join along symbolic dimension '${d}' (axis ${axis}); the result size would be symbolic`,
      );
    total += d;
  }
  return {
    dtype: promoteAll(args.map((a) => a.dtype)),
    shape: first.map((d, i) => (i === axis ? total : d)),
  };
}

/** Every layout op. */
export const LAYOUT_OPS: readonly OpDef[] = [
  TRANSPOSE,
  RESHAPE,
  BROADCAST_TO,
  EXPAND_DIMS,
  SQUEEZE,
  CONCAT,
  SLICE,
  SLICE_UPDATE,
];
