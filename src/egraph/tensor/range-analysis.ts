/**
 * Value ranges of tensor e-classes: an interval holding every element, from a transfer function per op.
 * Guards read it (`positive`, `nonzero`, `nonneg`), and pattern literals match through it: the `0` of
 * `?x + 0` matches any class whose range is exactly [0, 0] (a scalar 0, `zeros_like(y)`, `fill(y, 0)`).
 * Ranges are computed in float64 and closed, so rounding to f32 (sigmoid(20) is 1 in f32) stays inside.
 * Float ranges bound exact real values (see the guards' documentation); integer ranges bound the
 * computed, wrapped values once the analysis is given the type analysis.
 */
import { erf, erfc } from '../../graph/ops/scalar-math.js';
import type { Tensor } from '../../graph/tensor.js';
import type { SymbolId } from '../ids.js';
import {
  addIntervals,
  type Interval,
  IntervalAnalysis,
  type IntervalFact,
  mulIntervals,
  subIntervals,
  TOP,
} from '../interval.js';
import type { Analysis } from '../analysis.js';
import type { EGraph } from '../egraph.js';
import type { ClassId } from '../ids.js';
import type { Language } from '../language.js';
import type { DType } from '../../graph/dtype.js';
import type { TypeInfo } from '../../graph/op-def.js';
import type { TensorLanguage } from './language.js';

const point = (v: number): Interval => ({ lo: v, hi: v });
/**
 * Ranges describe real-number values (rules are sound on the reals): e^x, sigmoid and softplus are
 * strictly positive even where floats round them to 0, so their lower bound is the least positive
 * double rather than 0.
 */
const positive = (a: Interval): Interval => ({ lo: Math.max(a.lo, Number.MIN_VALUE), hi: a.hi });
const hull = (a: Interval, b: Interval): Interval => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) });
const BOOL: Interval = { lo: 0, hi: 1 };
const NONNEG: Interval = { lo: 0, hi: Number.POSITIVE_INFINITY };

/** The image of an interval under a non-decreasing function. */
const increasing = (f: (x: number) => number) => (a: Interval) => ({ lo: f(a.lo), hi: f(a.hi) });
/** The image under a non-increasing function. */
const decreasing = (f: (x: number) => number) => (a: Interval) => ({ lo: f(a.hi), hi: f(a.lo) });

function reciprocal(a: Interval): Interval {
  if (a.lo > 0 || a.hi < 0) return { lo: 1 / a.hi, hi: 1 / a.lo };
  return TOP;
}

function square(a: Interval): Interval {
  if (a.lo >= 0) return { lo: a.lo * a.lo, hi: a.hi * a.hi };
  if (a.hi <= 0) return { lo: a.hi * a.hi, hi: a.lo * a.lo };
  return { lo: 0, hi: Math.max(a.lo * a.lo, a.hi * a.hi) };
}

function tensorRange(t: Tensor): Interval {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of t.data) {
    if (Number.isNaN(v)) return TOP;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return t.size === 0 ? TOP : { lo, hi };
}

type Transfer = (kids: readonly Interval[], attrs: Record<string, unknown>) => Interval | undefined;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

