/**
 * Double-double arithmetic: a real as the unevaluated sum `hi + lo` of two doubles (|lo| ≤ ulp(hi)/2),
 * about 106 significant bits, at a few times the cost of a double operation (decimal.js at 30 digits is
 * a hundred times slower, and at the 600 digits an input spread of 1e-300..1e300 asks for, thousands).
 * It is the fast half of the exact reference (`fast.ts` decides where it is enough): its exponent
 * range is a double's (products and quotients scale their arguments, so only results beyond it are
 * lost), and a low part below 2^-1022 loses bits, which callers account for.
 *
 * The building blocks are the error-free transformations of Dekker and Knuth (a sum or product of two
 * doubles is exactly a double-double); exp and log reduce their argument and use a series or a Newton
 * step, as the QD library does (Hida, Li, Bailey, "Library for double-double and quad-double
 * arithmetic", 2007). The trigonometric functions are in `dd-trig.ts`.
 */

/** A double-double `hi + lo`. */
export interface DD {
  readonly hi: number;
  readonly lo: number;
}

/**
 * A double as a double-double.
 *
 * @example dd(0.5) // { hi: 0.5, lo: 0 }
 */
export const dd = (x: number): DD => ({ hi: x, lo: 0 });

const SPLITTER = 134217729; // 2^27 + 1: splits a double into two 26-bit halves

/** s + e = a + b exactly. */
function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

/** s + e = a + b exactly, given |a| ≥ |b|. */
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

/** p + e = a · b exactly (Dekker's product; |a|, |b| < 2^996 so the split does not overflow). */
function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

/** Renormalizes hi + lo where the sum may carry; a non-finite hi stays as it is. */
function norm(hi: number, lo: number): DD {
  if (!Number.isFinite(hi)) return { hi, lo: 0 };
  return quickTwoSum(hi, lo);
}

export const neg = (a: DD): DD => ({ hi: -a.hi, lo: -a.lo });
export const abs = (a: DD): DD => (a.hi < 0 || Object.is(a.hi, -0) ? neg(a) : a);

/**
 * a + b and the exact size of what was rounded away: the four parts are summed by error-free
 * transformations, and only two low-order error terms are dropped, so `err` is 0 exactly when the
 * double-double is the exact sum ((1e300 + 1) - 1e300 is exactly 1).
 */
export function addWithError(a: DD, b: DD): { v: DD; err: number } {
  const s = twoSum(a.hi, b.hi);
  if (!Number.isFinite(s.hi)) return { v: { hi: s.hi, lo: 0 }, err: 0 };
  const t = twoSum(a.lo, b.lo);
  const w = twoSum(s.lo, t.hi);
  const u = twoSum(s.hi, w.hi);
  const z = twoSum(u.lo, t.lo);
  return { v: twoSum(u.hi, z.hi), err: Math.abs(w.lo) + Math.abs(z.lo) };
}

/** a + b. */
export const add = (a: DD, b: DD): DD => addWithError(a, b).v;

export const sub = (a: DD, b: DD): DD => add(a, neg(b));

/** Exponents outside ±900: Dekker's split overflows, or the low part underflows and loses bits. */
const outOfRange = (x: number) =>
  x !== 0 && Number.isFinite(x) && (Math.abs(x) > 2 ** 900 || Math.abs(x) < 2 ** -900);

/** a = m · 2^k with m near 1 (exact: scaling by a power of two). */
function scaled(a: DD): { m: DD; k: number } {
  if (a.hi === 0 || !Number.isFinite(a.hi)) return { m: a, k: 0 };
  const k = Math.floor(Math.log2(Math.abs(a.hi)));
  return { m: ldexp(a, -k), k };
}

/** a · b, scaled to exponents near 0 where the arguments are far from them. */
export function mul(a: DD, b: DD): DD {
  if (outOfRange(a.hi) || outOfRange(b.hi)) {
    const [x, y] = [scaled(a), scaled(b)];
    return ldexp(mulNear1(x.m, y.m), x.k + y.k);
  }
  return mulNear1(a, b);
}

