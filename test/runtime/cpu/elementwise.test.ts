import { afterAll, describe, expect, it } from 'vitest';
import { CpuExecutor, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import type { ScalarExpr } from '../../../src/runtime/program.js';
import { constant, operand, ProgramDraft } from '../programs.js';
import { ap, at, evalScalar, f32Ulps, indices, rng } from './programs.js';

afterAll(() => closeCpuPool());

// W1: exp(x)*y + sin(x)/(1+z*z)
const W1: ScalarExpr = ap('add', [
  ap('mul', [ap('exp', [operand(0)]), operand(1)]),
  ap('div', [ap('sin', [operand(0)]), ap('add', [constant(1), ap('mul', [operand(2), operand(2)])])]),
]);

async function runW1(n: number, threads: number, seed = 1) {
  const d = new ProgramDraft();
  const x = d.buffer('f32', [n], 'input');
  const y = d.buffer('f32', [n], 'input');
  const z = d.buffer('f32', [n], 'input');
  const out = d.buffer('f32', [n], 'output');
  d.elementwise('w1', [x, y, z], out, W1);
  const prepared = await new CpuExecutor({ threads }).prepare(d.build());
  const r = rng(seed);
  const data = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => (r() - 0.5) * 20));
  [x, y, z].forEach((b, i) => prepared.write(b, data[i]));
  prepared.run();
  return { got: prepared.read(out) as Float32Array, data, prepared };
}

