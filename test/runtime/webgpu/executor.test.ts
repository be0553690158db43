import { describe, expect, it } from 'vitest';
import type { KernelTiming } from '../../../src/runtime/executor.js';
import { WebGpuShaderError, WebGpuUnsupportedError } from '../../../src/runtime/webgpu/errors.js';
import { WebGpuExecutor } from '../../../src/runtime/webgpu/executor.js';
import { createShader, pipelineCacheStats } from '../../../src/runtime/webgpu/pipelines.js';
import { BufferPool, poolOf } from '../../../src/runtime/webgpu/pool.js';
import { gpuContext, noGpu } from './adapter.js';
import { constant, operand, ProgramDraft } from '../programs.js';
import { acc, op } from './programs.js';

/** w ← w - 0.5 * g, loss = Σ w² (of the old w): one step of a tiny training loop. */
function sgdProgram() {
  const p = new ProgramDraft();
  const w = p.buffer('f32', [6], 'param', 'w');
  const g = p.buffer('f32', [6], 'input', 'g');
  const next = p.buffer('f32', [6], 'temp', 'w_next');
  const loss = p.buffer('f32', [], 'output', 'loss');
  p.kernel({
    kind: 'elementwise',
    name: 'step',
    ops: ['sub', 'mul'],
    operands: [p.view(w), p.view(g)],
    output: next,
    shape: [6],
    expr: op('sub', 'f32', operand(0), op('mul', 'f32', constant(0.5), operand(1))),
  });
  p.kernel({
    kind: 'reduce',
    name: 'loss',
    ops: ['sqr', 'sum'],
    operands: [p.view(w)],
    output: loss,
    op: 'sum',
    shape: [6],
    axes: [0],
    producer: op('sqr', 'f32', operand(0)),
    epilogue: acc(),
    accDtype: 'f32',
  });
  p.updates.push({ param: w, value: next });
  return { program: p.build(), w, g, loss };
}

describe.skipIf(noGpu)('the WebGPU executor', () => {
  it('exposes maxStorageBuffersPerShaderStage as the operand limit', () => {
    const executor = new WebGpuExecutor(gpuContext());
    expect(executor.capabilities.maxOperands).toBe(gpuContext().limits.maxStorageBuffersPerShaderStage);
    expect(executor.capabilities.dtypes).not.toContain('f64');
  });

  it('keeps parameters on the device: updates are applied there between runs', async () => {
    const { program, w, g, loss } = sgdProgram();
    const prepared = await new WebGpuExecutor(gpuContext()).prepare(program);
    prepared.write(w, Float32Array.of(1, 2, 3, 4, 5, 6));
    prepared.write(g, Float32Array.of(2, 2, 2, 2, 2, 2));
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      // g stays as written; w is never written again from the host.
      await prepared.run();
      losses.push((await prepared.read(loss))[0] as number);
    }
    // w = [1..6] - step each run: losses of w, w-1, w-2.
    const sq = (d: number) => [1, 2, 3, 4, 5, 6].reduce((s, x) => s + (x - d) ** 2, 0);
    expect(losses).toEqual([sq(0), sq(1), sq(2)]);
    expect(Array.from(await prepared.read(w))).toEqual([-2, -1, 0, 1, 2, 3]);
    prepared.dispose();
  });

  it('reports a time per kernel (timestamp queries or per-submit wall time)', async () => {
    const { program, w, g } = sgdProgram();
    const prepared = await new WebGpuExecutor(gpuContext()).prepare(program);
    prepared.write(w, new Float32Array(6));
    prepared.write(g, new Float32Array(6));
    const timings: KernelTiming[] = [];
    await prepared.run(timings);
    expect(timings.map((t) => t.kernel).sort()).toEqual([0, 1]);
    for (const t of timings) expect(t.ms).toBeGreaterThanOrEqual(0);
    prepared.dispose();
  });

  it('hits the pipeline cache when the same program is prepared again', async () => {
    const executor = new WebGpuExecutor(gpuContext());
    const { program } = sgdProgram();
    (await executor.prepare(program)).dispose();
    const before = pipelineCacheStats(gpuContext().device);
    (await executor.prepare(program)).dispose();
    const after = pipelineCacheStats(gpuContext().device);
    expect(after.misses).toBe(before.misses);
    expect(after.hits - before.hits).toBe(program.kernels.length);
  });

  it("takes a disposed program's buffers from the pool by size class", async () => {
    const executor = new WebGpuExecutor(gpuContext());
    const { program } = sgdProgram();
    const pool = poolOf(gpuContext().device);
    (await executor.prepare(program)).dispose();
    const { created, reused } = pool;
    (await executor.prepare(program)).dispose();
    expect(pool.created).toBe(created);
    expect(pool.reused - reused).toBeGreaterThanOrEqual(program.memory.slotBytes.length);
    expect(BufferPool.classOf(1000)).toBe(1024);
    expect(BufferPool.classOf(1)).toBe(256);
  });

  it('refuses f64 at prepare time, naming the buffer, never downcasting', async () => {
    const p = new ProgramDraft();
    const x = p.buffer('f64', [3], 'input', 'x');
    const out = p.buffer('f64', [3], 'output', 'y');
    p.kernel({
      kind: 'elementwise',
      name: 'e',
      ops: ['exp'],
      operands: [p.view(x)],
      output: out,
      shape: [3],
      expr: op('exp', 'f64', operand(0, 'f64')),
    });
    const prepare = new WebGpuExecutor(gpuContext()).prepare(p.build());
    await expect(prepare).rejects.toThrow(WebGpuUnsupportedError);
    await expect(prepare).rejects.toThrow(/WebGPU has no f64: buffer x \(input\) is f64/);
  });

  it('reports a WGSL compilation error with the offending line', async () => {
    const wgsl = '@compute @workgroup_size(1)\nfn main() {\n  let x = y + 1;\n}\n';
    const made = createShader(gpuContext().device, wgsl, 'broken');
    await expect(made).rejects.toThrow(WebGpuShaderError);
    await expect(made).rejects.toThrow(
      /kernel broken: WGSL did not compile:\n {2}line 3: .*\n {4}let x = y \+ 1;/,
    );
  });

  it('prints each new shader with its kernel name under SATURN_DEBUG=wgsl', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    process.env.SATURN_DEBUG = 'wgsl';
    try {
      const p = new ProgramDraft();
      const x = p.buffer('f32', [7], 'input', 'x');
      const out = p.buffer('f32', [7], 'output', 'y');
      // A constant no other test uses, so the pipeline is new and printed.
      p.kernel({
        kind: 'elementwise',
        name: 'debug_me',
        ops: ['add'],
        operands: [p.view(x)],
        output: out,
        shape: [7],
        expr: op('add', 'f32', operand(0), constant(0.123456)),
      });
      (await new WebGpuExecutor(gpuContext()).prepare(p.build())).dispose();
    } finally {
      console.log = log;
      delete process.env.SATURN_DEBUG;
    }
    const printed = lines.join('\n');
    expect(printed).toContain('// ---- WGSL for kernel debug_me (elementwise)');
    expect(printed).toContain('@compute @workgroup_size(256, 1, 1)');
    expect(printed).toContain('0.123456001f');
  });
});
