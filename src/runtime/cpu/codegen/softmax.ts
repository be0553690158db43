/**
 * softmax, log_softmax and logsumexp along rows: a max pass, a pass summing exp(x − max) in float64,
 * and a pass writing the result, as the reference (max-shifted) does. Contiguous float32 rows run
 * four lanes at a time with the vector exp (remaining lanes through the same vector code on lane 0);
 * other rows and dtypes run the float64 scalar form. `fn(rowStart, rowEnd)`.
 */
import type { DType } from '../../../graph/dtype.js';
import type { SoftmaxKernel } from '../../program.js';
import { sel } from '../math/f32x4-math.js';
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
import type { KernelContext } from './context.js';
import { loadScalar, storeScalar } from './elementwise.js';
import { BYTES, forEachWorkItem, type StridedAccess, whileNot } from './iteration.js';
import { fromF64, toF64 } from './scalar-ops.js';

export interface SoftmaxSpec {
  readonly op: SoftmaxKernel['op'];
  readonly rows: number;
  readonly length: number;
  /** [rows, length] */
  readonly x: StridedAccess;
  readonly out: number;
  readonly outDtype: DType;
}

const add = (a: Expr, b: Expr) => op('i32.add', a, b);
const mul = (a: Expr, b: Expr) => op('i32.mul', a, b);

/** Runs `body(pointer, vector?)` over a row: quads while 4 remain (vector = true), then single lanes. */
function eachLane(
  ctx: KernelContext,
  ptrs: readonly { local: Local; start: Expr; step: number }[],
  length: number,
  vectorBody: (() => void) | null,
  laneBody: () => void,
): void {
  const { fn } = ctx;
  const count = fn.local('i32');
  ptrs.forEach((p) => fn.set(p.local, p.start));
  if (vectorBody) {
    fn.set(count, i32(length >> 2));
    whileNot(
      fn,
      () => op('i32.eqz', get(count)),
      () => {
        vectorBody();
        ptrs.forEach((p) => fn.set(p.local, add(get(p.local), i32(4 * p.step))));
        fn.set(count, op('i32.sub', get(count), i32(1)));
      },
    );
  }
  fn.set(count, i32(vectorBody ? length & 3 : length));
  whileNot(
    fn,
    () => op('i32.eqz', get(count)),
    () => {
      laneBody();
      ptrs.forEach((p) => fn.set(p.local, add(get(p.local), i32(p.step))));
      fn.set(count, op('i32.sub', get(count), i32(1)));
    },
  );
}

