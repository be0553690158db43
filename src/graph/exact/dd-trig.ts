/**
 * sin, cos and tan of double-doubles, for every finite argument: the argument is reduced modulo π/2
 * exactly in integers (a double-double is a dyadic rational, and π/2 is held to 1,460 bits, more than
 * the largest double's 1,024 integer bits need), so cos(1e308) costs a few big-integer products instead
 * of the thousand-digit π that decimal.js runs out of. The reduced argument, |r| ≤ π/4, goes through
 * the Taylor series in double-double.
 */
import { add, type DD, dd, div, mul, neg } from './double-double.js';

/** Fraction bits of the fixed-point π/2. */
const F = 1460;

/** arctan(1/n) · 2^(F + 8), by its alternating series in fixed point (8 guard bits). */
function arctanInverse(n: bigint): bigint {
  const one = 1n << BigInt(F + 8);
  const n2 = n * n;
  let power = one / n;
  let sum = power;
  for (let k = 1n; power > 0n; k++) {
    power /= n2;
    const term = power / (2n * k + 1n);
    sum = k % 2n === 1n ? sum - term : sum + term;
  }
  return sum;
}

let halfPi: bigint | undefined;

/** round(π/2 · 2^F), from Machin's formula π/4 = 4 arctan(1/5) - arctan(1/239) (computed once, ~2 ms). */
function halfPiFixed(): bigint {
  halfPi ??= ((4n * arctanInverse(5n) - arctanInverse(239n)) * 2n + (1n << 7n)) >> 8n;
  return halfPi;
}

/** A finite double as m · 2^e with m an integer. */
function dyadic(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  let e = 0;
  let m = Math.abs(x);
  // Scale by powers of two, exactly, until the mantissa is an integer below 2^53.
  while (m >= 2 ** 53) {
    m /= 2 ** 32;
    e += 32;
  }
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  const big = BigInt(m);
  return { m: x < 0 ? -big : big, e };
}

/** An integer times 2^-shift as a double-double (its leading 110 bits). */
function fixedToDD(v: bigint, shift: number): DD {
  const sign = v < 0n ? -1 : 1;
  let a = v < 0n ? -v : v;
  const bits = a.toString(2).length;
  let scale = -shift;
  if (bits > 110) {
    a >>= BigInt(bits - 110);
    scale += bits - 110;
  }
  const hi = Number(a);
  const lo = Number(a - BigInt(hi));
  // Scale by 2^scale in two steps (scale may be below -1022).
  const half = Math.trunc(scale / 2);
  const s1 = 2 ** half;
  const s2 = 2 ** (scale - half);
  return { hi: sign * hi * s1 * s2, lo: sign * lo * s1 * s2 };
}

/** A double-double argument reduced modulo π/2: a = k·π/2 + r, the quadrant k mod 4, and r's absolute error bound. */
interface Reduced {
  readonly quadrant: number;
  readonly r: DD;
  readonly absError: number;
}

const QUARTER_PI = Math.PI / 4;

function reduce(a: DD): Reduced {
  if (Math.abs(a.hi) <= QUARTER_PI) return { quadrant: 0, r: a, absError: 0 };
  const h = dyadic(a.hi);
  const l = dyadic(a.lo);
  const e = Math.min(h.e, a.lo === 0 ? h.e : l.e);
  const m = (h.m << BigInt(h.e - e)) + (a.lo === 0 ? 0n : l.m << BigInt(l.e - e));
  // a · 2^F = m · 2^(e + F), an integer since e > -F for |a| > π/4.
  const n = e + F >= 0 ? m << BigInt(e + F) : m >> BigInt(-(e + F));
  const p = halfPiFixed();
  const negative = n < 0n;
  const mag = negative ? -n : n;
  const k = (mag + p / 2n) / p;
  const rem = mag - k * p;
  const r = fixedToDD(negative ? -rem : rem, F);
  const quadrant = Number((negative ? -k : k) % 4n);
  // π/2 is rounded to 2^-F: k copies of that rounding, plus the conversion's 2^-110 relative.
  const absError = Number(k) * 2 ** -F + Math.abs(r.hi) * 2 ** -108;
  return { quadrant: (quadrant + 4) % 4, r, absError };
}

/** Taylor series of sin (odd = true) or cos around 0, for |r| ≤ π/4, to the term below 2^-107. */
function series(r: DD, odd: boolean): DD {
  const r2 = neg(mul(r, r));
  let term = odd ? r : dd(1);
  let sum = term;
  for (let j = 1; j <= 15; j++) {
    const k = 2 * j + (odd ? 1 : 0);
    term = div(mul(term, r2), dd(k * (k - 1)));
    sum = add(sum, term);
  }
  return sum;
}

/** sin and cos of a finite argument, and the absolute error of both (from the reduction). */
export function sinCos(a: DD): { sin: DD; cos: DD; absError: number } {
  const { quadrant, r, absError } = reduce(a);
  const s = series(r, true);
  const c = series(r, false);
  const table: readonly [DD, DD][] = [
    [s, c],
    [c, neg(s)],
    [neg(s), neg(c)],
    [neg(c), s],
  ];
  const [sin, cos] = table[quadrant];
  return { sin, cos, absError };
}
