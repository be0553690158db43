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
});
