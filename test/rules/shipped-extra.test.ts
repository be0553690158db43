/**
 * The rule files logic.rules, reductions.rules and layout.rules: they load, their `check` lines hold
 * under fast_run, representative rules agree numerically on random inputs, and they keep the optimizer
 * fast on the logistic-regression training step.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  grad,
  graphInputs,
  type Node,
  parseDecls,
  parseExpr,
  type Tensor,
} from '../../src/graph/index.js';
import { optimize } from '../../src/optimize.js';
import { loadLibrary, type RuleSource, readRuleDir, SHIPPED_RULES_DIR } from '../../src/rules/load.js';
import { checkSoundness, formatCounterexample } from '../../src/rules/soundness.js';

const FILES = ['logic.rules', 'reductions.rules', 'layout.rules'];
const ALL = readRuleDir(SHIPPED_RULES_DIR);
const BASE = ALL.filter((s) => !FILES.includes(basename(s.file ?? '')));
const load = (sources: readonly RuleSource[]) => {
  const { library, errors } = loadLibrary(sources);
  expect(errors.map((e) => e.message)).toEqual([]);
  return library;
};
const library = load(ALL);

describe.each(FILES)('%s', (file) => {
  const checks = library.checks.filter((c) => basename(c.file ?? '') === file);

  it('loads without errors and has rules and checks', () => {
    const own = ALL.find((s) => basename(s.file ?? '') === file);
    expect(own).toBeDefined();
    load([...BASE, own!]);
    expect(library.rules.some((r) => basename(r.def.span?.file ?? '') === file)).toBe(true);
    expect(checks.length).toBeGreaterThan(5);
  });

  it.each(checks.map((c) => [`${c.mustFail ? 'fail ' : ''}${c.input} ~> ${c.expected} (line ${c.line})`, c]))(
    '%s',
    (_name, c) => {
      const vars = parseDecls(c.decls);
      const input = parseExpr(c.input, { vars });
      const expected = parseExpr(c.expected, { vars });
      const { outputs } = optimize([input], { library });
      if (c.mustFail) expect(outputs[0]).not.toBe(expected);
      else expect(outputs[0]).toBe(expected);
    },
  );
});

describe('unsafe rules stay out when unsafe is excluded', () => {
  const vars = parseDecls('x: f32[n]; i: i32[n]; p: bool[n]; y: f32[n]');
  it('x == x for floats needs the unsafe tag (NaN != NaN)', () => {
    const e = parseExpr('x == x', { vars });
    expect(optimize([e], { library, exclude: ['unsafe'] }).outputs[0]).toBe(e);
    expect(optimize([e], { library }).outputs[0]).toBe(parseExpr('ones_like(cast(x, dtype=bool))', { vars }));
    expect(
      optimize([parseExpr('exp(x) == exp(x)', { vars })], {
        library,
        exclude: ['unsafe'],
      }).outputs[0],
    ).toBe(parseExpr('exp(x) == exp(x)', { vars }));
  });
  it('the zero-branch switch sink is unsafe (0 * inf was NaN)', () => {
    const e = parseExpr('switch(p, 0, x) * y', { vars });
    expect(optimize([e], { library, exclude: ['unsafe'] }).report.rules['sink-switch-l']).toBeUndefined();
    expect(optimize([e], { library }).report.rules['sink-switch-l']).toBeGreaterThan(0);
  });
  it('not(x < y) is x >= y only without NaN', () => {
    const e = parseExpr('not(x < y)', { vars });
    expect(optimize([e], { library }).outputs[0]).toBe(e);
    const ints = parseDecls('a: i32[n]; b: i32[n]');
    expect(optimize([parseExpr('not(a < b)', { vars: ints })], { library }).outputs[0]).toBe(
      parseExpr('a >= b', { vars: ints }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Numerical agreement of left and right sides on random inputs.

type Gen = 'any' | 'pos' | 'special';

/** Random values for every input of `nodes`: normal-ish floats, 0/1 bools, small ints; optional NaN/inf. */
function randomInputs(vars: Record<string, Node>, gen: Gen, seed: number) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];
  const values: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(vars)) {
    const size = v.shape.reduce((a: number, d) => a * (d as number), 1);
    const data = Array.from({ length: size }, () => {
      if (v.dtype === 'bool') return rand() < 0.5 ? 0 : 1;
      if (v.dtype === 'i32' || v.dtype === 'i64') return Math.floor(rand() * 9) - 4;
      if (gen === 'special' && rand() < 0.3) return specials[Math.floor(rand() * specials.length)];
      const x = (rand() - 0.5) * 6;
      return gen === 'pos' ? Math.abs(x) + 0.01 : x;
    });
    values[name] = { data, shape: v.shape as number[] };
  }
  return values as Parameters<typeof evaluate>[1];
}

