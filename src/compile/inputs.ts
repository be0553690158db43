/**
 * Checks and converts the values a compiled function is called with, on every call: each value
 * becomes a typed array of the input's dtype with a concrete shape, and the symbolic dims are bound.
 * The common case (a typed array of the right type) costs a few comparisons and no copy.
 */
import { castValue, type DType } from '../graph/dtype.js';
import type { InputValue } from '../graph/interpret.js';
import type { Node } from '../graph/node.js';
import { type Dim, formatShape, sizeOf } from '../graph/shape.js';
import { Tensor, TYPED_ARRAY_OF, type TypedArray } from '../graph/tensor.js';
import {
  DimMismatchError,
  InputDTypeError,
  InputShapeError,
  MissingInputError,
  UnknownInputError,
} from './errors.js';

/** A declared input (or parameter) as the checks see it. */
export interface InputSlot {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** A checked value: the dtype's typed array and the concrete shape. */
export interface BoundValue {
  readonly array: TypedArray;
  readonly shape: readonly number[];
}

/** The symbolic dims bound so far in one call, with the input that bound each (for messages). */
export class DimBindings {
  readonly sizes = new Map<string, number>();
  private readonly binders = new Map<string, { input: string; shape: readonly number[] }>();

  bind(dim: string, size: number, input: string, shape: readonly number[]): void {
    const bound = this.sizes.get(dim);
    if (bound === undefined) {
      this.sizes.set(dim, size);
      this.binders.set(dim, { input, shape });
    } else if (bound !== size) {
      const by = this.binders.get(dim)!;
      throw new DimMismatchError(dim, input, shape, size, by.input, by.shape, bound);
    }
  }
}

/** Describes a slot's type for messages: `f32[n, 3]`. */
export function describeSlot(slot: InputSlot): string {
  return `${slot.dtype}${formatShape(slot.shape)}`;
}

/** `slot` from an input node. */
export function slotOf(node: Node): InputSlot {
  return { name: node.inputName!, dtype: node.dtype, shape: node.shape };
}

/**
 * Checks the names of a call's values against the slots: every slot has a value, no value is extra
 * (a parameter's name given as an input gets its own message).
 *
 * @example checkNames(slots, { x: xs, y: ys })
 */
export function checkNames(
  slots: readonly InputSlot[],
  values: Readonly<Record<string, unknown>>,
  params: readonly InputSlot[] = [],
): void {
  let given = 0;
  for (const slot of slots) {
    if (values[slot.name] === undefined) throw new MissingInputError(slot.name, describeSlot(slot));
    given++;
  }
  const keys = Object.keys(values);
  if (keys.length === given) return;
  for (const key of keys)
    if (values[key] !== undefined && !slots.some((s) => s.name === key))
      throw new UnknownInputError(
        key,
        slots.map((s) => s.name),
        params.some((p) => p.name === key),
      );
}

/**
 * Converts one value for `slot`, checking dtype and shape and binding its symbolic dims. A typed array
 * of another element type is refused unless `allowCast` (then it is converted with the dtype's
 * rounding); nested arrays and numbers are converted (integers checked for range).
 */
export function bindValue(
  slot: InputSlot,
  value: InputValue,
  dims: DimBindings,
  allowCast: boolean,
): BoundValue {
  const { array, shape } = toTyped(slot, value, allowCast);
  checkShape(slot, shape, dims);
  return { array, shape };
}

function toTyped(slot: InputSlot, value: InputValue, allowCast: boolean): BoundValue {
  const ctor = TYPED_ARRAY_OF[slot.dtype];
  if (value instanceof ctor) return { array: value, shape: shapeFromLength(slot, value.length) };
  if (value instanceof Tensor) {
    if (value.dtype !== slot.dtype && !allowCast)
      throw new InputDTypeError(slot.name, slot.dtype, `a ${value.dtype} tensor`, CAST_HINT);
    const array = value.dtype === slot.dtype ? value.array : convert(slot, value.data);
    return { array, shape: value.shape };
  }
  if (ArrayBuffer.isView(value)) {
    const typed = value as TypedArray;
    return { array: castTyped(slot, typed, allowCast), shape: shapeFromLength(slot, typed.length) };
  }
  if (typeof value === 'number' || typeof value === 'boolean')
    return { array: convert(slot, [Number(value)]), shape: [] };
  if (Array.isArray(value)) {
    const shape: number[] = [];
    const flat = flatten(slot, value, shape);
    // A flat list for a higher-rank input is read row-major against the declared shape.
    const declared = shape.length === 1 && slot.shape.length > 1 ? shapeFromLength(slot, flat.length) : shape;
    return { array: convert(slot, flat), shape: declared };
  }
  if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value) {
    const { data, shape } = value;
    if (data.length !== sizeOf(shape))
      throw new InputShapeError(
        slot.name,
        slot.shape,
        shape,
        `${data.length} values for ${sizeOf(shape)} elements`,
      );
    const array = ArrayBuffer.isView(data)
      ? castTyped(slot, data as TypedArray, allowCast)
      : convert(slot, Array.from(data as ArrayLike<number>, Number));
    return { array, shape: [...shape] };
  }
  throw new InputDTypeError(slot.name, slot.dtype, `a ${typeof value}`);
}

