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
import { RANGE_LIMITED_OPS } from '../math/f32x4-math.js';
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

export function loadScalar(dtype: DType, addr: Expr, offset = 0): Expr {
  return load(LOAD[dtype], addr, offset);
}

export function storeScalar(ctx: KernelContext, dtype: DType, addr: Expr, value: Expr, offset = 0): void {
  ctx.fn.store(STORE[dtype], addr, value, offset);
}

/**
 * True when the kernel runs four float32 lanes at a time (else the float64 scalar form).
 *
 * @example vectorKernel({ shape: [8], operands: [f32View], output: f32Out, expr: exp(x) }) // true
 */
export const vectorKernel = (spec: ElementwiseSpec): boolean =>
  spec.output.dtype === 'f32' && dtypeOf(spec.expr) === 'f32' && vectorizable(spec.expr);

/**
 * Where a view is read or written in the current row: a pointer local, shared by every view with the
 * same strides and element size (they walk in step), plus this view's constant byte distance from it,
 * which goes in the memarg offset. W1's three inputs and output then advance one pointer, not four.
 */
interface Cursor {
  readonly ptr: Local;
  readonly delta: number;
  /** Element stride along the row. */
  readonly stride: number;
  readonly dtype: DType;
}

/** Cursors for `views`; pointers are shared by views that walk in step. */
function cursors(
  fn: KernelContext['fn'],
  views: readonly StridedAccess[],
): { cursors: Cursor[]; leaders: StridedAccess[] } {
  const base = (v: StridedAccess) => v.address + v.offset * BYTES[v.dtype];
  const key = (v: StridedAccess) => `${BYTES[v.dtype]}:${v.strides.join(',')}`;
  // The lowest base of each group leads it, so every other member's distance is a valid (unsigned) offset.
  const leaders = new Map<string, StridedAccess>();
  for (const v of views) {
    const lead = leaders.get(key(v));
    if (!lead || base(v) < base(lead)) leaders.set(key(v), v);
  }
  const ptrs = new Map([...leaders.keys()].map((k) => [k, fn.local('i32')]));
  return {
    cursors: views.map((v) => ({
      ptr: ptrs.get(key(v))!,
      delta: base(v) - base(leaders.get(key(v))!),
      stride: v.strides[v.strides.length - 1],
      dtype: v.dtype,
    })),
    leaders: [...leaders.values()],
  };
}

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
  const { cursors: at, leaders } = cursors(fn, cviews);
  const leaderPtrs = leaders.map((v) => at[cviews.findIndex((w) => w === v)].ptr);
  // A work item is an element; each pass takes the rest of a row (or of the range).
  forEachWorkItem(fn, (i) => {
    const col = fn.let(op('i32.rem_u', get(i), i32(inner)));
    const row = op('i32.div_u', get(i), i32(inner));
    const n = fn.local('i32');
    const left = op('i32.sub', get(end), get(i));
    const rowLeft = op('i32.sub', i32(inner), col);
    fn.set(n, select(left, rowLeft, op('i32.lt_s', left, rowLeft)));
    const addrs = rowAddresses(fn, c.shape, leaders, row, col);
    addrs.forEach((a, k) => fn.set(leaderPtrs[k], a));
    // The scalar row counts n down to 0: the step is kept first.
    const step = fn.let(get(n));
    if (vector) vectorRow(ctx, spec, at, n);
    else scalarRow(ctx, spec, at, n);
    return step;
  });
  return { total, vector, shape: c.shape };
}

/** Moves every pointer `lanes` elements along its views' inner stride. */
function advance(ctx: KernelContext, at: readonly Cursor[], lanes: number): void {
  const moved = new Set<Local>();
  for (const a of at) {
    const bytes = lanes * a.stride * BYTES[a.dtype];
    if (bytes === 0 || moved.has(a.ptr)) continue;
    moved.add(a.ptr);
    ctx.fn.set(a.ptr, op('i32.add', get(a.ptr), i32(bytes)));
  }
}

/** Runs `body` `count` times (the local counts down to 0), advancing `lanes` elements after each. */
function walkRow(
  ctx: KernelContext,
  at: readonly Cursor[],
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
      advance(ctx, at, lanes);
      fn.set(count, op('i32.sub', get(count), i32(1)));
    },
  );
}

/** True when some op of `expr` is range-limited in its vector form (see `F32x4Math.unchecked`). */
function rangeLimited(expr: ScalarExpr): boolean {
  return expr.kind === 'op' && (RANGE_LIMITED_OPS.has(expr.op) || expr.args.some(rangeLimited));
}

/** The operands `expr` reads. */
function operandsOf(expr: ScalarExpr, into = new Set<number>()): Set<number> {
  if (expr.kind === 'operand') into.add(expr.index);
  if (expr.kind === 'op') expr.args.forEach((a) => operandsOf(a, into));
  return into;
}

