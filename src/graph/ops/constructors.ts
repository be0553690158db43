/** Leaves and constructors: `input`, `constant`, `zeros`, `ones`, `fill`, `zeros_like`, `ones_like`. */
import type { DType } from '../dtype.js';
import { InputError } from '../errors.js';
import type { OpDef } from '../op-def.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

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

/** Leaves and constructors. */
export const CONSTRUCTOR_OPS: readonly OpDef[] = [
  INPUT,
  CONSTANT,
  filled('zeros', 0),
  filled('ones', 1),
  FILL,
  like('zeros_like', 0),
  like('ones_like', 1),
];
