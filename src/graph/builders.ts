/**
 * `T`, the graph-building namespace: symbolic inputs, constants, and one function per op of the table.
 * Every function is a thin call of `apply`, so the op table stays the only place an op is defined.
 */
import { apply, constant as constantNode, type TensorLike } from './apply.js';
import { type DType, parseDType } from './dtype.js';
import { OpError } from './errors.js';
import type { Node, ReduceOptions } from './node.js';
import { shared } from './shared.js';
import { BINARY_NAMES, UNARY_NAMES } from './ops/elementwise.js';
import { checkDim, type Dim, isUnknownDim, type Shape } from './shape.js';
import { Tensor, type TypedArray } from './tensor.js';

/** The dtype inputs get when none is given: float32, the GPU's float (Theano's floatX). */
export const DEFAULT_FLOAT: DType = 'f32';

/**
 * A symbolic input of any rank. A dim written `'?'` is unknown until run time; it is named after the
 * input and axis (`?x0`) so that run-time shapes can be checked.
 *
 * @example T.tensor('x', 'f32', ['n', 3]).shape // ['n', 3]
 */
function tensor(name: string, dtype: DType | string = DEFAULT_FLOAT, shape: readonly Dim[] = []): Node {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new OpError(`input name '${name}' must be an identifier`);
  const dims = shape.map((d, i) => {
    const checked = checkDim(`input '${name}'`, d);
    return isUnknownDim(checked) && checked === '?' ? `?${name}${i}` : checked;
  });
  return apply('input', [], { name, dtype: parseDType(dtype), shape: dims });
}

/** A constant from a number, nested arrays, a typed array with its shape, or a Tensor. */
function constant(
  value: number | Tensor | readonly unknown[] | TypedArray,
  dtype?: DType,
  shape?: readonly number[],
): Node {
  if (typeof value === 'number' || value instanceof Tensor) return constantNode(value, dtype);
  if (ArrayBuffer.isView(value)) {
    if (!shape) throw new OpError('constant: a typed array needs a shape');
    return constantNode(Tensor.from(value as ArrayLike<number>, shape, dtype ?? 'f64'));
  }
  const dims: number[] = [];
  const flat: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (Array.isArray(v)) {
      if (dims.length === depth) dims.push(v.length);
      else if (dims[depth] !== v.length) throw new OpError('constant: ragged nested array');
      for (const x of v) walk(x, depth + 1);
    } else if (typeof v === 'number' && depth === dims.length) flat.push(v);
    else throw new OpError(`constant: ${JSON.stringify(v)} is not a number in a regular nested array`);
  };
  walk(value, 0);
  return constantNode(Tensor.from(flat, shape ?? dims, dtype ?? 'f64'));
}

type Unary = (x: TensorLike) => Node;
type Binary = (a: TensorLike, b: TensorLike) => Node;
type UnaryName = (typeof UNARY_NAMES)[number];

const unaryOps = Object.fromEntries(UNARY_NAMES.map((n) => [n, ((x) => apply(n, [x])) as Unary])) as Record<
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'sqr'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'tanh'
  | 'sinh'
  | 'cosh'
  | 'arcsinh'
  | 'sigmoid'
  | 'softplus'
  | 'erf'
  | 'erfc'
  | 'log1mexp'
  | 'relu'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'not',
  Unary
> &
  Record<UnaryName, Unary>;

const binaryOps = Object.fromEntries(
  BINARY_NAMES.map((n) => [n, ((a, b) => apply(n, [a, b])) as Binary]),
) as Record<
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'int_div'
  | 'mod'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'eq'
  | 'neq'
  | 'and'
  | 'or'
  | 'xor',
  Binary
>;

const reduction =
  (op: string) =>
  (x: TensorLike, options: ReduceOptions = {}): Node =>
    apply(op, [x], { ...options });

/** The axis of softmax-like ops: `{ axis }` as reductions take it, or the older positional number. */
const axisOf = (axis: number | { readonly axis?: number }): number =>
  typeof axis === 'number' ? axis : (axis.axis ?? -1);

/**
 * The graph-building namespace, Theano's `T`.
 *
 * @example
 * const x = T.matrix('x');
 * const w = T.vector('w');
 * const p = T.sigmoid(T.add(T.dot(x, w), 0.5));
 */
