import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/graph/dtype.js';
import type { BufferId, Program } from '../../../src/runtime/program.js';
import { WebGpuExecutor } from '../../../src/runtime/webgpu/executor.js';
import { gpuContext, noGpu } from './adapter.js';
import { constant, operand, ProgramDraft } from '../programs.js';
import { acc, op, randomValues, referenceRun } from './programs.js';

function typed(dtype: DType, values: Float64Array) {
  return dtype === 'f32'
    ? Float32Array.from(values)
    : dtype === 'i32'
      ? Int32Array.from(values)
      : Uint8Array.from(values);
}

/** Runs the program on the GPU and on the reference with the same inputs; compares every output. */
async function check(program: Program, tolerance = 1e-5, seed = 1): Promise<void> {
  const executor = new WebGpuExecutor(gpuContext());
  const prepared = await executor.prepare(program);
  const values = new Map<BufferId, Float64Array>();
  for (const id of [...program.inputs, ...program.params]) {
    const b = program.buffers[id];
    const raw = randomValues(b.size, seed + id, b.dtype === 'i32' ? 50 : 2);
    const v = b.dtype === 'f32' ? raw : raw.map((x) => (b.dtype === 'bool' ? +(x > 0) : Math.round(x)));
    values.set(id, v);
    prepared.write(id, typed(b.dtype, v));
  }
  await prepared.run();
  const expected = referenceRun(program, values);
  for (const id of program.outputs) {
    const got = Array.from((await prepared.read(id)) as ArrayLike<number>);
    const want = expected.get(id)!;
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      const g = got[i];
      if (Number.isNaN(w)) expect(g, `element ${i}`).toBeNaN();
      else if (Math.abs(g - w) > tolerance * Math.max(1, Math.abs(w)))
        expect(g, `${program.buffers[id].name} element ${i} of ${want.length}`).toBeCloseTo(w, 4);
    }
  }
  prepared.dispose();
}

/** out = f(x, y) over `shape`, y broadcast from `yShape`. */
function binaryProgram(
  shape: number[],
  yShape: number[],
  expr = op('add', 'f32', operand(0), operand(1)),
): Program {
  const p = new ProgramDraft();
  const x = p.buffer('f32', shape, 'input', 'x');
  const y = p.buffer('f32', yShape, 'input', 'y');
  const out = p.buffer('f32', shape, 'output', 'out');
  p.kernel({
    kind: 'elementwise',
    name: 'fused',
    ops: ['add'],
    operands: [p.view(x), p.broadcast(y, shape)],
    output: out,
    shape,
    expr,
  });
  return p.build();
}

