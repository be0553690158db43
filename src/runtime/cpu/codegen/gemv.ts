/**
 * float32 matrix–vector products (`n = 1`), which the 4×8 tiles would run at 1/8 of their width:
 * `gemv-dot` when A's rows are contiguous (each output a dot product along k, two f32x4
 * accumulators), `gemv-axpy` when A's columns are (xᵀ·d: sixteen outputs at a time, accumulating
 * column k times b[k]). Every output row is computed by the same vector instructions wherever it
 * falls in a block or a thread's range (leftover rows run the same code on lane 0), so splits never
 * change a bit. `fn(rowStart, rowEnd)` over rows `batch · m + i`.
 */
import { type Expr, f32x4, get, i32, lane, load, op } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { whileNot } from './iteration.js';
import type { MatmulSpec } from './matmul.js';

export type GemvKind = 'dot' | 'axpy';

/** Which form fits the operands' strides, if any. */
export function gemvKind(spec: MatmulSpec): GemvKind | undefined {
  if (spec.n !== 1 || spec.dtype !== 'f32' || spec.a.dtype !== 'f32' || spec.b.dtype !== 'f32')
    return undefined;
  if (spec.a.strides[2] === 1 && spec.b.strides[1] === 1) return 'dot';
  if (spec.a.strides[1] === 1) return 'axpy';
  return undefined;
}

const add = (a: Expr, b: Expr) => op('i32.add', a, b);
const mul = (a: Expr, b: Expr) => op('i32.mul', a, b);

export function generateGemv(ctx: KernelContext, spec: MatmulSpec, kind: GemvKind): void {
  if (kind === 'dot') dot(ctx, spec);
  else axpy(ctx, spec);
}

function dot(ctx: KernelContext, spec: MatmulSpec): void {
  const { fn } = ctx;
  const [start, end] = fn.params;
  const [sab, sam] = spec.a.strides;
  const sbb = spec.b.strides[0];
  const w = fn.local('i32');
  const pa = fn.local('i32');
  const pb = fn.local('i32');
  const kk = fn.local('i32');
  const acc0 = fn.local('v128');
  const acc1 = fn.local('v128');
  fn.set(w, get(start));
  whileNot(
    fn,
    () => op('i32.ge_s', get(w), get(end)),
    () => {
      const bi = fn.let(op('i32.div_u', get(w), i32(spec.m)));
      const row = op('i32.rem_u', get(w), i32(spec.m));
      fn.set(
        pa,
        add(i32(spec.a.address + spec.a.offset * 4), mul(add(mul(bi, i32(sab)), mul(row, i32(sam))), i32(4))),
      );
      fn.set(pb, add(i32(spec.b.address + spec.b.offset * 4), mul(bi, i32(sbb * 4))));
      fn.set(acc0, f32x4(0));
      fn.set(acc1, f32x4(0));
      fn.set(kk, i32(spec.k >> 3));
      whileNot(
        fn,
        () => op('i32.eqz', get(kk)),
        () => {
          fn.set(acc0, ctx.math.madd(load('v128.load', get(pa)), load('v128.load', get(pb)), get(acc0)));
          fn.set(
            acc1,
            ctx.math.madd(load('v128.load', get(pa), 16), load('v128.load', get(pb), 16), get(acc1)),
          );
          fn.set(pa, add(get(pa), i32(32)));
          fn.set(pb, add(get(pb), i32(32)));
          fn.set(kk, op('i32.sub', get(kk), i32(1)));
        },
      );
      // The last k mod 8 products go into lane 0 of acc0 through the same vector multiply-add.
      fn.set(kk, i32(spec.k & 7));
      whileNot(
        fn,
        () => op('i32.eqz', get(kk)),
        () => {
          const a = load('v128.load32_zero', get(pa));
          fn.set(acc0, ctx.math.madd(a, load('v128.load32_zero', get(pb)), get(acc0)));
          fn.set(pa, add(get(pa), i32(4)));
          fn.set(pb, add(get(pb), i32(4)));
          fn.set(kk, op('i32.sub', get(kk), i32(1)));
        },
      );
      const s = fn.let(op('f32x4.add', get(acc0), get(acc1)));
      const total = op(
        'f32.add',
        op('f32.add', lane('f32x4.extract_lane', 0, s), lane('f32x4.extract_lane', 1, s)),
        op('f32.add', lane('f32x4.extract_lane', 2, s), lane('f32x4.extract_lane', 3, s)),
      );
      fn.store('f32.store', add(i32(spec.out), mul(get(w), i32(4))), total);
      fn.set(w, add(get(w), i32(1)));
    },
  );
}

