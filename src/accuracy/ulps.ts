/**
 * Bits of error, Herbie's metric: log2 of one plus the number of floats between a computed value and
 * the exact value rounded to the same dtype. 0 bits is correctly rounded; 64 (f64) or 32 (f32) is
 * garbage. Floats are counted by their ordinal, the position of the bit pattern in the total order of
 * the dtype's values (-0 and +0 are one place apart), so the count is exact and sign-aware.
 */
import type { DType } from '../graph/dtype.js';

/** The float dtypes accuracy mode measures. */
export type FloatDType = 'f32' | 'f64';

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const SIGN_64 = 1n << 63n;

/**
 * The ordinal of a float64: consecutive doubles have consecutive ordinals, negatives below positives.
 *
 * @example ordinal64(Number.MIN_VALUE) - ordinal64(0) // 1n
 */
export function ordinal64(x: number): bigint {
  f64[0] = x;
  const bits = u64[0];
  return bits < 0n ? -(bits + SIGN_64) - 1n : bits;
}

/** The float64 of an ordinal (the inverse of {@link ordinal64}). */
export function fromOrdinal64(o: bigint): number {
  u64[0] = o < 0n ? -(o + 1n) - SIGN_64 : o;
  return f64[0];
}

/** The ordinal of a float32 value (x must already be one). */
export function ordinal32(x: number): number {
  f32[0] = x;
  const bits = i32[0];
  return bits < 0 ? -(bits + 0x80000000) - 1 : bits;
}

/** The float32 of an ordinal (the inverse of {@link ordinal32}). */
export function fromOrdinal32(o: number): number {
  i32[0] = o < 0 ? -(o + 1) - 0x80000000 : o;
  return f32[0];
}

/** The most bits of error a value of the dtype can have: its width. */
export const maxBits = (dtype: FloatDType): number => (dtype === 'f64' ? 64 : 32);

/** Rounds a float64 to the dtype: the identity for f64, Math.fround for f32. */
export const roundTo = (dtype: DType, x: number): number => (dtype === 'f32' ? Math.fround(x) : x);

/**
 * Bits of error of `computed` against `exact` (both already in the dtype): log2(1 + floats between).
 * A NaN where the exact value is a number is the worst there is.
 *
 * @example bitsOfError('f64', 1, 1 + Number.EPSILON) // 1
 */
export function bitsOfError(dtype: FloatDType, computed: number, exact: number): number {
  if (Number.isNaN(computed) || Number.isNaN(exact))
    return Number.isNaN(computed) && Number.isNaN(exact) ? 0 : maxBits(dtype);
  if (computed === exact) return 0;
  const between =
    dtype === 'f64' ? Number(ordinal64(computed) - ordinal64(exact)) : ordinal32(computed) - ordinal32(exact);
  return Math.log2(1 + Math.abs(between));
}
