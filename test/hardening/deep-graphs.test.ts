/**
 * Very deep graphs: the graph layer walks them without recursion proportional to depth, so 100,000
 * nested ops print, evaluate, differentiate and optimize (20,000 under `npm test`, which overflows a
 * recursive walk just as well; 100,000 under `npm run test:long`). Extraction switches from the DAG heuristic
 * (quadratic in depth) to tree-cost greedy above a few thousand classes, so optimize stays near linear.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, formatExpr, grad, type Node, T, topoSort } from '../../src/graph/index.js';
import { optimize } from '../../src/optimize.js';
import { defaultLibrary } from '../../src/rules/load.js';
import { scale } from '../scale.js';

const x = T.vector('x', 'f64');
const DEPTH = scale(20_000, 100_000);

/** sin(exp(sin(exp(… x)))) with `depth` ops: bounded (|sin| ≤ 1 keeps exp small), so values stay finite. */
function chain(depth: number): Node {
  let y = x;
  for (let i = 0; i < depth; i++) y = i % 2 ? T.exp(y) : T.sin(y);
  return y;
}

describe(`${DEPTH} nested ops`, () => {
  const deep = chain(DEPTH);

  it('sorts, prints and evaluates', () => {
    expect(topoSort([deep])).toHaveLength(DEPTH + 1);
    const text = formatExpr(deep);
    expect(text.startsWith('exp(sin(exp(')).toBe(true);
    expect(text.length).toBe(DEPTH * 5 + 1);
    const value = evaluate(deep, { x: [0.1, 0.2] });
    expect(value.shape).toEqual([2]);
    expect(Array.from(value.data).every(Number.isFinite)).toBe(true);
  });

  it('differentiates', () => {
    const [g] = grad(T.sum(deep), [x]);
    const value = evaluate(g, { x: [0.1] });
    expect(Number.isFinite(value.item())).toBe(true);
  });

  it(`a ${DEPTH}-term sum evaluates and prints`, () => {
    let s = x;
    for (let i = 0; i < DEPTH; i++) s = T.add(s, 1);
    expect(evaluate(s, { x: [0] }).item()).toBe(DEPTH);
    expect(formatExpr(s).length).toBe(1 + 4 * DEPTH);
  });
});

describe('optimize on deep graphs', () => {
  it.each(['fast_compile', 'fast_run'])('%s: 2,000 nested ops under small limits, values kept', (mode) => {
    const y = chain(2_000);
    const limits = { nodes: 10_000, iterations: 3, timeMs: 500 };
    const { outputs, report } = optimize([y], { library: defaultLibrary(), mode, limits });
    for (const phase of report.phases) {
      expect(phase.iterations).toBeLessThanOrEqual(3);
      expect(phase.enodes).toBeLessThanOrEqual(2 * limits.nodes);
      expect(phase.ms).toBeLessThanOrEqual(1.1 * limits.timeMs + 20);
    }
    expect(report.costAfter).toBeLessThanOrEqual(report.costBefore);
    const before = evaluate(y, { x: [0.3] }).item();
    expect(evaluate(outputs[0], { x: [0.3] }).item()).toBeCloseTo(before, 9);
  });
});

describe(`optimize on a ${DEPTH}-op graph`, () => {
  it('completes under small limits without overflowing the stack, values kept', () => {
    const y = chain(DEPTH);
    const limits = { nodes: 3 * DEPTH, iterations: 2, timeMs: 2_000 };
    const { outputs, report } = optimize([y], { library: defaultLibrary(), limits });
    expect(report.nodesBefore).toBe(DEPTH);
    for (const phase of report.phases) expect(phase.iterations).toBeLessThanOrEqual(2);
    const before = evaluate(y, { x: [0.3] }).item();
    expect(evaluate(outputs[0], { x: [0.3] }).item()).toBeCloseTo(before, 9);
  }, 60_000);
});
