// In a file of its own: it destroys the process's device.
import { describe, expect, it } from 'vitest';
import { WebGpuDeviceLostError } from '../../../src/runtime/webgpu/errors.js';
import { WebGpuExecutor } from '../../../src/runtime/webgpu/executor.js';
import { acquireGpu } from '../../../src/runtime/webgpu/gpu.js';
import { gpuContext, noGpu } from './adapter.js';
import { operand, ProgramDraft } from '../programs.js';
import { op } from './programs.js';

function program() {
  const p = new ProgramDraft();
  const x = p.buffer('f32', [64], 'input', 'x');
  const out = p.buffer('f32', [64], 'output', 'y');
  p.kernel({
    kind: 'elementwise',
    name: 'neg',
    ops: ['neg'],
    operands: [p.view(x)],
    output: out,
    shape: [64],
    expr: op('neg', 'f32', operand(0)),
  });
  return { program: p.build(), x, out };
}

describe.skipIf(noGpu)('device loss', () => {
  it('fails the next calls cleanly, then a fresh device serves new programs', async () => {
    const { program: prog, x, out } = program();
    const context = gpuContext();
    const prepared = await new WebGpuExecutor(context).prepare(prog);
    prepared.write(x, new Float32Array(64).fill(1));
    context.device.destroy();
    await context.device.lost;
    expect(context.lost).toMatch(/^destroyed/);
    await expect(Promise.resolve().then(() => prepared.run())).rejects.toThrow(WebGpuDeviceLostError);
    await expect(Promise.resolve().then(() => prepared.read(out))).rejects.toThrow(
      /WebGPU device lost: destroyed/,
    );
    prepared.dispose();

    const again = await acquireGpu();
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.context).not.toBe(context);
    const fresh = await new WebGpuExecutor(again.context).prepare(prog);
    fresh.write(x, new Float32Array(64).fill(2));
    await fresh.run();
    expect((await fresh.read(out))[63]).toBe(-2);
    fresh.dispose();
  });
});
