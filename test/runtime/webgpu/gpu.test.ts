import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../../../src/runtime/webgpu/gpu.js';
import { WebGpuExecutor } from '../../../src/runtime/webgpu/executor.js';
import { gpuContext, noGpu } from './adapter.js';
import { operand, ProgramDraft } from '../programs.js';
import { op } from './programs.js';

/**
 * V8's real collector, as `node --expose-gc` gives it: setting the flag at run time and reading `gc`
 * from a fresh context is equivalent, and keeps vitest's worker flags untouched.
 */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe.skipIf(noGpu)('the WebGPU device module', () => {
  it('opens one device per process with the adapter limits', async () => {
    const a = await acquireGpu();
    const b = await acquireGpu();
    expect(a.ok && b.ok && a.context === b.context).toBe(true);
    const context = gpuContext();
    // requiredLimits asked for the adapter's own limits, not WebGPU's defaults.
    expect(context.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(context.adapter.summary).toMatch(/\((software|hardware), /);
    console.log(`WebGPU adapter: ${context.adapter.summary}; timestamps ${context.timestamps}`);
  });

  it('reports llvmpipe/lavapipe/SwiftShader as software', () => {
    const { adapter } = gpuContext();
    const named = /llvmpipe|lavapipe|swiftshader/i.test(
      `${adapter.description} ${adapter.device} ${adapter.architecture}`,
    );
    if (named) expect(adapter.software).toBe(true);
  });

  it('survives garbage collection: the create() object stays reachable while devices and buffers live', async () => {
    const gc = exposeGc();
    // Only the device module holds the create() result; this WeakRef would empty if it did not.
    const gpu = new WeakRef(gpuContext().gpu);
    const p = new ProgramDraft();
    const x = p.buffer('f32', [1000], 'input', 'x');
    const out = p.buffer('f32', [1000], 'output', 'out');
    p.kernel({
      kind: 'elementwise',
      name: 'twice',
      ops: ['mul'],
      operands: [p.view(x)],
      output: out,
      shape: [1000],
      expr: op('add', 'f32', operand(0), operand(0)),
    });
    const program = p.build();
    const data = Float32Array.from({ length: 1000 }, (_, i) => i);
    for (let round = 0; round < 40; round++) {
      const prepared = await new WebGpuExecutor(gpuContext()).prepare(program);
      for (let i = 0; i < 5; i++) {
        prepared.write(x, data);
        await prepared.run();
        const y = (await prepared.read(out)) as Float32Array;
        expect(y[999]).toBe(1998);
      }
      prepared.dispose();
      // Dawn objects nobody holds: their finalizers run inside the collections below.
      gpuContext().device.createBuffer({ size: 4096, usage: GPUBufferUsage.STORAGE });
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    gc();
    expect(gpu.deref()).toBeDefined();
  });
});
