/**
 * Reductions with fused producers: `out[o] = epilogue(fold_op(producer(operands) over the reduced
 * axes))`. Kept axes and reduced axes are coalesced separately; the generated functions take ranges:
 *
 * - `per-output` plans: `fn(oStart, oEnd)` folds whole groups, one output each (many outputs).
 * - `chunked` plans (few outputs, one long contiguous reduced axis): `partial(wStart, wEnd)` folds
 *   fixed chunks of `CHUNK` elements into float64 partials, `finish(oStart, oEnd)` folds each output's
 *   partials in order. The chunking depends on sizes only, so the result is the same bits for any
 *   number of threads.
 *
 * float32 sums run four lanes at a time, add blocks of four quads pairwise in float32 and carry the
 * partial sums in float64 (four f64x2 chains); everything else folds in float64 scalars, as the
 * reference does.
 */
import type { ReduceKernel, ScalarExpr } from '../../program.js';
import {
  type Expr,
  f64,
  f32x4,
  get,
  i32,
  lane,
  load,
  type Local,
  op,
  select,
  shuffle,
} from '../wasm/expr.js';
import { sel } from '../math/f32x4-math.js';
import type { KernelContext } from './context.js';
import { BYTES, coalesce, forEachWorkItem, type StridedAccess, whileNot } from './iteration.js';
import { compileScalar, convert, dtypeOf, toF64 } from './scalar-ops.js';
import { compileVector, vectorizable } from './vector-ops.js';
import { loadScalar, storeScalar } from './elementwise.js';

/** Quads a step of the float32 sum loop: two blocks of four, one per pair of float64 chains. */
const UNROLL = 8;
/** Reduced elements per partial in chunked plans. */
export const CHUNK = 1 << 15;

export interface ReduceSpec {
  readonly op: ReduceKernel['op'];
  readonly shape: readonly number[];
  readonly axes: readonly number[];
  readonly operands: readonly StridedAccess[];
  readonly output: StridedAccess;
  readonly producer: ScalarExpr;
  readonly epilogue: ScalarExpr;
}

export type ReducePlan =
  | { readonly kind: 'per-output'; readonly outputs: number; readonly work: number }
  | {
      readonly kind: 'chunked';
      readonly outputs: number;
      readonly chunks: number;
      /** Byte address of the float64 partials (outputs × chunks). */
      readonly scratch: number;
      readonly work: number;
    };

export interface Geometry {
  readonly keptShape: number[];
  readonly keptStrides: number[][];
  readonly redShape: number[];
  readonly redStrides: number[][];
  readonly outputs: number;
  readonly inner: number;
}

export function geometry(spec: ReduceSpec): Geometry {
  const kept = spec.shape.map((_, i) => i).filter((i) => !spec.axes.includes(i));
  const red = [...spec.axes];
  const k = coalesce(
    kept.map((i) => spec.shape[i]),
    spec.operands.map((v) => kept.map((i) => v.strides[i])),
  );
  const r = coalesce(
    red.map((i) => spec.shape[i]),
    spec.operands.map((v) => red.map((i) => v.strides[i])),
  );
  const outputs = kept.reduce((a, i) => a * spec.shape[i], 1);
  return {
    keptShape: k.shape,
    keptStrides: k.strides,
    redShape: r.shape,
    redStrides: r.strides,
    outputs,
    inner: r.shape[r.shape.length - 1],
  };
}

/**
 * True when every operand walks the innermost reduced axis contiguously (or broadcasts it).
 *
 * @example innerContiguous(sum of a row-major [37, 53] over axis 1) // true; over axis 0: false
 */
export function innerContiguous(spec: ReduceSpec): boolean {
  const g = geometry(spec);
  return g.redStrides.every((s) => s[s.length - 1] <= 1 && s[s.length - 1] >= 0);
}

/** Chooses the plan from sizes alone; `scratch` is where chunked partials may go. */
export function planReduce(spec: ReduceSpec, scratch: number): ReducePlan {
  const g = geometry(spec);
  const total = spec.shape.reduce((a, b) => a * b, 1);
  if (g.redShape.length === 1 && g.inner >= 2 * CHUNK && g.outputs < 16) {
    return { kind: 'chunked', outputs: g.outputs, chunks: Math.ceil(g.inner / CHUNK), scratch, work: total };
  }
  return { kind: 'per-output', outputs: g.outputs, work: total };
}

