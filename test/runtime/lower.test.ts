import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { Tensor } from '../../src/graph/tensor.js';
import { formatProgram } from '../../src/runtime/format.js';
import { jsExecutor } from '../../src/runtime/js/index.js';
import { lower } from '../../src/runtime/lower.js';
import { LoweringError } from '../../src/runtime/lowering-error.js';
import { runOnExecutor } from './run-program.js';

const sizes = new Map([
  ['n', 4],
  ['k', 3],
]);

describe('lower', () => {
  it('layout ops become views: a transpose read by an elementwise kernel costs no copy', () => {
    const x = T.tensor('lx', 'f32', ['n', 'k']);
    const p = lower({ outputs: [T.exp(T.transpose(x))], params: [], updates: [], sizes });
    expect(p.kernels.map((k) => k.kind)).toEqual(['elementwise']);
    expect(p.kernels[0].operands[0]).toMatchObject({ shape: [3, 4], strides: [1, 3], offset: 0 });
  });

  it('a reshape that strides cannot express copies first', () => {
    const x = T.tensor('lx2', 'f32', ['n', 'k']);
    const p = lower({ outputs: [T.exp(T.reshape(T.transpose(x), [-1]))], params: [], updates: [], sizes });
    expect(p.kernels.map((k) => k.kind)).toEqual(['copy', 'elementwise']);
  });

  it('a slice with steps is a view with an offset', () => {
    const x = T.tensor('lx3', 'f64', [10]);
    const sliced = T.exp(T.slice(x, { begin: [8], end: [1], step: [-3] }));
    const p = lower({ outputs: [sliced], params: [], updates: [], sizes });
    expect(p.kernels[0].operands[0]).toMatchObject({ shape: [3], strides: [-3], offset: 8 });
  });

  it('the same node twice as output reads one buffer; an input output is copied', () => {
    const x = T.vector('lx4', 'f32', 'n');
    const e = T.exp(x);
    const p = lower({ outputs: [e, e, x], params: [], updates: [], sizes });
    expect(p.outputs[0]).toBe(p.outputs[1]);
    expect(p.outputs[2]).not.toBe(p.inputs[0]);
    expect(p.buffers[p.outputs[2]].role).toBe('output');
  });

  it('params follow the request order; inputs and params carry their names', () => {
    const x = T.vector('lx5', 'f32', 'n');
    const a = T.vector('la', 'f32', 'n');
    const b = T.vector('lb', 'f32', 'n');
    const p = lower({ outputs: [x.mul(b).add(a)], params: [a, b], updates: [], sizes });
    expect(p.params.map((id) => p.buffers[id].name)).toEqual(['la', 'lb']);
    expect(p.inputs.map((id) => p.buffers[id].name)).toEqual(['lx5']);
    expect(p.params.map((id) => p.buffers[id].role)).toEqual(['param', 'param']);
  });

  it('an identity update is dropped; swapping two parameters copies one first', async () => {
    const a = T.vector('sa', 'f64', 'n');
    const b = T.vector('sb', 'f64', 'n');
    const request = {
      outputs: [a.add(b)],
      params: [a, b],
      updates: [
        [a, b],
        [b, a],
      ] as [typeof a, typeof a][],
      sizes,
    };
    const p = lower(request);
    for (const u of p.updates) expect(p.buffers[u.value].role).not.toBe('param');
    expect(lower({ ...request, updates: [[a, a]] }).updates).toEqual([]);
    const ran = await runOnExecutor(
      jsExecutor,
      request,
      { sa: Tensor.from([1, 2, 3, 4], [4], 'f64'), sb: Tensor.from([5, 6, 7, 8], [4], 'f64') },
      { runs: 1 },
    );
    expect(Array.from(ran.params[0].data)).toEqual([5, 6, 7, 8]);
    expect(Array.from(ran.params[1].data)).toEqual([1, 2, 3, 4]);
  });

  it('errors name the place', () => {
    const x = T.vector('ex', 'f32', 'n');
    const w = T.vector('ew', 'f32', 'n');
    expect(() => lower({ outputs: [x.exp()], params: [], updates: [], sizes: new Map() })).toThrow(
      new LoweringError("input 'ex': dimension 'n' of [n] is not bound (give its size in `sizes`)"),
    );
    expect(() => lower({ outputs: [x], params: [w], updates: [[w, w.cast('f64')]], sizes })).toThrow(
      "update of 'ew': the new value is f64[4], the parameter is f32[4]",
    );
    expect(() => lower({ outputs: [x], params: [], updates: [[w, w.mul(2)]], sizes })).toThrow(
      "update of 'ew': not one of the parameters",
    );
    expect(() => lower({ outputs: [x], params: [x.exp()], updates: [], sizes })).toThrow(
      /parameter Node\(exp#\d+\) is a 'exp' node; parameters must be inputs/,
    );
  });

  it('formatProgram lists buffers, kernels with their fused ops and views, updates and memory', () => {
    const x = T.tensor('px', 'f32', ['n', 'k']);
    const w = T.vector('pw', 'f32', 'k');
    const cost = T.mean(T.sqr(T.sub(T.dot(x, w), 1)));
    const p = lower({ outputs: [cost], params: [w], updates: [[w, w.mul(0.5)]], sizes });
    expect(formatProgram(p)).toBe(
      [
        'buffers:',
        "  %0 'px' input f32[4, 3] slot 0",
        "  %1 'pw' param f32[3] slot 1",
        '  %2 temp f32[4] slot 2',
        '  %3 output f32[] slot 3',
        '  %4 temp f32[3] slot 2',
        'kernels:',
        '  matmul_0  [4×3]·[3×1] then sqr(sub(f32(acc), 1))   [dot, sub, sqr]',
        '    %2 <- $0=%0, $1=%1',
        '  reduce_1  sum over axes [0] of [4]: $0 then f32(div(acc, 4))   [mean]',
        '    %3 <- $0=%2',
        '  fused_2  [3] mul($0, 0.5)   [mul]',
        '    %4 <- $0=%1',
        "update: %1 'pw' <- %4",
        'outputs: %3',
        'memory: 4 slots, peak 96 B (one buffer per value: 112 B, reuse saves 16 B, one buffer per graph node: 176 B)',
      ].join('\n'),
    );
  });
});