function mulNear1(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  if (!Number.isFinite(p.hi)) return { hi: p.hi, lo: 0 };
  return norm(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

/** a · n for a double n. */
export function mulNum(a: DD, n: number): DD {
  const p = twoProd(a.hi, n);
  if (!Number.isFinite(p.hi)) return { hi: p.hi, lo: 0 };
  return norm(p.hi, p.lo + a.lo * n);
}

/** a / b: a quotient digit, its remainder, a second digit and a third (about 106 bits). */
export function div(a: DD, b: DD): DD {
  if (outOfRange(a.hi) || outOfRange(b.hi)) {
    const [x, y] = [scaled(a), scaled(b)];
    return ldexp(divNear1(x.m, y.m), x.k - y.k);
  }
  return divNear1(a, b);
}

function divNear1(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  if (!Number.isFinite(q1) || q1 === 0) return { hi: q1, lo: 0 };
  let r = sub(a, mulNum(b, q1));
  const q2 = r.hi / b.hi;
  r = sub(r, mulNum(b, q2));
  const q3 = r.hi / b.hi;
  const q = quickTwoSum(q1, q2);
  return add(q, dd(q3));
}

/** a · 2^k, exactly (while the result stays normal). */
export function ldexp(a: DD, k: number): DD {
  if (!Number.isFinite(k)) throw new RangeError(`ldexp: exponent ${k}`);
  let hi = a.hi;
  let lo = a.lo;
  // Powers of two beyond ±1023 are not doubles: scale in steps.
  while (k > 1000) {
    hi *= 2 ** 1000;
    lo *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    hi *= 2 ** -1000;
    lo *= 2 ** -1000;
    k += 1000;
  }
  const s = 2 ** k;
  return { hi: hi * s, lo: lo * s };
}

/** sqrt(a) for a ≥ 0: the double's root and one Newton correction (Karp's trick). */
export function sqrt(a: DD): DD {
  if (a.hi <= 0) return a.hi === 0 ? a : dd(Number.NaN);
  if (!Number.isFinite(a.hi)) return a;
  if (outOfRange(a.hi)) {
    const { m, k } = scaled(a);
    const even = k - (k & 1);
    return ldexp(sqrt(ldexp(m, k - even)), even / 2);
  }
  const x = Math.sqrt(a.hi);
  const r = sub(a, twoProd(x, x));
  return quickTwoSum(x, r.hi / (2 * x));
}

/** The double nearest the double-double. */
export const toNumber = (a: DD): number => a.hi + a.lo;

export const compare = (a: DD, b: DD): number => (a.hi !== b.hi ? a.hi - b.hi : a.lo - b.lo);

/** ln 2 to 107 bits. */
const LN2: DD = { hi: 0.6931471805599453, lo: 2.3190468138462996e-17 };
/** What LN2 leaves out (ln 2 - hi - lo): k·ln 2 for k up to 1075 needs it to stay within 2^-106. */
const LN2_REST = 5.707708438416212e-34;

/** 1/k! for the exponential series, as double-doubles (computed once). */
const INV_FACT: readonly DD[] = (() => {
  const out: DD[] = [];
  let f = dd(1);
  for (let k = 1; k <= 14; k++) {
    f = div(f, dd(k));
    out.push(f);
  }
  return out;
})();

/**
 * e^r - 1 for |r| ≤ ln2/2, to a relative 2^-104: r is halved 10 times, the series summed to the 9th
 * power (enough below 3.4e-4), and the halvings undone by s ↦ 2s + s², which keeps the result
 * relative to s (no 1 is added, so nothing is lost near 0).
 */
function expm1Reduced(r: DD): DD {
  const x = ldexp(r, -10);
  let term = x;
  let sum = x;
  for (let k = 2; k <= 9; k++) {
    term = mul(term, x);
    sum = add(sum, mul(term, INV_FACT[k - 1]));
  }
  for (let i = 0; i < 10; i++) sum = add(mulNum(sum, 2), mul(sum, sum));
  return sum;
}

/** a = k·ln2 + r with |r| ≤ ln2/2 (ln 2 to 160 bits, so k·ln 2 keeps 106 for k < 2^11). */
function reduceLn2(a: DD): { k: number; r: DD } {
  const k = Math.round(a.hi / LN2.hi);
  // Each part's product with k is exact (twoProd), so r is a - k·ln 2 to 2^-150.
  const r = sub(sub(sub(a, twoProd(LN2.hi, k)), twoProd(LN2.lo, k)), dd(LN2_REST * k));
  return { k, r };
}

/** e^a; overflows to Infinity above 709.78 and underflows to 0 below -745. */
export function exp(a: DD): DD {
  if (Number.isNaN(a.hi)) return a;
  if (a.hi > 709.79) return dd(Number.POSITIVE_INFINITY);
  if (a.hi < -745.2) return dd(0);
  const { k, r } = reduceLn2(a);
  return ldexp(add(dd(1), expm1Reduced(r)), k);
}

/** e^a - 1, relative to the result near 0. */
export function expm1(a: DD): DD {
  if (Math.abs(a.hi) <= LN2.hi / 2) return expm1Reduced(a);
  // Away from 0, e^a - 1 loses at most one bit to the subtraction.
  return sub(exp(a), dd(1));
}

/** log(1 + a) for |a| ≤ 1/2: the double's log1p, corrected by one Newton step on e^y - 1 = a. */
function log1pNear0(a: DD): DD {
  const y = dd(Math.log1p(a.hi));
  if (y.hi === 0) return a;
  const e = expm1(y);
  // y' = y + (a - (e^y - 1)) / e^y: the difference is small and exact enough in double-double.
  return add(y, div(sub(a, e), add(dd(1), e)));
}

/** log(1 + a) for a > -1, relative to the result near 0. */
export function log1p(a: DD): DD {
  if (Number.isNaN(a.hi) || a.hi < -1) return dd(Number.NaN);
  if (a.hi === 0 || a.hi === Number.POSITIVE_INFINITY) return a;
  if (Math.abs(a.hi) <= 0.5) return log1pNear0(a);
  return log(add(dd(1), a));
}

/**
 * log(a) for a > 0: a = m·2^k with m within [1/√2, √2] (scaling by 2^-k is exact), and
 * log a = k·ln 2 + log1p(m - 1) (m - 1 is exact), so no intermediate leaves the double range.
 */
export function log(a: DD): DD {
  if (Number.isNaN(a.hi) || a.hi < 0) return dd(Number.NaN);
  if (a.hi === 0) return dd(Number.NEGATIVE_INFINITY);
  if (a.hi === Number.POSITIVE_INFINITY) return a;
  const k = Math.round(Math.log2(a.hi));
  let m = ldexp(a, -k);
  let e = k;
  if (m.hi > Math.SQRT2) {
    m = ldexp(m, -1);
    e++;
  } else if (m.hi < Math.SQRT1_2) {
    m = ldexp(m, 1);
    e--;
  }
  return add(mulNum(LN2, e), log1pNear0(sub(m, dd(1))));
}

/** sinh(a): (s + s/(1 + s))/2 with s = e^a - 1 below 1/2 (no cancellation near 0), (e^a - e^-a)/2 above. */
export function sinh(a: DD): DD {
  // e^|a|/2 = e^(|a| - ln 2) where e^|a| alone would overflow.
  if (Math.abs(a.hi) > 709) return a.hi > 0 ? exp(sub(a, LN2)) : neg(exp(sub(neg(a), LN2)));
  if (Math.abs(a.hi) >= 0.5) {
    const e = exp(a);
    return ldexp(sub(e, div(dd(1), e)), -1);
  }
  const s = expm1(a);
  return ldexp(add(s, div(s, add(dd(1), s))), -1);
}

/** cosh(a) = (e^a + e^-a)/2. */
export function cosh(a: DD): DD {
  const x = abs(a);
  if (x.hi > 709) return exp(sub(x, LN2));
  const e = exp(x);
  return ldexp(add(e, div(dd(1), e)), -1);
}

/** tanh(a) = s/(s + 2) with s = e^(2a) - 1; ±1 past |a| = 40, where the difference is below 2^-115. */
export function tanh(a: DD): DD {
  if (a.hi > 40) return sub(dd(1), ldexp(exp(mulNum(a, -2)), 1));
  if (a.hi < -40) return sub(ldexp(exp(mulNum(a, 2)), 1), dd(1));
  const s = expm1(mulNum(a, 2));
  return div(s, add(s, dd(2)));
}

/** arcsinh(a) = sign(a)·log1p(|a| + a²/(1 + sqrt(1 + a²))); log(2|a|) where a² would overflow. */
export function asinh(a: DD): DD {
  const x = abs(a);
  if (x.hi === 0) return a;
  let y: DD;
  if (x.hi > 2 ** 500) y = add(log(x), LN2);
  else {
    const x2 = mul(x, x);
    y = log1p(add(x, div(x2, add(dd(1), sqrt(add(dd(1), x2))))));
  }
  return a.hi < 0 ? neg(y) : y;
}

/**
 * a^b: exact repeated squaring for small integer exponents, e^(b·log|a|) otherwise (a relative
 * 2^-94 for results in range); NaN for a negative base and a non-integer exponent.
 */
export function pow(a: DD, b: DD): DD {
  if (Number.isNaN(a.hi) || Number.isNaN(b.hi)) return dd(Number.NaN);
  const integer = b.lo === 0 && Number.isInteger(b.hi);
  if (b.hi === 0) return dd(1);
  if (integer && Math.abs(b.hi) <= 64) {
    let base = a;
    let n = Math.abs(b.hi);
    let result = dd(1);
    while (n > 0) {
      if (n & 1) result = mul(result, base);
      base = mul(base, base);
      n >>= 1;
    }
    return b.hi < 0 ? div(dd(1), result) : result;
  }
  if (a.hi === 0) return dd(b.hi > 0 ? 0 : Number.POSITIVE_INFINITY);
  if (a.hi < 0 && !integer) return dd(Number.NaN);
  const y = exp(mul(b, log(abs(a))));
  const odd = integer && Math.abs(b.hi) < 2 ** 53 && Math.abs(b.hi) % 2 === 1;
  return a.hi < 0 && odd ? neg(y) : y;
}