export const INIT: Record<ReduceSpec['op'], number> = {
  sum: 0,
  prod: 1,
  max: -Infinity,
  min: Infinity,
  all: 1,
  any: 0,
};

/** One fold step in float64, the reference's rule for `op`. */
function fold(opName: ReduceSpec['op'], a: Expr, v: Expr): Expr {
  const nz = (x: Expr) => op('f64.ne', x, f64(0));
  const b = (t: Expr) => select(f64(1), f64(0), t);
  switch (opName) {
    case 'sum':
      return op('f64.add', a, v);
    case 'prod':
      return op('f64.mul', a, v);
    case 'max':
      return select(v, a, op('i32.or', op('f64.gt', v, a), op('f64.ne', v, v)));
    case 'min':
      return select(v, a, op('i32.or', op('f64.lt', v, a), op('f64.ne', v, v)));
    case 'all':
      return b(op('i32.and', nz(a), nz(v)));
    case 'any':
      return b(op('i32.or', nz(a), nz(v)));
  }
}

/** Addresses of each operand at flat index `index` over `shape` with per-operand `strides`. */
export function addressesAt(
  ctx: KernelContext,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  bases: readonly Expr[],
  sizes: readonly number[],
  index: Expr,
): Expr[] {
  const { fn } = ctx;
  const out = [...bases];
  let rest = fn.let(index);
  for (let d = shape.length - 1; d >= 0; d--) {
    const idx = d === 0 ? rest : fn.let(op('i32.rem_u', rest, i32(shape[d])));
    strides.forEach((s, k) => {
      if (s[d] !== 0) out[k] = op('i32.add', out[k], op('i32.mul', idx, i32(s[d] * sizes[k])));
    });
    if (d > 0) rest = fn.let(op('i32.div_u', rest, i32(shape[d])));
  }
  return out.map((e) => fn.let(e));
}

/**
 * Folds the inner reduced axis from element `from` to `to` into `acc` (f64 local), with each operand
 * starting at `ptr` (advanced in place).
 */
