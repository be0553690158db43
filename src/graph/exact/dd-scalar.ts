/**
 * The elementwise ops on double-doubles with a running error bound: each value carries `err`, a bound
 * on its absolute distance from the exact real value, so a caller knows when 106 bits were not enough
 * (a cancellation ate them, a value left the range where double-doubles are exact) and asks the decimal
 * reference instead. An op answers `undefined` where it cannot vouch for its result: an infinite
 * argument or result, a comparison or a rounding its arguments' errors straddle, an op without a
 * double-double form. NaN with `err` 0 is the exact answer "undefined" (log of a negative number).
 *
 * Rounding of each op: the sum's is computed exactly (`addWithError`), the others' bounded by a small
 * multiple of 2^-104 relative, plus 2^-1020 absolute, which makes a result that underflowed the
 * double-double range fail the caller's relative check instead of passing as an exact 0.
 */
import { sinCos } from './dd-trig.js';
import * as D from './double-double.js';
import type { DD } from './double-double.js';
import { erf, erfc } from '../ops/scalar-math.js';
import { ERFC_DOUBLE_LIMIT } from './decimal-math.js';

/** A double-double and a bound on its absolute error. */
export interface Tracked {
  readonly v: DD;
  readonly err: number;
}

/** An exact double. */
export const exactly = (x: number): Tracked => ({ v: D.dd(x), err: 0 });

/** Relative rounding of one double-double op (a few units of 2^-104). */
const U = 2 ** -101;
/** Absolute floor of an inexact op's rounding: below 2^-1020 double-doubles lose their low part. */
const TINY = 2 ** -1020;

const NAN = exactly(Number.NaN);
const mag = (t: Tracked) => Math.abs(t.v.hi);
const isNaN = (t: Tracked) => Number.isNaN(t.v.hi);
const rounded = (v: DD, err: number): Tracked => ({ v, err: err + U * Math.abs(v.hi) + TINY });

/** Arguments the double-double ops can take: finite values with finite errors. */
const usable = (xs: readonly Tracked[]) => xs.every((x) => Number.isFinite(x.v.hi) && Number.isFinite(x.err));

/** Whether a value's sign (or zero) is certain. */
const signKnown = (x: Tracked) => x.err === 0 || mag(x) > x.err;

function add(a: Tracked, b: Tracked): Tracked {
  const { v, err } = D.addWithError(a.v, b.v);
  return { v, err: a.err + b.err + err };
}

function mul(a: Tracked, b: Tracked): Tracked {
  const v = D.mul(a.v, b.v);
  const propagated = mag(a) * b.err + mag(b) * a.err + a.err * b.err;
  // A product of two doubles is exact in double-double while it stays in range; 0 times anything exact
  // is 0. A zero product of nonzero factors underflowed (5e-324 * 5e-324): not exact.
  const zeroFactor = (a.v.hi === 0 && a.err === 0) || (b.v.hi === 0 && b.err === 0);
  const exact = (a.v.lo === 0 && b.v.lo === 0 && Math.abs(v.hi) > 2 ** -960) || zeroFactor;
  return exact && propagated === 0 ? { v, err: 0 } : rounded(v, propagated);
}

function div(a: Tracked, b: Tracked): Tracked | undefined {
  if (b.err >= mag(b)) return b.err === 0 && mag(a) === 0 && a.err === 0 ? NAN : undefined;
  const v = D.div(a.v, b.v);
  if (a.err === 0 && b.err === 0 && v.hi === 0) return { v, err: 0 };
  const q = Math.abs(v.hi);
  return rounded(v, (a.err + q * b.err) / (mag(b) - b.err));
}

function sqrt(a: Tracked): Tracked | undefined {
  if (a.v.hi < 0) return signKnown(a) ? NAN : undefined;
  const v = D.sqrt(a.v);
  if (a.err === 0 && v.hi === 0) return { v, err: 0 };
  const low = Math.sqrt(Math.max(0, mag(a) - a.err));
  return rounded(v, a.err / (Math.abs(v.hi) + low));
}