// Ops missing here get no range (all reals); each entry must be sound for every element.
const TRANSFER: Record<string, Transfer> = {
  neg: ([a]) => ({ lo: -a.hi, hi: -a.lo }),
  abs: ([a]) => (a.lo >= 0 ? a : a.hi <= 0 ? { lo: -a.hi, hi: -a.lo } : { lo: 0, hi: Math.max(-a.lo, a.hi) }),
  sign: ([a]) => increasing(Math.sign)(a),
  exp: ([a]) => positive(increasing(Math.exp)(a)),
  expm1: ([a]) => increasing(Math.expm1)(a),
  log: ([a]) => (a.lo >= 0 ? increasing(Math.log)(a) : undefined),
  log1p: ([a]) => (a.lo >= -1 ? increasing(Math.log1p)(a) : undefined),
  sqrt: ([a]) => (a.lo >= 0 ? increasing(Math.sqrt)(a) : undefined),
  sqr: ([a]) => square(a),
  reciprocal: ([a]) => reciprocal(a),
  sin: () => ({ lo: -1, hi: 1 }),
  cos: () => ({ lo: -1, hi: 1 }),
  tanh: ([a]) => increasing(Math.tanh)(a),
  sinh: ([a]) => increasing(Math.sinh)(a),
  cosh: () => ({ lo: 1, hi: Number.POSITIVE_INFINITY }),
  arcsinh: ([a]) => increasing(Math.asinh)(a),
  sigmoid: ([a]) => positive(increasing(sigmoid)(a)),
  softplus: ([a]) => positive(increasing(softplus)(a)),
  erf: ([a]) => increasing(erf)(a),
  erfc: ([a]) => decreasing(erfc)(a),
  log1mexp: ([a]) =>
    a.hi <= 0 ? { lo: Number.NEGATIVE_INFINITY, hi: Math.log(-Math.expm1(a.lo)) } : undefined,
  relu: ([a]) => ({ lo: Math.max(a.lo, 0), hi: Math.max(a.hi, 0) }),
  floor: ([a]) => increasing(Math.floor)(a),
  ceil: ([a]) => increasing(Math.ceil)(a),
  round: ([a]) => ({ lo: Math.floor(a.lo), hi: Math.ceil(a.hi) }),
  add: ([a, b]) => addIntervals(a, b),
  sub: ([a, b]) => subIntervals(a, b),
  mul: ([a, b]) => mulIntervals(a, b),
  div: ([a, b]) => (b.lo > 0 || b.hi < 0 ? mulIntervals(a, reciprocal(b)) : undefined),
  maximum: ([a, b]) => ({ lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }),
  minimum: ([a, b]) => ({ lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi) }),
  pow: ([a]) => (a.lo > 0 ? { lo: 0, hi: Number.POSITIVE_INFINITY } : undefined),
  switch: ([, a, b]) => hull(a, b),
  max: ([a]) => a,
  min: ([a]) => a,
  mean: ([a]) => a,
  sum: ([a]) => (a.lo >= 0 ? NONNEG : a.hi <= 0 ? { lo: Number.NEGATIVE_INFINITY, hi: 0 } : undefined),
  softmax: () => BOOL,
  log_softmax: () => ({ lo: Number.NEGATIVE_INFINITY, hi: 0 }),
  logsumexp: ([a]) => ({ lo: a.lo, hi: Number.POSITIVE_INFINITY }),
  dot: ([a, b]) => (a.lo >= 0 && b.lo >= 0 ? NONNEG : undefined),
  zeros: () => point(0),
  ones: () => point(1),
  zeros_like: () => point(0),
  ones_like: () => point(1),
  fill: (_kids, attrs) => point(attrs.value as number),
  size: () => NONNEG,
};
for (const op of ['lt', 'le', 'gt', 'ge', 'eq', 'neq', 'and', 'or', 'xor', 'not', 'all', 'any'])
  TRANSFER[op] = () => BOOL;
for (const op of ['transpose', 'reshape', 'broadcast_to', 'expand_dims', 'squeeze', 'slice'])
  TRANSFER[op] = ([a]) => a;
TRANSFER.concat = (kids) => kids.reduce(hull);
TRANSFER.slice_update = ([a, b]) => hull(a, b);
TRANSFER.cast = ([a], attrs) =>
  attrs.dtype === 'bool'
    ? BOOL
    : attrs.dtype === 'f32' || attrs.dtype === 'f64'
      ? a
      : { lo: Math.trunc(a.lo), hi: Math.trunc(a.hi) };