function sameValues(a: Tensor, b: Tensor) {
  expect(b.shape).toEqual(a.shape);
  expect(b.dtype).toBe(a.dtype);
  for (let i = 0; i < a.data.length; i++) {
    const [x, y] = [Number(a.data[i]), Number(b.data[i])];
    if (Number.isNaN(x) || Number.isNaN(y)) expect([i, y]).toEqual([i, x]);
    else if (!Number.isFinite(x)) expect([i, y]).toEqual([i, x]);
    else expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(x)));
  }
}

/**
 * [rule, left side, right side, declarations (concrete shapes), inputs, and for guarded rules an
 * expression that meets the guard, to see the rule fire].
 */
const AGREE: readonly [string, string, string, string, Gen, string?][] = [
  // logic.rules
  ['lt-self', 'x < x', 'zeros_like(cast(x, dtype=bool))', 'x: f64[5]', 'special'],
  ['eq-self', 'i == i', 'ones_like(cast(i, dtype=bool))', 'i: i32[5]', 'any'],
  ['not-eq', 'not(x == y)', 'x != y', 'x: f64[6]; y: f64[6]', 'special'],
  ['not-neq', 'not(x != y)', 'x == y', 'x: f64[6]; y: f64[6]', 'special'],
  ['not-lt', 'not(a < b)', 'a >= b', 'a: i32[8]; b: i32[8]', 'any'],
  ['not-not', 'not(not(x))', 'cast(x, dtype=bool)', 'x: f64[6]', 'special'],
  ['and-true', 'and(x, 1 > 0)', 'cast(x, dtype=bool)', 'x: f64[6]', 'special'],
  ['or-false', 'or(x, 1 < 0)', 'cast(x, dtype=bool)', 'x: f64[6]', 'special'],
  ['xor-true', 'xor(x, 1 > 0)', 'not(x)', 'x: f64[6]', 'special'],
  ['or-not-self', 'or(x, not(x))', 'ones_like(cast(x, dtype=bool))', 'x: f64[6]', 'special'],
  ['and-not-self', 'and(x, not(x))', 'zeros_like(cast(x, dtype=bool))', 'x: f64[6]', 'special'],
  ['switch-not', 'switch(not(c), a, b)', 'switch(c, b, a)', 'c: f64[6]; a: f64[6]; b: f64[6]', 'special'],
  [
    'switch-nest-a',
    'switch(c, switch(c, a, b), d)',
    'switch(c, a, d)',
    'c: bool[4, 1]; a: f64[4]; b: f64[4]; d: f64[1]',
    'any',
  ],
  [
    'switch-add',
    'switch(c, a + d, b + d)',
    'switch(c, a, b) + d',
    'c: bool[3, 1]; a: f64[4]; b: f64[1]; d: f64[3, 4]',
    'any',
  ],
  [
    'switch-exp',
    'switch(c, exp(a), exp(b))',
    'exp(switch(c, a, b))',
    'c: bool[5]; a: f64[5]; b: f64[5]',
    'special',
  ],
  ['cast-via-f64', 'cast(cast(x, dtype=f64), dtype=i32)', 'cast(x, dtype=i32)', 'x: f32[6]', 'special'],
  ['cast-via-i64', 'cast(cast(i, dtype=i64), dtype=f32)', 'cast(i, dtype=f32)', 'i: i32[6]', 'any'],
  ['cast-via-f32', 'cast(cast(p, dtype=f32), dtype=i32)', 'cast(p, dtype=i32)', 'p: bool[6]', 'any'],
  ['sign-neg', 'sign(-x)', '-sign(x)', 'x: f64[6]', 'special'],
  ['abs-sign', 'abs(x) * sign(x)', 'x', 'x: f64[6]', 'special'],
  ['abs-mul', 'abs(x) * abs(y)', 'abs(x * y)', 'x: f64[3, 1]; y: f64[4]', 'special'],
  ['sqr-abs', 'sqr(abs(x))', 'sqr(x)', 'x: f64[6]', 'special'],
  ['max-zero', 'maximum(x, 0)', 'relu(x)', 'x: f64[6]', 'special'],
  ['zero-max', 'maximum(0, x)', 'relu(x)', 'x: f64[6]', 'special'],
  ['relu-diff', 'relu(x) - relu(-x)', 'x', 'x: f64[6]', 'special'],
  ['relu-sum', 'relu(x) + relu(-x)', 'abs(x)', 'x: f64[6]', 'special'],
  // reductions.rules
  ['sum-sum', 'sum(sum(x, axis=1))', 'sum(x)', 'x: f64[3, 4]', 'any'],
  ['max-max', 'max(max(x, axis=[0, 2], keepdims=true))', 'max(x)', 'x: f64[2, 3, 4]', 'special'],
  [
    'sum-rows-cols',
    'sum(sum(x, axis=0, keepdims=true), axis=1, keepdims=true)',
    'sum(x, keepdims=true)',
    'x: f64[3, 4]',
    'any',
  ],
  ['max-id', 'max(x, axis=1, keepdims=true)', 'x', 'x: f64[3, 1]', 'special'],
  ['lse-id', 'logsumexp(x, axis=1, keepdims=true)', 'x', 'x: f64[3, 1]', 'special'],
  ['sum-transpose', 'sum(transpose(x, perm=[1, 2, 0]))', 'sum(x)', 'x: f64[2, 3, 4]', 'any'],
  ['mean-reshape', 'mean(reshape(x, shape=[4, 3]))', 'mean(x)', 'x: f64[2, 6]', 'any'],
  ['sum-zeros', 'sum(zeros_like(x), axis=0)', 'zeros_like(sum(x, axis=0))', 'x: f64[3, 4]', 'any'],
  [
    'mean-fill',
    'mean(fill(x, value=2.5), axis=1)',
    'fill(mean(x, axis=1), value=2.5)',
    'x: f64[3, 4]',
    'any',
  ],
  ['max-neg', 'max(-x, axis=0)', '-min(x, axis=0)', 'x: f64[3, 4]', 'special'],
  [
    'max-shift',
    'max(x + c, axis=1)',
    'max(x, axis=1) + c',
    'x: f64[3, 4]; c: f64',
    'any',
    'max(x + 2.5, axis=1)',
  ],
  ['max-scale-neg', 'max(-2 * x, axis=1)', '-2 * min(x, axis=1)', 'x: f64[3, 4]', 'any'],
  ['mean-scale', 'mean(2 * x, axis=0)', '2 * mean(x, axis=0)', 'x: f64[3, 4]; c: f64', 'any'],
  ['max-exp', 'max(exp(x), axis=1)', 'exp(max(x, axis=1))', 'x: f64[3, 4]', 'special'],
  [
    'max-log',
    'max(log(x), axis=1)',
    'log(max(x, axis=1))',
    'x: f64[3, 4]',
    'pos',
    'max(log(sqr(x) + 1), axis=1)',
  ],
  ['prod-exp', 'prod(exp(x), axis=0)', 'exp(sum(x, axis=0))', 'x: f64[3, 4]', 'any'],
  [
    'log-prod',
    'log(prod(x, axis=1))',
    'sum(log(x), axis=1)',
    'x: f64[3, 4]',
    'pos',
    'log(prod(sqr(x) + 1, axis=1))',
  ],
  [
    'lse-shift',
    'logsumexp(x + c, axis=0)',
    'logsumexp(x, axis=0) + c',
    'x: f64[3, 4]; c: f64',
    'any',
    'logsumexp(x + 2, axis=0)',
  ],
  [
    'lse-log',
    'logsumexp(log(x), axis=1)',
    'log(sum(x, axis=1))',
    'x: f64[3, 4]',
    'pos',
    'logsumexp(log(sqr(x) + 1), axis=1)',
  ],
  ['log-softmax-2', 'x - logsumexp(x, axis=1, keepdims=true)', 'log_softmax(x)', 'x: f64[3, 4]', 'any'],
  [
    'log-softmax-0',
    'x - logsumexp(x, axis=0, keepdims=true)',
    'log_softmax(x, axis=-2)',
    'x: f64[3, 4]',
    'any',
  ],
  ['exp-log-softmax', 'exp(log_softmax(x, axis=0))', 'softmax(x, axis=0)', 'x: f64[3, 4]', 'any'],
  ['softmax-def-s', 'exp(x) / sum(exp(x))', 'softmax(x)', 'x: f64[5]', 'any'],
  ['softmax-def-2', 'exp(x) / sum(exp(x), axis=1, keepdims=true)', 'softmax(x)', 'x: f64[3, 4]', 'any'],
  [
    'softmax-shift',
    'softmax(x + c, axis=-2)',
    'softmax(x, axis=-2)',
    'x: f64[3, 4]; c: f64',
    'any',
    'softmax(x + 2, axis=-2)',
  ],
  // layout.rules
  ['transpose-transpose', 'transpose(transpose(x))', 'x', 'x: f64[2, 3, 4]', 'any'],
  [
    'transpose-swap-12',
    'transpose(transpose(x, perm=[0, 2, 1]), perm=[0, 2, 1])',
    'x',
    'x: f64[2, 3, 4]',
    'any',
  ],
  [
    'transpose-exp',
    'transpose(exp(x), perm=[1, 2, 0])',
    'exp(transpose(x, perm=[1, 2, 0]))',
    'x: f64[2, 3, 4]',
    'any',
  ],
  ['transpose-add', 'transpose(a) + transpose(b)', 'transpose(a + b)', 'a: f64[3, 1]; b: f64[1, 4]', 'any'],
  ['transpose-scale', 'c * transpose(x)', 'transpose(c * x)', 'x: f64[3, 4]; c: f64', 'any'],
  [
    'transpose-dot',
    'transpose(dot(a, b))',
    'dot(transpose(b), transpose(a))',
    'a: f64[3, 4]; b: f64[4, 2]',
    'any',
  ],
  ['dot-t-vec', 'dot(transpose(a), v)', 'dot(v, a)', 'a: f64[3, 4]; v: f64[3]', 'any'],
  ['dot-vec-t', 'dot(v, transpose(a))', 'dot(a, v)', 'a: f64[3, 4]; v: f64[4]', 'any'],
  [
    'reshape-reshape',
    'reshape(reshape(x, shape=[4, 3]), shape=[2, 6])',
    'reshape(x, shape=[2, 6])',
    'x: f64[3, 4]',
    'any',
  ],
  [
    'reshape-squeeze',
    'reshape(squeeze(x), shape=[2, 6])',
    'reshape(x, shape=[2, 6])',
    'x: f64[3, 1, 4]',
    'any',
  ],
  ['expand-squeeze', 'expand_dims(squeeze(x, axis=1), axis=1)', 'x', 'x: f64[3, 1, 4]', 'any'],
  [
    'bcast-bcast',
    'broadcast_to(broadcast_to(x, shape=[3, 4]), shape=[2, 3, 4])',
    'broadcast_to(x, shape=[2, 3, 4])',
    'x: f64[4]',
    'any',
  ],
  ['bcast-sub-r', 'y - broadcast_to(x, shape=[3, 4])', 'y - x', 'x: f64[3, 1]; y: f64[3, 4]', 'any'],
  [
    'bcast-max-l',
    'maximum(broadcast_to(x, shape=[3, 4]), y)',
    'maximum(x, y)',
    'x: f64[4]; y: f64[3, 4]',
    'special',
  ],
  [
    'exp-bcast',
    'exp(broadcast_to(x, shape=[3, 4]))',
    'broadcast_to(exp(x), shape=[3, 4])',
    'x: f64[1, 4]',
    'special',
  ],
];

