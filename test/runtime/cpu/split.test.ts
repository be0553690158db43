import { afterAll, describe, expect, it } from 'vitest';
import { CpuExecutor, type CpuProgram, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import type { BufferId } from '../../../src/runtime/program.js';
import { operand, ProgramDraft } from '../programs.js';
import { acc, ap } from './programs.js';

afterAll(() => closeCpuPool());

/** exp over `big` elements, add over `small`, a matmul `m`³ (packB + gemm). */
function program(big: number, small: number, m: number) {
  const d = new ProgramDraft();
  const x = d.buffer('f32', [big], 'input');
  const y = d.buffer('f32', [small], 'input');
  const a = d.buffer('f32', [1, m, m], 'input');
  const outs = [d.buffer('f32', [big], 'output'), d.buffer('f32', [small], 'output')];
  const c = d.buffer('f32', [1, m, m], 'output');
  d.elementwise('big', [x], outs[0], ap('exp', [operand(0)]));
  d.elementwise('small', [y], outs[1], ap('add', [operand(0), operand(0)]));
  d.kernels.push({
    kind: 'matmul',
    name: 'mm',
    ops: [],
    operands: [d.view(a), d.view(a)],
    output: c,
    batch: 1,
    m,
    n: m,
    k: m,
    epilogue: acc,
  });
  return d.build();
}

describe('cpu thread split', () => {
  it('is decided by each step’s size: large steps on every thread, small ones on the calling thread', async () => {
    const p = (await new CpuExecutor({ threads: 2 }).prepare(program(1 << 20, 1000, 256))) as CpuProgram;
    // exp over 1M elements (~1.5 ms), add over 1000 (~1 µs), packB of 256² (~65 µs), gemm 256³ (~1.7 ms).
    expect(p.stepThreads).toEqual([2, 1, 1, 2]);
    p.dispose();
    const small = (await new CpuExecutor({ threads: 2 }).prepare(program(1000, 1000, 16))) as CpuProgram;
    expect(small.stepThreads).toEqual([1, 1, 1, 1]);
    small.dispose();
  });

  it('runs a program with no step worth splitting over unshared memory, and one with such a step over shared', async () => {
    const small = (await new CpuExecutor({ threads: 2 }).prepare(program(1000, 1000, 16))) as CpuProgram;
    expect(small.resident(0 as BufferId).buffer).toBeInstanceOf(ArrayBuffer);
    small.dispose();
    const big = (await new CpuExecutor({ threads: 2 }).prepare(program(1 << 20, 1000, 256))) as CpuProgram;
    expect(big.resident(0 as BufferId).buffer).toBeInstanceOf(SharedArrayBuffer);
    big.dispose();
  });

  it('never splits on one thread, and splits every step with a threshold of 0', async () => {
    const one = (await new CpuExecutor({ threads: 1 }).prepare(program(1 << 20, 1000, 256))) as CpuProgram;
    expect(one.stepThreads).toEqual([1, 1, 1, 1]);
    one.dispose();
    const all = (await new CpuExecutor({ threads: 2, splitThresholdMs: 0 }).prepare(
      program(1000, 1000, 16),
    )) as CpuProgram;
    expect(all.stepThreads).toEqual([2, 2, 2, 2]);
    all.dispose();
  });
});
