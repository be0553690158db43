/**
 * float32 matmul `C[b] = A[b] · B[b]` (GotoBLAS structure, `gemm-3x12-kc256`, `gemm-4x8-kc256`
 * without FMA): B is packed once into panels of 12 columns (zero-padded), sliced along k (256 deep,
 * less where B's slice would not stay in L2), and a 3×12 register tile (nine f32x4 accumulators) runs
 * over each slice with a broadcast load of A, read in place, and three loads of B per step. Transposes
 * are only strides. Threads take row panels, so every element is computed the same way for any split.
 * Other dtypes take the scalar form (float64 accumulation, then rounding).
 */
import type { DType } from '../../../graph/dtype.js';
import { type Expr, f32, f32x4, f64, get, i32, lane, load, type Local, op, select } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { loadScalar, storeScalar } from './elementwise.js';
import { BYTES, forEachWorkItem, type StridedAccess, whileNot } from './iteration.js';
import { fromF64, toF64 } from './scalar-ops.js';

/**
 * The register tile: `mr` rows of A by `nv` f32x4 vectors of B's columns, `mr · nv` accumulators.
 * x64 gives V8 15 allocatable vector registers, and V8 loads every broadcast of A before the FMAs,
 * so a tile needs `mr · nv + nv + mr` ≤ 15: 3×12 (9 accumulators, all 15) with FMA; 4×8 (8 + 2 + 4,
 * leaving one for the product) where multiply and add are separate. In-cache tile loops on the
 * benchmark machine (AMD EPYC Zen 5, relaxed-SIMD FMA, one thread, CPU time): 3×12 48–50 GFLOP/s,
 * 4×8 45–47, of a measured 52.8 peak (12 independent FMA chains); 5×8, 6×8, 4×12 and 3×16 spill and
 * run at 21–25; 2×12 and 3×8 (6 chains) cannot cover the FMA latency and run at 37.
 */
export interface Tile {
  readonly mr: number;
  readonly nv: number;
}

export const tileFor = (fma: boolean): Tile => (fma ? { mr: 3, nv: 3 } : { mr: 4, nv: 2 });

/** Deepest k slice; slices are shallower where B's slice would not fit {@link B_SLICE_BYTES}. */
export const KC = 256;
/**
 * A slice of packed B is walked once per row panel, so it should stay in L2 (1 MiB a core on the
 * benchmark machine) next to C's rows, A's rows and whatever else the core runs. At 1024² slices of
 * 112 (this size) and of 240 (1 MiB) ran alike: 46.5 and 46.8 GFLOP/s (CPU time, 40 rounds).
 */
export const B_SLICE_BYTES = 512 << 10;

export interface MatmulSpec {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** [batch, m, k] */
  readonly a: StridedAccess;
  /** [batch, k, n] */
  readonly b: StridedAccess;
  /** contiguous [batch, m, n] */
  readonly out: number;
  readonly dtype: DType;
}

export interface MatmulPlan {
  readonly tile: Tile;
  /** Columns of a packed panel of B (`4 · tile.nv`). */
  readonly nr: number;
  readonly rowPanels: number;
  readonly colPanels: number;
  /** Depth of the k slices (the last may be shallower). */
  readonly kc: number;
  /** Bytes of packed B (all batches). */
  readonly packedBBytes: number;
}

export function planMatmul(spec: MatmulSpec, fma: boolean): MatmulPlan {
  const tile = tileFor(fma);
  const nr = 4 * tile.nv;
  const colPanels = Math.ceil(spec.n / nr);
  const fit = Math.floor(B_SLICE_BYTES / (colPanels * nr * 4) / 16) * 16;
  const kc = Math.min(KC, Math.max(64, fit), spec.k);
  return {
    tile,
    nr,
    rowPanels: spec.batch * Math.ceil(spec.m / tile.mr),
    colPanels,
    kc,
    packedBBytes: spec.batch * colPanels * spec.k * nr * 4,
  };
}

const add = (a: Expr, b: Expr) => op('i32.add', a, b);
const mul = (a: Expr, b: Expr) => op('i32.mul', a, b);

/**
 * `packB(wStart, wEnd)`: work item w = batch · colPanels + panel; writes k × nr floats per panel. Each
 * batch's packed B is stored slice by slice (all panels of k rows `k0 .. k0 + kc`, then the next
 * slice), so the slice the compute loop walks is contiguous: panels k × nr apart mapped onto a few
 * cache sets and thrashed L2 at 512² and above. Rows of B with contiguous columns are copied a vector
 * at a time, except in a last panel that is cut short (its missing columns are zeros).
 */