function foldInner(
  ctx: KernelContext,
  spec: ReduceSpec,
  acc: Local,
  ptr: readonly Local[],
  steps: readonly number[],
  count: Local,
): void {
  const { fn } = ctx;
  const sizes = spec.operands.map((v) => BYTES[v.dtype]);
  const vector =
    (spec.op === 'sum' || spec.op === 'max' || spec.op === 'min') &&
    dtypeOf(spec.producer) === 'f32' &&
    vectorizable(spec.producer) &&
    steps.every((s) => s === 0 || s === 1);
  const splatOf = (k: number) =>
    spec.operands[k].dtype === 'bool'
      ? op('i32x4.splat', load('i32.load8_u', get(ptr[k])))
      : load('v128.load32_splat', get(ptr[k]));
  if (vector) {
    const quads = fn.local('i32');
    fn.set(quads, op('i32.shr_u', get(count), i32(2)));
    fn.set(count, op('i32.and', get(count), i32(3)));
    // Two quads a step into four independent chains (lo/hi of each), so float64 add latency hides.
    const lo = [fn.local('v128'), fn.local('v128')];
    const hi = [fn.local('v128'), fn.local('v128')];
    const ext = spec.op === 'max' ? -Infinity : Infinity;
    for (const l of lo) fn.set(l, spec.op === 'sum' ? op('f64x2.splat', f64(0)) : f32x4(ext));
    for (const h of hi) fn.set(h, op('f64x2.splat', f64(0)));
    const quad = (at: number) =>
      fn.let(
        compileVector(ctx, spec.producer, {
          operand: (k) =>
            steps[k] === 0
              ? splatOf(k)
              : spec.operands[k].dtype === 'bool'
                ? op(
                    'i32x4.extend_low_i16x8_u',
                    op('i16x8.extend_low_i8x16_u', load('v128.load32_zero', get(ptr[k]), at * 4)),
                  )
                : load('v128.load', get(ptr[k]), at * 16),
        }),
      );
    const accumulate = (v: Expr, j: number) => {
      if (spec.op === 'sum') {
        fn.set(lo[j], op('f64x2.add', get(lo[j]), op('f64x2.promote_low_f32x4', v)));
        const high = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15], v, v);
        fn.set(hi[j], op('f64x2.add', get(hi[j]), op('f64x2.promote_low_f32x4', high)));
      } else {
        const better = op(spec.op === 'max' ? 'f32x4.gt' : 'f32x4.lt', v, get(lo[j]));
        fn.set(lo[j], sel(op('v128.or', better, op('f32x4.ne', v, v)), v, get(lo[j])));
      }
    };
    const advance = (n: number) =>
      ptr.forEach((p, k) => fn.set(p, op('i32.add', get(p), i32(n * 4 * steps[k] * sizes[k]))));
    if (spec.op === 'sum') {
      // Blocks of four quads added pairwise in float32, then into the float64 chains: each lane's
      // float32 roundings cover only 4 elements, and the float64 work (promotes, shuffles, adds) is a
      // quarter. A 16M sum on one thread took 0.76× the CPU time (median of 21 interleaved runs).
      const block = (at: number) => {
        const [v0, v1, v2, v3] = [0, 1, 2, 3].map((j) => quad(at + j));
        return fn.let(op('f32x4.add', op('f32x4.add', v0, v1), op('f32x4.add', v2, v3)));
      };
      whileNot(
        fn,
        () => op('i32.lt_u', get(quads), i32(UNROLL)),
        () => {
          for (let b = 0; b < UNROLL / 4; b++) accumulate(block(4 * b), b);
          advance(UNROLL);
          fn.set(quads, op('i32.sub', get(quads), i32(UNROLL)));
        },
      );
    }
    whileNot(
      fn,
      () => op('i32.lt_u', get(quads), i32(2)),
      () => {
        const v0 = quad(0);
        const v1 = quad(1);
        accumulate(v0, 0);
        accumulate(v1, 1);
        advance(2);
        fn.set(quads, op('i32.sub', get(quads), i32(2)));
      },
    );
    fn.if(op('i32.ne', get(quads), i32(0)), () => {
      accumulate(quad(0), 0);
      advance(1);
    });
    if (spec.op !== 'sum') {
      fn.set(
        lo[0],
        sel(
          op(
            'v128.or',
            op(spec.op === 'max' ? 'f32x4.gt' : 'f32x4.lt', get(lo[1]), get(lo[0])),
            op('f32x4.ne', get(lo[1]), get(lo[1])),
          ),
          get(lo[1]),
          get(lo[0]),
        ),
      );
    }
    if (spec.op === 'sum') {
      const both = fn.let(
        op('f64x2.add', op('f64x2.add', get(lo[0]), get(lo[1])), op('f64x2.add', get(hi[0]), get(hi[1]))),
      );
      const pair = op('f64.add', lane('f64x2.extract_lane', 0, both), lane('f64x2.extract_lane', 1, both));
      fn.set(acc, op('f64.add', get(acc), pair));
    } else {
      for (let l = 0; l < 4; l++)
        fn.set(
          acc,
          fold(spec.op, get(acc), op('f64.promote_f32', lane('f32x4.extract_lane', l, get(lo[0])))),
        );
    }
  }
  whileNot(
    fn,
    () => op('i32.eqz', get(count)),
    () => {
      const v = vector
        ? op(
            'f64.promote_f32',
            lane('f32x4.extract_lane', 0, compileVector(ctx, spec.producer, { operand: splatOf })),
          )
        : toF64(
            compileScalar(ctx, spec.producer, {
              operand: (k) => loadScalar(spec.operands[k].dtype, get(ptr[k])),
            }),
            dtypeOf(spec.producer),
          );
      fn.set(acc, fold(spec.op, get(acc), fn.let(v)));
      ptr.forEach((p, k) => {
        if (steps[k] !== 0) fn.set(p, op('i32.add', get(p), i32(steps[k] * sizes[k])));
      });
      fn.set(count, op('i32.sub', get(count), i32(1)));
    },
  );
}

/** Stores `epilogue(acc)` at output `o`. */
export function finishOutput(ctx: KernelContext, spec: ReduceSpec, o: Expr, acc: Expr): void {
  const value = compileScalar(ctx, spec.epilogue, { operand: () => acc, acc });
  const addr = op('i32.add', i32(spec.output.address), op('i32.mul', o, i32(BYTES[spec.output.dtype])));
  const out = convert(ctx, ctx.fn.let(value), dtypeOf(spec.epilogue), spec.output.dtype);
  storeScalar(ctx, spec.output.dtype, addr, out);
}

/** `fn(oStart, oEnd)`: whole groups (per-output plans). */
export function generateReducePerOutput(ctx: KernelContext, spec: ReduceSpec): void {
  forEachWorkItem(ctx.fn, (o) => foldOutput(ctx, spec, get(o)));
}