export const T = {
  tensor,
  /** A rank-0 input. */
  scalar: (name: string, dtype: DType | string = DEFAULT_FLOAT) => tensor(name, dtype, []),
  /** A rank-1 input; its length is unknown (`?`) unless given. */
  vector: (name: string, dtype: DType | string = DEFAULT_FLOAT, dim: Dim = '?') => tensor(name, dtype, [dim]),
  /** A rank-2 input; its dims are unknown (`?`) unless given. */
  matrix: (name: string, dtype: DType | string = DEFAULT_FLOAT, shape: readonly Dim[] = ['?', '?']) =>
    tensor(name, dtype, shape),
  constant,
  /** A shared variable (a parameter of compiled functions) with its initial value; see `shared`. */
  shared,
  /** Applies any op of the table by name. */
  apply: (op: string, args: readonly TensorLike[], attrs: Record<string, unknown> = {}) =>
    apply(op, args, attrs),
  ...unaryOps,
  ...binaryOps,
  /**
   * The log-odds log(p / (1 - p)), built as `log(p) - log1p(-p)`: there is no logit op, and the rules
   * know this form's compositions (`T.logit(T.sigmoid(z))` optimizes to `z`, `T.sigmoid(T.logit(p))`
   * to `p` where p is in (0, 1]).
   *
   * @example formatExpr(T.logit(T.vector('p'))) // 'log(p) - log1p(-p)'
   * @example formatExpr(optimize(T.logit(T.sigmoid(T.vector('z')))).outputs[0]) // 'z'
   */
  logit: (p: TensorLike): Node => apply('sub', [apply('log', [p]), apply('log1p', [apply('neg', [p])])]),
  /** numpy.where: `a` where `cond`, else `b`. */
  switch: (cond: TensorLike, a: TensorLike, b: TensorLike) => apply('switch', [cond, a, b]),
  cast: (x: TensorLike, dtype: DType) => apply('cast', [x], { dtype }),
  sum: reduction('sum'),
  prod: reduction('prod'),
  max: reduction('max'),
  min: reduction('min'),
  mean: reduction('mean'),
  all: reduction('all'),
  any: reduction('any'),
  logsumexp: reduction('logsumexp'),
  /** softmax along `axis` (default the last): `T.softmax(x, { axis: 0 })`, as reductions take it; `T.softmax(x, 0)` too. */
  softmax: (x: TensorLike, axis: number | { readonly axis?: number } = {}) =>
    apply('softmax', [x], { axis: axisOf(axis) }),
  /** log(softmax(x)) along `axis` (default the last), computed stably; `{ axis }` or a number. */
  log_softmax: (x: TensorLike, axis: number | { readonly axis?: number } = {}) =>
    apply('log_softmax', [x], { axis: axisOf(axis) }),
  dot: (a: TensorLike, b: TensorLike) => apply('dot', [a, b]),
  /** b*z + a*dot(x, y). */
  gemm: (z: TensorLike, a: TensorLike, x: TensorLike, y: TensorLike, b: TensorLike) =>
    apply('gemm', [z, a, x, y, b]),
  transpose: (x: TensorLike, perm?: readonly number[]) => apply('transpose', [x], perm ? { perm } : {}),
  reshape: (x: TensorLike, shape: readonly Dim[]) => apply('reshape', [x], { shape }),
  broadcast_to: (x: TensorLike, shape: Shape) => apply('broadcast_to', [x], { shape }),
  expand_dims: (x: TensorLike, axis: number) => apply('expand_dims', [x], { axis }),
  squeeze: (x: TensorLike, axis?: number | readonly number[]) => apply('squeeze', [x], { axis }),
  concat: (xs: readonly TensorLike[], axis = 0) => apply('concat', xs, { axis }),
  /** numpy basic slicing per axis: `T.slice(x, { begin: [1], end: [null], step: [2] })` is `x[1::2]`. */
  slice: (x: TensorLike, bounds: SliceBounds) => apply('slice', [x], { ...bounds }),
  slice_update: (x: TensorLike, v: TensorLike, bounds: SliceBounds) =>
    apply('slice_update', [x, v], { ...bounds }),
  zeros: (shape: Shape, dtype: DType = DEFAULT_FLOAT) => apply('zeros', [], { shape, dtype }),
  ones: (shape: Shape, dtype: DType = DEFAULT_FLOAT) => apply('ones', [], { shape, dtype }),
  fill: (like: TensorLike, value: number) => apply('fill', [like], { value }),
  zeros_like: (x: TensorLike) => apply('zeros_like', [x]),
  ones_like: (x: TensorLike) => apply('ones_like', [x]),
  /** How many elements of `x` a reduction over `axis` counts (what `mean` divides by), typed like `x`. */
  size: (x: TensorLike, options: ReduceOptions & { readonly dtype?: DType } = {}) =>
    apply('size', [x], { ...options }),
  /**
   * The i32 index of the first maximum along `axis` (of the flattened `x` when omitted); a NaN counts
   * as the maximum. `{ keepdims: true }` keeps the axis as 1.
   *
   * @example
   * const scores = T.matrix('scores', 'f32');
   * evaluate(T.argmax(scores, 1), { scores: [[1, 5, 5], [7, 2, NaN]] }).toArray() // [1, 2]
   */
  argmax: (x: TensorLike, axis: number | null = null, options: { readonly keepdims?: boolean } = {}) =>
    apply('argmax', [x], { axis, ...options }),
  /** The i32 index of the first minimum along `axis`, as `argmax`: `T.argmin(x, 0)`. */
  argmin: (x: TensorLike, axis: number | null = null, options: { readonly keepdims?: boolean } = {}) =>
    apply('argmin', [x], { axis, ...options }),
};

/** Per-axis slice bounds; missing entries mean the whole axis. */
export interface SliceBounds {
  readonly begin?: readonly number[];
  readonly end?: readonly (number | null)[];
  readonly step?: readonly number[];
}