describe('rules agree with their right sides numerically', () => {
  it.each(AGREE)('%s: %s = %s', (rule, lhs, rhs, decls, gen) => {
    expect(library.rules.some((r) => r.name === rule)).toBe(true);
    const vars = parseDecls(decls);
    const [l, r] = [parseExpr(lhs, { vars }), parseExpr(rhs, { vars })];
    for (let seed = 1; seed <= 5; seed++) {
      const inputs = randomInputs(vars, gen, seed * 7919);
      const only = (n: Node) =>
        Object.fromEntries(graphInputs([n]).map((i) => [i.attrs.name, inputs[i.attrs.name as string]]));
      sameValues(evaluate(l, only(l)), evaluate(r, only(r)));
    }
  });

  it('the rules rewrite each left side as claimed (the rule fires under fast_run)', () => {
    for (const [rule, lhs, , decls, , fires] of AGREE) {
      const vars = parseDecls(decls);
      const { report } = optimize([parseExpr(fires ?? lhs, { vars })], {
        library,
      });
      expect.soft(report.rules[rule] ?? 0, rule).toBeGreaterThan(0);
    }
  });
});

describe('rules:check soundness by evaluation (bool included)', () => {
  const mine = library.rules.filter((r) => FILES.includes(basename(r.def.span?.file ?? '')));
  it.each(mine.map((r) => [r.name, r]))('%s', (_name, rule) => {
    const replacing = rule.def.tags.some((t) => library.rulesets.get(t)?.replacing);
    const res = checkSoundness(rule, {
      runs: 25,
      seed: 7,
      replacing,
      dtypes: ['f64', 'f32', 'i64', 'i32', 'bool'],
    });
    const why = res.counterexample ? formatCounterexample(res.counterexample) : (res.note ?? '');
    expect(res.status, why).not.toBe('unsound');
    expect(res.engine.error, why).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// Cost: the new files must not flood the e-graph.

const LR_DECLS = 'x: f64[n, k]; w: f64[k]; b: f64; y: f64[n]';
const LR_COST = 'mean(-y*log(sigmoid(dot(x,w)+b)) - (1-y)*log(1-sigmoid(dot(x,w)+b))) + 0.01*sum(w**2)';

function logisticRegression(): Node[] {
  const vars = parseDecls(LR_DECLS);
  const cost = parseExpr(LR_COST, { vars });
  return [cost, ...grad(cost, [vars.w, vars.b])];
}

describe('optimizer cost with the new files', () => {
  const base = load(BASE);
  const outputs = logisticRegression();

  it('fast_run on logistic regression + gradients grows the e-graph at most 25% more and ends no larger than without them', () => {
    const withNew = optimize(outputs, { library });
    const without = optimize(outputs, { library: base });
    expect(withNew.report.nodesAfter).toBeLessThanOrEqual(without.report.nodesAfter);
    const enodes = (r: typeof withNew) => r.report.phases.reduce((total, p) => total + p.enodes, 0);
    // Counted in e-nodes, not milliseconds, so that load cannot fail it: 435 with the files, 424 without.
    expect(enodes(withNew)).toBeLessThanOrEqual(1.25 * enodes(without));
    const values = {
      x: [
        [0.5, -1.2, 2],
        [1.5, 0.3, -0.7],
        [-2, 0.1, 0.4],
      ],
      w: [0.3, -0.8, 0.5],
      b: 0.1,
      y: [1, 0, 1],
    };
    const before = evaluate(outputs, values);
    evaluate(withNew.outputs, values).forEach((t, i) => {
      sameValues(before[i], t);
    });
  });

  it.each([
    [
      'softmax regression',
      'x: f64[3, 2]; w: f64[2, 4]; y: f64[3, 4]',
      'sum(y * log(softmax(dot(x, w))))',
      'sum(y * log_softmax(dot(x, w)))',
    ],
    [
      'layout soup',
      'a: f64[3, 4]; b: f64[4, 4]; c: f64[4]',
      'sum(transpose(exp(transpose(a) * 2)) + transpose(dot(transpose(b), transpose(a))), axis=0) + c',
      'c + sum(dot(a, b), axis=0) + sum(exp(2 * a), axis=0)',
    ],
    [
      'logic soup',
      'x: f64[5]; y: f64[5]; p: bool[5]',
      'switch(not(p), relu(x) - relu(-x), maximum(x, 0) + y) * sign(x) * abs(x) + max(exp(x + 1))',
      'switch(p, relu(x) + y, x) * x + exp(max(x) + 1)',
    ],
  ])(
    '%s optimizes within every phase node limit, as expected, to the same values',
    (_name, decls, text, expected) => {
      const vars = parseDecls(decls);
      const e = parseExpr(text, { vars });
      const { outputs, report } = optimize([e], { library });
      // Counted in work, not milliseconds, so that load cannot fail it: no phase flooded the e-graph.
      expect(report.phases.map((p) => p.stopReason.kind)).not.toContain('nodeLimit');
      const out = outputs[0];
      expect(out).toBe(parseExpr(expected, { vars }));
      for (let seed = 1; seed <= 3; seed++) {
        const inputs = randomInputs(vars, 'any', seed * 104729);
        sameValues(evaluate(e, inputs), evaluate(out, inputs));
      }
    },
  );
});