function exp(a: Tracked): Tracked {
  const v = D.exp(a.v);
  return rounded(v, Math.abs(v.hi) * Math.expm1(a.err) + (a.err > 0 ? TINY : 0));
}

function expm1(a: Tracked): Tracked {
  const v = D.expm1(a.v);
  // The derivative is e^x ≤ e^(x + err) = (v + 1)·e^err.
  return rounded(v, (Math.abs(v.hi + 1) + 1e-300) * Math.expm1(a.err) * Math.exp(a.err));
}

function log(a: Tracked): Tracked | undefined {
  if (a.v.hi <= 0)
    return a.err === 0 ? exactly(a.v.hi === 0 ? Number.NEGATIVE_INFINITY : Number.NaN) : undefined;
  if (a.err >= mag(a)) return undefined;
  return rounded(D.log(a.v), -Math.log1p(-a.err / mag(a)));
}

function log1p(a: Tracked): Tracked | undefined {
  const onePlus = D.add(D.dd(1), a.v).hi;
  if (onePlus <= 0 || a.err >= Math.abs(onePlus))
    return a.err === 0 ? exactly(onePlus === 0 ? Number.NEGATIVE_INFINITY : Number.NaN) : undefined;
  return rounded(D.log1p(a.v), -Math.log1p(-a.err / onePlus));
}

/** sin, cos or tan: the reduction's error joins the argument's (both functions are 1-Lipschitz). */
function trig(a: Tracked, which: 'sin' | 'cos' | 'tan'): Tracked | undefined {
  if (which !== 'cos' && a.v.hi === 0 && a.err === 0) return a;
  const { sin, cos, absError } = sinCos(a.v);
  const e = a.err + absError;
  if (which === 'sin') return rounded(sin, e);
  if (which === 'cos') return rounded(cos, e);
  const c = Math.abs(cos.hi);
  if (e >= c / 2) return undefined;
  const t = D.div(sin, cos);
  // tan' = 1 + tan², taken at the worst point within e.
  return rounded(t, (e * (1 + Math.abs(t.hi) + e / c) ** 2) / (1 - (2 * e) / c) ** 2);
}

/** Ops whose derivative is bounded by `slope` over the argument's error interval. */
function lipschitz(f: (a: DD) => DD, slope: (x: number, err: number) => number) {
  return (a: Tracked): Tracked => rounded(f(a.v), a.err === 0 ? 0 : a.err * slope(Math.abs(a.v.hi), a.err));
}

function sigmoid(a: Tracked): Tracked {
  // 1/(1 + e^-x) for x ≥ 0, e^x/(1 + e^x) below: no overflow, relative accuracy in both tails.
  const e = D.exp(D.neg(D.abs(a.v)));
  const s = D.div(a.v.hi >= 0 ? D.dd(1) : e, D.add(D.dd(1), e));
  return rounded(s, a.err / 4);
}

function softplus(a: Tracked): Tracked {
  // max(x, 0) + log1p(e^-|x|); slope σ(x) ≤ 1.
  const tail = D.log1p(D.exp(D.neg(D.abs(a.v))));
  const v = a.v.hi > 0 ? D.add(a.v, tail) : tail;
  return rounded(v, a.err);
}

function log1mexp(a: Tracked): Tracked | undefined {
  if (isNaN(a)) return NAN;
  if (a.v.hi > 0) return signKnown(a) ? NAN : undefined;
  const m = expm1(a);
  return log({ v: D.neg(m.v), err: m.err });
}

