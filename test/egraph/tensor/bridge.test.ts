import { describe, expect, it } from 'vitest';
import { AnalysisMergeError } from '../../../src/egraph/analysis.js';
import { addGraph, buildGraph, createTensorEGraph } from '../../../src/egraph/tensor/index.js';
import { evaluate, T, Tensor } from '../../../src/graph/index.js';

describe('tensor e-graph bridge', () => {
  const x = T.matrix('x', 'f64', ['n', 3]);
  const w = T.vector('w', 'f64', 3);

  it('loads a graph with shared nodes as one class per distinct node and builds it back', () => {
    const z = T.dot(x, w);
    const out = T.add(T.sigmoid(z), T.exp(z));
    const t = createTensorEGraph();
    const [root] = addGraph(t.egraph, t.lang, [out]);
    t.egraph.rebuild();
    // x, w, dot, sigmoid, exp, add: dot is shared.
    expect(t.egraph.classCount).toBe(6);
    expect(t.egraph.data(t.types, root)).toEqual({ dtype: 'f64', shape: ['n'] });
    const [back] = buildGraph(t.egraph, t.lang, [root], (c) => t.egraph.nodesOf(c)[0]);
    expect(back).toBe(out);
  });

  it('tracks small constant values and value ranges', () => {
    const t = createTensorEGraph();
    const [c, s, e] = addGraph(t.egraph, t.lang, [
      T.add(T.constant(2, 'f64'), 3),
      T.sigmoid(x),
      T.exp(T.neg(T.sqr(x))),
    ]);
    t.egraph.rebuild();
    expect(t.egraph.data(t.values, c)?.item()).toBe(5);
    expect(t.egraph.data(t.values, s)).toBeUndefined();
    // On the reals sigmoid and exp are strictly positive: the least positive double stands for "> 0".
    expect(t.egraph.data(t.ranges, s)).toMatchObject({ lo: Number.MIN_VALUE, hi: 1 });
    expect(t.egraph.data(t.ranges, e)).toMatchObject({ lo: Number.MIN_VALUE, hi: 1 });
  });

  it('does not track constants above the size limit', () => {
    const big = T.constant(Tensor.full([2000], 1, 'f64'));
    const t = createTensorEGraph();
    const [root] = addGraph(t.egraph, t.lang, [T.mul(big, 2)]);
    t.egraph.rebuild();
    expect(t.egraph.data(t.values, root)).toBeUndefined();
    expect(t.egraph.data(t.ranges, root)).toMatchObject({ lo: 2, hi: 2 });
  });

  it('refuses loudly to merge classes of different shapes', () => {
    const t = createTensorEGraph();
    const [a, b] = addGraph(t.egraph, t.lang, [x, w]);
    expect(() => t.egraph.union(a, b)).toThrow(AnalysisMergeError);
  });

  it('merges rounding-different point ranges instead of failing', () => {
    const t = createTensorEGraph();
    const c = T.constant(0.3, 'f64');
    const [a, b] = addGraph(t.egraph, t.lang, [T.log(T.exp(c)), c]);
    expect(evaluate(T.log(T.exp(c)), {}).item()).not.toBe(0.3);
    expect(() => t.egraph.union(a, b)).not.toThrow();
  });
});
