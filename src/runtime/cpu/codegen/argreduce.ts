/**
 * argmax and argmin along rows, `fn(rowStart, rowEnd)`: one scalar pass per row keeping the best value
 * (in float64, exact for every dtype the executor holds) and its index, written as an i32. A NaN
 * replaces any number and nothing replaces a NaN, so the row's first NaN wins as in the reference; the
 * comparison is strict, so the first of equal values wins. A row is read once with one compare and two
 * selects per element: the pass is bound by loads, and argmax rows (class scores) are short.
 */
import type { ArgReduceKernel } from '../../program.js';
import { get, i32, op, select } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { loadScalar } from './elementwise.js';
import { BYTES, type StridedAccess, whileNot } from './iteration.js';
import { toF64 } from './scalar-ops.js';

/**
 * Cost per element for the split decision (cost.ts). Measured 2026-12-02 on the shared 2-core helper
 * machine (load average 15, so only the order of magnitude holds): argmax over rows of a [1024, 1024]
 * f32 input, one thread, CPU time per run including the input copy, 8 interleaved runs of 10: 1.7–2.8
 * ns/element, where max over the same rows (vectorized) took 0.55–0.81.
 */
export const NS_PER_ARGREDUCE_ELEMENT = 2;

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
  const r = fn.local('i32');
  const px = fn.local('i32');
  const l = fn.local('i32');
  const best = fn.local('i32');
  const m = fn.local('f64');
  const read = () => toF64(loadScalar(spec.x.dtype, get(px)), spec.x.dtype);
  fn.set(r, get(start));
  whileNot(
    fn,
    () => op('i32.ge_s', get(r), get(end)),
    () => {
      fn.set(
        px,
        op('i32.add', i32(spec.x.address + spec.x.offset * size), op('i32.mul', get(r), i32(rs * size))),
      );
      fn.set(best, i32(0));
      fn.set(m, read());
      fn.set(l, i32(1));
      whileNot(
        fn,
        () => op('i32.ge_s', get(l), i32(spec.length)),
        () => {
          fn.set(px, op('i32.add', get(px), i32(ls * size)));
          const v = fn.let(read());
          const better = op(spec.op === 'argmax' ? 'f64.gt' : 'f64.lt', v, get(m));
          // m == m: a NaN best stays; v != v: a NaN replaces any number.
          const take = fn.let(
            op('i32.and', op('f64.eq', get(m), get(m)), op('i32.or', op('f64.ne', v, v), better)),
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
