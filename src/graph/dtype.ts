import { DTypeError } from './errors.js';

/** The element types Saturn knows. `i64` values are held as float64 in the interpreter (exact to 2^53). */
export type DType = 'f32' | 'f64' | 'i32' | 'i64' | 'bool';

/** Every dtype, in promotion order. */
export const DTYPES: readonly DType[] = ['bool', 'i32', 'i64', 'f32', 'f64'];

/** True for the dtypes of the given name, e.g. `isDType('f32')`. */
export function isDType(name: string): name is DType {
  return (DTYPES as readonly string[]).includes(name);
}

/**
 * Parses a dtype name, accepting numpy spellings too (`float32`, `int64`, …).
 *
 * @example parseDType('float32') // 'f32'
 */
export function parseDType(name: string): DType {
  const alias: Record<string, DType> = {
    float32: 'f32',
    float64: 'f64',
    int32: 'i32',
    int64: 'i64',
    boolean: 'bool',
    floatX: 'f32',
  };
  const dtype = alias[name] ?? name;
  if (!isDType(dtype)) throw new DTypeError(`unknown dtype '${name}' (expected one of ${DTYPES.join(', ')})`);
  return dtype;
}

export function isFloat(d: DType): boolean {
  return d === 'f32' || d === 'f64';
}

export function isInteger(d: DType): boolean {
  return d === 'i32' || d === 'i64';
}

/**
 * numpy's promotion of two dtypes: bool < i32 < i64, floats absorb ints, and an f32 meeting a 32- or
 * 64-bit integer gives f64 (as numpy and Theano do) so no integer value is rounded silently.
 *
 * @example promote('i32', 'f32') // 'f64'
 */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (isFloat(a) && isFloat(b)) return 'f64';
  if (isInteger(a) && isInteger(b)) return 'i64';
  // One float, one integer.
  return 'f64';
}

/** Promotes a list of dtypes left to right. */
export function promoteAll(dtypes: readonly DType[]): DType {
  return dtypes.reduce((acc, d) => promote(acc, d));
}

/** The dtype of a float-valued function of `d`: floats keep their width, ints and bools give f64. */
export function floatOf(d: DType): DType {
  return isFloat(d) ? d : 'f64';
}

/**
 * Rounds a float64 value to what the dtype can hold: `Math.fround` for f32, truncation toward zero
 * with 32-bit wrap-around for i32, truncation for i64, 0/1 for bool (NaN is true, as in numpy).
 *
 * @example castValue(3.7, 'i32') // 3
 */
export function castValue(v: number, d: DType): number {
  switch (d) {
    case 'f64':
      return v;
    case 'f32':
      return Math.fround(v);
    case 'i32':
      return Number.isFinite(v) ? Math.trunc(v) | 0 : 0;
    case 'i64':
      return Number.isFinite(v) ? Math.trunc(v) + 0 : 0;
    case 'bool':
      // numpy's truthiness: NaN is true.
      return v !== 0 ? 1 : 0;
  }
}

/** Bytes per element, for memory cost and typed-array conversion. */
export function byteSize(d: DType): number {
  switch (d) {
    case 'f64':
    case 'i64':
      return 8;
    case 'f32':
    case 'i32':
      return 4;
    case 'bool':
      return 1;
  }
}
