/**
 * Scalar expressions for the WebGPU kernel tests (their Programs come from ../programs.ts), and a float64 reference that evaluates a program
 * kernel by kernel with the op table's scalar functions (rounding to each buffer's dtype), so every
 * kernel kind is checked on its own, with views the lowering may or may not produce yet.
 */
import { castValue, type DType } from '../../../src/graph/dtype.js';
import { OPS } from '../../../src/graph/op-table.js';
import type { BufferId, Program, ScalarExpr, View } from '../../../src/runtime/program.js';
import { elementCount, rowMajorStrides } from '../../../src/runtime/views.js';

export const op = (name: string, dtype: DType, ...args: ScalarExpr[]): ScalarExpr => ({
  kind: 'op',
  op: name,
  args,
  dtype,
});
export const acc = (dtype: DType = 'f32'): ScalarExpr => ({ kind: 'acc', dtype });

/** Evaluates a program in float64 with rounding to each buffer's dtype; returns every buffer's value. */
export function referenceRun(
  program: Program,
  values: Map<BufferId, Float64Array>,
): Map<BufferId, Float64Array> {
  const env = new Map(values);
  for (const b of program.buffers) if (b.role === 'constant' && b.value) env.set(b.id, b.value);
  const read = (v: View, coords: readonly number[]) =>
    env.get(v.buffer)![v.offset + coords.reduce((s, c, k) => s + c * v.strides[k], 0)];
  const evalExpr = (e: ScalarExpr, at: (i: number) => number, accValue = 0): number => {
    switch (e.kind) {
      case 'operand':
        return at(e.index);
      case 'acc':
        return castValue(accValue, e.dtype);
      case 'const':
        return e.value;
      case 'op': {
        const args = e.args.map((a) => evalExpr(a, at, accValue));
        const def = OPS.get(e.op)!;
        const raw = e.op === 'cast' ? args[0] : def.scalar!(...args);
        return castValue(raw, e.op === 'cast' ? (e.attrs!.dtype as DType) : e.dtype);
      }
    }
  };
  const each = (shape: readonly number[], f: (coords: number[], flat: number) => void) => {
    const n = elementCount(shape);
    const coords = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      let r = i;
      for (let k = shape.length - 1; k >= 0; k--) {
        coords[k] = r % shape[k];
        r = Math.floor(r / shape[k]);
      }
      f(coords, i);
    }
  };
  for (const k of program.kernels) {
    const outDecl = program.buffers[k.output];
    const out = new Float64Array(outDecl.size);
    const round = (v: number) => castValue(v, outDecl.dtype);
    switch (k.kind) {
      case 'elementwise':
      case 'copy':
        each(k.shape, (c, i) => {
          out[i] = round(
            k.kind === 'copy' ? read(k.operands[0], c) : evalExpr(k.expr, (j) => read(k.operands[j], c)),
          );
        });
        break;
      case 'concat': {
        const strides = rowMajorStrides(k.shape);
        let start = 0;
        for (const v of k.operands) {
          each(v.shape, (c) => {
            const idx = c.reduce((s, x, d) => s + (d === k.axis ? x + start : x) * strides[d], 0);
            out[idx] = round(read(v, c));
          });
          start += v.shape[k.axis];
        }
        break;
      }
      case 'reduce': {
        const kept = k.shape.map((_, d) => d).filter((d) => !k.axes.includes(d));
        const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity, all: 1, any: 0 }[k.op];
        const accs = new Float64Array(outDecl.size).fill(init);
        each(k.shape, (c) => {
          const o = kept.reduce((s, d) => s * k.shape[d] + c[d], 0);
          const x = evalExpr(k.producer, (j) => read(k.operands[j], c));
          const a = accs[o];
          accs[o] =
            k.op === 'sum'
              ? a + x
              : k.op === 'prod'
                ? a * x
                : k.op === 'max'
                  ? a >= x || Number.isNaN(a)
                    ? a
                    : x
                  : k.op === 'min'
                    ? a <= x || Number.isNaN(a)
                      ? a
                      : x
                    : k.op === 'all'
                      ? +(a !== 0 && x !== 0)
                      : +(a !== 0 || x !== 0);
        });
        accs.forEach((a, o) => (out[o] = round(evalExpr(k.epilogue, () => NaN, a))));
        break;
      }
      case 'matmul': {
        const [a, b, ...extras] = k.operands;
        const at3 = (v: View, bi: number, i: number, j: number) =>
          v.shape.length === 3 ? read(v, [bi, i, j]) : read(v, [i, j]);
        for (let bi = 0; bi < k.batch; bi++)
          for (let i = 0; i < k.m; i++)
            for (let j = 0; j < k.n; j++) {
              let s = 0;
              for (let q = 0; q < k.k; q++) s += at3(a, bi, i, q) * at3(b, bi, q, j);
              out[(bi * k.m + i) * k.n + j] = round(
                evalExpr(k.epilogue, (x) => at3(extras[x - 2], bi, i, j), s),
              );
            }
        break;
      }
      case 'softmax': {
        const v = k.operands[0];
        const rowShape = v.shape.slice(0, -1);
        each(rowShape, (c, row) => {
          const xs = Array.from({ length: k.length }, (_, j) => read(v, [...c, j]));
          const m = Math.max(...xs);
          const s = xs.reduce((t, x) => t + Math.exp(x - m), 0);
          if (k.op === 'logsumexp') out[row] = round(m + Math.log(s));
          else
            xs.forEach(
              (x, j) =>
                (out[row * k.length + j] = round(
                  k.op === 'softmax' ? Math.exp(x - m) / s : x - m - Math.log(s),
                )),
            );
        });
        break;
      }
    }
    env.set(k.output, out);
  }
  for (const u of program.updates) env.set(u.param, env.get(u.value)!);
  return env;
}

/** Deterministic values in [-range, range] (a small LCG; tests must not depend on Math.random). */
export function randomValues(n: number, seed: number, range = 2): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.fround(((s / 2 ** 32) * 2 - 1) * range);
  }
  return out;
}
