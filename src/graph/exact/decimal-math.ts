/**
 * Scalar math over decimal.js numbers, for the exact reference evaluator: 30 significant digits (13
 * more than float64 holds) and an exponent range of ±9e15, so nothing a float graph computes overflows,
 * underflows or cancels here. decimal.js has exp, ln, pow, sqrt and the trigonometric and hyperbolic
 * functions; log1p, expm1 and log1mexp use a series near 0, where 1 + x would round away x. `erf` and
 * `erfc` have no decimal form: they take float64's value (about 1e-16 relative), which is the one place
 * the reference is only as precise as the graph under test, documented in the README's contract.
 */
import { Decimal as BaseDecimal } from 'decimal.js';
import { erf, erfc } from '../ops/scalar-math.js';

/** The decimal type of the reference: 30 digits, exponents within ±9e15. */
export const Exact = BaseDecimal.clone({ precision: 30, minE: -9e15, maxE: 9e15 });
export type Exact = InstanceType<typeof Exact>;

const ZERO = new Exact(0);
const ONE = new Exact(1);
const NAN = new Exact(Number.NaN);

/**
 * The exact value of a double (its binary expansion, rounded to the working precision), not its shortest decimal
 * spelling: `5e-324` is 4.94…e-324, and `0.1` is 0.1000000000000000055….
 *
 * @example fromDouble(0.5).toString() // '0.5'
 */
export function fromDouble(x: number): Exact {
  if (!Number.isFinite(x) || x === 0) return new Exact(x);
  let exponent = 0;
  let m = Math.abs(x);
  // Scale to an integer mantissa, exactly (powers of two).
  while (!Number.isInteger(m)) {
    m *= 2;
    exponent--;
  }
  // m · 2^e = m · 5^-e / 10^-e: the exact digits, from BigInt, rounded to the working precision (a
  // subnormal has 750 digits, which would make every product with it slow).
  const digits = exponent < 0 ? BigInt(m) * 5n ** BigInt(-exponent) : BigInt(m);
  return new Exact(`${x < 0 ? '-' : ''}${digits}e${exponent}`).toSignificantDigits(Exact.precision);
}

const isSmall = (x: Exact) => x.abs().lt(1e-6);

/** x + x²/2 + … + x⁶/720: e^x - 1 to 30 digits for |x| < 1e-6. */
function expm1Series(x: Exact): Exact {
  let term = x;
  let sum = x;
  for (let k = 2; k <= 6; k++) {
    term = term.times(x).div(k);
    sum = sum.plus(term);
  }
  return sum;
}

/** x - x²/2 + x³/3 - …: log(1 + x) to 30 digits for |x| < 1e-6. */
function log1pSeries(x: Exact): Exact {
  let power = x;
  let sum = x;
  for (let k = 2; k <= 6; k++) {
    power = power.times(x);
    sum = k % 2 === 0 ? sum.minus(power.div(k)) : sum.plus(power.div(k));
  }
  return sum;
}

export const expm1 = (x: Exact): Exact => (isSmall(x) ? expm1Series(x) : Exact.exp(x).minus(1));
export const log1p = (x: Exact): Exact => (isSmall(x) ? log1pSeries(x) : Exact.ln(x.plus(1)));

// decimal.js's sinh, cosh and tanh sum series whose length grows with |x| (2·sinh(1e10) ran for
// minutes): away from 0 they come from one exponential.
const sinh = (x: Exact): Exact => {
  if (x.abs().lt(1)) return Exact.sinh(x);
  const e = Exact.exp(x);
  return e.minus(ONE.div(e)).div(2);
};
const cosh = (x: Exact): Exact => {
  if (x.abs().lt(1)) return Exact.cosh(x);
  const e = Exact.exp(x.abs());
  return e.plus(ONE.div(e)).div(2);
};
const tanh = (x: Exact): Exact => {
  if (x.abs().lt(1)) return Exact.tanh(x);
  // 1 - 2/(e^(2|x|) + 1), with the sign of x.
  const t = ONE.minus(new Exact(2).div(Exact.exp(x.abs().times(2)).plus(1)));
  return x.isNeg() ? t.neg() : t;
};

