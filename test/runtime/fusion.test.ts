import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import type { Node } from '../../src/graph/node.js';
import { topoSort } from '../../src/graph/topo.js';
import { planFusion } from '../../src/runtime/fusion.js';
import { concreteTypes } from '../../src/runtime/lower-types.js';
import { lower, MAX_FUSED_OPS } from '../../src/runtime/lower.js';
import { Tensor } from '../../src/graph/tensor.js';
import { jsExecutor } from '../../src/runtime/js/index.js';
import { runOnExecutor } from './run-program.js';
import type { Program } from '../../src/runtime/program.js';

const sizes = new Map([
  ['n', 8],
  ['m', 5],
]);
const x = T.tensor('fx', 'f32', ['n', 'm']);
const y = T.tensor('fy', 'f32', ['n', 'm']);
const z = T.tensor('fz', 'f32', ['n', 'm']);
const v = T.vector('fv', 'f32', 'm');
const w = T.tensor('fw', 'f32', ['m', 'm']);

function lowered(outputs: Node[], options: { maxOperands?: number; fuse?: boolean } = {}): Program {
  return lower({ outputs, params: [], updates: [], sizes, ...options });
}

/** Each kernel as `kind[op op …]`. */
const kernels = (p: Program) => p.kernels.map((k) => `${k.kind}[${k.ops.join(' ')}]`);

describe('fusion', () => {
  // graph ⇒ kernels
  const table: [string, () => Node[], string[]][] = [
    [
      'an elementwise chain is one kernel',
      () => [T.add(T.mul(T.exp(x), y), T.div(T.sin(x), T.add(1, T.mul(z, z))))],
      ['elementwise[exp mul sin mul add div add]'],
    ],
    [
      'sum(exp(x - m)) is one reduction kernel',
      () => [T.sum(T.exp(T.sub(x, T.max(x, { axis: 1, keepdims: true }))), { axis: 1 })],
      ['reduce[max]', 'reduce[sub exp sum]'],
    ],
    ['mean divides in the reduction epilogue', () => [T.mean(T.sqr(x))], ['reduce[sqr mean]']],
    [
      'a matmul takes its bias add and activation as epilogue',
      () => [T.relu(T.add(T.dot(x, w), v))],
      ['matmul[dot add relu]'],
    ],
    [
      'a cheap value read twice is recomputed in each reader',
      () => {
        const shared = T.neg(x);
        return [T.add(T.exp(shared), T.sin(shared))];
      },
      ['elementwise[neg exp neg sin add]'],
    ],
    [
      'an expensive value read twice is written once',
      () => {
        const shared = T.exp(x);
        return [T.add(T.sin(shared), T.cos(shared))];
      },
      ['elementwise[exp]', 'elementwise[sin cos add]'],
    ],
    [
      'an expensive value broadcast to a larger shape is written once',
      () => [T.mul(x, T.exp(v))],
      ['elementwise[exp]', 'elementwise[mul]'],
    ],
    [
      'layout ops between elementwise ops stay views',
      () => [T.add(T.exp(x).T, T.transpose(y))],
      ['elementwise[exp add]'],
    ],
    ['an input returned as is is copied to its output', () => [x], ['copy[]']],
  ];
  for (const [name, build, expected] of table)
    it(name, () => expect(kernels(lowered(build()))).toEqual(expected));

  it('a value that is an output is written once and read by later kernels', () => {
    const e = T.exp(x);
    const p = lowered([e, T.sum(e)]);
    expect(kernels(p)).toEqual(['elementwise[exp]', 'reduce[sum]']);
    expect(p.kernels[1].operands[0].buffer).toBe(p.outputs[0]);
  });

  it('fuse: false lowers one kernel per op', () => {
    const p = lowered([T.sum(T.exp(T.add(x, y)))], { fuse: false });
    expect(kernels(p)).toEqual(['elementwise[add]', 'elementwise[exp]', 'reduce[sum]']);
  });

  it('no kernel exceeds maxOperands; the wide sum is split', () => {
    const inputs = Array.from({ length: 9 }, (_, i) => T.tensor(`op${i}`, 'f32', ['n', 'm']));
    const total = inputs.reduce((acc, t) => T.add(acc, T.exp(t)));
    for (const maxOperands of [4, 5, 8]) {
      const p = lowered([total], { maxOperands });
      for (const k of p.kernels) expect(k.operands.length + 1).toBeLessThanOrEqual(maxOperands);
      expect(p.kernels.length).toBeGreaterThan(1);
    }
    expect(lowered([total]).kernels.length).toBe(1);
  });

  it('planFusion names why each value is written', () => {
    const e = T.exp(x);
    const out = T.add(T.sin(e), T.cos(e));
    const nodes = topoSort([out]);
    const plan = planFusion(nodes, concreteTypes(nodes, sizes), [out]);
    expect(plan.materialized.get(e.id)).toBe('shared');
    expect(plan.materialized.get(out.id)).toBe('output');
    expect(plan.materialized.size).toBe(2);
  });
});

describe('fusion keeps matmuls whole', () => {
  it('a cheap epilogue read twice is written once, not recomputed with its matmul', () => {
    const e = T.add(T.dot(x, w), v);
    const p = lowered([T.add(T.exp(e), T.sin(e))]);
    expect(kernels(p)).toEqual(['matmul[dot add]', 'elementwise[exp sin add]']);
  });
});

describe('fusion bounds', () => {
  it(`a chain longer than ${MAX_FUSED_OPS} ops is cut into kernels; 20,000 ops lower and run`, async () => {
    const v0 = T.vector('chain', 'f64', 'n');
    let y = v0;
    for (let i = 0; i < 20_000; i++) y = i % 2 ? T.sin(y) : T.add(y, 1);
    const p = lowered([y]);
    for (const k of p.kernels) expect(k.ops.length).toBeLessThanOrEqual(MAX_FUSED_OPS);
    expect(p.kernels.length).toBeLessThan(20_000 / 32);
    const ran = await runOnExecutor(
      jsExecutor,
      { outputs: [y], params: [], updates: [], sizes },
      { chain: Tensor.from(Array(8).fill(0.5), [8], 'f64') },
    );
    let expected = 0.5;
    for (let i = 0; i < 20_000; i++) expected = i % 2 ? Math.sin(expected) : expected + 1;
    expect(ran.outputs[0].data[0]).toBe(expected);
  });
});