describe('cpu elementwise kernels', () => {
  // Each term within a few ulp; where the two terms cancel, the error is measured against their size.
  it.each([1, 3, 4, 5, 7, 8, 9, 4099])(
    'W1 over %i elements matches the reference within 4 ulp of its terms',
    async (n) => {
      const { got, data } = await runW1(n, 1);
      for (let i = 0; i < n; i++) {
        const [x, y, z] = [data[0][i], data[1][i], data[2][i]];
        const want = evalScalar(W1, [x, y, z]);
        const scale = Math.abs(Math.exp(x) * y) + Math.abs(Math.sin(x) / (1 + z * z));
        expect(Math.abs(got[i] - want), `element ${i} of ${n}`).toBeLessThanOrEqual(
          4 * 2 ** (Math.floor(Math.log2(scale)) - 23),
        );
      }
    },
  );

  it('broadcast, transposed and boolean operands on a [7, 9] grid', async () => {
    const d = new ProgramDraft();
    const a = d.buffer('f32', [9, 7], 'input'); // read transposed
    const row = d.buffer('f32', [9], 'input'); // broadcast along axis 0
    const mask = d.buffer('bool', [7, 9], 'input');
    const out = d.buffer('f32', [7, 9], 'output');
    const views = [d.view(a, [7, 9], [1, 7]), d.view(row, [7, 9], [0, 1]), d.view(mask)];
    const expr = ap('switch', [
      operand(2, 'bool'),
      ap('mul', [operand(0), operand(1)]),
      ap('neg', [operand(0)]),
    ]);
    d.elementwise('e', views, out, expr);
    const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
    const r = rng(2);
    const av = Float32Array.from({ length: 63 }, () => r() * 4 - 2);
    const rv = Float32Array.from({ length: 9 }, () => r() * 4 - 2);
    const mv = Uint8Array.from({ length: 63 }, () => (r() < 0.5 ? 1 : 0));
    p.write(a, av);
    p.write(row, rv);
    p.write(mask, mv);
    p.run();
    const got = p.read(out);
    const data = [av, rv, mv];
    for (const idx of indices([7, 9])) {
      const want = evalScalar(
        expr,
        views.map((v, k) => at(data[k], v, idx)),
      );
      expect(got[idx[0] * 9 + idx[1]]).toBe(want);
    }
  });

  it('i32 and f64 kernels follow the reference (wrap-around, division by zero, Python modulo)', async () => {
    const d = new ProgramDraft();
    const a = d.buffer('i32', [6], 'input');
    const b = d.buffer('i32', [6], 'input');
    const q = d.buffer('i32', [6], 'output');
    const m = d.buffer('i32', [6], 'output');
    const s = d.buffer('i32', [6], 'output');
    const f = d.buffer('f64', [6], 'output');
    const ops: [number, ScalarExpr][] = [
      [q, ap('int_div', [operand(0, 'i32'), operand(1, 'i32')], 'i32')],
      [m, ap('mod', [operand(0, 'i32'), operand(1, 'i32')], 'i32')],
      [s, ap('add', [operand(0, 'i32'), operand(1, 'i32')], 'i32')],
      [f, ap('div', [operand(0, 'i32'), operand(1, 'i32')], 'f64')],
    ];
    for (const [o, expr] of ops) d.elementwise('i', [a, b], o as never, expr);
    const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
    const av = Int32Array.from([7, -7, 7, -7, 2147483647, 5]);
    const bv = Int32Array.from([2, 2, -2, -2, 1, 0]);
    p.write(a, av);
    p.write(b, bv);
    p.run();
    for (const [o, expr] of ops) {
      const got = p.read(o as never);
      const want = Array.from(av, (v, i) => evalScalar(expr, [v, bv[i]]));
      expect(Array.from(got as Int32Array)).toEqual(want);
    }
  });

  it('propagates NaN, Inf and subnormals as the reference does', async () => {
    const d = new ProgramDraft();
    const x = d.buffer('f32', [12], 'input');
    const outs = ['exp', 'log', 'sqrt', 'relu', 'sigmoid', 'tanh', 'maximum'].map((o) => {
      const out = d.buffer('f32', [12], 'output');
      const expr = o === 'maximum' ? ap('maximum', [operand(0), constant(0)]) : ap(o, [operand(0)]);
      d.elementwise(o, [x], out, expr);
      return { out, expr };
    });
    const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
    const xs = Float32Array.from([
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      1e-45,
      -1e-45,
      1e-40,
      89,
      -104,
      3.4e38,
      -1,
    ]);
    p.write(x, xs);
    p.run();
    for (const { out, expr } of outs) {
      const got = p.read(out);
      xs.forEach((v, i) => {
        const want = evalScalar(expr, [v]);
        expect(
          f32Ulps(got[i], want),
          `${JSON.stringify(expr)} at ${v}: ${got[i]} vs ${want}`,
        ).toBeLessThanOrEqual(3);
      });
    }
  });

  // The vector loop runs sin, cos and tan unchecked and leaves a quad with a lane beyond the vector
  // reduction for a checked copy of its body: lanes of every kind, in every position of a quad and in
  // the scalar tail, and written in place of their input (the checked copy reads before it stores).
  it.each([
    ['sin', 3],
    ['cos', 2.5],
    ['tan', 3.5],
  ] as const)('%s takes lanes beyond its vector reduction through Math, in place too', async (name, ulps) => {
    const special = [1e10, -7753.45068359375, 2049, Infinity, -Infinity, NaN, -0, 0, 1e-40, -2048, 3];
    const xs = Float32Array.from({ length: 27 }, (_, i) =>
      i % 3 === 0 ? special[(i / 3) % special.length] : i - 13,
    );
    for (const inPlace of [false, true]) {
      const d = new ProgramDraft();
      const x = d.buffer('f32', [xs.length], 'input');
      const out = d.buffer('f32', [xs.length], 'output', undefined, inPlace ? 0 : undefined);
      const expr = ap(name, [operand(0)]);
      d.elementwise(name, [x], out, expr);
      const p = await new CpuExecutor({ threads: 1 }).prepare(d.build());
      p.write(x, xs);
      p.run();
      const got = p.read(out);
      xs.forEach((v, i) => {
        const want = evalScalar(expr, [v]);
        expect(f32Ulps(got[i], want), `${name}(${v}) = ${got[i]}, not ${want}`).toBeLessThanOrEqual(ulps);
        if (want === 0) expect(Object.is(got[i], want), `${name}(${v}) = ${got[i]}`).toBe(true);
      });
    }
  });

  it('prints each kernel in the WebAssembly text format when debugging', async () => {
    const d = new ProgramDraft();
    const x = d.buffer('f32', [4], 'input');
    const out = d.buffer('f32', [4], 'output');
    d.elementwise('e', [x], out, ap('exp', [operand(0)]));
    const lines: string[] = [];
    const log = console.log;
    console.log = (text: string) => lines.push(text);
    try {
      await new CpuExecutor({ threads: 1 }).prepare(d.build(), { debug: true });
    } finally {
      console.log = log;
    }
    expect(lines.join('\n')).toMatch(/\(func \$k0_elementwise \(param i32\) \(param i32\)/);
    expect(lines.join('\n')).toContain('f32x4.pmin');
  });

  it('splits across worker threads with the same bits as one thread', async () => {
    const n = 1 << 20;
    const one = await runW1(n, 1, 7);
    const two = await runW1(n, 2, 7);
    expect(Buffer.from(two.got.buffer).equals(Buffer.from(one.got.buffer))).toBe(true);
    two.prepared.dispose();
  });
});