export function generatePackB(ctx: KernelContext, spec: MatmulSpec, plan: MatmulPlan, packed: number): void {
  const { fn } = ctx;
  const { nr } = plan;
  const kk = fn.local('i32');
  const k0 = fn.local('i32');
  const kc = fn.local('i32');
  const src = fn.local('i32');
  const dst = fn.local('i32');
  const [sb, sk, sn] = spec.b.strides;
  forEachWorkItem(fn, (w) => {
    const bi = fn.let(op('i32.div_u', get(w), i32(plan.colPanels)));
    const panel = fn.let(op('i32.rem_u', get(w), i32(plan.colPanels)));
    const col0 = fn.let(mul(panel, i32(nr)));
    fn.set(
      src,
      add(i32(spec.b.address + spec.b.offset * 4), mul(add(mul(bi, i32(sb)), mul(col0, i32(sn))), i32(4))),
    );
    const rows = (copyRow: () => void) =>
      forEachKSlice(ctx, spec, plan, k0, kc, () => {
        fn.set(dst, packedSlice(spec, plan, packed, bi, get(k0), panel, get(kc)));
        fn.set(kk, get(kc));
        whileNot(
          fn,
          () => op('i32.eqz', get(kk)),
          () => {
            copyRow();
            fn.set(src, add(get(src), i32(sk * 4)));
            fn.set(dst, add(get(dst), i32(nr * 4)));
            fn.set(kk, op('i32.sub', get(kk), i32(1)));
          },
        );
      });
    const scalarRows = () =>
      rows(() => {
        for (let c = 0; c < nr; c++) {
          const inside = op('i32.lt_s', add(col0, i32(c)), i32(spec.n));
          const v = load('f32.load', select(add(get(src), i32(c * sn * 4)), get(src), inside));
          fn.store('f32.store', get(dst), select(v, f32(0), inside), c * 4);
        }
      });
    if (sn !== 1) return scalarRows();
    fn.if(
      op('i32.le_s', add(col0, i32(nr)), i32(spec.n)),
      () =>
        rows(() => {
          for (let v = 0; v < plan.tile.nv; v++)
            fn.store('v128.store', get(dst), load('v128.load', get(src), v * 16), v * 16);
        }),
      scalarRows,
    );
  });
}

/**
 * Emits a loop over the k axis in slices of `plan.kc` rows: `k0` is the slice's first row and `kc` its
 * length (the last slice may be shorter). packB and gemm walk the same slices, so packed B's layout
 * (slice by slice) and the multiply agree by construction.
 */
function forEachKSlice(
  ctx: KernelContext,
  spec: MatmulSpec,
  plan: MatmulPlan,
  k0: Local,
  kc: Local,
  body: () => void,
): void {
  const { fn } = ctx;
  fn.set(k0, i32(0));
  whileNot(
    fn,
    () => op('i32.ge_s', get(k0), i32(spec.k)),
    () => {
      const left = op('i32.sub', i32(spec.k), get(k0));
      fn.set(kc, select(i32(plan.kc), left, op('i32.lt_s', i32(plan.kc), left)));
      body();
      fn.set(k0, add(get(k0), i32(plan.kc)));
    },
  );
}

/** Address of panel `panel`'s rows `k0 .. k0 + kc` of batch `bi` in packed B. */
function packedSlice(
  spec: MatmulSpec,
  plan: MatmulPlan,
  packed: number,
  bi: Expr,
  k0: Expr,
  panel: Expr,
  kc: Expr,
): Expr {
  return add(
    i32(packed),
    mul(
      add(add(mul(bi, i32(plan.colPanels * spec.k)), mul(k0, i32(plan.colPanels))), mul(panel, kc)),
      i32(plan.nr * 4),
    ),
  );
}

/**
 * `compute(wStart, wEnd)`: row panels w = batch · rowPanelsPerBatch + panel. A is read in place, one
 * pointer per row of the tile stepping along k (a row past m reads row m − 1 and is never stored), so
 * any strides work and nothing of A is packed. Every element of C is one chain of FMAs over k in
 * order (a k slice stores it, the next loads it back exactly), whatever the tile, the slices or the
 * thread: the same bits for any split.
 */