function transfer(lang: Language, symbol: SymbolId, kids: readonly Interval[]): Interval | undefined {
  const { def, attrs } = (lang as TensorLanguage).tensorSymbol(symbol);
  if (def.name === 'constant') return tensorRange(attrs.value as Tensor);
  const t = TRANSFER[def.name];
  const out = t?.(kids, attrs);
  // A NaN end (inf - inf, 0 * inf) means the transfer could not bound it.
  return out && !Number.isNaN(out.lo) && !Number.isNaN(out.hi) ? out : undefined;
}

/**
 * Range analysis for the tensor language. Two forms of one value may round differently
 * (`log(exp(0.3))` is 0.30000000000000004, `log(exp(1e-306))` is 0): their ranges then miss each other,
 * which is rounding, not an unsound rewrite. A merge of disjoint ranges therefore takes the hull, which
 * stays sound for both, instead of failing the whole optimization; `disjointMerges` counts them, and
 * gaps beyond rounding are what `rules:check` looks for.
 *
 * @example const ranges = new RangeAnalysis(); isNonZero(eg.data(ranges, id))
 */
export class RangeAnalysis extends IntervalAnalysis {
  /** Merges whose ranges did not overlap, beyond a few float32 ulps. */
  disjointMerges = 0;

  /** `types`, when given, makes integer ranges honest about wrap-around (see {@link wrapInteger}). */
  constructor(private readonly types?: Analysis<TypeInfo>) {
    super(transfer);
  }

  override make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): IntervalFact {
    const fact = super.make(eg, symbol, children);
    if (!this.types) return fact;
    const { def, attrs } = (eg.lang as TensorLanguage).tensorSymbol(symbol);
    if (def.name === 'constant') return fact;
    // Integer results come from integer args (or a cast): float-only nodes skip the type inference,
    // and the list of argument types (one array per node added).
    let integerArgs = false;
    for (const c of children) {
      const dtype = eg.data(this.types, c).dtype;
      if (dtype === 'i32' || dtype === 'i64') integerArgs = true;
    }
    if (def.name !== 'cast' && !integerArgs) return fact;
    const types = this.types;
    const dtype =
      def.name === 'cast'
        ? (attrs.dtype as DType)
        : def.infer(
            children.map((c) => eg.data(types, c)),
            attrs,
          ).dtype;
    return { ...wrapInteger(fact, dtype), narrowings: fact.narrowings };
  }

  override merge(a: IntervalFact, b: IntervalFact): IntervalFact {
    const lo = Math.max(a.lo, b.lo);
    const hi = Math.min(a.hi, b.hi);
    if (lo <= hi) return super.merge(a, b);
    if (lo - hi > ROUNDING_SLACK * Math.max(Math.abs(lo), Math.abs(hi))) this.disjointMerges++;
    return {
      lo: Math.min(a.lo, b.lo),
      hi: Math.max(a.hi, b.hi),
      narrowings: Math.max(a.narrowings, b.narrowings),
    };
  }
}

const I32: Interval = { lo: -(2 ** 31), hi: 2 ** 31 - 1 };
const I64: Interval = { lo: -(2 ** 63), hi: 2 ** 63 };

/**
 * An integer op's range as computed: i32 and i64 arithmetic wraps (as numpy's), so a range that leaves
 * the dtype's is the whole dtype (46341² is negative in i32). Float ranges are exact real ranges and
 * pass unchanged.
 *
 * @example wrapInteger({ lo: 0, hi: 2 ** 32 }, 'i32') // { lo: -2147483648, hi: 2147483647 }
 */
export function wrapInteger(iv: Interval, dtype: DType): Interval {
  const bounds = dtype === 'i32' ? I32 : dtype === 'i64' ? I64 : undefined;
  if (!bounds || (iv.lo >= bounds.lo && iv.hi <= bounds.hi)) return iv;
  return bounds;
}

/** Relative gap between two ranges still taken for rounding (a few float32 ulps). */
const ROUNDING_SLACK = 1e-6;