const BLOCK = 16;

function axpy(ctx: KernelContext, spec: MatmulSpec): void {
  const { fn } = ctx;
  const [start, end] = fn.params;
  const [sab, , sak] = spec.a.strides;
  const [sbb, sbk] = spec.b.strides;
  const w = fn.local('i32');
  const count = fn.local('i32');
  const pa = fn.local('i32');
  const pb = fn.local('i32');
  const kk = fn.local('i32');
  const acc = Array.from({ length: BLOCK / 4 }, () => fn.local('v128'));
  fn.set(w, get(start));
  whileNot(
    fn,
    () => op('i32.ge_s', get(w), get(end)),
    () => {
      const bi = fn.let(op('i32.div_u', get(w), i32(spec.m)));
      const row = fn.let(op('i32.rem_u', get(w), i32(spec.m)));
      // Rows left in this batch and in the range: a full block, or one row at a time.
      const left = fn.let(op('i32.sub', i32(spec.m), row));
      const inRange = fn.let(op('i32.sub', get(end), get(w)));
      const full = fn.let(
        op('i32.and', op('i32.ge_s', left, i32(BLOCK)), op('i32.ge_s', inRange, i32(BLOCK))),
      );
      fn.set(pa, add(i32(spec.a.address + spec.a.offset * 4), mul(add(mul(bi, i32(sab)), row), i32(4))));
      fn.set(pb, add(i32(spec.b.address + spec.b.offset * 4), mul(bi, i32(sbb * 4))));
      fn.set(kk, i32(spec.k));
      acc.forEach((a) => fn.set(a, f32x4(0)));
      fn.if(
        full,
        () => {
          whileNot(
            fn,
            () => op('i32.eqz', get(kk)),
            () => {
              const bk = fn.let(load('v128.load32_splat', get(pb)));
              acc.forEach((a, j) => fn.set(a, ctx.math.madd(load('v128.load', get(pa), j * 16), bk, get(a))));
              fn.set(pa, add(get(pa), i32(sak * 4)));
              fn.set(pb, add(get(pb), i32(sbk * 4)));
              fn.set(kk, op('i32.sub', get(kk), i32(1)));
            },
          );
          const out = fn.let(add(i32(spec.out), mul(get(w), i32(4))));
          acc.forEach((a, j) => fn.store('v128.store', out, get(a), j * 16));
          fn.set(count, i32(BLOCK));
        },
        () => {
          whileNot(
            fn,
            () => op('i32.eqz', get(kk)),
            () => {
              const a = load('v128.load32_zero', get(pa));
              fn.set(acc[0], ctx.math.madd(a, load('v128.load32_splat', get(pb)), get(acc[0])));
              fn.set(pa, add(get(pa), i32(sak * 4)));
              fn.set(pb, add(get(pb), i32(sbk * 4)));
              fn.set(kk, op('i32.sub', get(kk), i32(1)));
            },
          );
          fn.store(
            'f32.store',
            add(i32(spec.out), mul(get(w), i32(4))),
            lane('f32x4.extract_lane', 0, get(acc[0])),
          );
          fn.set(count, i32(1));
        },
      );
      fn.set(w, add(get(w), get(count)));
    },
  );
}
