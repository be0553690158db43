/**
 * argmax and argmin along rows, `fn(rowStart, rowEnd)`: one scalar pass per row keeping the best value
 * (in float64, exact for every dtype the executor holds) and its index, written as an i32. A NaN
 * replaces any number and nothing replaces a NaN, so the row's first NaN wins as in the reference; the
 * comparison is strict, so the first of equal values wins. A row is read once with one compare and two
 * selects per element: the pass is bound by loads, and argmax rows (class scores) are short.
 */
import type { ArgReduceKernel } from '../../program.js';
import { sel } from '../math/f32x4-math.js';
import { type Expr, get, i32, i32x4, lane, load, type Local, op, select } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { loadScalar } from './elementwise.js';
import { BYTES, type StridedAccess, whileNot } from './iteration.js';
import { toF64 } from './scalar-ops.js';

/**
 * Estimated nanoseconds of a kernel on one thread, for the split decision (cost.ts). Measured
 * 2026-12-02 on the shared 2-core helper machine (load average 12–15, so only the order of magnitude
 * holds): argmax over rows of a [1024, 1024] f32 input, one thread, CPU time per run including the
 * input copy, 8 interleaved runs of 10: vector quads 0.95–1.10 ns/element (max over the same rows
 * 0.50–0.59), the scalar loop 1.7–2.8 (max 0.55–0.81).
 *
 * @example
 * const x = { address: 0, dtype: 'f32', strides: [1024, 1], offset: 0 } as const;
 * argReduceNs({ op: 'argmax', rows: 1024, length: 1024, x, out: 0 }) // 1048576
 */
export function argReduceNs(spec: ArgReduceSpec): number {
  return spec.rows * spec.length * (vectorRows(spec) ? 1 : 2);
}

/** Contiguous float32 rows of two quads or more run four lanes at a time. */
const vectorRows = (spec: ArgReduceSpec): boolean =>
  spec.x.dtype === 'f32' && spec.x.strides[1] === 1 && spec.length >= 8;

export interface ArgReduceSpec {
  readonly op: ArgReduceKernel['op'];
  readonly rows: number;
  /** At least 1: the op refuses empty axes. */
  readonly length: number;
  /** [rows, length] */
  readonly x: StridedAccess;
  /** Byte address of the i32 output, one element per row. */
  readonly out: number;
}

/** Writes the body of `fn(rowStart, rowEnd)`. */
export function generateArgReduce(ctx: KernelContext, spec: ArgReduceSpec): void {
  const { fn } = ctx;
  const [start, end] = fn.params;
  const [rs, ls] = spec.x.strides;
  const size = BYTES[spec.x.dtype];
  const vector = vectorRows(spec);
  const quads = spec.length & ~3;
  const r = fn.local('i32');
  const px = fn.local('i32');
  const l = fn.local('i32');
  const best = fn.local('i32');
  const m = fn.local('f64');
  const read = () => toF64(loadScalar(spec.x.dtype, get(px)), spec.x.dtype);
  const better = (v: Expr, w: Expr) => op(spec.op === 'argmax' ? 'f64.gt' : 'f64.lt', v, w);
  fn.set(r, get(start));
  whileNot(
    fn,
    () => op('i32.ge_s', get(r), get(end)),
    () => {
      const row = fn.let(
        op('i32.add', i32(spec.x.address + spec.x.offset * size), op('i32.mul', get(r), i32(rs * size))),
      );
      if (vector) {
        vectorQuads(ctx, spec, row, best, m);
        // The scalar loop below takes the tail; px points at the element before it.
        fn.set(px, op('i32.add', row, i32((quads - 1) * size)));
        fn.set(l, i32(quads));
      } else {
        fn.set(px, row);
        fn.set(best, i32(0));
        fn.set(m, read());
        fn.set(l, i32(1));
      }
      whileNot(
        fn,
        () => op('i32.ge_s', get(l), i32(spec.length)),
        () => {
          fn.set(px, op('i32.add', get(px), i32(ls * size)));
          const v = fn.let(read());
          // m == m: a NaN best stays; v != v: a NaN replaces any number.
          const take = fn.let(
            op('i32.and', op('f64.eq', get(m), get(m)), op('i32.or', op('f64.ne', v, v), better(v, get(m)))),
          );
          fn.set(best, select(get(l), get(best), take));
          fn.set(m, select(v, get(m), take));
          fn.set(l, op('i32.add', get(l), i32(1)));
        },
      );
      fn.store('i32.store', op('i32.add', i32(spec.out), op('i32.mul', get(r), i32(4))), get(best));
      fn.set(r, op('i32.add', get(r), i32(1)));
    },
  );
}

