/**
 * Leaves and constructors: `input`, `constant`, `zeros`, `ones`, `fill`, `zeros_like`, `ones_like`, and
 * `size`, which reads only its argument's shape.
 */
import type { DType } from '../dtype.js';
import { InputError } from '../errors.js';
import type { Attrs, OpDef } from '../op-def.js';
import { type Dim, normalizeAxes, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reducedShape } from './kernels.js';

const INPUT: OpDef = {
  name: 'input',
  arity: 0,
  kind: 'leaf',
  attrs: { name: { type: 'string' }, dtype: { type: 'dtype' }, shape: { type: 'shape' } },
  doc: 'a symbolic input, bound by name when the graph runs',
  infer: (_args, attrs) => ({ dtype: attrs.dtype as DType, shape: attrs.shape as Shape }),
  evaluate: (_args, attrs) => {
    // The interpreter binds inputs itself; reaching this means an input was evaluated without a value.
    throw new InputError(`no value for input '${String(attrs.name)}'`);
  },
  elementCost: 0,
};

const CONSTANT: OpDef = {
  name: 'constant',
  arity: 0,
  kind: 'leaf',
  attrs: { value: { type: 'tensor' } },
  doc: 'a constant tensor',
  infer: (_args, attrs) => {
    const t = attrs.value as Tensor;
    return { dtype: t.dtype, shape: t.shape };
  },
  evaluate: (_args, attrs) => attrs.value as Tensor,
  elementCost: 0,
};

const filled = (name: string, value: number): OpDef => ({
  name,
  arity: 0,
  kind: 'constructor',
  attrs: { shape: { type: 'shape' }, dtype: { type: 'dtype', default: 'f64' } },
  doc: `${name}(shape=[…], dtype=f64): a tensor of ${value}s`,
  infer: (_args, attrs) => ({ dtype: attrs.dtype as DType, shape: attrs.shape as Shape }),
  evaluate: (_args, _attrs, out) => Tensor.full(out.shape, value, out.dtype),
  elementCost: 0,
});

const FILL: OpDef = {
  name: 'fill',
  arity: 1,
  kind: 'constructor',
  attrs: { value: { type: 'number' } },
  doc: 'fill(like, value=v): a tensor shaped and typed like `like`, every element v',
  infer: ([x]) => x,
  evaluate: (_args, attrs, out) => Tensor.full(out.shape, attrs.value as number, out.dtype),
  vjp: () => [null],
  elementCost: 0,
};

const like = (name: string, value: number): OpDef => ({
  name,
  arity: 1,
  kind: 'constructor',
  attrs: {},
  doc: `${name}(x): ${value}s shaped and typed like x`,
  infer: ([x]) => x,
  evaluate: (_args, _attrs, out) => Tensor.full(out.shape, value, out.dtype),
  vjp: () => [null],
  elementCost: 0,
});

/** The axes `size` counts: a stored null means every axis. */
function sizeAxes(attrs: Attrs, rank: number): number[] {
  return attrs.axis === null ? Array.from({ length: rank }, (_, i) => i) : (attrs.axis as number[]);
}

/**
 * The number of elements along `axes` of a shape, a concrete number or undefined when a counted dim is
 * symbolic.
 *
 * @example countAlong([3, 'n', 4], [0, 2]) // 12
 */
export function countAlong(shape: readonly Dim[], axes: readonly number[]): number | undefined {
  let n = 1;
  for (const a of axes) {
    const d = shape[a];
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/**
 * `size(x, axis=…, keepdims=…)`: how many elements of `x` a reduction over `axis` counts, shaped as that
 * reduction's result and typed like `x` unless `dtype` says otherwise (floats count exactly up to 2^53). It is what `mean` divides by,
 * and what `sum(ones_like(x))` computes with an allocation and a pass over the data; a compiled program
 * reads it from the bound dims (PyTensor's `Shape_i`).
 */
const SIZE: OpDef = {
  name: 'size',
  arity: 1,
  kind: 'constructor',
  attrs: {
    axis: { type: 'axes', default: null, nullable: true },
    keepdims: { type: 'bool', default: false },
    dtype: { type: 'dtype', default: null, nullable: true },
  },
  doc: "size(x, axis=null, keepdims=false, dtype=null): the number of elements of x along axis (dtype null: x's)",
  normalize: ([x], attrs) => {
    const axes = normalizeAxes('size', attrs.axis as number[] | null, x.shape.length);
    return { ...attrs, axis: axes.length === x.shape.length ? null : axes };
  },
  infer: ([x], attrs) => ({
    dtype: (attrs.dtype as DType | null) ?? x.dtype,
    shape: reducedShape<Dim>(x.shape, sizeAxes(attrs, x.shape.length), attrs.keepdims as boolean, 1),
  }),
  evaluate: ([x], attrs, out) =>
    Tensor.full(out.shape, countAlong(x.shape, sizeAxes(attrs, x.shape.length))!, out.dtype),
  vjp: () => [null],
  elementCost: 0,
};

/**
 * The value of a constructor that reads only its argument's type (`ones_like`, `zeros_like`, `fill`,
 * `size`), from that type alone: undefined for other ops, when a dim it needs is symbolic, or when it
 * has more than `sizeLimit` elements (checked before it is built). Constant
 * folding uses it where the argument itself is not a constant (`ones_like(sum(exp(a)))` is `1`).
 *
 * @example shapeOnlyValue('size', { dtype: 'f32', shape: [3, 4] }, { axis: null, keepdims: false, dtype: null })!.item() // 12
 */
export function shapeOnlyValue(
  op: string,
  arg: { readonly dtype: DType; readonly shape: Shape },
  attrs: Attrs,
  sizeLimit = Infinity,
): Tensor | undefined {
  const out = SHAPE_ONLY.has(op) ? OP_BY_NAME.get(op)!.infer([arg], attrs) : undefined;
  if (out === undefined || !out.shape.every((d) => typeof d === 'number')) return undefined;
  const shape = out.shape as number[];
  // Checked before the value is built: a 1e10-element zeros_like must stay symbolic, never allocated.
  if (shape.reduce((n, d) => n * d, 1) > sizeLimit) return undefined;
  if (op === 'size') {
    const n = countAlong(arg.shape, sizeAxes(attrs, arg.shape.length));
    return n === undefined ? undefined : Tensor.full(shape, n, out.dtype);
  }
  return Tensor.full(shape, op === 'fill' ? (attrs.value as number) : op === 'ones_like' ? 1 : 0, out.dtype);
}

const SHAPE_ONLY = new Set(['ones_like', 'zeros_like', 'fill', 'size']);

/** Leaves and constructors. */
export const CONSTRUCTOR_OPS: readonly OpDef[] = [
  INPUT,
  CONSTANT,
  filled('zeros', 0),
  filled('ones', 1),
  FILL,
  like('zeros_like', 0),
  like('ones_like', 1),
  SIZE,
];

const OP_BY_NAME = new Map(CONSTRUCTOR_OPS.map((op) => [op.name, op]));
