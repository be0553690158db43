/** A matmul whose fused epilogue changes the dtype (`dot(a, b) > 0` is bool) keeps the product intact. */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/graph/builders.js';
import { compile } from '../../../src/compile/index.js';

describe('cpu matmul with a dtype-changing epilogue', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 4],
    [17, 9, 1],
  ])('-dot(a, b) > 0 over [%i×%i]·[%i×…] matches the js executor', async (m, k, n) => {
    const a = T.matrix('a', 'f32', [m, k]);
    const b = T.matrix('b', 'f32', [k, n]);
    const out = T.gt(T.neg(T.dot(a, b)), 0);
    const values = {
      a: Float32Array.from({ length: m * k }, (_, i) => Math.sin(i + 1)),
      b: Float32Array.from({ length: k * n }, (_, i) => Math.cos(3 * i + 2)),
    };
    const results = [];
    for (const device of ['js', 'cpu'] as const) {
      // mode 'none' keeps the fused matmul epilogue this case is about.
      const f = await compile({ inputs: [a, b], outputs: [out], device, mode: 'none' });
      results.push((await f.run(values))[0].toArray());
      f.dispose();
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    // The product was once truncated to bool before the epilogue read it: all false.
    if (m === 1) expect(results[0]).toEqual([[true]]);
  });
});
