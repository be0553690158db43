/**
 * Shared variables (Theano's `shared`): parameters whose values live inside compiled functions. A
 * shared variable is an ordinary `input` node with a concrete shape, so `grad`, `optimize` and the
 * lowering treat it as any input; its initial value is held beside the node, keyed by the node.
 * `compile()` takes every shared variable of the graph as a parameter: copied in at compile time,
 * kept between calls, changed by `updates` or `set`.
 */
import { apply } from './apply.js';
import { castValue, type DType, parseDType } from './dtype.js';
import { OpError } from './errors.js';
import type { Node } from './node.js';
import { formatShape, sizeOf } from './shape.js';
import { Tensor, TYPED_ARRAY_OF, type TypedArray } from './tensor.js';

/** An initial value: a number, nested arrays, a typed array (1-D), `{ data, shape }` or a Tensor. */
export type SharedValue =
  | number
  | boolean
  | Tensor
  | readonly unknown[]
  | TypedArray
  | { readonly data: ArrayLike<number> | TypedArray; readonly shape: readonly number[] };

// Nodes are hash-consed by name, dtype and shape, so the node is the variable's identity; a WeakMap
// lets an unused variable be collected with its graph.
const initialValues = new WeakMap<Node, Tensor>();

/**
 * Declares a shared variable `name` holding `value` (rounded to `dtype`; by default the value's own
 * dtype, f32 for plain numbers and arrays). Declaring the same name, dtype and shape again gives the
 * same node with the new initial value, for functions compiled afterwards.
 *
 * @example
 * const w = T.shared('w', Tensor.zeros([3], 'f32'));
 * const b = T.shared('b', 0, 'f32');
 * w.shape // [3]
 */
export function shared(name: string, value: SharedValue, dtype?: DType | string): Node {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new OpError(`shared variable name '${name}' must be an identifier`);
  const tensor = toTensor(name, value, dtype === undefined ? undefined : parseDType(dtype));
  const node = apply('input', [], { name, dtype: tensor.dtype, shape: tensor.shape });
  initialValues.set(node, tensor);
  return node;
}

/** True for nodes declared by `T.shared`. @example isShared(T.shared('c', 1)) // true */
export function isShared(node: Node): boolean {
  return initialValues.has(node);
}

/**
 * The initial value of a shared variable, or undefined for any other node.
 *
 * @example sharedValue(T.shared('c', [1, 2])).toArray() // [1, 2]
 */
export function sharedValue(node: Node): Tensor | undefined {
  return initialValues.get(node);
}

function toTensor(name: string, value: SharedValue, dtype: DType | undefined): Tensor {
  const where = `shared variable '${name}'`;
  if (value instanceof Tensor)
    return dtype === undefined || dtype === value.dtype ? value : Tensor.from(value.data, value.shape, dtype);
  if (typeof value === 'number' || typeof value === 'boolean')
    return Tensor.scalar(Number(value), dtype ?? (typeof value === 'boolean' ? 'bool' : 'f32'));
  if (ArrayBuffer.isView(value)) return fromTyped(value, [value.length], dtype);
  if (Array.isArray(value)) {
    const shape: number[] = [];
    const flat: number[] = [];
    const walk = (v: unknown, depth: number): void => {
      if (Array.isArray(v)) {
        if (shape.length === depth) shape.push(v.length);
        else if (shape[depth] !== v.length) throw new OpError(`${where}: ragged nested array`);
        for (const x of v) walk(x, depth + 1);
      } else if ((typeof v === 'number' || typeof v === 'boolean') && depth === shape.length) {
        flat.push(Number(v));
      } else throw new OpError(`${where}: ${JSON.stringify(v)} is not a number in a regular nested array`);
    };
    walk(value, 0);
    return Tensor.from(flat, shape, dtype ?? 'f32');
  }
  if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value) {
    const { data, shape } = value;
    if (data.length !== sizeOf(shape))
      throw new OpError(`${where}: ${data.length} values for shape ${formatShape(shape)}`);
    if (ArrayBuffer.isView(data)) return fromTyped(data, shape, dtype);
    return Tensor.from(data, shape, dtype ?? 'f32');
  }
  throw new OpError(`${where}: cannot use ${typeof value} as a value`);
}

/** A typed array keeps its element type as the dtype unless one is given. */
function fromTyped(data: TypedArray, shape: readonly number[], dtype: DType | undefined): Tensor {
  const own = (Object.keys(TYPED_ARRAY_OF) as DType[]).find((d) => data instanceof TYPED_ARRAY_OF[d])!;
  const target = dtype ?? own;
  const values = Float64Array.from(data as ArrayLike<number>, (v) => castValue(Number(v), target));
  return Tensor.wrap(values, [...shape], target);
}