function pow(a: Tracked, b: Tracked): Tracked | undefined {
  if (b.err > 0 && a.v.hi < 0) return undefined;
  if (a.v.hi === 0) return a.err === 0 && b.err === 0 ? exactly(D.toNumber(D.pow(a.v, b.v))) : undefined;
  if (a.err >= mag(a)) return undefined;
  const v = D.pow(a.v, b.v);
  if (Number.isNaN(v.hi)) return NAN;
  const logErr = (Math.abs(b.v.hi) * a.err) / (mag(a) - a.err) + Math.abs(Math.log(mag(a))) * b.err;
  return { v, err: Math.abs(v.hi) * (Math.expm1(logErr) + 2 ** -88) + TINY };
}

/** An integer-valued function (floor, ceil, round) is exact where the error interval holds no step. */
function stepwise(f: (x: DD) => DD) {
  return (a: Tracked): Tracked | undefined => {
    const v = f(a.v);
    if (a.err === 0) return { v, err: 0 };
    const lo = f(D.add(a.v, D.dd(-a.err)));
    const hi = f(D.add(a.v, D.dd(a.err)));
    return D.compare(lo, hi) === 0 ? { v, err: 0 } : undefined;
  };
}

function ddFloor(x: DD): DD {
  const h = Math.floor(x.hi);
  return h === x.hi ? D.add(D.dd(h), D.dd(Math.floor(x.lo))) : D.dd(h);
}
const ddCeil = (x: DD): DD => D.neg(ddFloor(D.neg(x)));
/** Half to even, as numpy's round. */
function ddRound(x: DD): DD {
  const f = ddFloor(x);
  const c = D.compare(D.sub(x, f), D.dd(0.5));
  if (c < 0) return f;
  if (c > 0) return D.add(f, D.dd(1));
  return D.toNumber(f) % 2 === 0 ? f : D.add(f, D.dd(1));
}

/** -1, 0 or 1 where a - b's sign is certain (NaN: undefined ordering), else undefined. */
function order(a: Tracked, b: Tracked): number | undefined {
  if (isNaN(a) || isNaN(b)) return Number.NaN;
  const d = D.sub(a.v, b.v);
  if (a.err + b.err === 0) return D.compare(a.v, b.v) === 0 ? 0 : Math.sign(d.hi || d.lo);
  return Math.abs(d.hi) > a.err + b.err ? Math.sign(d.hi) : undefined;
}

const bool = (b: boolean): Tracked => exactly(b ? 1 : 0);
const comparison = (test: (o: number) => boolean) => (a: Tracked, b: Tracked) => {
  const o = order(a, b);
  return o === undefined ? undefined : bool(!Number.isNaN(o) && test(o));
};
/** Truth of a logical operand (NaN is true, as in the decimal reference), where certain. */
const truth = (x: Tracked): boolean | undefined =>
  isNaN(x) ? true : signKnown(x) ? mag(x) !== 0 : undefined;
const logical = (f: (a: boolean, b: boolean) => boolean) => (a: Tracked, b: Tracked) => {
  const [p, q] = [truth(a), truth(b)];
  return p === undefined || q === undefined ? undefined : bool(f(p, q));
};

function extremum(a: Tracked, b: Tracked, larger: boolean): Tracked {
  if (isNaN(a) || isNaN(b)) return NAN;
  const pick = D.compare(a.v, b.v) >= 0 === larger ? a : b;
  // max and min are 1-Lipschitz in each argument.
  return { v: pick.v, err: Math.max(a.err, b.err) };
}

type TrackedOp = (...xs: Tracked[]) => Tracked | undefined;

const erfcDouble = lipschitz(
  (x) => D.dd(erfc(D.toNumber(x))),
  () => 1.13,
);

