/**
 * Reductions over axes (`sum prod max min mean all any`, `logsumexp`) and the softmax family along one
 * axis. `axis` is null (every axis), an int or a list; it is normalized to sorted non-negative axes, or
 * to null when it covers every axis, so `sum(x)` has one spelling whatever the rank (rules match on it).
 */
import { apply, constant } from '../apply.js';
import { type DType, floatOf, isFloat } from '../dtype.js';
import { DTypeError, ShapeError } from '../errors.js';
import type { Node } from '../node.js';
import type { Attrs, OpDef, VjpContext } from '../op-def.js';
import { isConcrete, normalizeAxes, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { mapElementwise, mapLanes, reduce, reducedShape } from './kernels.js';

const A = (op: string, ...args: (Node | number)[]): Node => apply(op, args);

const REDUCE_ATTRS = {
  axis: { type: 'axes', default: null, nullable: true },
  keepdims: { type: 'bool', default: false },
} as const;

/** The reduced axes; a stored null means every axis of a tensor of rank `rank`. */
const axesOf = (attrs: Attrs, rank: number): number[] =>
  attrs.axis === null ? Array.from({ length: rank }, (_, i) => i) : (attrs.axis as number[]);

/** Normalized axes, with "every axis" stored as null. */
function canonicalAxes(op: string, axis: number[] | null, rank: number): number[] | null {
  const axes = normalizeAxes(op, axis, rank);
  return axes.length === rank ? null : axes;
}

/**
 * Brings a reduced adjoint back to the input's shape: re-inserts the reduced axes as 1 (unless kept),
 * then broadcasts.
 */
export function expandReduced(g: Node, input: Node, axes: readonly number[], keepdims: boolean): Node {
  let expanded = g;
  if (!keepdims) expanded = apply('reshape', [g], { shape: reducedShape(input.shape, axes, true, 1) });
  return apply('broadcast_to', [expanded], { shape: input.shape });
}

/** The number of elements reduced, as a graph: a constant when the dims are known, else read from the shape. */
export function reducedCount(input: Node, axes: readonly number[], dtype: DType): Node {
  const dims: Shape = axes.map((a) => input.shape[a]);
  if (isConcrete(dims))
    return constant(
      dims.reduce((a: number, b: number) => a * b, 1),
      dtype,
    );
  return apply('size', [input], { axis: [...axes], keepdims: true, dtype });
}

interface ReductionSpec {
  readonly name: string;
  readonly doc: string;
  readonly dtype: (d: DType) => DType;
  readonly evaluate: (x: Tensor, axes: number[], keepdims: boolean, dtype: DType) => Tensor;
  readonly vjp?: (ctx: VjpContext, axes: number[], keepdims: boolean) => Node | null;
  readonly cost: number;
}

function reduction(spec: ReductionSpec): OpDef {
  return {
    name: spec.name,
    arity: 1,
    kind: 'reduction',
    attrs: REDUCE_ATTRS,
    doc: spec.doc,
    normalize: ([x], attrs) => ({
      ...attrs,
      axis: canonicalAxes(spec.name, attrs.axis as number[] | null, x.shape.length),
    }),
    infer: ([x], attrs) => ({
      dtype: spec.dtype(x.dtype),
      shape: reducedShape<Shape[number]>(
        x.shape,
        axesOf(attrs, x.shape.length),
        attrs.keepdims as boolean,
        1,
      ),
    }),
    evaluate: ([x], attrs, out) =>
      spec.evaluate(x, axesOf(attrs, x.rank), attrs.keepdims as boolean, out.dtype),
    vjp: (ctx) => [
      spec.vjp
        ? spec.vjp(ctx, axesOf(ctx.node.attrs, ctx.args[0].rank), ctx.node.attrs.keepdims as boolean)
        : null,
    ],
    elementCost: spec.cost,
  };
}

// numpy sums bools and ints in 64 bits.
const accumulating = (d: DType): DType => (isFloat(d) ? d : 'i64');

/**
 * Adjoint of max/min: g is split evenly among the elements equal to the extreme (as JAX). Giving all
 * of g to each tie (Theano's choice) is wrong where ties are copies: max(broadcast_to(x)) would get
 * k·g for k copies of one element whose true derivative is g.
 */
const extremeVjp = ({ node, args: [x], g }: VjpContext, axes: number[], keepdims: boolean) => {
  const hit = apply('cast', [A('eq', x, expandReduced(node, x, axes, keepdims))], { dtype: g.dtype });
  const ties = apply('sum', [hit], { axis: axes, keepdims: true });
  return A('mul', expandReduced(g, x, axes, keepdims), A('div', hit, ties));
};

/**
 * Adjoint of prod without dividing by x (out/x is NaN at a zero): with p the product of the group's
 * nonzero elements and c its count of zeros, d out/d x_i is p/x_i when c = 0, p at the one zero when
 * c = 1, and 0 otherwise.
 */
function prodVjp(x: Node, g: Node, axes: number[]): Node {
  const zero = A('eq', x, 0);
  const nonzero = A('switch', zero, 1, x);
  const keep = { axis: axes, keepdims: true };
  const zeros = apply('sum', [apply('cast', [zero], { dtype: x.dtype })], keep);
  const p = apply('prod', [nonzero], keep);
  const atZero = A('switch', A('and', zero, A('eq', zeros, 1)), p, 0);
  return A('mul', g, A('switch', A('eq', zeros, 0), A('div', p, nonzero), atZero));
}

const REDUCTIONS: ReductionSpec[] = [
  {
    name: 'sum',
    doc: 'sum(x, axis=null, keepdims=false)',
    dtype: accumulating,
    // -0 is IEEE's additive identity: the sum of [-0] is -0, as numpy's; a sum of nothing is +0.
    evaluate: (x, axes, k, d) =>
      reduce(
        x,
        axes,
        k,
        d,
        -0,
        (a, v) => a + v,
        (a, n) => (n === 0 ? 0 : a),
      ),
    vjp: ({ args: [x], g }, axes, k) => expandReduced(g, x, axes, k),
    cost: 1,
  },
  {
    name: 'prod',
    doc: 'product over axes',
    dtype: accumulating,
    // i32 products wrap as numpy's; a float64 product past 2^53 would lose the low bits first.
    evaluate: (x, axes, k, d) => reduce(x, axes, k, d, 1, d === 'i32' ? Math.imul : (a, v) => a * v),
    vjp: ({ args: [x], g }, axes, k) => prodVjp(x, expandReduced(g, x, axes, k), axes),
    cost: 1,
  },
  {
    name: 'max',
    doc: 'maximum over axes',
    dtype: (d) => d,
    evaluate: (x, axes, k, d) =>
      reduce(x, axes, k, d, Number.NEGATIVE_INFINITY, (a, v) => (v > a || Number.isNaN(v) ? v : a)),
    vjp: extremeVjp,
    cost: 1,
  },
  {
    name: 'min',
    doc: 'minimum over axes',
    dtype: (d) => d,
    evaluate: (x, axes, k, d) =>
      reduce(x, axes, k, d, Number.POSITIVE_INFINITY, (a, v) => (v < a || Number.isNaN(v) ? v : a)),
    vjp: extremeVjp,
    cost: 1,
  },
  {
    name: 'mean',
    doc: 'arithmetic mean over axes',
    dtype: floatOf,
    evaluate: (x, axes, k, d) =>
      reduce(
        x,
        axes,
        k,
        d,
        -0,
        (a, v) => a + v,
        (a, n) => a / n,
      ),
    vjp: ({ node, args: [x], g }, axes, k) =>
      A('div', expandReduced(g, x, axes, k), reducedCount(x, axes, node.dtype)),
    cost: 1,
  },
  {
    name: 'all',
    doc: 'true where every element is true',
    dtype: () => 'bool',
    evaluate: (x, axes, k, d) => reduce(x, axes, k, d, 1, (a, v) => +(a !== 0 && v !== 0)),
    cost: 1,
  },
  {
    name: 'any',
    doc: 'true where some element is true',
    dtype: () => 'bool',
    evaluate: (x, axes, k, d) => reduce(x, axes, k, d, 0, (a, v) => +(a !== 0 || v !== 0)),
    cost: 1,
  },
];

/** log(sum(exp x)) shifted by each group's max, so the largest term is exp(0); all -inf stays -inf. */
function logsumexpEval(x: Tensor, axes: number[], keepdims: boolean, dtype: DType): Tensor {
  const m = reduce(x, axes, true, 'f64', Number.NEGATIVE_INFINITY, (a, v) =>
    v > a || Number.isNaN(v) ? v : a,
  );
  const shifted = mapElementwise([x, m], x.shape, 'f64', (v, mx) =>
    Number.isFinite(mx) ? Math.exp(v - mx) : 1,
  );
  const s = reduce(shifted, axes, true, 'f64', 0, (a, v) => a + v);
  const kept = mapElementwise([s, m], m.shape, dtype, (sum, mx) =>
    Number.isFinite(mx) ? mx + Math.log(sum) : mx,
  );
  return Tensor.wrap(kept.data, reducedShape(x.shape, axes, keepdims, 1), dtype);
}

const LOGSUMEXP = reduction({
  name: 'logsumexp',
  doc: 'log(sum(exp(x), axis)), computed without overflow',
  dtype: (d) => requireNumeric('logsumexp', d),
  evaluate: logsumexpEval,
  vjp: ({ node, args: [x], g }, axes, k) =>
    A('mul', expandReduced(g, x, axes, k), A('exp', A('sub', x, expandReduced(node, x, axes, k)))),
  cost: 12,
});

function requireNumeric(op: string, d: DType): DType {
  if (d === 'bool') throw new DTypeError(`${op}: needs a numeric tensor, got bool`);
  return floatOf(d);
}

/** Lane-wise ops along one axis (softmax, log_softmax): same shape out, float dtype. */
function laneOp(
  name: string,
  doc: string,
  lane: (v: Float64Array) => Float64Array,
  vjp: (ctx: VjpContext, axis: number) => Node,
  cost: number,
): OpDef {
  return {
    name,
    arity: 1,
    kind: 'reduction',
    attrs: { axis: { type: 'int', default: -1 } },
    doc,
    normalize: ([x], attrs) => {
      if (x.shape.length === 0)
        throw new ShapeError(`${name}: needs a tensor of rank 1 or more, got a scalar`);
      // Stored counted from the end (-1 is the last axis), so the default has one spelling at any rank.
      return { axis: normalizeAxes(name, attrs.axis as number, x.shape.length)[0] - x.shape.length };
    },
    infer: ([x]) => ({ dtype: requireNumeric(name, x.dtype), shape: x.shape }),
    evaluate: ([x], attrs, out) => mapLanes(x, (attrs.axis as number) + x.rank, out.dtype, lane),
    vjp: (ctx) => [vjp(ctx, ctx.node.attrs.axis as number)],
    elementCost: cost,
  };
}

function laneMax(v: Float64Array): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of v) m = x > m || Number.isNaN(x) ? x : m;
  return m;
}

function softmaxLane(v: Float64Array): Float64Array {
  const m = laneMax(v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

function logSoftmaxLane(v: Float64Array): Float64Array {
  const m = laneMax(v);
  const lse = m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0));
  return v.map((x) => x - lse);
}

const sumKeep = (x: Node, axis: number): Node => apply('sum', [x], { axis, keepdims: true });

const SOFTMAX = laneOp(
  'softmax',
  'exp(x) / sum(exp(x), axis), shifted by the max',
  softmaxLane,
  // y * (g - sum(g * y))
  ({ node: y, g }, axis) => A('mul', y, A('sub', g, sumKeep(A('mul', g, y), axis))),
  14,
);

const LOG_SOFTMAX = laneOp(
  'log_softmax',
  'x - logsumexp(x, axis), without overflow',
  logSoftmaxLane,
  // g - exp(y) * sum(g)
  ({ node: y, g }, axis) => A('sub', g, A('mul', A('exp', y), sumKeep(g, axis))),
  14,
);

/** Every reduction and lane op. */
export const REDUCTION_OPS: readonly OpDef[] = [
  ...REDUCTIONS.map(reduction),
  LOGSUMEXP,
  SOFTMAX,
  LOG_SOFTMAX,
];
