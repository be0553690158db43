/**
 * Theano/PyTensor's classic optimizations as one-line "input ⇒ expected" tests, the logistic-regression
 * training step, and the report optimize() returns.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, formatExpr, parseDecls, parseExpr, T, topoSort } from '../../src/graph/index.js';
import { logisticRegression } from '../../src/models.js';
import { countOps, optimize } from '../../src/optimize.js';
import { defaultLibrary } from '../../src/rules/load.js';

const library = defaultLibrary();
const DECLS = 'x: f32[n]; y: f32[n]; a: f32[n, k]; b: f32[k, m]; c: f32[n, m]';

const CASES: readonly [string, string][] = [
  ['x * 1 + 0 - x', 'zeros_like(x)'],
  ['log(1 + exp(x))', 'softplus(x)'],
  ['exp(x) - 1', 'expm1(x)'],
  ['log(sigmoid(x))', '-softplus(-x)'],
  ['(x * y) / x', 'y'],
  ['x ** 2', 'sqr(x)'],
  ['2 * dot(a, b) + 3 * c', 'gemm(c, 2, a, b, 3)'],
  ['log(1 + x)', 'log1p(x)'],
  ['log(1 - sigmoid(x))', '-softplus(x)'],
  ['exp(x) / (1 + exp(x))', 'sigmoid(x)'],
  ['-(-x)', 'x'],
];

describe('classic rewrites (fast_run)', () => {
  const vars = parseDecls(DECLS);
  it.each(CASES)('%s  ⇒  %s', (input, expected) => {
    const { outputs } = optimize([parseExpr(input, { vars })], { library });
    expect(formatExpr(outputs[0])).toBe(formatExpr(parseExpr(expected, { vars })));
  });

  it('stabilizes log(sigmoid(x)) inside a larger graph too', () => {
    const e = parseExpr('sum(y * log(sigmoid(x * 2 + 1)) + exp(x)) + mean(log(sigmoid(x)))', { vars });
    const { outputs } = optimize([e], { library });
    expect(formatExpr(outputs[0])).not.toContain('log(sigmoid');
    expect(formatExpr(outputs[0])).toContain('softplus');
  });

  it('mode none returns the graph unchanged and fast_compile does cheap cleanup only', () => {
    const e = parseExpr('x * 1 + 0', { vars });
    expect(optimize([e], { library, mode: 'none' }).outputs[0]).toBe(e);
    const compiled = optimize([e], { library, mode: 'fast_compile' });
    expect(compiled.outputs[0]).toBe(vars.x);
    expect(compiled.report.phases.map((p) => p.rulesets)).toEqual([['canonicalize', 'simplify']]);
  });

  it('excluding the unsafe ruleset keeps x / x (0/0 stays NaN)', () => {
    const e = parseExpr('x / x', { vars });
    expect(optimize([e], { library }).outputs[0]).toBe(T.ones_like(vars.x));
    expect(optimize([e], { library, exclude: ['unsafe'] }).outputs[0]).toBe(e);
  });

  it('does not fold a constant before stabilization: log(1 + exp(800)) is 800, not inf', () => {
    const e = T.log(T.add(1, T.exp(T.constant(800, 'f64'))));
    expect(evaluate(e, {}).item()).toBe(Number.POSITIVE_INFINITY);
    const { outputs } = optimize([e], { library });
    expect(outputs[0].op).toBe('constant');
    expect(evaluate(outputs[0], {}).item()).toBe(800);
  });

  it('folds small constants but not huge ones', () => {
    const small = T.add(T.mul(T.constant([1, 2, 3], 'f64'), 2), 1);
    expect(optimize([small], { library }).outputs[0].op).toBe('constant');
    const huge = T.exp(T.ones([2000, 2000], 'f32'));
    const { outputs } = optimize([huge], { library });
    expect(topoSort(outputs).some((n) => n.op === 'exp')).toBe(true);
  });
});

describe('logistic regression training step', () => {
  const { cost, gradients } = logisticRegression();
  const [gw, gb] = gradients;
  const result = optimize([cost, gw, gb], { library });

  it('ends with at most 25 op applications for cost and both gradients, with no log of a sigmoid', () => {
    expect(countOps([cost, gw, gb])).toBeGreaterThan(40);
    expect(result.report.nodesAfter).toBeLessThanOrEqual(25);
    const text = formatExpr(result.outputs);
    expect(text).not.toMatch(/log\(sigmoid/);
    expect(text).not.toMatch(/log\(1 - sigmoid/);
    expect(text).toContain('softplus');
  });

  it('computes the same values as the unoptimized graph', () => {
    const values = {
      x: [
        [0.5, -1.2, 2],
        [1.5, 0.3, -0.7],
        [-2, 0.1, 0.4],
        [0.2, 2.2, -1.1],
      ],
      w: [0.3, -0.8, 0.5],
      b: 0.1,
      y: [1, 0, 1, 0],
    };
    const before = evaluate([cost, gw, gb], values);
    const after = evaluate(result.outputs, values);
    before.forEach((t, i) => {
      t.data.forEach((v, j) => expect(after[i].data[j]).toBeCloseTo(v, 10));
    });
  });

  it('reports what changed: nodes, cost, rules, phases, times', () => {
    const r = result.report;
    expect(r.nodesBefore).toBe(countOps([cost, gw, gb]));
    expect(r.costAfter).toBeLessThan(r.costBefore);
    expect(r.rules['log-sigmoid'] ?? r.rules['bce-logits'] ?? 0).toBeGreaterThan(0);
    expect(r.phases.length).toBe(3);
    expect(r.ms.total).toBeGreaterThan(0);
    expect(['saturated', 'nodeLimit', 'iterationLimit', 'timeLimit']).toContain(r.stopReason);
  });
});
