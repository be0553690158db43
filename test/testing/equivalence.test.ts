import { describe, expect, it } from 'vitest';
import { T, Tensor } from '../../src/graph/index.js';
import { assertEquivalent, compareOutputs, EquivalenceError } from '../../src/testing/index.js';

const x = T.vector('x', 'f64');

function failure(f: () => void): EquivalenceError {
  try {
    f();
  } catch (e) {
    if (e instanceof EquivalenceError) return e;
    throw e;
  }
  throw new Error('expected an EquivalenceError');
}

describe('assertEquivalent', () => {
  it('accepts two formulations of one function', () => {
    assertEquivalent(T.log(T.exp(x)), x, { seed: 1, domain: { min: -5, max: 5 } });
    assertEquivalent(T.log(T.sigmoid(x)), T.neg(T.softplus(T.neg(x))), { seed: 2 });
    assertEquivalent([T.mul(x, 2), T.sqr(x)], [T.add(x, x), T.mul(x, x)], { seed: 3 });
  });

  it('reports the graphs, inputs, both values and the seed on a mismatch', () => {
    const e = failure(() => assertEquivalent(T.sin(x), x, { seed: 7 }));
    // Run 7 puts the edge value 0 first, where sin(x) = x; run 8 (seed 8) differs.
    expect(e.seed).toBe(8);
    expect(e.message).toMatch(/^not equivalent: output 0 at element \d+/);
    expect(e.message).toContain('original:\n  x: f64[?]\n  sin(x)');
    expect(e.message).toContain('other:\n  x');
    expect(e.message).toContain('inputs (seed 8):\n  x = f64[');
    expect(e.message).toContain('original values:');
    expect(e.message).toContain('other values:');
  });

  it('scales the tolerance by intermediate magnitudes (cancellation is not a bug)', () => {
    // (x + 1e10) - 1e10 loses ~1e-6 absolute; relative to the output alone that would fail.
    assertEquivalent(T.sub(T.add(x, 1e10), 1e10), x, { seed: 4 });
    expect(() => assertEquivalent(T.add(x, 1e-3), x, { seed: 4 })).toThrow(EquivalenceError);
  });

  it('requires NaN and infinities to agree', () => {
    assertEquivalent(T.log(x), T.log(x), { seed: 5 }); // NaN on negatives, on both sides
    const e = failure(() => assertEquivalent(T.log(x), T.log(T.abs(x)), { seed: 5 }));
    expect(e.message).toContain('the original gives NaN');
  });

  it('accepts a stabilization only when allowed, and checks it against a reference', () => {
    const naive = T.log(T.add(1, T.exp(x)));
    const stable = T.softplus(x);
    const domain = { min: 700, max: 800 };
    expect(() => assertEquivalent(naive, stable, { seed: 1, domain })).toThrow(/the original gives Infinity/);
    assertEquivalent(naive, stable, { seed: 1, domain, allowStabilization: true });
    // A "stabilization" to a wrong finite value is caught by a float64 reference (here: x itself).
    const wrong = T.mul(stable, 2);
    assertEquivalent(naive, wrong, { seed: 1, domain: { min: 750, max: 800 }, allowStabilization: true });
    expect(() =>
      assertEquivalent(naive, wrong, {
        seed: 1,
        domain: { min: 750, max: 800 },
        allowStabilization: true,
        reference: x,
      }),
    ).toThrow(/stabilized value is not close to the reference/);
  });

  it('treats integer outputs exactly and dtype or shape changes as mismatches', () => {
    const i = T.vector('i', 'i32');
    assertEquivalent(T.add(i, i), T.mul(i, 2), { seed: 1 });
    expect(failure(() => assertEquivalent(T.cast(x, 'f32'), x, { seed: 1 })).message).toContain(
      'dtype f32 became f64',
    );
    expect(failure(() => assertEquivalent(T.sum(x), x, { seed: 1 })).message).toMatch(
      /shape \[\] became \[\d\]/,
    );
  });

  it('uses fixed inputs as given, drawing only the rest', () => {
    const y = T.vector('y', 'f64');
    const inputs = { x: Tensor.from([1, 2], [2], 'f64') };
    assertEquivalent(T.add(x, T.mul(y, 0)), T.add(x, T.sub(y, y)), { seed: 1, inputs });
    const e = failure(() =>
      assertEquivalent(T.exp(x), T.add(x, 1), { inputs: { x: Tensor.from([1, 2], [2], 'f64') } }),
    );
    expect(e.message).toContain('x = f64[2] 1, 2');
  });

  it('sizes symbolic dims so that unknown dims broadcasting together agree', () => {
    // '?' dims of x and z are independent names; the shared-size fallback makes x + z evaluable.
    const z = T.vector('z', 'f64');
    assertEquivalent(T.add(x, z), T.add(z, x), { seed: 3, runs: 10 });
  });

  it('compares element by element under the documented rule', () => {
    const t = (...v: number[]) => Tensor.from(v, [v.length], 'f64');
    expect(compareOutputs([t(1, Number.NaN)], [t(1 + 1e-12, Number.NaN)], 1)).toBeUndefined();
    expect(compareOutputs([t(Infinity)], [t(-Infinity)], 1)?.why).toBe('non-finite values differ');
    expect(compareOutputs([t(1)], [t(Infinity)], 1)?.why).toBe('non-finite values differ');
    expect(compareOutputs([t(Number.NaN)], [t(0)], 1, { finiteOnly: true })).toBeUndefined();
    expect(compareOutputs([t(1)], [t(1.001)], 1e6)).toBeUndefined(); // 1e-7 × 1e6 = 0.1
  });
});
