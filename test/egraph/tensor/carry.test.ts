import { describe, expect, it } from 'vitest';
import type { ENode } from '../../../src/egraph/egraph.js';
import type { ClassId } from '../../../src/egraph/ids.js';
import { carryExtraction } from '../../../src/egraph/tensor/carry.js';
import {
  addGraph,
  buildGraph,
  createTensorEGraph,
  type TensorEGraph,
} from '../../../src/egraph/tensor/index.js';
import { extractTree } from '../../../src/extract/tree.js';
import { nodeCountCost } from '../../../src/extract/node-cost.js';
import { attrsKey } from '../../../src/graph/apply.js';
import { foldConstants } from '../../../src/graph/fold.js';
import { T } from '../../../src/graph/index.js';
import type { Node } from '../../../src/graph/node.js';
import { logisticRegression, mlp } from '../../../src/models.js';
import { saturate } from '../../../src/optimize.js';

/** Symbols in interning order, then each class's nodes with their children: the e-graph as data. */
function dump(t: TensorEGraph): string[] {
  const lines: string[] = [];
  for (let s = 0; s < t.lang.size; s++) {
    const { def, attrs } = t.lang.tensorSymbol(s as ENode['symbol']);
    lines.push(`symbol ${s}: ${def.name}{${attrsKey(attrs)}}`);
  }
  for (const id of t.egraph.classIds())
    for (const n of t.egraph.nodesOf(id)) lines.push(`class ${id}: ${n.symbol}(${n.children.join(',')})`);
  return lines;
}

/** The node of each class to carry, as its store index (what the carry reads). */
type Choose = (c: ClassId) => number;

/** Each class's first node. */
const firstOf =
  (t: TensorEGraph): Choose =>
  (c) =>
    t.egraph.classNodes[t.egraph.find(c)][0];

/** What carrying stands for: build the chosen graph, fold it, load it into a fresh e-graph. */
function rebuilt(t: TensorEGraph, roots: readonly ClassId[], choose: Choose) {
  const graph = foldConstants(
    buildGraph(t.egraph, t.lang, roots, (c) => t.egraph.enode(choose(c))),
    1024,
  );
  const fresh = createTensorEGraph();
  return { t: fresh, roots: addGraph(fresh.egraph, fresh.lang, graph) };
}

function loaded(outputs: readonly Node[]) {
  const t = createTensorEGraph();
  const roots = addGraph(t.egraph, t.lang, outputs);
  t.egraph.rebuild();
  return { t, roots };
}

function expectCarriedAsRebuilt(t: TensorEGraph, roots: readonly ClassId[], choose: Choose) {
  const carried = carryExtraction(t, roots, choose, 1024);
  const expected = rebuilt(t, roots, choose);
  expect(carried).toBeDefined();
  expect(dump(carried!.t)).toEqual(dump(expected.t));
  expect(carried!.roots).toEqual(expected.roots);
  return carried!;
}

describe('carrying an extraction into a fresh e-graph', () => {
  const x = T.vector('x', 'f32', 4);

  it('folds constant parts as foldConstants does, leaving out what only they used', () => {
    const { t, roots } = loaded([T.add(T.mul(T.constant(2, 'f32'), 3), x), T.mul(x, T.sub(5, 2))]);
    const carried = expectCarriedAsRebuilt(t, roots, firstOf(t));
    // x, 6, add, 3, mul: the constants 2, 5 and 2 are gone with the ops folded over them.
    expect(carried.t.egraph.classCount).toBe(5);
    expect(carried.ops).toBe(2);
  });

  it('folds ones_like of a static type without loading its argument', () => {
    const y = T.vector('y', 'f32', 3);
    const { t, roots } = loaded([T.add(T.ones_like(T.exp(T.tanh(y))), T.sigmoid(y))]);
    const carried = expectCarriedAsRebuilt(t, roots, firstOf(t));
    // y, ones, sigmoid, add: exp(tanh(y)) is not in the result.
    expect(carried.t.egraph.classCount).toBe(4);
  });

  it('gives the e-graph of the rebuilt graph for saturated model graphs', () => {
    for (const outputs of [logisticRegression().outputs, mlp().outputs]) {
      const { t, roots } = saturate(outputs, { mode: 'fast_compile' });
      const { choice } = extractTree(t.egraph, roots, nodeCountCost);
      expectCarriedAsRebuilt(t, roots, (c) => choice.nodeIndex(c));
    }
  });

  it('declines graphs whose unknown dims the rebuilt graph would rename', () => {
    const a = T.matrix('a');
    const b = T.vector('b');
    const { t, roots } = loaded([T.exp(T.dot(a, b))]);
    expect(carryExtraction(t, roots, firstOf(t), 1024)).toBeUndefined();
  });
});