describe.skipIf(noGpu)('WebGPU kernels against the reference', () => {
  it.each([[[0]], [[]], [[1]], [[3]], [[257]], [[1000, 3]], [[4, 4]], [[2, 3, 5, 7]]])(
    'elementwise over shape %j (sizes not dividing the workgroup)',
    async (shape) => {
      await check(binaryProgram(shape, shape, op('mul', 'f32', op('exp', 'f32', operand(0)), operand(1))));
    },
  );

  it('W1 exp(x)*y + sin(x)/(1+z*z) with broadcasting (vec4 and strided paths)', async () => {
    for (const [shape, zShape] of [
      [[64, 36], [36]],
      [
        [33, 7],
        [33, 1],
      ],
      [[5, 1, 4], []],
    ]) {
      const p = new ProgramDraft();
      const x = p.buffer('f32', shape, 'input', 'x');
      const y = p.buffer('f32', shape, 'input', 'y');
      const z = p.buffer('f32', zShape, 'input', 'z');
      const out = p.buffer('f32', shape, 'output', 'out');
      const [X, Y, Z] = [operand(0), operand(1), operand(2)];
      const expr = op(
        'add',
        'f32',
        op('mul', 'f32', op('exp', 'f32', X), Y),
        op('div', 'f32', op('sin', 'f32', X), op('add', 'f32', constant(1), op('mul', 'f32', Z, Z))),
      );
      p.elementwise('w1', [x, y, p.broadcast(z, shape)], out, expr);
      await check(p.build());
    }
  });

  it('every unary op the scalar table knows, on f32', async () => {
    const ops = [
      'neg',
      'abs',
      'sign',
      'exp',
      'log1p',
      'expm1',
      'sqr',
      'reciprocal',
      'sin',
      'cos',
      'tan',
      'tanh',
      'sinh',
      'cosh',
      'arcsinh',
      'sigmoid',
      'softplus',
      'erf',
      'erfc',
      'relu',
      'floor',
      'ceil',
      'round',
    ];
    for (const name of ops) {
      await check(
        binaryProgram(
          [37],
          [37],
          op('add', 'f32', op(name, 'f32', operand(0)), op('mul', 'f32', operand(1), constant(0))),
        ),
        2e-5,
      );
    }
  });

  it('i32 and bool arithmetic: floor division, modulo, comparisons, switch, casts', async () => {
    const p = new ProgramDraft();
    const a = p.buffer('i32', [101], 'input', 'a');
    const b = p.buffer('i32', [101], 'input', 'b');
    const outs = [
      op(
        'int_div',
        'i32',
        operand(0, 'i32'),
        op('add', 'i32', op('abs', 'i32', operand(1, 'i32')), constant(1, 'i32')),
      ),
      op(
        'mod',
        'i32',
        operand(0, 'i32'),
        op('sub', 'i32', constant(-3, 'i32'), op('abs', 'i32', operand(1, 'i32'))),
      ),
      op(
        'switch',
        'i32',
        op('lt', 'bool', operand(0, 'i32'), operand(1, 'i32')),
        operand(0, 'i32'),
        op('neg', 'i32', operand(1, 'i32')),
      ),
      {
        kind: 'op' as const,
        op: 'cast',
        dtype: 'i32' as DType,
        attrs: { dtype: 'i32' },
        args: [op('div', 'f32', operand(0, 'i32'), constant(3))],
      },
    ];
    outs.forEach((expr, i) => {
      const out = p.buffer('i32', [101], 'output', `out${i}`);
      p.elementwise(`k${i}`, [a, b], out, expr);
    });
    const bools = p.buffer('bool', [101], 'output', 'bools');
    p.kernel({
      kind: 'elementwise',
      name: 'bools',
      ops: [],
      operands: [p.view(a), p.view(b)],
      output: bools,
      shape: [101],
      expr: op(
        'xor',
        'bool',
        op('ge', 'bool', operand(0, 'i32'), constant(0, 'i32')),
        op('eq', 'bool', operand(1, 'i32'), constant(3, 'i32')),
      ),
    });
    // Bool arithmetic follows the interpreter's float64: false // false is NaN there, hence true.
    const [u, v] = [p.buffer('bool', [101], 'input', 'u'), p.buffer('bool', [101], 'input', 'v')];
    const boolDiv = p.buffer('bool', [101], 'output', 'bool_div');
    p.kernel({
      kind: 'elementwise',
      name: 'bool_div',
      ops: ['int_div'],
      operands: [p.view(u), p.view(v)],
      output: boolDiv,
      shape: [101],
      expr: op('int_div', 'bool', operand(0, 'bool'), operand(1, 'bool')),
    });
    await check(p.build(), 0);
  });

  it('sign keeps NaN (WGSL may take it to 0), as the reference does', async () => {
    // log of the negative half of the inputs is NaN.
    const sign = op('sign', 'f32', op('log', 'f32', operand(0)));
    await check(
      binaryProgram([257], [257], op('add', 'f32', sign, op('mul', 'f32', operand(1), constant(0, 'f32')))),
    );
  });

  it('copy of a transposed view and concat along an inner axis', async () => {
    const p = new ProgramDraft();
    const x = p.buffer('f32', [5, 7], 'input', 'x');
    const y = p.buffer('f32', [5, 3], 'input', 'y');
    const t = p.buffer('f32', [7, 5], 'output', 't');
    p.kernel({
      kind: 'copy',
      name: 'transpose',
      ops: ['transpose'],
      operands: [{ ...p.view(x), shape: [7, 5], strides: [1, 7] }],
      output: t,
      shape: [7, 5],
    });
    const c = p.buffer('f32', [5, 10], 'output', 'c');
    p.kernel({
      kind: 'concat',
      name: 'concat',
      ops: ['concat'],
      operands: [p.view(x), p.view(y)],
      output: c,
      axis: 1,
      shape: [5, 10],
    });
    await check(p.build(), 0);
  });

  it.each([
    ['sum', [1000, 3], [0]],
    ['sum', [3, 1000], [1]],
    ['max', [7, 5000], [1]],
    ['min', [2, 3, 4], [0, 2]],
    ['prod', [10, 6], [1]],
    ['sum', [0, 4], [0]],
    ['sum', [4, 0], [1]],
    ['sum', [], []],
  ] as const)('reduce %s over %j axes %j', async (kind, shape, axes) => {
    const p = new ProgramDraft();
    const x = p.buffer('f32', shape as unknown as number[], 'input', 'x');
    const outShape = shape.filter((_, k) => !(axes as readonly number[]).includes(k));
    const out = p.buffer('f32', outShape, 'output', 'out');
    p.kernel({
      kind: 'reduce',
      name: `${kind}`,
      ops: [kind],
      operands: [p.view(x)],
      output: out,
      op: kind,
      shape: [...shape],
      axes: [...axes],
      producer: operand(0),
      epilogue: acc(),
      accDtype: 'f32',
    });
    await check(p.build(), 1e-4);
  });

  it('mean of squares over 200k elements: a two-pass tree with producer and epilogue', async () => {
    const n = 200_003;
    const p = new ProgramDraft();
    const x = p.buffer('f32', [n], 'input', 'x');
    const out = p.buffer('f32', [], 'output', 'out');
    p.kernel({
      kind: 'reduce',
      name: 'mean_sqr',
      ops: ['sqr', 'mean'],
      operands: [p.view(x)],
      output: out,
      op: 'sum',
      shape: [n],
      axes: [0],
      producer: op('sqr', 'f32', operand(0)),
      epilogue: op('div', 'f32', acc(), constant(n)),
      accDtype: 'f64',
    });
    await check(p.build(), 1e-5);
  });

  it.each([
    [1, 1, 1, 1],
    [1, 5, 7, 3],
    [2, 33, 17, 65],
    [1, 64, 64, 64],
    [3, 8, 12, 0],
    // Small outputs over a long k: regblock splits k into slices, a second pass adds them.
    [1, 1, 2000, 20],
    [2, 3, 1000, 5],
  ])('matmul batch %i, %i×%i by %i×…, with a bias epilogue', async (batch, m, k, n) => {
    for (const variant of ['regblock', 'tiled']) {
      process.env.SATURN_WEBGPU_MATMUL = variant;
      try {
        const p = new ProgramDraft();
        const a = p.buffer('f32', [batch, m, k], 'input', 'a');
        const b = p.buffer('f32', [batch, k, n], 'input', 'b');
        const bias = p.buffer('f32', [n], 'input', 'bias');
        const out = p.buffer('f32', [batch, m, n], 'output', 'out');
        p.kernel({
          kind: 'matmul',
          name: `matmul_${variant}`,
          ops: ['dot', 'add'],
          output: out,
          batch,
          m,
          n,
          k,
          operands: [p.view(a), p.view(b), p.broadcast(bias, [batch, m, n])],
          epilogue: op('add', 'f32', acc(), operand(2)),
        });
        await check(p.build(), 1e-4);
      } finally {
        delete process.env.SATURN_WEBGPU_MATMUL;
      }
    }
  });

  it('matmul of a transposed operand (strided, no vec4 loads)', async () => {
    const p = new ProgramDraft();
    const a = p.buffer('f32', [9, 6], 'input', 'a');
    const b = p.buffer('f32', [10, 6], 'input', 'b');
    const out = p.buffer('f32', [9, 10], 'output', 'out');
    const bt = { ...p.view(b), shape: [6, 10], strides: [1, 6] };
    p.kernel({
      kind: 'matmul',
      name: 'a_bT',
      ops: ['dot'],
      output: out,
      batch: 1,
      m: 9,
      n: 10,
      k: 6,
      operands: [p.view(a), bt],
      epilogue: acc(),
    });
    await check(p.build(), 1e-4);
  });

  it.each([
    ['softmax', 7, 5],
    ['log_softmax', 3, 1000],
    ['logsumexp', 33, 129],
    ['softmax', 2, 300],
  ] as const)('%s of %i rows of %i', async (kind, rows, length) => {
    const p = new ProgramDraft();
    const x = p.buffer('f32', [rows, length], 'input', 'x');
    const out = p.buffer('f32', kind === 'logsumexp' ? [rows] : [rows, length], 'output', 'out');
    p.kernel({
      kind: 'softmax',
      name: kind,
      ops: [kind],
      op: kind,
      operands: [p.view(x)],
      output: out,
      rows,
      length,
    });
    await check(p.build(), 1e-5);
  });

  it('an in-place kernel reads and writes one buffer (operand and output share a slot)', async () => {
    const p = new ProgramDraft();
    const x = p.buffer('f32', [100], 'input', 'x');
    const t = p.buffer('f32', [100], 'temp', 't');
    const out = p.buffer('f32', [100], 'output', 'out', 1);
    p.elementwise('a', [x], t, op('exp', 'f32', operand(0)));
    // t and out share slot 1 (t was given slot 1 by the builder): the second kernel is in place.
    p.kernel({
      kind: 'elementwise',
      name: 'b',
      ops: [],
      operands: [p.view(t)],
      output: out,
      shape: [100],
      expr: op('sqr', 'f32', operand(0)),
      inPlaceOf: 0,
    });
    expect(p.build().memory.slotOf[t]).toBe(p.build().memory.slotOf[out]);
    await check(p.build());
  });
});
