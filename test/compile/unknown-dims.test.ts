import { expect, it } from 'vitest';
import { compile, T } from '../../src/index.js';

it('binds unknown dims (T.matrix without a shape) from the values, per call', async () => {
  const x = T.matrix('x_q1');
  const f = await compile({
    device: 'js',
    inputs: [x],
    outputs: [T.sum(x, { axis: 0 })],
    mode: 'fast_compile',
  });
  expect(f.runSync({ x_q1: [[1, 2, 3]] })[0].toArray()).toEqual([1, 2, 3]);
  expect(f.runSync({ x_q1: [[1], [2]] })[0].toArray()).toEqual([3]);
  expect(f.report.programs.map((p) => p.sizes)).toEqual([
    { '?x_q10': 1, '?x_q11': 3 },
    { '?x_q10': 2, '?x_q11': 1 },
  ]);
});
