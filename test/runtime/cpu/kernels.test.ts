import { afterAll, describe, expect, it } from 'vitest';
import { CpuExecutor, type CpuProgram, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import type { Kernel, ReduceKernel, ScalarExpr, View } from '../../../src/runtime/program.js';
import { constant, operand, ProgramDraft } from '../programs.js';
import { acc, ap, at, evalScalar, f32Ulps, indices, rng } from './programs.js';

afterAll(() => closeCpuPool());

const random = (n: number, seed: number, lo = -1, hi = 1) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
};

async function reduceCase(
  shape: number[],
  axes: number[],
  op: ReduceKernel['op'],
  threads: number,
  opts: { producer?: ScalarExpr; epilogue?: ScalarExpr; strides?: number[]; data?: Float32Array } = {},
) {
  const d = new ProgramDraft();
  const size = shape.reduce((a, b) => a * b, 1);
  const x = d.buffer('f32', [size], 'input');
  const kept = shape.filter((_, i) => !axes.includes(i));
  const out = d.buffer('f32', kept, 'output');
  const view: View = d.view(x, shape, opts.strides);
  const producer = opts.producer ?? operand(0);
  const epilogue = opts.epilogue ?? ap('cast', [acc], 'f32', { dtype: 'f32' });
  d.kernels.push({
    kind: 'reduce',
    name: 'r',
    ops: [],
    operands: [view],
    output: out,
    op,
    shape,
    axes,
    producer,
    epilogue,
    accDtype: 'f64',
  });
  const p = await new CpuExecutor({ threads, splitThresholdMs: 0 }).prepare(d.build());
  const data = opts.data ?? random(size, size + axes.length);
  p.write(x, data);
  p.run();
  const got = p.read(out) as Float32Array;
  // Reference: fold in float64 over the reduced axes.
  const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity, all: 1, any: 0 }[op];
  const want = new Float64Array(
    Math.max(
      1,
      kept.reduce((a, b) => a * b, 1),
    ),
  ).fill(init);
  const absSums = new Float64Array(want.length);
  const keptStrides = kept.map((_, i) => kept.slice(i + 1).reduce((a, b) => a * b, 1));
  for (const idx of indices(shape)) {
    const o = idx.filter((_, i) => !axes.includes(i)).reduce((a, v, i) => a + v * keptStrides[i], 0);
    const v = evalScalar(producer, [at(data, view, idx)]);
    absSums[o] += Math.abs(v);
    const a = want[o];
    want[o] =
      op === 'sum'
        ? a + v
        : op === 'prod'
          ? a * v
          : op === 'max'
            ? v > a || Number.isNaN(v)
              ? v
              : a
            : op === 'min'
              ? v < a || Number.isNaN(v)
                ? v
                : a
              : a;
  }
  return { got, want: Array.from(want, (w) => evalScalar(epilogue, [], w)), absSums, p };
}

