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

  it('keeps the sign of a zero base under an odd negative power, as Math.pow does (found by the parity suite)', async () => {
    const x = T.vector('x', 'f32', 'n');
    const f = await compile({
      inputs: [x],
      outputs: [T.erfc(T.pow(x, -3)), T.pow(x, 3), T.pow(x, -2)],
      device: 'webgpu',
    });
    const [e, cube, inv2] = await f.run({ x: new Float32Array([-0, 0]) });
    // pow(-0, -3) is -Infinity, so erfc gives 2; pow(-0, 3) is -0; an even power loses the sign.
    expect(Array.from(e.data)).toEqual([2, 0]);
    expect(Array.from(cube.data).map((v) => Object.is(v, -0))).toEqual([true, false]);
    expect(Array.from(inv2.data)).toEqual([Infinity, Infinity]);
    f.dispose();
  });

  it('gives NaN for the mean over an empty axis, as the reference does (found by the parity suite)', async () => {
    const x = T.tensor('x', 'f32', [0, 4]);
    const f = await compile({
      inputs: [x],
      outputs: [T.mean(x, { axis: 0, keepdims: true }), T.mean(x)],
      device: 'webgpu',
    });
    const [columns, all] = await f.run({ x: new Float32Array(0) });
    expect(columns.shape).toEqual([1, 4]);
    expect(Array.from(columns.data).every(Number.isNaN)).toBe(true);
    expect(all.item()).toBeNaN();
    f.dispose();
  });
});