export function generateMatmulCompute(
  ctx: KernelContext,
  spec: MatmulSpec,
  plan: MatmulPlan,
  packedB: number,
): void {
  const { fn } = ctx;
  const { mr, nv } = plan.tile;
  const perBatch = Math.ceil(spec.m / mr);
  const [sab, sam, sak] = spec.a.strides;
  const k0 = fn.local('i32');
  const jp = fn.local('i32');
  const kk = fn.local('i32');
  const pb = fn.local('i32');
  const kc = fn.local('i32');
  const aRow = Array.from({ length: mr }, () => fn.local('i32'));
  const pa = Array.from({ length: mr }, () => fn.local('i32'));
  const acc = Array.from({ length: mr * nv }, () => fn.local('v128'));
  forEachKSlice(ctx, spec, plan, k0, kc, () => {
    forEachWorkItem(fn, (w) => {
      const bi = fn.let(op('i32.div_u', get(w), i32(perBatch)));
      const row0 = fn.let(mul(op('i32.rem_u', get(w), i32(perBatch)), i32(mr)));
      const aSlice = fn.let(
        add(
          i32(spec.a.address + spec.a.offset * 4),
          mul(add(mul(bi, i32(sab)), mul(get(k0), i32(sak))), i32(4)),
        ),
      );
      aRow.forEach((p, r) => {
        const row = add(row0, i32(r));
        const clamped = select(row, i32(spec.m - 1), op('i32.lt_s', row, i32(spec.m)));
        fn.set(p, add(aSlice, mul(clamped, i32(sam * 4))));
      });
      fn.set(jp, i32(0));
      whileNot(
        fn,
        () => op('i32.ge_s', get(jp), i32(plan.colPanels)),
        () => {
          const col0 = fn.let(mul(get(jp), i32(plan.nr)));
          const cBase = fn.let(
            add(i32(spec.out), mul(add(mul(add(mul(bi, i32(spec.m)), row0), i32(spec.n)), col0), i32(4))),
          );
          const full = fn.let(
            op(
              'i32.and',
              op('i32.le_s', add(row0, i32(mr)), i32(spec.m)),
              op('i32.le_s', add(col0, i32(plan.nr)), i32(spec.n)),
            ),
          );
          const tile = { spec, plan, acc, cBase, full, row0, col0 };
          loadTile(ctx, tile, get(k0));
          aRow.forEach((p, r) => fn.set(pa[r], get(p)));
          fn.set(pb, packedSlice(spec, plan, packedB, bi, get(k0), get(jp), get(kc)));
          fn.set(kk, get(kc));
          whileNot(
            fn,
            () => op('i32.eqz', get(kk)),
            () => {
              const b = Array.from({ length: nv }, (_, v) => fn.let(load('v128.load', get(pb), v * 16)));
              for (let r = 0; r < mr; r++) {
                const a = fn.let(load('v128.load32_splat', get(pa[r])));
                for (let v = 0; v < nv; v++)
                  fn.set(acc[r * nv + v], ctx.math.madd(a, b[v], get(acc[r * nv + v])));
                fn.set(pa[r], add(get(pa[r]), i32(sak * 4)));
              }
              fn.set(pb, add(get(pb), i32(plan.nr * 4)));
              fn.set(kk, op('i32.sub', get(kk), i32(1)));
            },
          );
          storeTile(ctx, tile);
          fn.set(jp, add(get(jp), i32(1)));
        },
      );
    });
  });
}

/** One register tile of C: accumulator `r · nv + v` holds row `row0 + r`, columns `col0 + 4v ..`. */
interface TileAt {
  readonly spec: MatmulSpec;
  readonly plan: MatmulPlan;
  readonly acc: readonly Local[];
  readonly cBase: Expr;
  /** The whole tile lies inside C. */
  readonly full: Expr;
  readonly row0: Expr;
  readonly col0: Expr;
}

/** Whether element (row0 + r, col0 + c) of the tile lies inside C. */
const insideC = (t: TileAt, r: number, c: number): Expr =>
  op(
    'i32.and',
    op('i32.lt_s', add(t.row0, i32(r)), i32(t.spec.m)),
    op('i32.lt_s', add(t.col0, i32(c)), i32(t.spec.n)),
  );

