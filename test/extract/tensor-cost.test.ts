import { describe, expect, it } from 'vitest';
import type { ClassId } from '../../src/egraph/ids.js';
import { addGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { extractDag } from '../../src/extract/dag.js';
import type { NodeCost } from '../../src/extract/node-cost.js';
import {
  CPU_TARGET,
  cpuCostModel,
  GPU_TARGET,
  gpuCostModel,
  tensorCostModel,
} from '../../src/extract/tensor-cost.js';
import { T } from '../../src/graph/builders.js';
import type { Node } from '../../src/graph/node.js';

/** The cost of the node an output's class was built from (its only node in a fresh e-graph). */
function costsOf(outputs: readonly Node[], model: (t: ReturnType<typeof createTensorEGraph>) => NodeCost) {
  const t = createTensorEGraph();
  const roots = addGraph(t.egraph, t.lang, outputs);
  const cost = model(t);
  return roots.map((r: ClassId) => cost(t.egraph, r, t.egraph.nodesOf(r)[0]));
}

describe('tensor cost models', () => {
  it('prices dot by FLOPs, 2·m·k·n, plus bytes moved', () => {
    const a = T.matrix('a', 'f32', [64, 32]);
    const b = T.matrix('b', 'f32', [32, 16]);
    const [dot] = costsOf([T.dot(a, b)], cpuCostModel);
    const bytes = 4 * (64 * 32 + 32 * 16 + 64 * 16);
    expect(dot).toBe(1 + 2 * 64 * 32 * 16 + CPU_TARGET.memoryWeight * bytes);
  });

  it('counts symbolic and unknown dims as the configured size', () => {
    const a = T.matrix('a', 'f32', ['n', 'k']);
    const b = T.matrix('b', 'f32', ['k', '?']);
    const [c256] = costsOf([T.dot(a, b)], (t) => cpuCostModel(t));
    const [c16] = costsOf([T.dot(a, b)], (t) => cpuCostModel(t, { symbolicDimSize: 16 }));
    expect(c256).toBe(1 + 2 * 256 ** 3 + 0.25 * 4 * 3 * 256 ** 2);
    expect(c16).toBe(1 + 2 * 16 ** 3 + 0.25 * 4 * 3 * 16 ** 2);
  });

  it('lets memory dominate on the GPU: a two-input add outweighs a one-input exp there, not on the CPU', () => {
    const x = T.vector('x', 'f32', 1000);
    const y = T.vector('y', 'f32', 1000);
    const [gpuExp, gpuAdd] = costsOf([T.exp(x), T.add(x, y)], gpuCostModel);
    const [cpuExp, cpuAdd] = costsOf([T.exp(x), T.add(x, y)], cpuCostModel);
    expect(gpuAdd).toBeGreaterThan(gpuExp);
    expect(cpuExp).toBeGreaterThan(cpuAdd);
  });

  it('makes exp dearer than add on every target, less so on the GPU', () => {
    // Same memory traffic (one vector in, one out), so only the arithmetic differs.
    const x = T.vector('x', 'f32', 1000);
    const ratio = (model: (t: ReturnType<typeof createTensorEGraph>) => NodeCost) => {
      const [exp, add] = costsOf([T.exp(x), T.add(x, 1)], model);
      expect(exp).toBeGreaterThan(add);
      return exp / add;
    };
    expect(ratio(cpuCostModel)).toBeGreaterThan(ratio(gpuCostModel));
  });

  it('makes views (reshape, expand_dims, squeeze) nearly free and copies (transpose) pay for memory', () => {
    const x = T.matrix('x', 'f32', [100, 100]);
    const [reshape, expand, transpose, add] = costsOf(
      [T.reshape(x, [10_000]), T.expand_dims(x, 0), T.transpose(x), T.add(x, x)],
      gpuCostModel,
    );
    expect(reshape).toBe(1);
    expect(expand).toBe(1);
    expect(transpose).toBeGreaterThan(100 * reshape);
    expect(add).toBeGreaterThan(transpose);
  });

  it('charges leaves nothing, except the load of a large constant', () => {
    const [input, small, large] = costsOf(
      [
        T.matrix('x', 'f32', [1000, 1000]),
        T.constant(2.5),
        T.constant(new Float32Array(4096), 'f32', [4096]),
      ],
      cpuCostModel,
    );
    expect(input).toBe(0);
    expect(small).toBe(0);
    expect(large).toBe(CPU_TARGET.memoryWeight * 4096 * 4);
  });

  it('gives every op a finite positive cost, even for huge symbolic shapes', () => {
    const x = T.matrix('x', 'f64', ['n', 'm']);
    const ops = [
      T.exp(x),
      T.sum(x),
      T.dot(x, T.transpose(x)),
      T.zeros(['n', 'n']),
      T.concat([T.matrix('y', 'f64', ['n', 3]), T.matrix('z', 'f64', ['n', 3])], 1),
      T.fill(x, 1),
    ];
    for (const target of [CPU_TARGET, GPU_TARGET]) {
      for (const c of costsOf(ops, (t) => tensorCostModel(t, target, { symbolicDimSize: 1e200 }))) {
        expect(Number.isFinite(c)).toBe(true);
        expect(c).toBeGreaterThan(0);
      }
    }
  });

  it('drives DAG extraction on a tensor e-graph: exp(log(x)) = x is taken', () => {
    const t = createTensorEGraph();
    const x = T.vector('x', 'f32', 1000);
    const [root, plain] = addGraph(t.egraph, t.lang, [T.add(T.exp(T.log(x)), 1), x]);
    const [inner] = addGraph(t.egraph, t.lang, [T.exp(T.log(x))]);
    t.egraph.union(inner, plain);
    t.egraph.rebuild();
    const ex = extractDag(t.egraph, [root], cpuCostModel(t));
    expect(ex.choice.size).toBe(3); // add, x, the constant 1
  });
});
