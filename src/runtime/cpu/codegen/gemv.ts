/**
 * float32 matrix–vector products (`n = 1`, or `m = 1` seen transposed), which the 4×8 tiles would run
 * at 1/8 (or 1/4) of their width and after packing the whole matrix: `gemv-dot` when the matrix's
 * rows are contiguous (each output a dot product along k, two f32x4 accumulators, four rows at a
 * time), `gemv-axpy` when its columns are (xᵀ·d: 16, then 4, then 1 outputs at a time, accumulating
 * column k times v[k]).
 * Every output is computed by the same vector instructions wherever it falls in a block or a thread's
 * range (leftover outputs run the same code on lane 0), so splits never change a bit.
 * `fn(start, end)` over outputs `batch · rows + i`.
 */
import {
  type Expr,
  f32,
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
import { forEachWorkItem, whileNot } from './iteration.js';
import type { MatmulSpec } from './matmul.js';

export type GemvKind = 'dot' | 'axpy';

/** The product as `out[b, i] = Σk mat[b, i, k] · vec[b, k]` (element strides; addresses in bytes). */
export interface GemvSpec {
  readonly kind: GemvKind;
  readonly batch: number;
  readonly rows: number;
  readonly k: number;
  readonly mat: { readonly base: number; readonly batch: number; readonly row: number; readonly k: number };
  readonly vec: { readonly base: number; readonly batch: number; readonly k: number };
  readonly out: number;
}

/** The gemv form of a float32 matmul with n = 1 or m = 1, if its strides allow one. */
export function gemvOf(spec: MatmulSpec): GemvSpec | undefined {
  if (spec.dtype !== 'f32' || spec.a.dtype !== 'f32' || spec.b.dtype !== 'f32') return undefined;
  const [sab, sam, sak] = spec.a.strides;
  const [sbb, sbk, sbn] = spec.b.strides;
  const aBase = spec.a.address + spec.a.offset * 4;
  const bBase = spec.b.address + spec.b.offset * 4;
  const shape = (rows: number, mat: GemvSpec['mat'], vec: GemvSpec['vec']) => {
    const kind: GemvKind | undefined =
      mat.k === 1 && vec.k === 1 ? 'dot' : mat.row === 1 ? 'axpy' : undefined;
    return kind && { kind, batch: spec.batch, rows, k: spec.k, mat, vec, out: spec.out };
  };
  if (spec.n === 1)
    return shape(spec.m, { base: aBase, batch: sab, row: sam, k: sak }, { base: bBase, batch: sbb, k: sbk });
  if (spec.m === 1)
    return shape(spec.n, { base: bBase, batch: sbb, row: sbn, k: sbk }, { base: aBase, batch: sab, k: sak });
  return undefined;
}

/**
 * Outputs a thread's share should be a multiple of: axpy takes 16 at a time and falls back to 4, then
 * to one per pass over k, so a 7-output share makes four passes where 16 make one (logreg's xᵀ·d, 100
 * outputs over 2 threads, took 0.59 ms in shares of 7).
 *
 * @example gemvGrain({ kind: 'axpy', ... }) // 16
 */
export const gemvGrain = (spec: GemvSpec): number => (spec.kind === 'axpy' ? AXPY_WIDTH : 1);

/** Outputs of axpy's widest pass (four f32x4 accumulators). */
const AXPY_WIDTH = 16;

const add = (a: Expr, b: Expr) => op('i32.add', a, b);
const mul = (a: Expr, b: Expr) => op('i32.mul', a, b);

export function generateGemv(ctx: KernelContext, spec: GemvSpec): void {
  if (spec.kind === 'dot') dot(ctx, spec);
  else axpy(ctx, spec);
}

/**
 * Rows of the matrix that dot takes at once where four remain in the batch and the range: eight
 * independent accumulator chains hide the multiply-add latency, and each load of the vector serves
 * four rows. A row's arithmetic is the same in a group or alone, so groups never change a bit.
 */
const DOT_ROWS = 4;

function dot(ctx: KernelContext, spec: GemvSpec): void {
  const { fn } = ctx;
  const start = fn.params[0];
  const end = fn.params[1];
  const pa = fn.local('i32');
  const pb = fn.local('i32');
  const kk = fn.local('i32');
  const acc = Array.from({ length: 2 * DOT_ROWS }, () => fn.local('v128'));
  const count = fn.local('i32');
  // Batch and row of output w, stepped rather than divided per output (a division costs as much as
  // several of the short rows' vector steps).
  const bi = fn.local('i32');
  const row = fn.local('i32');
  const rowBytes = spec.mat.row * 4;
  fn.set(bi, op('i32.div_u', get(start), i32(spec.rows)));
  fn.set(row, op('i32.rem_u', get(start), i32(spec.rows)));
  /** Rows [row, row + rows) of batch bi: their dot products, stored at out[w…]. */
  const rowsAt = (w: Local, rows: number) => {
    fn.set(
      pa,
      add(
        i32(spec.mat.base),
        mul(add(mul(get(bi), i32(spec.mat.batch)), mul(get(row), i32(spec.mat.row))), i32(4)),
      ),
    );
    fn.set(pb, add(i32(spec.vec.base), mul(get(bi), i32(spec.vec.batch * 4))));
    for (const a of acc.slice(0, 2 * rows)) fn.set(a, f32x4(0));
    const products = (width: 'v128.load' | 'v128.load32_zero', at: number, half: 0 | 1) => {
      const v = fn.let(load(width, get(pb), at));
      for (let r = 0; r < rows; r++) {
        const a = acc[2 * r + half];
        fn.set(a, ctx.math.madd(load(width, get(pa), r * rowBytes + at), v, get(a)));
      }
    };
    fn.set(kk, i32(spec.k >> 3));
    whileNot(
      fn,
      () => op('i32.eqz', get(kk)),
      () => {
        products('v128.load', 0, 0);
        products('v128.load', 16, 1);
        fn.set(pa, add(get(pa), i32(32)));
        fn.set(pb, add(get(pb), i32(32)));
        fn.set(kk, op('i32.sub', get(kk), i32(1)));
      },
    );
    // k mod 8: four more products as a vector, then the last k mod 4 in lane 0 of acc1.
    let at = 0;
    if (spec.k & 4) {
      products('v128.load', 0, 0);
      at = 16;
    }
    for (let t = 0; t < (spec.k & 3); t++, at += 4) products('v128.load32_zero', at, 1);
    const sums = Array.from({ length: rows }, (_, r) =>
      fn.let(op('f32x4.add', get(acc[2 * r]), get(acc[2 * r + 1]))),
    );
    const out = add(i32(spec.out), mul(get(w), i32(4)));
    if (rows === 1) {
      const s = sums[0];
      const total = op(
        'f32.add',
        op('f32.add', lane('f32x4.extract_lane', 0, s), lane('f32x4.extract_lane', 1, s)),
        op('f32.add', lane('f32x4.extract_lane', 2, s), lane('f32x4.extract_lane', 3, s)),
      );
      fn.store('f32.store', out, total);
    } else {
      // Lane sums in the order of the single row's (l0 + l1) + (l2 + l3), four rows at once: pairs of
      // neighbouring lanes, then pairs of those.
      const pairs = (a: Expr, b: Expr) =>
        op('f32x4.add', shuffle(EVEN_LANES, a, b), shuffle(ODD_LANES, a, b));
      const p = fn.let(pairs(sums[0], sums[1]));
      const q = fn.let(pairs(sums[2], sums[3]));
      fn.store('v128.store', out, pairs(p, q));
    }
    fn.set(count, i32(rows));
    fn.set(row, add(get(row), i32(rows)));
    const wrapped = () => op('i32.eq', get(row), i32(spec.rows));
    fn.set(bi, add(get(bi), wrapped()));
    fn.set(row, select(i32(0), get(row), wrapped()));
  };
  forEachWorkItem(fn, (w) => {
    const fits = op(
      'i32.and',
      op('i32.le_s', add(get(row), i32(DOT_ROWS)), i32(spec.rows)),
      op('i32.le_s', add(get(w), i32(DOT_ROWS)), get(end)),
    );
    fn.if(
      fits,
      () => rowsAt(w, DOT_ROWS),
      () => rowsAt(w, 1),
    );
    return get(count);
  });
}

/** Byte lanes of f32 lanes 0, 2 of a then 0, 2 of b; ODD_LANES: lanes 1, 3 of each. */
const EVEN_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD_LANES = EVEN_LANES.map((b) => b + 4);

function axpy(ctx: KernelContext, spec: GemvSpec): void {
  const { fn } = ctx;
  const pa = fn.local('i32');
  const pb = fn.local('i32');
  const kk = fn.local('i32');
  const k0 = fn.local('i32');
  const acc = Array.from({ length: 4 }, () => fn.local('v128'));
  const block = axpyBlock(spec);
  // The running sums live in the output between k blocks (stored and reloaded exactly, so the bits
  // are those of one pass over k): start them at zero.
  forEachWorkItem(fn, (w) => fn.store('f32.store', add(i32(spec.out), mul(get(w), i32(4))), f32(0)));
  fn.set(k0, i32(0));
  whileNot(
    fn,
    () => op('i32.ge_s', get(k0), i32(spec.k)),
    () => axpyOutputs(ctx, spec, { pa, pb, kk, k0, acc }, block),
  );
}

/**
 * k rows per block: every output block of the range reads the block's rows of the matrix while they
 * are still in cache (a pass over all of k per 16 outputs streams the matrix from memory again each
 * time, and its 64-byte reads straddle lines).
 */
function axpyBlock(spec: GemvSpec): number {
  return Math.max(16, Math.min(spec.k, Math.floor(AXPY_BLOCK_BYTES / (spec.rows * 4))));
}

/** Bytes of the matrix one k block spans across all outputs: well inside a 256 KiB L2. */
const AXPY_BLOCK_BYTES = 64 * 1024;

interface AxpyLocals {
  readonly pa: Local;
  readonly pb: Local;
  readonly kk: Local;
  readonly k0: Local;
  readonly acc: readonly Local[];
}

/** One k block `[k0, k0 + block)` over the range's outputs, 16, 4 or 1 at a time; advances k0. */
function axpyOutputs(ctx: KernelContext, spec: GemvSpec, locals: AxpyLocals, block: number): void {
  const { fn } = ctx;
  const end = fn.params[1];
  const { pa, pb, kk, k0, acc } = locals;
  const count = fn.local('i32');
  const rest = op('i32.sub', i32(spec.k), get(k0));
  const steps = fn.let(select(i32(block), rest, op('i32.lt_s', i32(block), rest)));
  forEachWorkItem(fn, (w) => {
    const bi = fn.let(op('i32.div_u', get(w), i32(spec.rows)));
    const row = fn.let(op('i32.rem_u', get(w), i32(spec.rows)));
    // Outputs left in this batch and in the range decide the width: 16, 4, or 1 (lane 0).
    const left = fn.let(op('i32.sub', i32(spec.rows), row));
    const inRange = op('i32.sub', get(end), get(w));
    const avail = fn.let(select(left, inRange, op('i32.lt_s', left, inRange)));
    const matRow = add(mul(bi, i32(spec.mat.batch)), row);
    fn.set(pa, add(i32(spec.mat.base), mul(add(matRow, mul(get(k0), i32(spec.mat.k))), i32(4))));
    const vecAt = add(mul(bi, i32(spec.vec.batch)), mul(get(k0), i32(spec.vec.k)));
    fn.set(pb, add(i32(spec.vec.base), mul(vecAt, i32(4))));
    const out = fn.let(add(i32(spec.out), mul(get(w), i32(4))));
    const pass = (vectors: number) => {
      if (vectors === 0) fn.set(acc[0], load('v128.load32_zero', out));
      else for (let j = 0; j < vectors; j++) fn.set(acc[j], load('v128.load', out, j * 16));
      /** Row `row` after pa (0 or 1) times its element of the vector, added into the sums. */
      const products = (row: 0 | 1) => {
        const v = fn.let(load('v128.load32_splat', get(pb), row * spec.vec.k * 4));
        const at = row * spec.mat.k * 4;
        if (vectors === 0) {
          fn.set(acc[0], ctx.math.madd(load('v128.load32_zero', get(pa), at), v, get(acc[0])));
        } else {
          for (let j = 0; j < vectors; j++)
            fn.set(acc[j], ctx.math.madd(load('v128.load', get(pa), at + j * 16), v, get(acc[j])));
        }
      };
      // Two rows a trip (the same additions in the same order): half the loop's bookkeeping.
      fn.set(kk, op('i32.shr_u', steps, i32(1)));
      whileNot(
        fn,
        () => op('i32.eqz', get(kk)),
        () => {
          products(0);
          products(1);
          fn.set(pa, add(get(pa), i32(2 * spec.mat.k * 4)));
          fn.set(pb, add(get(pb), i32(2 * spec.vec.k * 4)));
          fn.set(kk, op('i32.sub', get(kk), i32(1)));
        },
      );
      fn.if(op('i32.and', steps, i32(1)), () => products(0));
      if (vectors === 0) fn.store('f32.store', out, lane('f32x4.extract_lane', 0, get(acc[0])));
      else for (let j = 0; j < vectors; j++) fn.store('v128.store', out, get(acc[j]), j * 16);
      fn.set(count, i32(Math.max(1, vectors * 4)));
    };
    fn.if(
      op('i32.ge_s', avail, i32(16)),
      () => pass(4),
      () =>
        fn.if(
          op('i32.ge_s', avail, i32(4)),
          () => pass(1),
          () => pass(0),
        ),
    );
    return get(count);
  });
  fn.set(k0, add(get(k0), i32(block)));
}