function vectorRow(ctx: KernelContext, spec: ElementwiseSpec, at: readonly Cursor[], n: Local): void {
  const { fn } = ctx;
  const out = at.length - 1;
  const used = [...operandsOf(spec.expr)].sort((a, b) => a - b);
  // Broadcast operands: one splat per row.
  const splat = at.slice(0, out).map((a) => (a.stride === 0 ? fn.let(splatOf(a)) : null));
  /** The expression over four lanes, each operand loaded once (an operand used twice is not read twice). */
  const lanes4 = (): Expr => {
    const loaded = new Map(used.map((k) => [k, splat[k] ?? gather(ctx, at[k])]));
    return compileVector(ctx, spec.expr, { operand: (k) => loaded.get(k)! });
  };
  const store4 = (value: Expr) => {
    const o = at[out];
    if (o.stride === 1) fn.store('v128.store', get(o.ptr), value, o.delta);
    else {
      const v = fn.let(value);
      for (let l = 0; l < 4; l++)
        fn.store('f32.store', get(o.ptr), lane('f32x4.extract_lane', l, v), o.delta + l * o.stride * 4);
    }
  };
  const quads = fn.local('i32');
  fn.set(quads, op('i32.shr_u', get(n), i32(2)));
  if (!rangeLimited(spec.expr)) walkRow(ctx, at, quads, 4, () => store4(lanes4()));
  else
    // The loop runs sin, cos and tan without their range checks; a quad with a lane out of range
    // leaves it (before its store, so an in-place kernel still reads its inputs) for a copy of the
    // body with the checks, then comes back.
    fn.block((done) =>
      fn.loop((resume) => {
        fn.block((slow) => {
          walkRow(ctx, at, quads, 4, () => {
            const { value, outOfRange } = ctx.math.unchecked(lanes4);
            if (outOfRange) fn.brIf(slow, op('i32x4.bitmask', outOfRange));
            store4(value);
          });
          fn.br(done);
        });
        store4(lanes4());
        advance(ctx, at, 4);
        fn.set(quads, op('i32.sub', get(quads), i32(1)));
        fn.br(resume);
      }),
    );
  const tail = fn.local('i32');
  fn.set(tail, op('i32.and', get(n), i32(3)));
  walkRow(ctx, at, tail, 1, () => {
    const loaded = new Map(used.map((k) => [k, splat[k] ?? fn.let(splatOf(at[k]))]));
    const value = compileVector(ctx, spec.expr, { operand: (k) => loaded.get(k)! });
    const o = at[out];
    fn.store('f32.store', get(o.ptr), lane('f32x4.extract_lane', 0, value), o.delta);
  });
}

/** One element of a view in all four lanes (a bool as 0/1 int lanes). */
function splatOf(a: Cursor): Expr {
  return a.dtype === 'bool'
    ? op('i32x4.splat', load('i32.load8_u', get(a.ptr), a.delta))
    : load('v128.load32_splat', get(a.ptr), a.delta);
}

/** Lane `l` of a strided walk: a memarg offset where it is positive (memargs are unsigned), else an add. */
function laneAddress(a: Cursor, bytes: number): { addr: Expr; offset: number } {
  return a.delta + bytes >= 0
    ? { addr: get(a.ptr), offset: a.delta + bytes }
    : { addr: op('i32.add', get(a.ptr), i32(a.delta + bytes)), offset: 0 };
}

/** Four lanes of a view with inner stride ≠ 0. */
function gather(ctx: KernelContext, a: Cursor): Expr {
  if (a.dtype === 'bool') {
    if (a.stride === 1)
      return ctx.fn.let(
        op(
          'i32x4.extend_low_i16x8_u',
          op('i16x8.extend_low_i8x16_u', load('v128.load32_zero', get(a.ptr), a.delta)),
        ),
      );
    let v = op('i32x4.splat', load('i32.load8_u', get(a.ptr), a.delta));
    for (let l = 1; l < 4; l++) {
      const at = laneAddress(a, l * a.stride);
      v = lane('i32x4.replace_lane', l, v, load('i32.load8_u', at.addr, at.offset));
    }
    return ctx.fn.let(v);
  }
  if (a.stride === 1) return ctx.fn.let(load('v128.load', get(a.ptr), a.delta));
  let v = load('v128.load32_splat', get(a.ptr), a.delta);
  for (let l = 1; l < 4; l++) {
    const at = laneAddress(a, l * a.stride * 4);
    v = lane('f32x4.replace_lane', l, v, load('f32.load', at.addr, at.offset));
  }
  return ctx.fn.let(v);
}

function scalarRow(ctx: KernelContext, spec: ElementwiseSpec, at: readonly Cursor[], n: Local): void {
  const out = at.length - 1;
  walkRow(ctx, at, n, 1, () => {
    const value = compileScalar(ctx, spec.expr, {
      operand: (k) => loadScalar(at[k].dtype, get(at[k].ptr), at[k].delta),
    });
    const o = at[out];
    storeScalar(
      ctx,
      o.dtype,
      get(o.ptr),
      convert(ctx, ctx.fn.let(value), dtypeOf(spec.expr), o.dtype),
      o.delta,
    );
  });
}
