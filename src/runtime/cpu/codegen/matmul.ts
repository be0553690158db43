/**
 * float32 matmul `C[b] = A[b] · B[b]` (GotoBLAS structure, `gemm-4x8-kc256`): B is packed once into
 * panels of 8 columns (zero-padded), each thread packs 4-row panels of A per slice of k (256 deep,
 * less where B's slice would not stay in L2), and
 * a 4×8 register tile (eight f32x4 accumulators, 11 live vectors: V8 spills beyond ~12) runs over the
 * slice with a broadcast load of A and two loads of B per step. Transposes are only strides, read
 * while packing. Threads take row panels, so every element is computed the same way for any split.
 * Other dtypes take the scalar form (float64 accumulation, then rounding).
 */
import type { DType } from '../../../graph/dtype.js';
import { type Expr, f32, f32x4, f64, get, i32, lane, load, type Local, op, select } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { loadScalar, storeScalar } from './elementwise.js';
import { BYTES, forEachWorkItem, type StridedAccess, whileNot } from './iteration.js';
import { fromF64, toF64 } from './scalar-ops.js';

export const MR = 4;
export const NR = 8;
/** Deepest k slice; slices are shallower where B's slice (kc × n) would not fit {@link B_SLICE_BYTES}. */
export const KC = 256;
/**
 * A slice of packed B is walked once per row panel, so it should stay in L2 (1.25 MiB a core on the
 * benchmark machine) next to C's rows, A's panel and whatever else the core runs: at n = 1024 a
 * 256-deep slice is 1 MiB. (With the slice-contiguous layout, 1024³ on one thread on the shared
 * machine: 0.041 ns/flop CPU time at 512 KiB and 256 KiB alike, 0.047 before.)
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
  readonly rowPanels: number;
  readonly colPanels: number;
  /** Depth of the k slices (the last may be shallower). */
  readonly kc: number;
  /** Bytes of packed B (all batches) and of one thread's packed A slice. */
  readonly packedBBytes: number;
  readonly packedABytes: number;
}

export function planMatmul(spec: MatmulSpec): MatmulPlan {
  const colPanels = Math.ceil(spec.n / NR);
  const fit = Math.floor(B_SLICE_BYTES / (colPanels * NR * 4) / 16) * 16;
  const kc = Math.min(KC, Math.max(64, fit), spec.k);
  return {
    rowPanels: spec.batch * Math.ceil(spec.m / MR),
    colPanels,
    kc,
    packedBBytes: spec.batch * colPanels * spec.k * NR * 4,
    packedABytes: kc * MR * 4,
  };
}

const add = (a: Expr, b: Expr) => op('i32.add', a, b);
const mul = (a: Expr, b: Expr) => op('i32.mul', a, b);

/**
 * `packB(wStart, wEnd)`: work item w = batch · colPanels + panel; writes k × 8 floats per panel. Each
 * batch's packed B is stored slice by slice (all panels of k rows `k0 .. k0 + kc`, then the next
 * slice), so the slice the compute loop walks is contiguous: panels k × 8 apart mapped onto a few
 * cache sets and thrashed L2 at 512² and above.
 */
