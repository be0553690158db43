import { castValue, type DType } from './dtype.js';
import { InputError } from './errors.js';
import { formatShape, sizeOf, stridesOf } from './shape.js';

/** Typed arrays a user may hand to Saturn or get back. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

/** The typed array that holds each dtype's elements. */
export const TYPED_ARRAY_OF = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  i64: BigInt64Array,
  bool: Uint8Array,
} as const satisfies Record<DType, new (length: number) => TypedArray>;

/** The typed array of a dtype: what `toTypedArray()` returns for a tensor of that dtype. */
export interface TypedArrayOfDType {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
  i64: BigInt64Array;
  bool: Uint8Array;
}

/**
 * A concrete tensor value: dtype, concrete shape, and the elements in row-major order held as float64
 * (already rounded to the dtype). This is the value type of the reference interpreter and of constants.
 *
 * @example
 * const t = Tensor.from([1, 2, 3, 4], [2, 2], 'f32');
 * t.get([1, 0]) // 3
 */
export class Tensor<D extends DType = DType> {
  private constructor(
    readonly dtype: D,
    readonly shape: readonly number[],
    private values: Float64Array | undefined,
    /** The dtype's typed array, when the tensor came from a runtime (converted to float64 on demand). */
    private typed?: TypedArray,
  ) {}

  /** The elements in row-major order as float64, already rounded to the dtype. */
  get data(): Float64Array {
    // A tensor from a compiled function holds its executor's typed array; most callers read that
    // through `array` and never pay for the float64 copy.
    this.values ??= Float64Array.from(this.typed as ArrayLike<number>, Number);
    return this.values;
  }

  /** Builds a tensor, rounding each value to `dtype`. `data` may be a number (a scalar) or any array. */
  static from<D extends DType>(
    data: number | ArrayLike<number> | BigInt64Array,
    shape: readonly number[],
    dtype: D,
  ): Tensor<D> {
    const n = sizeOf(shape);
    const values = new Float64Array(n);
    if (typeof data === 'number') {
      if (n !== 1) throw new InputError(`a scalar cannot fill shape ${formatShape(shape)}`);
      values[0] = castValue(data, dtype);
    } else {
      if (data.length !== n)
        throw new InputError(`${data.length} values given for shape ${formatShape(shape)} (${n} elements)`);
      for (let i = 0; i < n; i++) values[i] = castValue(Number(data[i]), dtype);
    }
    return new Tensor(dtype, [...shape], values);
  }

  /** Wraps float64 values already rounded to the dtype, without copying. Internal fast path. */
  static wrap(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(dtype, shape, data);
  }

  /**
   * Wraps a typed array of the dtype's element type (Float32Array for f32, Uint8Array for bool, …)
   * without copying: what compiled functions return. The array must not be changed afterwards.
   *
   * @example Tensor.fromTypedArray(new Float32Array([1, 2]), [2], 'f32').array // Float32Array [1, 2]
   */
  static fromTypedArray(array: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    const expected = TYPED_ARRAY_OF[dtype];
    if (!(array instanceof expected))
      throw new InputError(`a ${dtype} tensor needs a ${expected.name}, got a ${array.constructor.name}`);
    if (array.length !== sizeOf(shape))
      throw new InputError(
        `${array.length} values given for shape ${formatShape(shape)} (${sizeOf(shape)} elements)`,
      );
    return new Tensor(dtype, [...shape], undefined, array);
  }

  /** A tensor of zeros. @example Tensor.zeros([2], 'f32').toArray() // [0, 0] */
  static zeros(shape: readonly number[], dtype: DType = 'f64'): Tensor {
    return new Tensor(dtype, [...shape], new Float64Array(sizeOf(shape)));
  }

  /** A tensor of `shape` filled with `value`. */
  static full(shape: readonly number[], value: number, dtype: DType): Tensor {
    return new Tensor(dtype, [...shape], new Float64Array(sizeOf(shape)).fill(castValue(value, dtype)));
  }

  /** A rank-0 tensor. */
  static scalar(value: number, dtype: DType = 'f64'): Tensor {
    return Tensor.from(value, [], dtype);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The element at a multi-index. */
  get(index: readonly number[]): number {
    const strides = stridesOf(this.shape);
    let offset = 0;
    for (let i = 0; i < index.length; i++) offset += index[i] * strides[i];
    return this.data[offset];
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1)
      throw new InputError(`item() needs one element, tensor has shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /**
   * The elements as the dtype's typed array, shared with the tensor (do not modify it): free for the
   * outputs of compiled functions, made once from `data` otherwise. `toTypedArray()` gives a copy.
   */
  get array(): TypedArrayOfDType[D] {
    this.typed ??= this.toTypedArray();
    return this.typed as TypedArrayOfDType[D];
  }

  /**
   * The elements as the typed array that matches the dtype (Uint8Array for bool, BigInt64Array for
   * i64), typed by the dtype when it is known: `Tensor.from(v, [3], 'f32').toTypedArray()` is a
   * Float32Array to the compiler too.
   *
   * @example
   * const a = Tensor.from([1, 2], [2], 'i32').toTypedArray(); // an Int32Array to the compiler too
   * a instanceof Int32Array // true
   */
  toTypedArray(): TypedArrayOfDType[D] {
    if (this.typed) return this.typed.slice() as TypedArrayOfDType[D];
    const dtype: DType = this.dtype;
    const out: TypedArray =
      dtype === 'f32'
        ? Float32Array.from(this.data)
        : dtype === 'f64'
          ? Float64Array.from(this.data)
          : dtype === 'i32'
            ? Int32Array.from(this.data)
            : dtype === 'i64'
              ? BigInt64Array.from(Array.from(this.data, (v) => BigInt(v)))
              : Uint8Array.from(this.data);
    return out as TypedArrayOfDType[D];
  }

  /** Nested arrays, handy for printing and tests. */
  toArray(): unknown {
    const build = (dim: number, offset: number, strides: number[]): unknown => {
      if (dim === this.shape.length)
        return this.dtype === 'bool' ? this.data[offset] !== 0 : this.data[offset];
      return Array.from({ length: this.shape[dim] }, (_, i) =>
        build(dim + 1, offset + i * strides[dim], strides),
      );
    };
    return build(0, 0, stridesOf(this.shape));
  }

  /**
   * A printable form: dtype, shape and the values, with NaN, Inf, -Inf and -0 spelled out.
   *
   * @example
   * String(Tensor.from([1, 2, 3, 4], [2, 2], 'f32')) // 'f32[2, 2] [[1, 2], [3, 4]]'
   * String(Tensor.from([-0, NaN, -Infinity], [3], 'f64')) // 'f64[3] [-0, NaN, -Inf]'
   */
  toString(): string {
    const show = (v: unknown): string =>
      Array.isArray(v) ? `[${v.map(show).join(', ')}]` : typeof v === 'number' ? formatValue(v) : String(v);
    return `${this.dtype}${formatShape(this.shape)} ${show(this.toArray())}`;
  }
}

/**
 * A number as Saturn prints values: NaN, Inf, -Inf and -0 spelled out, others as JavaScript writes them.
 *
 * @example [0.5, -0, Infinity, NaN].map(formatValue) // ['0.5', '-0', 'Inf', 'NaN']
 */
export function formatValue(v: number): string {
  if (Object.is(v, -0)) return '-0';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