/**
 * The quads of a contiguous f32 row from `row`: lane k keeps the best of elements k, k + 4, … with its
 * index (a lane visits increasing indices, so the scalar rule applies), then the four lanes combine
 * into `best` and `m`, where a tie or two NaNs go to the lower index, the lanes' indices interleaving.
 */
function vectorQuads(ctx: KernelContext, spec: ArgReduceSpec, row: Expr, best: Local, m: Local): void {
  const { fn } = ctx;
  const [bv, bi, ci, p, count] = [
    fn.local('v128'),
    fn.local('v128'),
    fn.local('v128'),
    fn.local('i32'),
    fn.local('i32'),
  ];
  let lanes = i32x4(0);
  for (let k = 1; k < 4; k++) lanes = lane('i32x4.replace_lane', k, lanes, i32(k));
  fn.set(bv, load('v128.load', row));
  fn.set(bi, lanes);
  fn.set(ci, op('i32x4.add', get(bi), i32x4(4)));
  fn.set(p, op('i32.add', row, i32(16)));
  fn.set(count, i32((spec.length >> 2) - 1));
  whileNot(
    fn,
    () => op('i32.eqz', get(count)),
    () => {
      const v = fn.let(load('v128.load', get(p)));
      const gt = op(spec.op === 'argmax' ? 'f32x4.gt' : 'f32x4.lt', v, get(bv));
      const take = fn.let(
        op('v128.and', op('f32x4.eq', get(bv), get(bv)), op('v128.or', gt, op('f32x4.ne', v, v))),
      );
      fn.set(bv, sel(take, v, get(bv)));
      fn.set(bi, sel(take, get(ci), get(bi)));
      fn.set(ci, op('i32x4.add', get(ci), i32x4(4)));
      fn.set(p, op('i32.add', get(p), i32(16)));
      fn.set(count, op('i32.sub', get(count), i32(1)));
    },
  );
  fn.set(m, op('f64.promote_f32', lane('f32x4.extract_lane', 0, get(bv))));
  fn.set(best, lane('i32x4.extract_lane', 0, get(bi)));
  for (let k = 1; k < 4; k++) {
    const v = fn.let(op('f64.promote_f32', lane('f32x4.extract_lane', k, get(bv))));
    const i = fn.let(lane('i32x4.extract_lane', k, get(bi)));
    const [mNaN, vNaN] = [op('f64.ne', get(m), get(m)), op('f64.ne', v, v)];
    const lower = op('i32.lt_s', i, get(best));
    const better = op(spec.op === 'argmax' ? 'f64.gt' : 'f64.lt', v, get(m));
    const tieLower = op('i32.and', op('f64.eq', v, get(m)), lower);
    // Not NaN yet: a NaN, a better value or an equal one earlier wins; both NaN: the earlier.
    const take = fn.let(
      op(
        'i32.or',
        op('i32.and', op('i32.eqz', mNaN), op('i32.or', vNaN, op('i32.or', better, tieLower))),
        op('i32.and', op('f64.ne', get(m), get(m)), op('i32.and', op('f64.ne', v, v), lower)),
      ),
    );
    fn.set(best, select(i, get(best), take));
    fn.set(m, select(v, get(m), take));
  }
}