export function generatePackB(ctx: KernelContext, spec: MatmulSpec, plan: MatmulPlan, packed: number): void {
  const { fn } = ctx;
  const kk = fn.local('i32');
  const k0 = fn.local('i32');
  const kc = fn.local('i32');
  const src = fn.local('i32');
  const dst = fn.local('i32');
  const [sb, sk, sn] = spec.b.strides;
  forEachWorkItem(fn, (w) => {
    const bi = fn.let(op('i32.div_u', get(w), i32(plan.colPanels)));
    const panel = fn.let(op('i32.rem_u', get(w), i32(plan.colPanels)));
    const col0 = fn.let(mul(panel, i32(NR)));
    fn.set(
      src,
      add(i32(spec.b.address + spec.b.offset * 4), mul(add(mul(bi, i32(sb)), mul(col0, i32(sn))), i32(4))),
    );
    forEachKSlice(ctx, spec, plan, k0, kc, () => {
      fn.set(dst, packedSlice(spec, plan, packed, bi, get(k0), panel, get(kc)));
      fn.set(kk, get(kc));
      whileNot(
        fn,
        () => op('i32.eqz', get(kk)),
        () => {
          for (let c = 0; c < NR; c++) {
            const inside = op('i32.lt_s', add(col0, i32(c)), i32(spec.n));
            const v = load('f32.load', select(add(get(src), i32(c * sn * 4)), get(src), inside));
            fn.store('f32.store', get(dst), select(v, f32(0), inside), c * 4);
          }
          fn.set(src, add(get(src), i32(sk * 4)));
          fn.set(dst, add(get(dst), i32(NR * 4)));
          fn.set(kk, op('i32.sub', get(kk), i32(1)));
        },
      );
    });
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
  const panelBytes = NR * 4;
  return add(
    i32(packed),
    mul(
      add(add(mul(bi, i32(plan.colPanels * spec.k)), mul(k0, i32(plan.colPanels))), mul(panel, kc)),
      i32(panelBytes),
    ),
  );
}

/** `compute(wStart, wEnd, thread)`: row panels w = batch · rowPanelsPerBatch + panel. */
export function generateMatmulCompute(
  ctx: KernelContext,
  spec: MatmulSpec,
  plan: MatmulPlan,
  packedB: number,
  packedA: number,
): void {
  const { fn } = ctx;
  const thread = fn.params[2];
  const perBatch = Math.ceil(spec.m / MR);
  const [sab, sam, sak] = spec.a.strides;
  const apack = fn.let(add(i32(packedA), mul(get(thread), i32(plan.packedABytes))));
  const k0 = fn.local('i32');
  const jp = fn.local('i32');
  const kk = fn.local('i32');
  const pa = fn.local('i32');
  const pb = fn.local('i32');
  const src = fn.local('i32');
  const kc = fn.local('i32');
  const acc = Array.from({ length: MR * 2 }, () => fn.local('v128'));
  forEachKSlice(ctx, spec, plan, k0, kc, () => {
    forEachWorkItem(fn, (w) => {
      const bi = fn.let(op('i32.div_u', get(w), i32(perBatch)));
      const row0 = fn.let(mul(op('i32.rem_u', get(w), i32(perBatch)), i32(MR)));
      // Pack A[bi, row0 .. row0+4, k0 .. k0+kc] as kc groups of 4 (rows past m read row 0, stored as 0).
      for (let r = 0; r < MR; r++) {
        const inside = op('i32.lt_s', add(row0, i32(r)), i32(spec.m));
        const rowOff = mul(select(add(row0, i32(r)), i32(0), inside), i32(sam));
        fn.set(
          src,
          add(
            i32(spec.a.address + spec.a.offset * 4),
            mul(add(add(mul(bi, i32(sab)), rowOff), mul(get(k0), i32(sak))), i32(4)),
          ),
        );
        fn.set(pa, add(apack, i32(r * 4)));
        fn.set(kk, get(kc));
        const keep = fn.let(inside);
        whileNot(
          fn,
          () => op('i32.eqz', get(kk)),
          () => {
            fn.store('f32.store', get(pa), select(load('f32.load', get(src)), f32(0), keep));
            fn.set(src, add(get(src), i32(sak * 4)));
            fn.set(pa, add(get(pa), i32(MR * 4)));
            fn.set(kk, op('i32.sub', get(kk), i32(1)));
          },
        );
      }
      fn.set(jp, i32(0));
      whileNot(
        fn,
        () => op('i32.ge_s', get(jp), i32(plan.colPanels)),
        () => {
          const col0 = fn.let(mul(get(jp), i32(NR)));
          const cBase = fn.let(
            add(i32(spec.out), mul(add(mul(add(mul(bi, i32(spec.m)), row0), i32(spec.n)), col0), i32(4))),
          );
          const full = fn.let(
            op(
              'i32.and',
              op('i32.le_s', add(row0, i32(MR)), i32(spec.m)),
              op('i32.le_s', add(col0, i32(NR)), i32(spec.n)),
            ),
          );
          loadTile(ctx, spec, acc, cBase, full, row0, col0, get(k0));
          fn.set(pa, apack);
          fn.set(pb, packedSlice(spec, plan, packedB, bi, get(k0), get(jp), get(kc)));
          fn.set(kk, get(kc));
          whileNot(
            fn,
            () => op('i32.eqz', get(kk)),
            () => {
              const b0 = fn.let(load('v128.load', get(pb)));
              const b1 = fn.let(load('v128.load', get(pb), 16));
              for (let r = 0; r < MR; r++) {
                const a = fn.let(load('v128.load32_splat', get(pa), r * 4));
                fn.set(acc[2 * r], ctx.math.madd(a, b0, get(acc[2 * r])));
                fn.set(acc[2 * r + 1], ctx.math.madd(a, b1, get(acc[2 * r + 1])));
              }
              fn.set(pa, add(get(pa), i32(MR * 4)));
              fn.set(pb, add(get(pb), i32(NR * 4)));
              fn.set(kk, op('i32.sub', get(kk), i32(1)));
            },
          );
          storeTile(ctx, spec, acc, cBase, full, row0, col0);
          fn.set(jp, add(get(jp), i32(1)));
        },
      );
    });
  });
}

/** Accumulators start at 0 on the first k slice, else at C's current values. */
function loadTile(
  ctx: KernelContext,
  spec: MatmulSpec,
  acc: Local[],
  cBase: Expr,
  full: Expr,
  row0: Expr,
  col0: Expr,
  k0: Expr,
): void {
  const { fn } = ctx;
  fn.if(
    op('i32.eqz', k0),
    () => acc.forEach((a) => fn.set(a, f32x4(0))),
    () =>
      fn.if(
        full,
        () => {
          for (let r = 0; r < MR; r++)
            for (let h = 0; h < 2; h++)
              fn.set(acc[2 * r + h], load('v128.load', cBase, (r * spec.n + h * 4) * 4));
        },
        () => {
          for (let r = 0; r < MR; r++)
            for (let h = 0; h < 2; h++) {
              let v = f32x4(0);
              for (let l = 0; l < 4; l++) {
                const ok = op(
                  'i32.and',
                  op('i32.lt_s', add(row0, i32(r)), i32(spec.m)),
                  op('i32.lt_s', add(col0, i32(h * 4 + l)), i32(spec.n)),
                );
                const addr = select(add(cBase, i32((r * spec.n + h * 4 + l) * 4)), cBase, ok);
                v = lane('f32x4.replace_lane', l, v, select(load('f32.load', addr), f32(0), ok));
              }
              fn.set(acc[2 * r + h], v);
            }
        },
      ),
  );
}

function storeTile(
  ctx: KernelContext,
  spec: MatmulSpec,
  acc: Local[],
  cBase: Expr,
  full: Expr,
  row0: Expr,
  col0: Expr,
): void {
  const { fn } = ctx;
  fn.if(
    full,
    () => {
      for (let r = 0; r < MR; r++)
        for (let h = 0; h < 2; h++)
          fn.store('v128.store', cBase, get(acc[2 * r + h]), (r * spec.n + h * 4) * 4);
    },
    () => {
      for (let r = 0; r < MR; r++)
        for (let h = 0; h < 2; h++)
          for (let l = 0; l < 4; l++) {
            const ok = op(
              'i32.and',
              op('i32.lt_s', add(row0, i32(r)), i32(spec.m)),
              op('i32.lt_s', add(col0, i32(h * 4 + l)), i32(spec.n)),
            );
            fn.if(ok, () =>
              fn.store(
                'f32.store',
                cBase,
                lane('f32x4.extract_lane', l, get(acc[2 * r + h])),
                (r * spec.n + h * 4 + l) * 4,
              ),
            );
          }
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