const sigmoid = (x: Exact): Exact => ONE.div(ONE.plus(Exact.exp(x.neg())));
// Above 50 the correction log1p(e^-x) is below 1e-21 of x: x + log1p(e^-x) stays finite for x = 1e308.
const softplus = (x: Exact): Exact => (x.gt(50) ? x.plus(log1p(Exact.exp(x.neg()))) : log1p(Exact.exp(x)));
const log1mexp = (x: Exact): Exact => (x.gt(0) ? NAN : Exact.ln(expm1(x).neg()));

/** Rounds half to even, as numpy's round. */
const roundHalfEven = (x: Exact): Exact => x.toDecimalPlaces(0, Exact.ROUND_HALF_EVEN);

/** floor(a / b), a mod b with the sign of b (Python's), as the float ops define them. */
const intDiv = (a: Exact, b: Exact): Exact => a.div(b).floor();
function floorMod(a: Exact, b: Exact): Exact {
  if (b.isZero()) return NAN;
  return a.minus(b.times(a.div(b).floor()));
}

const viaDouble = (f: (x: number) => number) => (x: Exact) => fromDouble(f(x.toNumber()));
const bool = (b: boolean): Exact => (b ? ONE : ZERO);

/**
 * Past this, float64's erfc leaves the normal range (erfc(26.55) is 2.2e-308) and then underflows to 0
 * (at 27.3), where log(erfc(x)) is still about -x²: a reference that judges the stable forms of
 * log(erfc(x)) needs the value itself there.
 */
export const ERFC_DOUBLE_LIMIT = 26;
const SQRT_PI = Exact.acos(-1).sqrt();

/** erfc as float64 has it below {@link ERFC_DOUBLE_LIMIT}; beyond, its continued fraction in decimals. */
function erfcExact(x: Exact): Exact {
  if (!x.isFinite() || x.lt(ERFC_DOUBLE_LIMIT)) return fromDouble(erfc(x.toNumber()));
  // erfc(x) = e^-x² / √π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), as scalar-math.ts's tail; from x = 26
  // thirty terms leave far less than the working precision's last digit.
  let f = x;
  for (let k = 30; k >= 1; k--) f = x.plus(new Exact(k).div(2).div(f));
  return Exact.exp(x.times(x).neg()).div(SQRT_PI).div(f);
}
const truthy = (x: Exact) => !x.isZero();

/** The exact counterpart of each elementwise op's scalar function, by op name. */
export const EXACT_SCALAR: Readonly<Record<string, (...xs: Exact[]) => Exact>> = {
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
  sign: (x) => (x.isNaN() ? x : new Exact(x.isZero() ? 0 : x.isNeg() ? -1 : 1)),
  exp: (x) => Exact.exp(x),
  log: (x) => Exact.ln(x),
  log1p,
  expm1,
  sqrt: (x) => x.sqrt(),
  sqr: (x) => x.times(x),
  reciprocal: (x) => ONE.div(x),
  sin: (x) => Exact.sin(x),
  cos: (x) => Exact.cos(x),
  tan: (x) => Exact.tan(x),
  tanh,
  sinh,
  cosh,
  arcsinh: (x) => Exact.asinh(x),
  sigmoid,
  softplus,
  erf: viaDouble(erf),
  erfc: erfcExact,
  log1mexp,
  relu: (x) => (x.isNaN() ? x : x.gt(0) ? x : ZERO),
  floor: (x) => x.floor(),
  ceil: (x) => x.ceil(),
  round: roundHalfEven,
  not: (x) => bool(x.isZero()),
  add: (a, b) => a.plus(b),
  sub: (a, b) => a.minus(b),
  mul: (a, b) => a.times(b),
  div: (a, b) => a.div(b),
  int_div: intDiv,
  mod: floorMod,
  pow: (a, b) => Exact.pow(a, b),
  maximum: (a, b) => (a.isNaN() || a.gte(b) ? a : b),
  minimum: (a, b) => (a.isNaN() || a.lte(b) ? a : b),
  lt: (a, b) => bool(a.lt(b)),
  le: (a, b) => bool(a.lte(b)),
  gt: (a, b) => bool(a.gt(b)),
  ge: (a, b) => bool(a.gte(b)),
  eq: (a, b) => bool(a.eq(b)),
  neq: (a, b) => bool(!a.eq(b)),
  and: (a, b) => bool(truthy(a) && truthy(b)),
  or: (a, b) => bool(truthy(a) || truthy(b)),
  xor: (a, b) => bool(truthy(a) !== truthy(b)),
  switch: (c, a, b) => (truthy(c) || c.isNaN() ? a : b),
  cast: (x) => x,
};