/** Ops where a NaN argument gives NaN and nothing else needs deciding. */
const ARITHMETIC: Readonly<Record<string, TrackedOp>> = {
  neg: (a) => ({ v: D.neg(a.v), err: a.err }),
  abs: (a) => ({ v: D.abs(a.v), err: a.err }),
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  sqr: (a) => mul(a, a),
  reciprocal: (a) => div(exactly(1), a),
  sin: (a) => trig(a, 'sin'),
  cos: (a) => trig(a, 'cos'),
  tan: (a) => trig(a, 'tan'),
  sinh: lipschitz(D.sinh, (x, e) => Math.cosh(x + e)),
  cosh: lipschitz(D.cosh, (x, e) => Math.sinh(x + e)),
  tanh: lipschitz(D.tanh, () => 1),
  arcsinh: lipschitz(D.asinh, () => 1),
  sigmoid,
  softplus,
  log1mexp,
  // No double-double form: the double's value, as the decimal reference takes it (its documented limit).
  erf: lipschitz(
    (x) => D.dd(erf(D.toNumber(x))),
    () => 1.13,
  ),
  // Past ERFC_DOUBLE_LIMIT the double leaves the normal range: the decimal reference takes over.
  erfc: (a) => (a.v.hi + a.err < ERFC_DOUBLE_LIMIT ? erfcDouble(a) : undefined),
  relu: (a) => extremum(a, exactly(0), true),
  floor: stepwise(ddFloor),
  ceil: stepwise(ddCeil),
  round: stepwise(ddRound),
  add,
  sub: (a, b) => add(a, { v: D.neg(b.v), err: b.err }),
  mul,
  div,
  pow,
  cast: (a) => a,
};

/** Ops that decide on their arguments (NaN included) rather than compute from them. */
const DECIDING: Readonly<Record<string, TrackedOp>> = {
  maximum: (a, b) => extremum(a, b, true),
  minimum: (a, b) => extremum(a, b, false),
  sign: (a) => (isNaN(a) ? NAN : signKnown(a) ? exactly(Math.sign(a.v.hi)) : undefined),
  lt: comparison((o) => o < 0),
  le: comparison((o) => o <= 0),
  gt: comparison((o) => o > 0),
  ge: comparison((o) => o >= 0),
  eq: comparison((o) => o === 0),
  neq: (a, b) => {
    const o = order(a, b);
    return o === undefined ? undefined : bool(Number.isNaN(o) || o !== 0);
  },
  not: (a) => {
    const t = truth(a);
    return t === undefined ? undefined : bool(!t);
  },
  and: logical((p, q) => p && q),
  or: logical((p, q) => p || q),
  xor: logical((p, q) => p !== q),
  switch: (c, a, b) => {
    const t = truth(c);
    return t === undefined ? undefined : t ? a : b;
  },
};

/** Whether `op` has a double-double form. */
export const hasTrackedOp = (op: string): boolean => op in ARITHMETIC || op in DECIDING;

/**
 * Applies an elementwise op to tracked arguments; undefined where the double-double result cannot be
 * vouched for (the caller asks the decimal reference).
 *
 * @example applyTracked('sub', [applyTracked('add', [exactly(1e300), exactly(1)])!, exactly(1e300)])!.v.hi // 1
 */
export function applyTracked(op: string, args: readonly Tracked[]): Tracked | undefined {
  const deciding = DECIDING[op];
  if (deciding) return usable(args.filter((a) => !isNaN(a))) ? deciding(...args) : undefined;
  const f = ARITHMETIC[op];
  if (!f) return undefined;
  if (args.some(isNaN)) return NAN;
  if (!usable(args)) return undefined;
  const out = f(...args);
  if (!out || isNaN(out)) return out;
  // An infinite result of finite arguments is an overflow (or a pole the decimal reference tells apart).
  return Number.isFinite(out.v.hi) && Number.isFinite(out.err) ? out : undefined;
}

/**
 * The double nearest a tracked value, where its error bound leaves at most 2^-64 of relative doubt
 * (rounding is then wrong only for a value within 2^-11 ulp of a midpoint); undefined otherwise.
 */
export function settledNumber(t: Tracked): number | undefined {
  const x = D.toNumber(t.v);
  if (Number.isNaN(x)) return t.err === 0 ? x : undefined;
  if (t.err === 0) return x;
  return t.err <= 2 ** -64 * Math.abs(x) ? x : undefined;
}
