/**
 * Limits always hold: they are validated, the node limit holds within 10% (checked after every match
 * applied), `timeMs` bounds the whole optimize call, and a graph larger than the node limit still gets
 * its local rewrites (the node limit is a budget of e-nodes a phase may add).
 */
import { describe, expect, it } from 'vitest';
import { EGraph } from '../../src/egraph/egraph.js';
import { LimitError, Runner } from '../../src/egraph/run.js';
import { parseRewrite } from '../../src/egraph/rewrite.js';
import { SimpleScheduler } from '../../src/egraph/scheduler.js';
import { parseTerm } from '../../src/egraph/term.js';
import { T } from '../../src/graph/index.js';
import { formatExpr } from '../../src/graph/syntax/format.js';
import { optimize } from '../../src/optimize.js';
import { loadLibrary } from '../../src/rules/load.js';
import { smallLanguage } from '../egraph/helpers.js';
import { withCpuClock } from '../support/cpu-clock.js';

const EXPLOSIVE = `
ruleset boom
mode go: boom (iterations=1000, nodes=1000000)
mode go3: boom (iterations=1000, nodes=1000000), boom (iterations=1000, nodes=1000000, restart=true), boom (iterations=1000, nodes=1000000, restart=true)
rule add-comm [boom]: ?a + ?b => ?b + ?a
rule add-assoc [boom]: ?a + (?b + ?c) <=> (?a + ?b) + ?c
`;
const { library } = loadLibrary([{ text: EXPLOSIVE, file: 'boom.rules' }]);
const sum200 = Array.from({ length: 200 }, (_, i) => T.scalar(`v${i}`, 'f64')).reduce((a, b) => T.add(a, b));

describe('limits are validated', () => {
  const x = T.vector('x', 'f64');
  it.each([
    [{ nodes: Number.NaN }, "limit 'nodes' must be a number ≥ 0 (Infinity for none), got NaN"],
    [{ iterations: -1 }, "limit 'iterations' must be a number ≥ 0 (Infinity for none), got -1"],
    [{ timeMs: '100' }, 'limit \'timeMs\' must be a number ≥ 0 (Infinity for none), got "100"'],
    [{ node: 5 }, "unknown limit 'node' (limits: iterations, nodes, timeMs)"],
  ])('optimize refuses %o', (limits, message) => {
    expect(() => optimize([T.exp(x)], { limits: limits as never })).toThrow(LimitError);
    expect(() => optimize([T.exp(x)], { limits: limits as never })).toThrow(`optimize limits: ${message}`);
  });

  it('the runner refuses a NaN node limit', () => {
    const eg = new EGraph(smallLanguage().lang);
    expect(() => new Runner(eg, { nodeLimit: Number.NaN })).toThrow(
      "Runner: limit 'nodeLimit' must be a number ≥ 0 (Infinity for none), got NaN",
    );
  });

  it('Infinity is no limit', () => {
    const { report } = optimize([T.log(T.add(1, T.exp(x)))], {
      limits: { nodes: Infinity, timeMs: Infinity },
    });
    expect(report.nodesAfter).toBe(1);
  });
});

describe('the node limit holds within 10%', () => {
  it('in the runner, with rules that grow the graph many times over in one iteration', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    eg.addTerm(
      parseTerm(
        lang,
        Array.from({ length: 300 }, (_, i) => `v${i}`).reduce((a, v) => `(+ ${v} ${a})`),
      ),
    );
    const rules = [
      parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)'),
      parseRewrite(lang, 'assoc-add', '(+ ?a (+ ?b ?c))', '(+ (+ ?a ?b) ?c)'),
      parseRewrite(lang, 'add-zero', '?x', '(+ ?x 0)'),
    ];
    for (const limit of [1_000, 5_000, 20_000]) {
      const report = new Runner(eg, {
        nodeLimit: limit,
        iterLimit: 1e9,
        scheduler: new SimpleScheduler(),
      }).run(rules);
      expect(report.stopReason.kind).toBe('nodeLimit');
      expect(eg.size).toBeGreaterThan(limit);
      expect(eg.size).toBeLessThanOrEqual(1.1 * limit);
    }
  });

  it('in optimize, as a budget over the graph it starts from', () => {
    const { report } = optimize([sum200], { library, mode: 'go', limits: { nodes: 5_000 } });
    const [phase] = report.phases;
    expect(phase.stopReason.kind).toBe('nodeLimit');
    // 200 inputs and 199 sums to start with.
    expect(phase.enodes).toBeLessThanOrEqual(1.1 * (399 + 5_000));
    expect(phase.enodes).toBeGreaterThan(5_000);
  });
});

describe('timeMs bounds the whole optimize call', () => {
  it('over three phases with restarts, and the report says so', () => {
    const timeMs = 1000;
    // Time is this process's CPU time, so the test measures the work done past the deadline, not how
    // long a loaded machine kept the process waiting.
    const { report, elapsed } = withCpuClock(() => {
      const t0 = performance.now();
      const { report } = optimize([sum200], { library, mode: 'go3', limits: { nodes: 1e9, timeMs } });
      return { report, elapsed: performance.now() - t0 };
    });
    // 10%, and slack for what runs after the deadline (the linear extraction, building the graph): up
    // to 320 ms of wall time on a loaded 2-core machine.
    expect(elapsed).toBeLessThanOrEqual(1.1 * timeMs + 500);
    expect(report.warnings?.[0]).toMatch(/^TIME LIMIT: the 1000 ms limit stopped phase boom/);
  });

  it('and a normal run has no warnings', () => {
    expect(optimize([T.exp(T.log(T.vector('x')))]).report.warnings).toEqual([]);
  });
});

describe('a graph larger than the node limit', () => {
  it('still gets its local rewrites: 7,000 outputs of x*i + log(1 + exp(x)) are stabilized', () => {
    const x = T.vector('x', 'f64', 'n');
    const outputs = Array.from({ length: 7_000 }, (_, i) =>
      T.add(T.mul(x, i + 2), T.log(T.add(1, T.exp(x)))),
    );
    const { outputs: optimized } = optimize(outputs);
    const text = formatExpr(optimized);
    expect(text).not.toContain('log');
    expect(formatExpr(optimized[6_998])).toBe('x * 7000 + softplus(x)');
  });
});
