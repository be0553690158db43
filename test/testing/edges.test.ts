/**
 * Equivalence checks that look at the edges: edge values drawn on purpose, per-input domains, the
 * defaults for graphs that optimize returned, and differences explained by the unsafe rules that fired.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { T } from '../../src/graph/builders.js';
import { grad } from '../../src/graph/grad.js';
import { optimize } from '../../src/optimize.js';
import { assertEquivalent, EquivalenceError } from '../../src/testing/compare.js';
import { EDGE_VALUES, randomInputs } from '../../src/testing/inputs.js';

const cli = runCli;

afterEach(() => vi.restoreAllMocks());

function failure(f: () => void): EquivalenceError {
  try {
    f();
  } catch (e) {
    if (e instanceof EquivalenceError) return e;
    throw e;
  }
  throw new Error('expected an EquivalenceError');
}

describe('edge values', () => {
  const x = T.vector('x', 'f64', 'n');

  it('cycles the first element through the domain’s edge values and mixes others in', () => {
    const firsts = Array.from(
      { length: 40 },
      (_, run) => randomInputs([x], 1, { edges: true, run, domain: 'any' }).x.data[0],
    );
    for (const v of [0, -0, 1, -1, Number.NaN, Infinity, -Infinity, 5e-324, 1e300])
      expect(firsts.some((f) => Object.is(f, v))).toBe(true);
    // Without 'any', only the edges inside [-10, 10]: no huge values, no NaN or infinities.
    const inRange = Array.from(
      { length: 40 },
      (_, run) => randomInputs([x], 1, { edges: true, run }).x.data[0],
    );
    expect(inRange.every((v) => Number.isFinite(v) && Math.abs(v) <= 10)).toBe(true);
    expect(inRange.some((v) => Object.is(v, -0))).toBe(true);
    expect(EDGE_VALUES).toContain(5e-324);
  });

  it('finds x / x != 1 at zero, which random draws alone miss', () => {
    const e = failure(() => assertEquivalent(T.div(x, x), T.ones_like(x), { seed: 1, runs: 20 }));
    expect(e.message).toContain('the original gives NaN');
    expect(() =>
      assertEquivalent(T.div(x, x), T.ones_like(x), { seed: 1, runs: 20, edges: false }),
    ).not.toThrow();
  });
});

describe('per-input domains', () => {
  const x = T.vector('x', 'f64', 'n');
  const y = T.vector('y', 'f64', 'n');
  const k = T.vector('k', 'i32', 'n');
  const m = T.vector('m', 'f64', 'n');

  it('draws each input from its own domain', () => {
    const outs = [T.add(T.add(x, y), T.add(T.cast(k, 'f64'), m))];
    const domain = { y: [0, 1], x: 'any', k: 'integer', m: 'boolean' } as const;
    const seen = { x: [] as number[], y: [] as number[], k: [] as number[], m: [] as number[] };
    for (let run = 0; run < 30; run++) {
      const v = randomInputs(outs, run, { domain, edges: true, run });
      for (const name of ['x', 'y', 'k', 'm'] as const) seen[name].push(...v[name].data);
    }
    expect(seen.y.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(seen.x.some((v) => Number.isNaN(v))).toBe(true);
    expect(seen.k.every((v) => Number.isInteger(v) && Math.abs(v) <= 10)).toBe(true);
    expect(new Set(seen.m.map((v) => (Object.is(v, -0) ? 0 : v)))).toEqual(new Set([0, 1]));
  });

  it('lets assertEquivalent restrict one input and open another', () => {
    // y * log(y) and 0 at y = 0: NaN vs 0 only if y may be 0; y in [0.5, 1] avoids it, x is anything.
    const lhs = T.add(T.mul(y, T.log(y)), T.mul(x, 0));
    const rhs = T.add(T.mul(y, T.log(y)), T.zeros_like(x));
    expect(() => assertEquivalent(lhs, rhs, { seed: 2, domain: { y: [0.5, 1], x: [-1, 1] } })).not.toThrow();
    const e = failure(() => assertEquivalent(lhs, rhs, { seed: 2, domain: { y: [0.5, 1], x: 'any' } }));
    expect(e.message).toMatch(/the original gives NaN|non-finite values differ/);
  });
});

describe('graphs that optimize returned', () => {
  it('pass by default on the README’s logistic regression', () => {
    const x = T.matrix('x', 'f64', ['n', 3]);
    const w = T.vector('w', 'f64', 3);
    const y = T.vector('y', 'f64', 'n');
    const p = T.sigmoid(T.dot(x, w));
    const cost = T.mean(T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p)))));
    const [gw] = grad(cost, [w]);
    const model = [cost, gw];
    const { outputs } = optimize(model);
    assertEquivalent(model, outputs, { seed: 11, runs: 30 });
    // The same graphs built by hand are not known to be a stabilization: the option is named.
    const rebuilt = outputs.map((o) => T.add(o, 0));
    const e = failure(() =>
      assertEquivalent(model, rebuilt, { seed: 11, runs: 30, domain: { min: -40, max: 40 } }),
    );
    expect(e.message).toContain('pass { allowStabilization: true }');
  });

  it('say which unsafe rule made the difference, and how to keep IEEE semantics', () => {
    const x = T.vector('x', 'f64', 'n');
    const e = failure(() => assertEquivalent(T.div(x, x), optimize(T.div(x, x)).outputs, { seed: 3 }));
    // Every unsafe rule that fired is named (div-as-mul-any fires too while exploring x / x).
    expect(e.unsafeRules).toContain('div-self-any');
    expect(e.unsafeRules.every((r) => r.endsWith('-any'))).toBe(true);
    expect(e.message.split('\n')[0]).toMatch(
      /^equal on the reals; differs at x = -?0 \(NaN vs 1\) because rules? .*div-self-any \[unsafe\].* fired; exclude 'unsafe' to keep IEEE semantics \(optimize\(g, \{ exclude: \['unsafe'\] \}\), saturn … --exclude unsafe\)$/,
    );
    assertEquivalent(T.div(x, x), optimize(T.div(x, x), { exclude: ['unsafe'] }).outputs, { seed: 3 });
  });
});

describe('saturn check-equivalence at the edges', () => {
  it('finds x / x at zero and names the unsafe rule', async () => {
    const r = await cli('check-equivalence', 'x / x', '--var', 'x:f64[n]', '--seed', '1', '--runs', '50');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /because rules? .*div-self-any \[unsafe\].* fired; exclude 'unsafe' to keep IEEE semantics/,
    );
    const json = JSON.parse(
      (await cli('check-equivalence', 'x / x', '--var', 'x:f64[n]', '--seed', '1', '--json')).out,
    );
    expect(json).toMatchObject({ equivalent: false });
    expect(json.unsafeRules).toContain('div-self-any');
    expect(json.mismatch.expected).toBe('NaN');
  });

  it('passes with --exclude unsafe, and refuses a misspelled tag', async () => {
    const ok = await cli(
      'check-equivalence',
      'x / x',
      '--var',
      'x:f64[n]',
      '--seed',
      '1',
      '--exclude',
      'unsafe',
    );
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('optimized: x / x');
    const typo = await cli('check-equivalence', 'x / x', '--var', 'x:f64[n]', '--exclude', 'unsafee');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("exclude: unknown ruleset 'unsafee' (did you mean 'unsafe'?)");
  });

  it('takes per-input domains', async () => {
    const r = await cli(
      'check-equivalence',
      'y * log(p) + (1 - y) * log(1 - p)',
      '--var',
      'y:f64[n]',
      '--var',
      'p:f64[n]',
      '--domain',
      'y=boolean',
      '--domain',
      'p=0.01,0.99',
      '--seed',
      '4',
      '--runs',
      '20',
    );
    expect(r.code).toBe(0);
  });
});