/** Folds output `o`'s whole group and stores it. */
export function foldOutput(ctx: KernelContext, spec: ReduceSpec, o: Expr): void {
  const { fn } = ctx;
  const g = geometry(spec);
  const sizes = spec.operands.map((v) => BYTES[v.dtype]);
  const acc = fn.local('f64');
  const ptr = spec.operands.map(() => fn.local('i32'));
  const count = fn.local('i32');
  const outer = fn.local('i32');
  const q = g.redShape.length;
  const outerShape = g.redShape.slice(0, q - 1);
  const outerCount = outerShape.reduce((a, b) => a * b, 1);
  const steps = g.redStrides.map((s) => s[q - 1]);
  const bases = addressesAt(
    ctx,
    g.keptShape,
    g.keptStrides,
    spec.operands.map((v) => i32(v.address + v.offset * BYTES[v.dtype])),
    sizes,
    o,
  );
  fn.set(acc, f64(INIT[spec.op]));
  fn.set(outer, i32(0));
  whileNot(
    fn,
    () => op('i32.ge_s', get(outer), i32(outerCount)),
    () => {
      const at = addressesAt(
        ctx,
        outerShape,
        g.redStrides.map((s) => s.slice(0, q - 1)),
        bases,
        sizes,
        get(outer),
      );
      at.forEach((a, k) => fn.set(ptr[k], a));
      fn.set(count, i32(g.inner));
      foldInner(ctx, spec, acc, ptr, steps, count);
      fn.set(outer, op('i32.add', get(outer), i32(1)));
    },
  );
  finishOutput(ctx, spec, o, get(acc));
}

/** `partial(wStart, wEnd)` of a chunked plan: work item w = output · chunks + chunk. */
export function generateReducePartial(
  ctx: KernelContext,
  spec: ReduceSpec,
  plan: ReducePlan & { kind: 'chunked' },
): void {
  const { fn } = ctx;
  const g = geometry(spec);
  const sizes = spec.operands.map((v) => BYTES[v.dtype]);
  const acc = fn.local('f64');
  const ptr = spec.operands.map(() => fn.local('i32'));
  const count = fn.local('i32');
  const steps = g.redStrides.map((s) => s[0]);
  forEachWorkItem(fn, (w) => {
    const o = fn.let(op('i32.div_u', get(w), i32(plan.chunks)));
    const chunk = fn.let(op('i32.rem_u', get(w), i32(plan.chunks)));
    const from = fn.let(op('i32.mul', chunk, i32(CHUNK)));
    const bases = addressesAt(
      ctx,
      g.keptShape,
      g.keptStrides,
      spec.operands.map((v, k) =>
        op('i32.add', i32(v.address + v.offset * sizes[k]), op('i32.mul', from, i32(steps[k] * sizes[k]))),
      ),
      sizes,
      o,
    );
    bases.forEach((b, k) => fn.set(ptr[k], b));
    const left = op('i32.sub', i32(g.inner), from);
    fn.set(count, select(i32(CHUNK), left, op('i32.lt_s', i32(CHUNK), left)));
    fn.set(acc, f64(INIT[spec.op]));
    foldInner(ctx, spec, acc, ptr, steps, count);
    fn.store('f64.store', op('i32.add', i32(plan.scratch), op('i32.mul', get(w), i32(8))), get(acc));
  });
}

/** `finish(oStart, oEnd)` of a chunked plan: folds each output's partials in chunk order. */
export function generateReduceFinish(
  ctx: KernelContext,
  spec: ReduceSpec,
  plan: ReducePlan & { kind: 'chunked' },
): void {
  const { fn } = ctx;
  const c = fn.local('i32');
  const acc = fn.local('f64');
  forEachWorkItem(fn, (o) => {
    fn.set(acc, f64(INIT[spec.op]));
    fn.set(c, i32(0));
    whileNot(
      fn,
      () => op('i32.ge_s', get(c), i32(plan.chunks)),
      () => {
        const w = op('i32.add', op('i32.mul', get(o), i32(plan.chunks)), get(c));
        const partial = load('f64.load', op('i32.add', i32(plan.scratch), op('i32.mul', w, i32(8))));
        fn.set(acc, fold(spec.op, get(acc), fn.let(partial)));
        fn.set(c, op('i32.add', get(c), i32(1)));
      },
    );
    finishOutput(ctx, spec, get(o), get(acc));
  });
}
