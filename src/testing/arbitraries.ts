/**
 * fast-check arbitraries of Saturn's building blocks: dtypes, shapes (alone and as broadcasting pairs)
 * and tensor values whose domain the caller controls. Random graphs live in `random-graphs.ts`.
 */
import fc from 'fast-check';
import { castValue, DTYPES, type DType, isFloat } from '../graph/dtype.js';
import { Tensor } from '../graph/tensor.js';

/**
 * Which values a float tensor may hold. Integer dtypes take `[min, max]` rounded; bool takes 0 and 1.
 * Every field has a default: uniform-ish doubles in [-10, 10], zero allowed, no NaN or Inf.
 */
export interface ValueDomain {
  /** Smallest value (default -10). */
  readonly min?: number;
  /** Largest value (default 10). */
  readonly max?: number;
  /** Exclude exact zeros, e.g. for divisors. */
  readonly nonzero?: boolean;
  /** Also draw NaN, +Inf and -Inf (floats only). */
  readonly special?: boolean;
}

/** Ready-made domains for the usual preconditions. */
export const DOMAINS = {
  /** (0, 10]: logs, square roots, divisors. */
  positive: { min: Number.MIN_VALUE, max: 10, nonzero: true },
  /** [-10, 10] without 0. */
  nonzero: { min: -10, max: 10, nonzero: true },
  /** [-1, 1]. */
  unit: { min: -1, max: 1 },
  /** [-10, 10] with NaN and ±Inf mixed in. */
  special: { min: -10, max: 10, special: true },
} as const satisfies Record<string, ValueDomain>;

/**
 * A dtype, from `dtypes` (default: all of bool, i32, i64, f32, f64).
 *
 * @example fc.sample(arbDType(['f32', 'f64']), 3) // e.g. ['f64', 'f32', 'f64']
 */
export function arbDType(dtypes: readonly DType[] = DTYPES): fc.Arbitrary<DType> {
  return fc.constantFrom(...dtypes);
}

/** Bounds of {@link arbShape}. */
export interface ShapeOptions {
  readonly minRank?: number;
  /** Default 3. */
  readonly maxRank?: number;
  /** Smallest dim (default 1; 0 allows empty tensors). */
  readonly minDim?: number;
  /** Largest dim (default 4). */
  readonly maxDim?: number;
}

/**
 * A concrete shape; shrinks towards rank `minRank` and dims of `minDim`.
 *
 * @example fc.sample(arbShape({ maxRank: 2, maxDim: 3 }), 2) // e.g. [[2, 3], []]
 */
export function arbShape(options: ShapeOptions = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: options.minDim ?? 1, max: options.maxDim ?? 4 }), {
    minLength: options.minRank ?? 0,
    maxLength: options.maxRank ?? 3,
  });
}

/**
 * Two shapes that broadcast together (numpy rules): a common shape, each side a suffix of it with some
 * dims replaced by 1.
 *
 * @example fc.assert(fc.property(arbBroadcastPair(), ([a, b]) => { broadcastShapes(a, b); }))
 */
export function arbBroadcastPair(options: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> {
  const side = (full: number[]) =>
    fc
      .tuple(
        fc.integer({ min: 0, max: full.length }),
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      )
      .map(([drop, ones]) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
  return arbShape(options).chain((full) => fc.tuple(side(full), side(full)));
}

/**
 * One element value of `dtype` in `domain`, already rounded to the dtype.
 *
 * @example fc.sample(arbElement('f32', DOMAINS.positive), 1)[0] > 0 // true
 */
export function arbElement(dtype: DType, domain: ValueDomain = {}): fc.Arbitrary<number> {
  const min = domain.min ?? -10;
  const max = domain.max ?? 10;
  if (dtype === 'bool') return fc.constantFrom(0, 1);
  let base: fc.Arbitrary<number> = isFloat(dtype)
    ? fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
    : fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31 - 1)) });
  base = base.map((v) => castValue(v, dtype));
  if (domain.nonzero) base = base.filter((v) => v !== 0);
  if (domain.special && isFloat(dtype))
    base = fc.oneof(
      { weight: 8, arbitrary: base },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
    );
  return base;
}

/**
 * A tensor of `dtype` and `shape` with elements from `domain`.
 *
 * @example fc.assert(fc.property(arbTensor('f64', [2, 3], DOMAINS.nonzero), (t) => t.size === 6))
 */
export function arbTensor(
  dtype: DType,
  shape: readonly number[],
  domain: ValueDomain = {},
): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(arbElement(dtype, domain), { minLength: size, maxLength: size })
    .map((data) => Tensor.from(data, shape, dtype));
}
