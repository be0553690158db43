/**
 * Reductions over strided axes whose innermost kept axis is contiguous (column sums `sum(x, axis=0)`,
 * the bias gradients of a layer): four neighbouring outputs at a time, one f32x4 load per reduced
 * element instead of four scalar walks down columns a row apart (each load a cache miss at 4 KiB
 * strides: 4.6 ns/element against 0.22 for row sums). Work items are groups of four outputs along the
 * innermost kept axis, so a thread split never cuts a group; the last group of a row, when the axis is
 * not a multiple of 4, takes the per-output path. Every output folds its elements in the per-output
 * path's order: float64 sums of the float32 producer values, float32 lanes for max and min.
 */
import { sel } from '../math/f32x4-math.js';
import { type Expr, f32x4, f64, get, i32, lane, load, type Local, op, shuffle } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { BYTES, forEachWorkItem, whileNot } from './iteration.js';
import {
  addressesAt,
  finishOutput,
  foldOutput,
  geometry,
  innerContiguous,
  type ReduceSpec,
} from './reduce.js';
import { dtypeOf } from './scalar-ops.js';
import { compileVector, vectorizable } from './vector-ops.js';

const LANES = 4;

/** The groups of a columns plan: `rows` kept rows of `groups` groups of four outputs. */
export interface ColumnsPlan {
  readonly rows: number;
  readonly groups: number;
  /** Length of the innermost kept axis. */
  readonly inner: number;
}

/**
 * The plan when `spec` is a float32 sum, max or min whose reduced walk is strided and whose
 * innermost kept axis is contiguous (or broadcast) in every operand; else undefined.
 *
 * @example columnsPlan(sum over axis 0 of a row-major [1024, 1024]) // { rows: 1, groups: 256, inner: 1024 }
 */
export function columnsPlan(spec: ReduceSpec): ColumnsPlan | undefined {
  if (spec.op !== 'sum' && spec.op !== 'max' && spec.op !== 'min') return undefined;
  if (dtypeOf(spec.producer) !== 'f32' || !vectorizable(spec.producer)) return undefined;
  if (spec.operands.some((v) => v.dtype !== 'f32') || innerContiguous(spec)) return undefined;
  const g = geometry(spec);
  const k = g.keptShape.length;
  if (k === 0 || g.keptStrides.some((s) => s[k - 1] !== 0 && s[k - 1] !== 1)) return undefined;
  const inner = g.keptShape[k - 1];
  if (inner < LANES) return undefined;
  return { rows: g.outputs / inner, groups: Math.ceil(inner / LANES), inner };
}

/** `fn(wStart, wEnd)`: work item w = kept row · groups + group. */
export function generateReduceColumns(ctx: KernelContext, spec: ReduceSpec, plan: ColumnsPlan): void {
  const { fn } = ctx;
  const g = geometry(spec);
  const sizes = spec.operands.map((v) => BYTES[v.dtype]);
  const k = g.keptShape.length;
  const keptSteps = g.keptStrides.map((s) => s[k - 1]);
  const o = fn.local('i32');
  const r = fn.local('i32');
  const ptr = spec.operands.map(() => fn.local('i32'));
  const lo = fn.local('v128');
  const hi = fn.local('v128');
  const reduced = g.redShape.reduce((a, b) => a * b, 1);
  forEachWorkItem(fn, (w) => {
    const row = op('i32.div_u', get(w), i32(plan.groups));
    const col = fn.let(op('i32.mul', op('i32.rem_u', get(w), i32(plan.groups)), i32(LANES)));
    fn.set(o, op('i32.add', op('i32.mul', row, i32(plan.inner)), col));
    fn.if(
      op('i32.le_s', op('i32.add', col, i32(LANES)), i32(plan.inner)),
      () => {
        const bases = addressesAt(
          ctx,
          g.keptShape,
          g.keptStrides,
          spec.operands.map((v) => i32(v.address + v.offset * BYTES[v.dtype])),
          sizes,
          get(o),
        );
        const ext = spec.op === 'max' ? -Infinity : spec.op === 'min' ? Infinity : 0;
        fn.set(lo, spec.op === 'sum' ? op('f64x2.splat', f64(0)) : f32x4(ext));
        fn.set(hi, op('f64x2.splat', f64(0)));
        fn.set(r, i32(0));
        whileNot(
          fn,
          () => op('i32.ge_s', get(r), i32(reduced)),
          () => {
            const at = addressesAt(ctx, g.redShape, g.redStrides, bases, sizes, get(r));
            at.forEach((a, j) => fn.set(ptr[j], a));
            const v = fn.let(
              compileVector(ctx, spec.producer, {
                operand: (j) =>
                  keptSteps[j] === 0
                    ? load('v128.load32_splat', get(ptr[j]))
                    : load('v128.load', get(ptr[j])),
              }),
            );
            accumulate(ctx, spec, lo, hi, v);
            fn.set(r, op('i32.add', get(r), i32(1)));
          },
        );
        for (let l = 0; l < LANES; l++) {
          const value =
            spec.op === 'sum'
              ? lane('f64x2.extract_lane', l % 2, get(l < 2 ? lo : hi))
              : op('f64.promote_f32', lane('f32x4.extract_lane', l, get(lo)));
          finishOutput(ctx, spec, op('i32.add', get(o), i32(l)), fn.let(value));
        }
      },
      () => {
        // The row's last, partial group: one output at a time.
        fn.set(r, op('i32.sub', i32(plan.inner), col));
        whileNot(
          fn,
          () => op('i32.eqz', get(r)),
          () => {
            foldOutput(ctx, spec, get(o));
            fn.set(o, op('i32.add', get(o), i32(1)));
            fn.set(r, op('i32.sub', get(r), i32(1)));
          },
        );
      },
    );
  });
}

/** One reduced element of four outputs into the running lanes (the per-output fold's rule). */
function accumulate(ctx: KernelContext, spec: ReduceSpec, lo: Local, hi: Local, v: Expr): void {
  const { fn } = ctx;
  if (spec.op === 'sum') {
    fn.set(lo, op('f64x2.add', get(lo), op('f64x2.promote_low_f32x4', v)));
    const high = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15], v, v);
    fn.set(hi, op('f64x2.add', get(hi), op('f64x2.promote_low_f32x4', high)));
  } else {
    const better = op(spec.op === 'max' ? 'f32x4.gt' : 'f32x4.lt', v, get(lo));
    fn.set(lo, sel(op('v128.or', better, op('f32x4.ne', v, v)), v, get(lo)));
  }
}