/** Accumulators start at 0 on the first k slice, else at C's current values. */
function loadTile(ctx: KernelContext, t: TileAt, k0: Expr): void {
  const { fn } = ctx;
  const { mr, nv } = t.plan.tile;
  const n = t.spec.n;
  fn.if(
    op('i32.eqz', k0),
    () => t.acc.forEach((a) => fn.set(a, f32x4(0))),
    () =>
      fn.if(
        t.full,
        () => {
          for (let r = 0; r < mr; r++)
            for (let v = 0; v < nv; v++)
              fn.set(t.acc[r * nv + v], load('v128.load', t.cBase, (r * n + v * 4) * 4));
        },
        () => {
          for (let r = 0; r < mr; r++)
            for (let v = 0; v < nv; v++) {
              let x = f32x4(0);
              for (let l = 0; l < 4; l++) {
                const ok = insideC(t, r, v * 4 + l);
                const addr = select(add(t.cBase, i32((r * n + v * 4 + l) * 4)), t.cBase, ok);
                x = lane('f32x4.replace_lane', l, x, select(load('f32.load', addr), f32(0), ok));
              }
              fn.set(t.acc[r * nv + v], x);
            }
        },
      ),
  );
}

function storeTile(ctx: KernelContext, t: TileAt): void {
  const { fn } = ctx;
  const { mr, nv } = t.plan.tile;
  const n = t.spec.n;
  fn.if(
    t.full,
    () => {
      for (let r = 0; r < mr; r++)
        for (let v = 0; v < nv; v++)
          fn.store('v128.store', t.cBase, get(t.acc[r * nv + v]), (r * n + v * 4) * 4);
    },
    () => {
      for (let r = 0; r < mr; r++)
        for (let v = 0; v < nv; v++)
          for (let l = 0; l < 4; l++)
            fn.if(insideC(t, r, v * 4 + l), () =>
              fn.store(
                'f32.store',
                t.cBase,
                lane('f32x4.extract_lane', l, get(t.acc[r * nv + v])),
                (r * n + v * 4 + l) * 4,
              ),
            );
    },
  );
}

/** `rows(wStart, wEnd)` for non-float32 dtypes: output rows w = batch · m + i, float64 accumulation. */
export function generateMatmulScalar(ctx: KernelContext, spec: MatmulSpec): void {
  const { fn } = ctx;
  const size = BYTES[spec.dtype];
  const [sab, sam, sak] = spec.a.strides;
  const [sbb, sbk, sbn] = spec.b.strides;
  const j = fn.local('i32');
  const kk = fn.local('i32');
  const acc = fn.local('f64');
  forEachWorkItem(fn, (w) => {
    const bi = fn.let(op('i32.div_u', get(w), i32(spec.m)));
    const row = fn.let(op('i32.rem_u', get(w), i32(spec.m)));
    fn.set(j, i32(0));
    whileNot(
      fn,
      () => op('i32.ge_s', get(j), i32(spec.n)),
      () => {
        fn.set(acc, f64(0));
        fn.set(kk, i32(0));
        whileNot(
          fn,
          () => op('i32.ge_s', get(kk), i32(spec.k)),
          () => {
            const aAddr = add(
              i32(spec.a.address),
              mul(
                add(
                  i32(spec.a.offset),
                  add(add(mul(bi, i32(sab)), mul(row, i32(sam))), mul(get(kk), i32(sak))),
                ),
                i32(size),
              ),
            );
            const bAddr = add(
              i32(spec.b.address),
              mul(
                add(
                  i32(spec.b.offset),
                  add(add(mul(bi, i32(sbb)), mul(get(kk), i32(sbk))), mul(get(j), i32(sbn))),
                ),
                i32(size),
              ),
            );
            const prod = op(
              'f64.mul',
              toF64(loadScalar(spec.dtype, aAddr), spec.dtype),
              toF64(loadScalar(spec.dtype, bAddr), spec.dtype),
            );
            fn.set(acc, op('f64.add', get(acc), prod));
            fn.set(kk, add(get(kk), i32(1)));
          },
        );
        const outAddr = add(i32(spec.out), mul(add(mul(get(w), i32(spec.n)), get(j)), i32(size)));
        storeScalar(ctx, spec.dtype, outAddr, fromF64(ctx, get(acc), spec.dtype));
        fn.set(j, add(get(j), i32(1)));
      },
    );
  });
}
