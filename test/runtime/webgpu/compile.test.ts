import { describe, expect, it } from 'vitest';
import { T } from '../../../src/graph/builders.js';
import { compile } from '../../../src/compile/index.js';
import { gpuContext, noGpu } from './adapter.js';

describe.skipIf(noGpu)('compile() on WebGPU', () => {
  it('runs on webgpu when asked by name, and says which adapter', async () => {
    const x = T.vector('x', 'f32', 'n');
    const f = await compile({ inputs: [x], outputs: [T.sum(T.exp(x))], device: 'webgpu' });
    const [y] = await f.run({ x: new Float32Array([0, 0, Math.log(3)]) });
    expect(y.item()).toBeCloseTo(5, 5);
    expect(f.report.device).toBe('webgpu');
    expect(f.report.deviceReason).toContain(gpuContext().adapter.summary);
    f.dispose();
  });

  it("'auto' passes a software adapter over, with the reason", async () => {
    const x = T.vector('x', 'f32', 'n');
    const f = await compile({ inputs: [x], outputs: [T.neg(x)] });
    if (gpuContext().adapter.software) {
      expect(f.report.device).not.toBe('webgpu');
      expect(f.report.deviceReason).toMatch(
        /passed over webgpu: no hardware adapter; .* is a software adapter/,
      );
    } else expect(f.report.device).toBe('webgpu');
    f.dispose();
  });

  it('gives the reference value for the min and max of an empty i32 tensor (found by the parity suite)', async () => {
    const x = T.tensor('x', 'i32', [3, 0]);
    const f = await compile({ inputs: [x], outputs: [T.min(x), T.max(x)], device: 'webgpu' });
    const [lo, hi] = await f.run({ x: new Int32Array(0) });
    // The reference's ±inf cast to i32 is 0; the kernels' i32 identity used to leave ±2^31 there.
    expect([lo.item(), hi.item()]).toEqual([0, 0]);
    f.dispose();
  });
});
