/**
 * Rules that explode stop at their limits with a report naming the rules that grew the graph.
 *
 * Limits are checked between iterations (as in egg), so a run may end above its node limit by what its
 * last iteration added: one iteration at most multiplies the e-graph by a bounded factor here, and we
 * allow 2× the limit. The time limit is also checked inside searches and applies, so a run ends within
 * 10% of it (plus a few ms of timer granularity on a loaded 2-core machine).
 */
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/index.js';
import { optimize } from '../../src/optimize.js';
import { loadLibrary } from '../../src/rules/load.js';

const EXPLOSIVE = `
ruleset boom
mode go: boom (iterations=1000, nodes=1000000, time_ms=60000)
rule add-zero-intro [boom]: ?x => ?x + 0
rule add-comm [boom]: ?a + ?b => ?b + ?a
rule add-assoc [boom]: ?a + (?b + ?c) <=> (?a + ?b) + ?c
`;
const { library, errors } = loadLibrary([{ text: EXPLOSIVE, file: 'boom.rules' }]);

const terms = Array.from({ length: 200 }, (_, i) => T.scalar(`v${i}`, 'f64'));
const sum200 = terms.reduce((a, b) => T.add(a, b));

describe('explosive rules', () => {
  it('load', () => expect(errors).toEqual([]));

  it('`?x => ?x + 0` with commutativity saturates: hash-consing makes x + 0 a member of x', () => {
    const x = T.vector('x', 'f64');
    const { report } = optimize([T.exp(x)], { library, mode: 'go' });
    expect(report.phases[0].stopReason.kind).toBe('saturated');
    expect(report.phases[0].enodes).toBeLessThan(20);
  });

  it('associativity and commutativity on a 200-term sum stop at the node limit, naming the rules', () => {
    const heap = process.memoryUsage().heapUsed;
    const limit = 5_000;
    const { report, outputs } = optimize([sum200], { library, mode: 'go', limits: { nodes: limit } });
    const [phase] = report.phases;
    expect(phase.stopReason.kind).toBe('nodeLimit');
    expect(phase.enodes).toBeLessThanOrEqual(2 * limit);
    const stop = phase.stopReason as { topRules: { rule: string; enodes: number }[] };
    expect(stop.topRules.map((r) => r.rule)).toEqual(expect.arrayContaining(['add-assoc', 'add-comm']));
    expect(stop.topRules.every((r) => r.enodes > 0)).toBe(true);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(500e6);
    expect(outputs[0].shape).toEqual([]);
  });

  it('stop within 10% of their time limit', () => {
    const timeMs = 300;
    const { report } = optimize([sum200], { library, mode: 'go', limits: { nodes: 10_000_000, timeMs } });
    const [phase] = report.phases;
    expect(phase.stopReason.kind).toBe('timeLimit');
    expect(phase.ms).toBeLessThanOrEqual(1.1 * timeMs + 20);
    const stop = phase.stopReason as { topRules: { rule: string }[] };
    expect(stop.topRules.length).toBeGreaterThan(0);
  });

  it('stop at the iteration limit', () => {
    const { report } = optimize([sum200], { library, mode: 'go', limits: { iterations: 3, nodes: 1e7 } });
    expect(report.phases[0]).toMatchObject({
      iterations: 3,
      stopReason: { kind: 'iterationLimit', limit: 3 },
    });
  });
});
