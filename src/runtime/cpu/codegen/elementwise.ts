/**
 * Fused elementwise kernels: `out[i] = expr(operands at i)` over strided views. The generated
 * function takes a flat range `(start, end)` of the coalesced iteration space, so the executor can
 * split any kernel across threads. Per row it computes each view's address once; the row is then
 * walked four lanes at a time (contiguous loads, splats for broadcast operands, gathers for other
 * strides) and finished one element at a time with the same vector code on lane 0, so every element
 * gets the same bits wherever a split puts it. Kernels that are not float32 (or use values the vector
 * form lacks) run the scalar form, which is the reference's float64-then-round meaning.
 */
import type { ScalarExpr } from '../../program.js';
import { type Expr, get, i32, lane, load, op, select } from '../wasm/expr.js';
import type { Local } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { BYTES, coalesce, forEachWorkItem, rowAddresses, type StridedAccess, whileNot } from './iteration.js';
import { compileScalar, convert, dtypeOf } from './scalar-ops.js';
import { compileVector, vectorizable } from './vector-ops.js';
import type { DType } from '../../../graph/dtype.js';
import type { StoreName } from '../wasm/opcodes.js';

export interface ElementwiseSpec {
  readonly shape: readonly number[];
  readonly operands: readonly StridedAccess[];
  /** Where results go (strided too: concat writes into a slice). */
  readonly output: StridedAccess;
  readonly expr: ScalarExpr;
}

/** The plan a generated elementwise function follows; `total` is the flat range it accepts. */
export interface ElementwisePlan {
  readonly total: number;
  readonly vector: boolean;
  readonly shape: readonly number[];
}

const LOAD = {
  f32: 'f32.load',
  f64: 'f64.load',
  i64: 'f64.load',
  i32: 'i32.load',
  bool: 'i32.load8_u',
} as const;
export const STORE: Record<DType, StoreName> = {
  f32: 'f32.store',
  f64: 'f64.store',
  i64: 'f64.store',
  i32: 'i32.store',
  bool: 'i32.store8',
};

export function loadScalar(dtype: DType, addr: Expr): Expr {
  return load(LOAD[dtype], addr);
}

export function storeScalar(ctx: KernelContext, dtype: DType, addr: Expr, value: Expr): void {
  ctx.fn.store(STORE[dtype], addr, value);
}

/**
 * True when the kernel runs four float32 lanes at a time (else the float64 scalar form).
 *
 * @example vectorKernel({ shape: [8], operands: [f32View], output: f32Out, expr: exp(x) }) // true
 */
export const vectorKernel = (spec: ElementwiseSpec): boolean =>
  spec.output.dtype === 'f32' && dtypeOf(spec.expr) === 'f32' && vectorizable(spec.expr);

/** Writes the body of `fn(start, end)`; returns its plan. */
export function generateElementwise(ctx: KernelContext, spec: ElementwiseSpec): ElementwisePlan {
  const { fn } = ctx;
  const views = [...spec.operands, spec.output];
  const c = coalesce(
    spec.shape,
    views.map((v) => v.strides),
  );
  const cviews = views.map((v, k) => ({ ...v, strides: c.strides[k] }));
  const inner = c.shape[c.shape.length - 1];
  const total = c.shape.reduce((a, b) => a * b, 1);
  const vector = vectorKernel(spec);
  const end = fn.params[1];
  const ptr = cviews.map(() => fn.local('i32'));
  const s = cviews.map((v) => v.strides[v.strides.length - 1]);
  // A work item is an element; each pass takes the rest of a row (or of the range).
  forEachWorkItem(fn, (i) => {
    const col = fn.let(op('i32.rem_u', get(i), i32(inner)));
    const row = op('i32.div_u', get(i), i32(inner));
    const n = fn.local('i32');
    const left = op('i32.sub', get(end), get(i));
    const rowLeft = op('i32.sub', i32(inner), col);
    fn.set(n, select(left, rowLeft, op('i32.lt_s', left, rowLeft)));
    const addrs = rowAddresses(fn, c.shape, cviews, row, col);
    addrs.forEach((a, k) => fn.set(ptr[k], a));
    // The scalar row counts n down to 0: the step is kept first.
    const step = fn.let(get(n));
    if (vector) vectorRow(ctx, spec, cviews, ptr, s, n);
    else scalarRow(ctx, spec, cviews, ptr, s, n);
    return step;
  });
  return { total, vector, shape: c.shape };
}

/**
 * Runs `body` `count` times (the local counts down to 0), `lanes` elements at a time: after each, every
 * view's pointer moves `lanes` elements along its inner stride `s`.
 */