describe('cpu reductions', () => {
  it.each([
    [[37, 53], [1], 'sum'],
    [[37, 53], [0], 'sum'],
    [[5, 6, 7], [0, 2], 'sum'],
    [[5, 6, 7], [0, 1, 2], 'max'],
    [[3, 11], [1], 'min'],
    [[4, 9], [1], 'prod'],
    [[3, 200001], [1], 'sum'],
    [[300001], [0], 'sum'],
    // Strided reduced axes, contiguous kept axis: four columns at a time, a partial group last.
    [[64, 30], [0], 'max'],
    [[100, 7], [0], 'min'],
    [[3, 50, 9], [1], 'sum'],
    [[40, 4], [0], 'prod'],
  ] as [number[], number[], ReduceKernel['op']][])('%j over axes %j (%s)', async (shape, axes, op) => {
    const { got, want, absSums } = await reduceCase(shape, axes, op, 1);
    // float32 sums round blocks of 4 elements a lane in float32 (two roundings, each within 2⁻²⁴ of
    // the block's magnitude) before the float64 carry: beyond 1 ulp only by 2⁻²³·Σ|x|.
    want.forEach((w, i) => {
      if (op === 'sum' && Math.abs(got[i] - w) <= 2 ** -23 * absSums[i]) return;
      expect(f32Ulps(got[i], w), `output ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(1);
    });
  });

  it('fuses its producer and epilogue (mean of squares over a transposed view)', async () => {
    const producer = ap('mul', [operand(0), operand(0)]);
    const epilogue = ap('cast', [ap('div', [acc, constant(13, 'f64')], 'f64')], 'f32', { dtype: 'f32' });
    const { got, want } = await reduceCase([7, 13], [1], 'sum', 1, { producer, epilogue, strides: [1, 7] });
    want.forEach((w, i) => expect(f32Ulps(got[i], w)).toBeLessThanOrEqual(1));
  });

  it('column sums and maxima are the same bits on 1 and 2 threads; NaN stays in its column', async () => {
    for (const op of ['sum', 'max'] as const) {
      const data = random(300 * 37, 4);
      data[5 * 37 + 10] = NaN;
      const one = await reduceCase([300, 37], [0], op, 1, { data });
      const two = await reduceCase([300, 37], [0], op, 2, { data });
      expect(Buffer.from(two.got.buffer).equals(Buffer.from(one.got.buffer))).toBe(true);
      one.got.forEach((v, i) => expect(Number.isNaN(v), `column ${i}`).toBe(i === 10));
      one.p.dispose();
      two.p.dispose();
    }
  });

  it('max propagates NaN as the reference does', async () => {
    const data = random(64, 3);
    data[17] = NaN;
    const { got } = await reduceCase([2, 32], [1], 'max', 1, { data });
    expect(Number.isNaN(got[0])).toBe(true);
    expect(Number.isNaN(got[1])).toBe(false);
  });

  it('a chunked sum is the same bits on 1 and 2 threads', async () => {
    const data = random(1 << 18, 9, 0, 1);
    const one = await reduceCase([1 << 18], [0], 'sum', 1, { data });
    const two = await reduceCase([1 << 18], [0], 'sum', 2, { data });
    expect(two.got[0]).toBe(one.got[0]);
    expect(f32Ulps(one.got[0], one.want[0])).toBeLessThanOrEqual(0.5);
    two.p.dispose();
  });
});

async function matmulCase(
  batch: number,
  m: number,
  n: number,
  k: number,
  threads: number,
  transposeB = false,
  bias = false,
  dtype: 'f32' | 'f64' = 'f32',
  transposeA = false,
) {
  const d = new ProgramDraft();
  const a = d.buffer(dtype, transposeA ? [batch, k, m] : [batch, m, k], 'input');
  const b = d.buffer(dtype, transposeB ? [batch, n, k] : [batch, k, n], 'input');
  const c = d.buffer(dtype, [n], 'input');
  const out = d.buffer(dtype, [batch, m, n], 'output');
  const bView = transposeB ? d.view(b, [batch, k, n], [n * k, 1, k]) : d.view(b);
  const aView = transposeA ? d.view(a, [batch, m, k], [m * k, 1, m]) : d.view(a);
  const operands = [aView, bView, ...(bias ? [d.view(c, [batch, m, n], [0, 0, 1])] : [])];
  const epilogue: ScalarExpr = bias
    ? ap('add', [ap('cast', [acc], dtype, { dtype }), operand(2, dtype)], dtype)
    : acc;
  const kernel: Kernel = {
    kind: 'matmul',
    name: 'mm',
    ops: [],
    operands,
    output: out,
    batch,
    m,
    n,
    k,
    epilogue,
  };
  d.kernels.push(kernel);
  const p = await new CpuExecutor({ threads, splitThresholdMs: 0 }).prepare(d.build());
  const av = random(batch * m * k, 1);
  const bv = random(batch * n * k, 2);
  const cv = random(n, 3);
  p.write(a, dtype === 'f32' ? av : Float64Array.from(av));
  p.write(b, dtype === 'f32' ? bv : Float64Array.from(bv));
  p.write(c, dtype === 'f32' ? cv : Float64Array.from(cv));
  p.run();
  const got = p.read(out);
  const want = new Float64Array(batch * m * n);
  for (const [bi, i, j] of indices([batch, m, n])) {
    let s = 0;
    for (let kk = 0; kk < k; kk++) s += at(av, operands[0], [bi, i, kk]) * at(bv, bView, [bi, kk, j]);
    want[(bi * m + i) * n + j] = s + (bias ? cv[j] : 0);
  }
  return { got, want, p };
}

describe('cpu matmul', () => {
  it.each([
    [1, 1, 1, 1],
    [1, 5, 7, 3],
    [2, 13, 17, 29],
    [1, 64, 40, 300],
    [1, 33, 9, 513],
    // n = 1030: B's k slices are 112 deep (512 KiB of packed B each), the last 76.
    [2, 9, 1030, 300],
  ])('batch %i, %i×%i by k = %i, plain, transposed B and with a bias epilogue', async (batch, m, n, k) => {
    for (const [t, bias] of [
      [false, false],
      [true, true],
    ]) {
      const { got, want } = await matmulCase(batch, m, n, k, 1, t, bias);
      want.forEach((w, i) =>
        expect(Math.abs(got[i] - w), `element ${i}`).toBeLessThanOrEqual(1e-5 * Math.sqrt(k) * 4),
      );
    }
  });

  it.each([
    [1, 37, 1, 300],
    [2, 5, 1, 9],
    [1, 100, 1, 1000],
    // Rows in groups of four and alone, groups never across batches; k mod 8 = 7 (a vector, then lanes).
    [2, 11, 1, 15],
  ])(
    'matrix-vector products (batch %i, %i×%i by k = %i), rows or columns contiguous',
    async (batch, m, n, k) => {
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
      ]) {
        const { got, want } = await matmulCase(batch, m, n, k, 1, transposeB, true, 'f32', transposeA);
        want.forEach((w, i) =>
          expect(Math.abs(got[i] - w), `element ${i}`).toBeLessThanOrEqual(1e-5 * Math.sqrt(k) * 4),
        );
        const two = await matmulCase(batch, m, n, k, 2, transposeB, true, 'f32', transposeA);
        expect(Buffer.from(two.got.buffer).equals(Buffer.from(got.buffer))).toBe(true);
      }
    },
  );

  it('f64 matmul takes the scalar path and matches float64', async () => {
    const { got, want } = await matmulCase(1, 6, 5, 7, 1, false, true, 'f64');
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });

  it('row panels on 2 threads give the same bits as 1', async () => {
    const one = await matmulCase(1, 100, 48, 300, 1);
    const two = await matmulCase(1, 100, 48, 300, 2);
    expect(Buffer.from(two.got.buffer).equals(Buffer.from(one.got.buffer))).toBe(true);
    two.p.dispose();
  });
});

describe('cpu softmax, copy and concat', () => {
  it.each(['softmax', 'log_softmax', 'logsumexp'] as const)(
    '%s over rows of 1, 5 and 67 (contiguous and strided)',
    async (op) => {
      for (const [rows, length, transposed] of [
        [3, 1, false],
        [4, 5, false],
        [6, 67, false],
        [5, 7, true],
      ] as const) {
        const d = new ProgramDraft();
        const x = d.buffer('f32', [rows * length], 'input');
        const out = d.buffer('f32', op === 'logsumexp' ? [rows] : [rows, length], 'output');
        const view = transposed ? d.view(x, [rows, length], [1, rows]) : d.view(x, [rows, length]);
        d.kernels.push({
          kind: 'softmax',
          name: 's',
          ops: [],
          operands: [view],
          output: out,
          op,
          rows,
          length,
        });
        const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
        const data = random(rows * length, rows + length, -5, 5);
        p.write(x, data);
        p.run();
        const got = p.read(out);
        for (let r = 0; r < rows; r++) {
          const row = Array.from({ length }, (_, l) => at(data, view, [r, l]));
          const m = Math.max(...row);
          const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
          if (op === 'logsumexp')
            expect(f32Ulps(got[r], Math.fround(m + Math.log(s)))).toBeLessThanOrEqual(2);
          else
            row.forEach((v, l) => {
              const want = op === 'softmax' ? Math.exp(v - m) / s : v - m - Math.log(s);
              expect(Math.abs(got[r * length + l] - want), `${op} [${r}, ${l}]`).toBeLessThanOrEqual(
                4 * 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), Math.abs(v - m), 1e-30))) - 23),
              );
            });
        }
      }
    },
  );

  it('copies a transposed view and concatenates along axis 1', async () => {
    const d = new ProgramDraft();
    const a = d.buffer('f32', [3, 4], 'input');
    const b = d.buffer('f32', [3, 2], 'input');
    const t = d.buffer('f32', [4, 3], 'output');
    const cat = d.buffer('f32', [3, 6], 'output');
    d.kernels.push({
      kind: 'copy',
      name: 'c',
      ops: [],
      operands: [d.view(a, [4, 3], [1, 4])],
      output: t,
      shape: [4, 3],
    });
    d.kernels.push({
      kind: 'concat',
      name: 'k',
      ops: [],
      operands: [d.view(a), d.view(b)],
      output: cat,
      axis: 1,
      shape: [3, 6],
    });
    const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
    const av = Float32Array.from({ length: 12 }, (_, i) => i);
    const bv = Float32Array.from({ length: 6 }, (_, i) => 100 + i);
    p.write(a, av);
    p.write(b, bv);
    p.run();
    expect(Array.from(p.read(t))).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(Array.from(p.read(cat))).toEqual([
      0, 1, 2, 3, 100, 101, 4, 5, 6, 7, 102, 103, 8, 9, 10, 11, 104, 105,
    ]);
  });

  it('takes an input filled in place in its memory without copying it', async () => {
    const d = new ProgramDraft();
    const x = d.buffer('f32', [6], 'input');
    const out = d.buffer('f32', [6], 'output');
    d.elementwise('e', [x], out, ap('mul', [operand(0), constant(2)]));
    const p = (await new CpuExecutor({ threads: 1 }).prepare(d.build())) as CpuProgram;
    const slot = p.resident(x) as Float32Array;
    slot.set([1, 2, 3, 4, 5, 6]);
    p.write(x, slot);
    p.run();
    expect(Array.from(p.read(out))).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('applies updates after the kernels: a parameter keeps its value between runs', async () => {
    const d = new ProgramDraft();
    const w = d.buffer('f32', [5], 'param');
    const g = d.buffer('f32', [5], 'input');
    const next = d.buffer('f32', [5], 'output');
    d.elementwise('sgd', [w, g], next, ap('sub', [operand(0), ap('mul', [constant(0.5), operand(1)])]));
    d.updates.push({ param: w, value: next });
    const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
    p.write(w, Float32Array.from([1, 2, 3, 4, 5]));
    p.write(g, Float32Array.from([2, 2, 2, 2, 2]));
    p.run();
    p.run();
    expect(Array.from(p.read(w))).toEqual([-1, 0, 1, 2, 3]);
  });
});
