/** The double-double half of the exact reference: its functions against decimal.js, and the fast path's agreement. */
import { describe, expect, it } from 'vitest';
import { sinCos } from '../../src/graph/exact/dd-trig.js';
import { applyTracked, exactly, settledNumber } from '../../src/graph/exact/dd-scalar.js';
import { EXACT_SCALAR, Exact, fromDouble } from '../../src/graph/exact/decimal-math.js';
import * as D from '../../src/graph/exact/double-double.js';
import { decimalExactValue, exactValue } from '../../src/graph/exact/evaluate.js';
import { prng } from '../../src/graph/random.js';
import { parseDecls, parseExpr } from '../../src/graph/index.js';

/** log2 of the relative error of a double-double against a decimal (80 digits). */
function bitsOff(a: D.DD, e: Exact): number {
  const got = fromDouble(a.hi).plus(fromDouble(a.lo));
  if (e.isZero()) return got.isZero() ? -Infinity : 0;
  return Math.log2(got.minus(e).div(e).abs().toNumber());
}

describe('double-double functions', () => {
  const cases: [string, (a: D.DD) => D.DD, (x: Exact) => Exact, (u: number) => number][] = [
    ['exp', D.exp, (x) => Exact.exp(x), (u) => (u - 0.5) * 1300],
    ['expm1', D.expm1, EXACT_SCALAR.expm1, (u) => (u - 0.5) * 10 ** (u * 10 - 8)],
    ['log', D.log, (x) => Exact.ln(x), (u) => 10 ** ((u - 0.5) * 600)],
    ['log near 1', D.log, (x) => Exact.ln(x), (u) => 1 + (u - 0.5) * 1e-9],
    ['log1p', D.log1p, EXACT_SCALAR.log1p, (u) => (u - 0.3) * 10 ** (u * 8 - 6)],
    ['sqrt', D.sqrt, (x) => x.sqrt(), (u) => 10 ** ((u - 0.5) * 616)],
    ['sinh', D.sinh, EXACT_SCALAR.sinh, (u) => (u - 0.5) * 10 ** (u * 6 - 4)],
    ['cosh', D.cosh, EXACT_SCALAR.cosh, (u) => (u - 0.5) * 100],
    ['tanh', D.tanh, EXACT_SCALAR.tanh, (u) => (u - 0.5) * 10 ** (u * 4 - 3)],
    ['arcsinh', D.asinh, (x) => Exact.asinh(x), (u) => (u - 0.5) * 10 ** (u * 20 - 10)],
    ['sin', (a) => sinCos(a).sin, (x) => Exact.sin(x), (u) => (u - 0.5) * 10 ** (u * 12 - 4)],
    ['cos', (a) => sinCos(a).cos, (x) => Exact.cos(x), (u) => (u - 0.5) * 10 ** (u * 12 - 4)],
  ];
  it.each(cases)(
    '%s is within 2^-100 of decimal.js at 80 digits (except exp near underflow)',
    (name, f, g, draw) => {
      const saved = Exact.precision;
      Exact.set({ precision: 80 });
      try {
        const random = prng(7);
        for (let i = 0; i < 30; i++) {
          const x = draw(random());
          // Below e^-708 the low part is subnormal: the tracked layer sends such results to decimals.
          if (name === 'exp' && x < -708) continue;
          expect(bitsOff(f(D.dd(x)), g(fromDouble(x))), `${name}(${x})`).toBeLessThan(-100);
        }
      } finally {
        Exact.set({ precision: saved });
      }
    },
  );

  it('reduces huge trigonometric arguments exactly (cos(1e308) threw in decimal.js)', () => {
    // sin(1e22) = -0.8522008497671888 (a classic test of argument reduction).
    expect(D.toNumber(sinCos(D.dd(1e22)).sin)).toBe(-0.8522008497671888);
    expect(D.toNumber(sinCos(D.dd(1.7976931348623157e308)).sin)).toBe(0.004961954789184062);
  });
});

describe('tracked double-double ops', () => {
  it('know a cancellation that lost nothing from one that lost everything', () => {
    const sum = applyTracked('add', [exactly(1e300), exactly(1)])!;
    expect(settledNumber(applyTracked('sub', [sum, exactly(1e300)])!)).toBe(1);
    // e^(1e-20) - 1: the exponential is 1 + 1e-20 to 106 bits, the difference has ~40 of them left.
    const e = applyTracked('exp', [exactly(1e-20)])!;
    expect(settledNumber(applyTracked('sub', [e, exactly(1)])!)).toBeUndefined();
  });

  it('refuse a comparison their errors straddle, and decide one they do not', () => {
    const third = applyTracked('div', [exactly(1), exactly(3)])!;
    expect(applyTracked('lt', [third, exactly(0.34)])!.v.hi).toBe(1);
    const almost = applyTracked('mul', [third, exactly(3)])!;
    expect(applyTracked('eq', [almost, exactly(1)])).toBeUndefined();
  });
});

describe('exactValue fast path', () => {
  const decls = parseDecls('x: f64[n]; y: f64[n]');
  const exprs = [
    'sqrt(x + 1) - sqrt(x)',
    'log(x + 1) - log(x)',
    'exp(x) - 2 + exp(-x)',
    '(1 - cos(x)) / (x * x)',
    'sin(x + y) - sin(x)',
    'x / (x * x + y * y)',
    'tanh(x) * sigmoid(y) + softplus(x - y)',
  ];
  it.each(exprs)('agrees with the decimal reference on %s', (expr) => {
    const e = parseExpr(expr, { vars: decls });
    const random = prng(expr.length);
    const values = (k: number) =>
      Array.from({ length: k }, () => (random() - 0.5) * 10 ** Math.round(random() * 40 - 20));
    const all = { x: [...values(30), 1e-310, 1e300, -0, 5e-324], y: [...values(30), 3, 1e-20, 1e308, 1] };
    const inputs = expr.includes('y') ? all : { x: all.x };
    const fast = exactValue([e], inputs);
    const slow = decimalExactValue([e], inputs);
    expect(Array.from(fast.value.data)).toEqual(Array.from(slow.value.data));
  });
});

describe('underflow in the fast path', () => {
  it('a product of nonzero factors that underflows is not an exact zero: (a*b)/(a*c) is 0, not 0/0', () => {
    // 5e-324 * 5e-324 underflows to 0 in double-double too; the exact product is 2.5e-647.
    const e = parseExpr('(a * b) / (a * c)', { vars: parseDecls('a: f64; b: f64; c: f64') });
    const inputs = { a: 5e-324, b: 0, c: 5e-324 };
    expect(exactValue([e], inputs).value.item()).toBe(0);
    expect(decimalExactValue([e], inputs).value.item()).toBe(0);
  });
});