const CAST_HINT = ' (pass allowCast: true to compile to convert)';

function castTyped(slot: InputSlot, typed: TypedArray, allowCast: boolean): TypedArray {
  if (typed instanceof TYPED_ARRAY_OF[slot.dtype]) return typed;
  if (!allowCast) throw new InputDTypeError(slot.name, slot.dtype, `a ${typed.constructor.name}`, CAST_HINT);
  const out = new TYPED_ARRAY_OF[slot.dtype](typed.length);
  for (let i = 0; i < typed.length; i++) {
    const v = castValue(Number(typed[i]), slot.dtype);
    if (out instanceof BigInt64Array) out[i] = BigInt(v);
    else out[i] = v;
  }
  return out;
}

const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  i32: [-(2 ** 31), 2 ** 31 - 1],
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  bool: [0, 1],
};

/** Plain numbers into the dtype's typed array; integers out of range are refused, never wrapped. */
function convert(slot: InputSlot, values: ArrayLike<number>): TypedArray {
  const range = INT_RANGE[slot.dtype];
  if (range)
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < range[0] || v > range[1])
        throw new InputDTypeError(slot.name, slot.dtype, `the value ${v}`);
    }
  if (slot.dtype === 'i64') return BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return TYPED_ARRAY_OF[slot.dtype].from(values);
}

/** Nested arrays flattened row-major, recording the shape; ragged arrays are refused. */
function flatten(slot: InputSlot, value: readonly unknown[], shape: number[]): number[] {
  const out: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (Array.isArray(v)) {
      if (shape.length === depth) shape.push(v.length);
      else if (shape[depth] !== v.length)
        throw new InputShapeError(slot.name, slot.shape, shape, 'ragged nested array');
      for (const x of v) walk(x, depth + 1);
    } else if ((typeof v === 'number' || typeof v === 'boolean') && depth === shape.length)
      out.push(Number(v));
    else throw new InputDTypeError(slot.name, slot.dtype, `the element ${JSON.stringify(v)}`);
  };
  walk(value, 0);
  return out;
}

/** The shape of flat data: the declared shape, with at most one symbolic dim taken from the length. */
function shapeFromLength(slot: InputSlot, length: number): readonly number[] {
  let known = 1;
  let free = -1;
  for (let i = 0; i < slot.shape.length; i++) {
    const d = slot.shape[i];
    if (typeof d === 'number') known *= d;
    else if (free >= 0) free = -2;
    else free = i;
  }
  if (free === -1) {
    if (known !== length)
      throw new InputShapeError(slot.name, slot.shape, [length], `${length} values for ${known} elements`);
    return slot.shape as readonly number[];
  }
  if (free >= 0 && known > 0 && length % known === 0)
    return slot.shape.map((d) => (typeof d === 'number' ? d : length / known));
  throw new InputShapeError(
    slot.name,
    slot.shape,
    [length],
    'cannot tell the shape from flat values; pass { data, shape }',
  );
}

/** Checks a concrete shape against the slot's declared one, binding its symbolic dims. */
export function checkShape(slot: InputSlot, shape: readonly number[], dims: DimBindings): void {
  if (shape.length !== slot.shape.length)
    throw new InputShapeError(slot.name, slot.shape, shape, 'rank differs');
  for (let i = 0; i < shape.length; i++) {
    const d = slot.shape[i];
    if (typeof d === 'number') {
      if (d !== shape[i]) throw new InputShapeError(slot.name, slot.shape, shape, `axis ${i}`);
    } else dims.bind(d, shape[i], slot.name, shape);
  }
}

/**
 * The size signature of bound dims, in a fixed order: the key of the per-signature program cache.
 *
 * @example signatureOf(['n', 'k'], dims) // '100,3'
 */
export function signatureOf(dimNames: readonly string[], dims: DimBindings): string {
  let key = '';
  for (const d of dimNames) key += `${dims.sizes.get(d)},`;
  return key;
}
