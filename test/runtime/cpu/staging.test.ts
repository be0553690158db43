import { afterAll, describe, expect, it } from 'vitest';
import { CpuExecutor, type CpuProgram, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import { MemoryLayout } from '../../../src/runtime/cpu/layout.js';
import { buildProgramModule } from '../../../src/runtime/cpu/program-module.js';
import { CHUNK } from '../../../src/runtime/cpu/codegen/reduce.js';
import { stagedStreams } from '../../../src/runtime/cpu/staging.js';
import type { BufferId, Program } from '../../../src/runtime/program.js';
import { constant, operand, ProgramDraft } from '../programs.js';
import { acc, ap, rng } from './programs.js';

afterAll(() => closeCpuPool());

const n = 300_001;
const [m, k] = [1000, 100];

/**
 * Kernel 0: exp(x)·y (x, y read in order); 1: the sum of z (chunked partials); 2: x reversed + 1
 * (x again, through a reversed view); 3: y · 2 (y again, in order); 4: a · v, a [m, k] by rows (a
 * gemv dot); 5: w + w reversed (w read in order and reversed in one kernel).
 */
function program() {
  const d = new ProgramDraft();
  const [x, y, z] = ['x', 'y', 'z'].map((name) => d.buffer('f32', [n], 'input', name));
  const a = d.buffer('f32', [1, m, k], 'input', 'a');
  const v = d.buffer('f32', [1, k, 1], 'input', 'v');
  const w = d.buffer('f32', [n], 'input', 'w');
  const outs = [[n], [], [n], [n], [1, m, 1], [n]].map((shape) => d.buffer('f32', shape, 'output'));
  const reversed = (b: BufferId) => d.view(b, [n], [-1], n - 1);
  d.elementwise('expMul', [x, y], outs[0], ap('mul', [ap('exp', [operand(0)]), operand(1)]));
  d.kernel({
    kind: 'reduce',
    name: 'sum',
    ops: [],
    operands: [d.view(z)],
    output: outs[1],
    op: 'sum',
    shape: [n],
    axes: [0],
    producer: operand(0),
    epilogue: ap('cast', [acc], 'f32', { dtype: 'f32' }),
    accDtype: 'f64',
  });
  d.elementwise('reverse', [reversed(x)], outs[2], ap('add', [operand(0), constant(1)]));
  d.elementwise('twice', [y], outs[3], ap('mul', [operand(0), constant(2)]));
  d.kernel({
    kind: 'matmul',
    name: 'gemv',
    ops: [],
    operands: [d.view(a), d.view(v)],
    output: outs[4],
    batch: 1,
    m,
    n: 1,
    k,
    epilogue: acc,
  });
  d.elementwise('mirror', [w, reversed(w)], outs[5], ap('add', [operand(0), operand(1)]));
  return { program: d.build(), inputs: [x, y, z, a, v, w], outs };
}

function inputData(program: Program, inputs: readonly BufferId[]): Float32Array[] {
  const rand = rng(17);
  return inputs.map((b) => Float32Array.from({ length: program.buffers[b].size }, () => rand() * 4 - 2));
}

describe('cpu input staging (copies streamed into the first reader)', () => {
  it('streams exactly the inputs the first reading step takes item by item', () => {
    const { program: p } = program();
    const steps = buildProgramModule(p, new MemoryLayout(p), { fma: false }).steps;
    const streamed = stagedStreams(p, steps).map((st, s) => [
      steps[s].fn,
      st.map((x) => [x.buffer, x.perItem]),
    ]);
    const [x, y, z, a] = [0, 1, 2, 3];
    expect(streamed.filter(([, st]) => st.length > 0)).toEqual([
      [
        'k0_elementwise',
        [
          [x, 1],
          [y, 1],
        ],
      ],
      ['k1_reduce_partial', [[z, CHUNK]]],
      ['k4_matmul_gemv_dot', [[a, k]]],
    ]);
    // v is read whole by every row and w also through a reversed view: both are copied on write.
  });

  for (const threads of [1, 2]) {
    it(`gives the bits of inputs written in place (f.alloc), on ${threads} thread(s), every step split`, async () => {
      const { program: p, inputs, outs } = program();
      const data = inputData(p, inputs);
      const options = { threads, splitThresholdMs: threads > 1 ? 0 : undefined };
      const staged = (await new CpuExecutor(options).prepare(p)) as CpuProgram;
      const resident = (await new CpuExecutor(options).prepare(p)) as CpuProgram;
      for (const round of [0, 1]) {
        // The second round writes new values: nothing of the first may remain.
        const values = data.map((d) => d.map((v) => v * (round + 1)));
        inputs.forEach((b, i) => {
          staged.write(b, values[i]);
          const storage = resident.resident(b) as Float32Array;
          storage.set(values[i]);
          resident.write(b, storage);
        });
        staged.run();
        resident.run();
        outs.forEach((o) => {
          const [got, want] = [staged.read(o), resident.read(o)] as Float32Array[];
          if (!Buffer.from(got.buffer).equals(Buffer.from(want.buffer))) expect.fail(`output ${o} differs`);
        });
        const [x, y] = values;
        const out = staged.read(outs[2]) as Float32Array;
        expect([out[0], out[n - 1]]).toEqual([Math.fround(x[n - 1] + 1), Math.fround(x[0] + 1)]);
        expect((staged.read(outs[3]) as Float32Array)[n - 1]).toBe(Math.fround(y[n - 1] * 2));
      }
      staged.dispose();
      resident.dispose();
    });
  }

  it('a read before the run sees the value written; a later in-place write replaces a pending one', async () => {
    const { program: p, inputs, outs } = program();
    const data = inputData(p, inputs);
    const prepared = (await new CpuExecutor({ threads: 1 }).prepare(p)) as CpuProgram;
    inputs.forEach((b, i) => prepared.write(b, data[i]));
    expect([...(prepared.read(inputs[0]) as Float32Array)]).toEqual([...data[0]]);
    // y written from a plain array, then from its storage holding other values: the storage wins.
    prepared.write(inputs[1], new Float32Array(n).fill(5));
    const storage = prepared.resident(inputs[1]) as Float32Array;
    storage.fill(3);
    prepared.write(inputs[1], storage);
    prepared.run();
    expect((prepared.read(outs[3]) as Float32Array)[0]).toBe(6);
    prepared.dispose();
  });

  it('an input given as a view of an earlier output is the value it had when written', async () => {
    // Kernel 0 rewrites `doubled` before kernel 1, x's first reader, would copy x in.
    const d = new ProgramDraft();
    const x = d.buffer('f32', [1000], 'input');
    const y = d.buffer('f32', [1000], 'input');
    const doubled = d.buffer('f32', [1000], 'output');
    const out = d.buffer('f32', [1000], 'output');
    d.elementwise('double', [y], doubled, ap('mul', [operand(0), constant(2)]));
    d.elementwise('inc', [x], out, ap('add', [operand(0), constant(1)]));
    const prepared = (await new CpuExecutor({ threads: 1 }).prepare(d.build())) as CpuProgram;
    prepared.write(x, new Float32Array(1000));
    prepared.write(y, new Float32Array(1000).fill(3));
    prepared.run();
    prepared.write(x, prepared.view(doubled));
    prepared.write(y, new Float32Array(1000).fill(5));
    prepared.run();
    expect((prepared.read(out) as Float32Array)[999]).toBe(7);
    prepared.dispose();
  });
});