function walkRow(
  ctx: KernelContext,
  views: readonly StridedAccess[],
  ptr: readonly Local[],
  s: readonly number[],
  count: Local,
  lanes: number,
  body: () => void,
): void {
  const { fn } = ctx;
  whileNot(
    fn,
    () => op('i32.eqz', get(count)),
    () => {
      body();
      views.forEach((view, k) => {
        const bytes = lanes * s[k] * BYTES[view.dtype];
        if (bytes !== 0) fn.set(ptr[k], op('i32.add', get(ptr[k]), i32(bytes)));
      });
      fn.set(count, op('i32.sub', get(count), i32(1)));
    },
  );
}

function vectorRow(
  ctx: KernelContext,
  spec: ElementwiseSpec,
  views: readonly StridedAccess[],
  ptr: readonly Local[],
  s: readonly number[],
  n: Local,
): void {
  const { fn } = ctx;
  const out = views.length - 1;
  // Broadcast operands: one splat per row.
  const splat = views
    .slice(0, out)
    .map((v, k) =>
      s[k] === 0
        ? fn.let(
            v.dtype === 'bool'
              ? op('i32x4.splat', load('i32.load8_u', get(ptr[k])))
              : load('v128.load32_splat', get(ptr[k])),
          )
        : null,
    );
  const quads = fn.local('i32');
  fn.set(quads, op('i32.shr_u', get(n), i32(2)));
  walkRow(ctx, views, ptr, s, quads, 4, () => {
    const value = compileVector(ctx, spec.expr, {
      operand: (k) => splat[k] ?? gather(ctx, views[k].dtype, ptr[k], s[k]),
    });
    const v = fn.let(value);
    if (s[out] === 1) fn.store('v128.store', get(ptr[out]), v);
    else
      for (let l = 0; l < 4; l++)
        fn.store('f32.store', get(ptr[out]), lane('f32x4.extract_lane', l, v), l * s[out] * 4);
  });
  const tail = fn.local('i32');
  fn.set(tail, op('i32.and', get(n), i32(3)));
  walkRow(ctx, views, ptr, s, tail, 1, () => {
    const value = compileVector(ctx, spec.expr, {
      operand: (k) =>
        splat[k] ??
        (views[k].dtype === 'bool'
          ? op('i32x4.splat', load('i32.load8_u', get(ptr[k])))
          : load('v128.load32_splat', get(ptr[k]))),
    });
    fn.store('f32.store', get(ptr[out]), lane('f32x4.extract_lane', 0, value));
  });
}

/** Lane `l` of a strided walk: a memarg offset where it is positive (memargs are unsigned), else an add. */
function laneAddress(p: Local, bytes: number): { addr: Expr; offset: number } {
  return bytes >= 0
    ? { addr: get(p), offset: bytes }
    : { addr: op('i32.add', get(p), i32(bytes)), offset: 0 };
}

/** Four lanes of a view with inner stride `stride` ≠ 0 at `p`. */
function gather(ctx: KernelContext, dtype: DType, p: Local, stride: number): Expr {
  if (dtype === 'bool') {
    if (stride === 1)
      return op('i32x4.extend_low_i16x8_u', op('i16x8.extend_low_i8x16_u', load('v128.load32_zero', get(p))));
    let v = op('i32x4.splat', load('i32.load8_u', get(p)));
    for (let l = 1; l < 4; l++) {
      const at = laneAddress(p, l * stride);
      v = lane('i32x4.replace_lane', l, v, load('i32.load8_u', at.addr, at.offset));
    }
    return ctx.fn.let(v);
  }
  if (stride === 1) return load('v128.load', get(p));
  let v = load('v128.load32_splat', get(p));
  for (let l = 1; l < 4; l++) {
    const at = laneAddress(p, l * stride * 4);
    v = lane('f32x4.replace_lane', l, v, load('f32.load', at.addr, at.offset));
  }
  return ctx.fn.let(v);
}

function scalarRow(
  ctx: KernelContext,
  spec: ElementwiseSpec,
  views: readonly StridedAccess[],
  ptr: readonly Local[],
  s: readonly number[],
  n: Local,
): void {
  const out = views.length - 1;
  walkRow(ctx, views, ptr, s, n, 1, () => {
    const value = compileScalar(ctx, spec.expr, {
      operand: (k) => loadScalar(views[k].dtype, get(ptr[k])),
    });
    const outDtype = views[out].dtype;
    storeScalar(ctx, outDtype, get(ptr[out]), convert(ctx, ctx.fn.let(value), dtypeOf(spec.expr), outDtype));
  });
}