export function generateSoftmax(ctx: KernelContext, spec: SoftmaxSpec): void {
  const { fn } = ctx;
  const [rs, ls] = spec.x.strides;
  const inSize = BYTES[spec.x.dtype];
  const outSize = BYTES[spec.outDtype];
  const vector = spec.x.dtype === 'f32' && spec.outDtype === 'f32' && ls === 1;
  const px = fn.local('i32');
  const po = fn.local('i32');
  const m = fn.local('f64');
  const s = fn.local('f64');
  const mv = fn.local('v128');
  forEachWorkItem(fn, (r) => {
    const xRow = fn.let(add(i32(spec.x.address + spec.x.offset * inSize), mul(get(r), i32(rs * inSize))));
    const outRow = fn.let(add(i32(spec.out), mul(get(r), i32(spec.length * outSize))));
    const x = { local: px, start: xRow, step: ls * inSize };
    const o = { local: po, start: outRow, step: outSize };
    const xScalar = () => toF64(loadScalar(spec.x.dtype, get(px)), spec.x.dtype);
    const maxStep = (v: Expr) => {
      const val = fn.let(v);
      fn.set(m, select(val, get(m), op('i32.or', op('f64.gt', val, get(m)), op('f64.ne', val, val))));
    };
    // Pass 1: the row's max (NaN wins).
    fn.set(m, f64(-Infinity));
    if (vector) fn.set(mv, f32x4(-Infinity));
    eachLane(
      ctx,
      [x],
      spec.length,
      vector
        ? () => {
            const v = fn.let(load('v128.load', get(px)));
            fn.set(mv, sel(op('v128.or', op('f32x4.gt', v, get(mv)), op('f32x4.ne', v, v)), v, get(mv)));
          }
        : null,
      () => maxStep(xScalar()),
    );
    if (vector)
      for (let l = 0; l < 4; l++) maxStep(op('f64.promote_f32', lane('f32x4.extract_lane', l, get(mv))));
    // logsumexp of an all −Inf (or +Inf) row is that max; softmax's shift then gives NaN, as the reference.
    const shift =
      spec.op === 'logsumexp'
        ? fn.let(select(get(m), f64(0), op('f64.eq', op('f64.sub', get(m), get(m)), f64(0))))
        : get(m);
    const shift32 = fn.let(op('f32x4.splat', op('f32.demote_f64', shift)));
    const expVec = (v: Expr) => ctx.math.exp(op('f32x4.sub', v, shift32));
    const expScalar = () => ctx.imports.call('exp', op('f64.sub', xScalar(), shift));
    // Pass 2: s = Σ exp(x − max) in float64; softmax keeps each exp in the output.
    fn.set(s, f64(0));
    const addVec = (e: Expr) => {
      const ev = fn.let(e);
      const lo = op('f64x2.promote_low_f32x4', ev);
      const hi = op('f64x2.promote_low_f32x4', shuffleHigh(ev));
      const sum = fn.let(op('f64x2.add', lo, hi));
      fn.set(
        s,
        op(
          'f64.add',
          get(s),
          op('f64.add', lane('f64x2.extract_lane', 0, sum), lane('f64x2.extract_lane', 1, sum)),
        ),
      );
      if (spec.op === 'softmax') fn.store('v128.store', get(po), ev);
    };
    eachLane(
      ctx,
      [x, o],
      spec.length,
      vector ? () => addVec(expVec(load('v128.load', get(px)))) : null,
      () => {
        if (vector) {
          const e = fn.let(lane('f32x4.extract_lane', 0, expVec(load('v128.load32_splat', get(px)))));
          fn.set(s, op('f64.add', get(s), op('f64.promote_f32', e)));
          if (spec.op === 'softmax') fn.store('f32.store', get(po), e);
        } else {
          const e = fn.let(expScalar());
          fn.set(s, op('f64.add', get(s), e));
        }
      },
    );
    // Pass 3.
    if (spec.op === 'logsumexp') {
      const finite = op('f64.eq', op('f64.sub', get(m), get(m)), f64(0));
      const v = select(op('f64.add', get(m), ctx.imports.call('log', get(s))), get(m), finite);
      storeScalar(
        ctx,
        spec.outDtype,
        add(i32(spec.out), mul(get(r), i32(outSize))),
        fromF64(ctx, fn.let(v), spec.outDtype),
      );
    } else if (spec.op === 'softmax') {
      if (vector) {
        const sv = fn.let(op('f32x4.splat', op('f32.demote_f64', get(s))));
        eachLane(
          ctx,
          [o],
          spec.length,
          () => fn.store('v128.store', get(po), op('f32x4.div', load('v128.load', get(po)), sv)),
          () =>
            fn.store(
              'f32.store',
              get(po),
              op('f32.div', load('f32.load', get(po)), lane('f32x4.extract_lane', 0, sv)),
            ),
        );
      } else {
        eachLane(ctx, [x, o], spec.length, null, () =>
          storeScalar(
            ctx,
            spec.outDtype,
            get(po),
            fromF64(ctx, fn.let(op('f64.div', expScalar(), get(s))), spec.outDtype),
          ),
        );
      }
    } else {
      const lse = fn.let(op('f64.add', get(m), ctx.imports.call('log', get(s))));
      if (vector) {
        // (x − max) − log s: both roundings small where the result is small.
        const logS = fn.let(op('f32x4.splat', op('f32.demote_f64', ctx.imports.call('log', get(s)))));
        eachLane(
          ctx,
          [x, o],
          spec.length,
          () =>
            fn.store(
              'v128.store',
              get(po),
              op('f32x4.sub', op('f32x4.sub', load('v128.load', get(px)), shift32), logS),
            ),
          () =>
            fn.store(
              'f32.store',
              get(po),
              lane(
                'f32x4.extract_lane',
                0,
                op('f32x4.sub', op('f32x4.sub', load('v128.load32_splat', get(px)), shift32), logS),
              ),
            ),
        );
      } else {
        eachLane(ctx, [x, o], spec.length, null, () =>
          storeScalar(
            ctx,
            spec.outDtype,
            get(po),
            fromF64(ctx, fn.let(op('f64.sub', xScalar(), lse)), spec.outDtype),
          ),
        );
      }
    }
  });
}

function shuffleHigh(v: Expr): Expr {
  return shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15], v, v);
}
