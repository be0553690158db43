/** compile() refuses a buffer above its element cap before the executor allocates it. */
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { AllocationError } from '../../src/graph/errors.js';
import { compile } from '../../src/compile/index.js';

describe('compile allocation cap', () => {
  it('refuses an intermediate larger than maxElements, naming its shape and the option', async () => {
    const x = T.vector('x', 'f32', 'n');
    const y = T.vector('y', 'f32', 'm');
    // The outer sum x[:, None] + y[None, :] has n*m elements.
    const outer = T.add(T.expand_dims(x, 1), T.expand_dims(y, 0));
    const f = await compile({ inputs: [x, y], outputs: [outer], device: 'js', maxElements: 1000 });
    const small = { x: new Float32Array(10), y: new Float32Array(10) };
    expect((await f.run(small))[0].shape).toEqual([10, 10]);
    const big = { x: new Float32Array(100), y: new Float32Array(100) };
    await expect(f.run(big)).rejects.toThrow(AllocationError);
    await expect(f.run(big)).rejects.toThrow(
      /\[100, 100\] has 10000 elements, above the cap of 1000 \(compile's maxElements option\)/,
    );
    f.dispose();
  });

  it('accepts inputs above the cap: they are the caller’s own arrays', async () => {
    const x = T.vector('x', 'f32', 'n');
    const f = await compile({ inputs: [x], outputs: [T.sum(x)], device: 'js', maxElements: 10 });
    expect((await f.run({ x: new Float32Array(100).fill(1) }))[0].item()).toBe(100);
    f.dispose();
  });
});
