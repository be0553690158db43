/**
 * Batched matmul with a fused epilogue: out[b, i, j] = epilogue(Σk a[b, i, k] · b[b, k, j], extras).
 * Two variants, both computing a 4×4 block of outputs per thread in vec4 registers:
 * - `regblock` reads straight from the buffers (vec4 loads of `b` when its rows are contiguous). On
 *   llvmpipe, where workgroup barriers and shared memory are slow, this is the fast one.
 * - `tiled` stages 64×16 tiles of `a` and 16×64 of `b` in workgroup memory: what real GPUs prefer.
 * The executor picks the variant per adapter (software → regblock). Small outputs with a long inner
 * dimension (the weight gradient xᵀ·δ of a training step: 20 outputs, k = 2000) would leave all but
 * one workgroup idle, so `regblock` with `splitK` gives each workgroup a slice of k and writes partial
 * sums; the `finish` variant adds the slices and applies the epilogue, one thread per output.
 */
import type { DType } from '../../../graph/dtype.js';
import type { ScalarExpr } from '../../program.js';
import { fromStorage, scalarToWgsl, storageType, toStorage } from '../scalar.js';
import {
  assign,
  at,
  barrier,
  binary,
  call,
  type Expr,
  for_,
  ident,
  if_,
  let_,
  lit,
  member,
  param,
  return_,
  type ScalarType,
  select,
  type ShaderModule,
  type Stmt,
  type StorageBinding,
  var_,
} from '../wgsl.js';
import { ParamLayout, threadIndex } from './common.js';

export interface MatmulSpec {
  readonly kind: 'matmul';
  readonly variant: 'regblock' | 'tiled' | 'finish';
  /** regblock only: sum one slice of k per workgroup layer into partials (finished by `finish`). */
  readonly splitK: boolean;
  /** The type products are summed in. */
  readonly acc: 'f32' | 'i32';
  readonly a: DType;
  readonly b: DType;
  /** `b` read as vec4 rows (regblock only): unit column stride, row stride and offset divisible by 4. */
  readonly bVec4: boolean;
  readonly extras: readonly DType[];
  readonly epilogue: ScalarExpr;
  readonly outDtype: DType;
}

/** A rank-3 view's offset and strides over [batch, rows, cols]. */
export interface View3 {
  readonly offset: number;
  readonly strides: readonly [number, number, number];
}

export const TILE = 64;
const TILE_K = 16;

export function matmulLayout(spec: MatmulSpec) {
  const p = new ParamLayout();
  const [batch, m, n, k, splits, chunk] = p.take(6);
  const view = () => ({ offset: p.one(), strides: p.take(3) });
  const a = view();
  const b = view();
  const extras = spec.extras.map(view);
  return { batch, m, n, k, splits, chunk, a, b, extras, vec4s: p.vec4s };
}

export function matmulParams(
  spec: MatmulSpec,
  sizes: { readonly batch: number; readonly m: number; readonly n: number; readonly k: number },
  splits: number,
  a: View3,
  b: View3,
  extras: readonly View3[],
): Int32Array {
  const layout = matmulLayout(spec);
  const v = new Int32Array(layout.vec4s * 4);
  v[layout.batch] = sizes.batch;
  v[layout.m] = sizes.m;
  v[layout.n] = sizes.n;
  v[layout.k] = sizes.k;
  v[layout.splits] = splits;
  v[layout.chunk] = Math.ceil(sizes.k / splits);
  const put = (slots: { offset: number; strides: number[] }, view: View3, scale = 1) => {
    v[slots.offset] = view.offset / scale;
    slots.strides.forEach((s, i) => (v[s] = view.strides[i] / scale));
  };
  put(layout.a, a);
  put(layout.b, b, spec.bVec4 ? 4 : 1);
  layout.extras.forEach((slots, i) => put(slots, extras[i]));
  return v;
}

export function matmulBindings(spec: MatmulSpec): StorageBinding[] {
  const bType = storageType(spec.b);
  const extras = spec.extras.map((d, i): StorageBinding => ({
    name: `in${i + 2}`,
    element: storageType(d),
    access: 'read',
  }));
  if (spec.variant === 'finish') {
    return [
      { name: 'out', element: storageType(spec.outDtype), access: 'read_write' },
      { name: 'partials', element: spec.acc, access: 'read' },
      ...extras,
    ];
  }
  if (spec.splitK) {
    return [
      { name: 'out', element: spec.acc, access: 'read_write' },
      { name: 'in0', element: storageType(spec.a), access: 'read' },
      { name: 'in1', element: spec.bVec4 ? `vec4<${bType}>` : bType, access: 'read' },
    ];
  }
  return [
    { name: 'out', element: storageType(spec.outDtype), access: 'read_write' },
    { name: 'in0', element: storageType(spec.a), access: 'read' },
    { name: 'in1', element: spec.bVec4 ? `vec4<${bType}>` : bType, access: 'read' },
    ...spec.extras.map((d, i): StorageBinding => ({
      name: `in${i + 2}`,
      element: storageType(d),
      access: 'read',
    })),
  ];
}

/** The epilogue's value at output (bi, i, j), reading the extra operands there. */
function epilogueAt(spec: MatmulSpec, acc: Expr, bi: Expr, i: Expr, j: Expr, helpers: Set<string>): Expr {
  const L = matmulLayout(spec);
  return scalarToWgsl(spec.epilogue, {
    helpers,
    acc,
    operand: (x) => {
      const slots = L.extras[x - 2];
      const d = spec.extras[x - 2];
      const index = binary(
        '+',
        binary('+', param(slots.offset), binary('*', bi, param(slots.strides[0]))),
        binary('+', binary('*', i, param(slots.strides[1])), binary('*', j, param(slots.strides[2]))),
      );
      return fromStorage(at(`in${x}`, index, storageType(d)), d);
    },
  });
}

/** The second pass of a split-k matmul: one thread per output adds the slices, then the epilogue. */
function finishShader(spec: MatmulSpec): ShaderModule {
  const L = matmulLayout(spec);
  const T = spec.acc;
  const helpers = new Set<string>();
  const [m, n] = [param(L.m), param(L.n)];
  const [idx, i, j, bi, s] = ['idx', 'i', 'j', 'bi', 's'].map((x) => ident(x, 'i32'));
  const total = binary('*', binary('*', param(L.batch), m), n);
  const body: Stmt[] = [
    let_('idx', threadIndex(256)),
    if_(binary('>=', idx, total), [return_]),
    let_('j', binary('%', idx, n)),
    let_('i', binary('%', binary('/', idx, n), m)),
    let_('bi', binary('/', idx, binary('*', m, n))),
    var_('acc', T, lit(0, T)),
    for_('s', 'i32', lit(0, 'i32'), param(L.splits), lit(1, 'i32'), [
      assign(ident('acc', T), at('partials', binary('+', binary('*', s, total), idx), T), '+='),
    ]),
    assign(
      at('out', idx, storageType(spec.outDtype)),
      toStorage(epilogueAt(spec, ident('acc', T), bi, i, j, helpers), spec.outDtype),
    ),
  ];
  return {
    storage: matmulBindings(spec),
    uniformVec4s: L.vec4s,
    workgroup: [],
    helpers: [...helpers],
    workgroupSize: [256, 1, 1],
    body,
  };
}

export function matmulShader(spec: MatmulSpec): ShaderModule {
  if (spec.variant === 'finish') return finishShader(spec);
  const L = matmulLayout(spec);
  const T = spec.acc;
  const V = `vec4<${T}>` as const;
  const i32 = (e: Expr) => call('i32', [e], 'i32');
  const lid = ident('lid', 'vec3<u32>');
  const wid = ident('wid', 'vec3<u32>');
  const helpers = new Set<string>();
  const m = param(L.m);
  const n = param(L.n);
  const k = param(L.k);
  const loadA = (index: Expr): Expr =>
    convertTo(fromStorage(at('in0', index, storageType(spec.a)), spec.a), T);
  const loadB = (index: Expr): Expr =>
    convertTo(fromStorage(at('in1', index, storageType(spec.b)), spec.b), T);
  const layer = i32(member(wid, 'z', 'u32'));
  // With split k, z layers are (slice, batch) pairs and each covers k in [kFrom, kTo).
  const body: Stmt[] = spec.splitK
    ? [
        let_('bi', binary('%', layer, param(L.batch))),
        let_('slice', binary('/', layer, param(L.batch))),
        let_('kFrom', binary('*', ident('slice', 'i32'), param(L.chunk))),
        let_('kTo', call('min', [k, binary('+', ident('kFrom', 'i32'), param(L.chunk))], 'i32')),
      ]
    : [let_('bi', layer), let_('kFrom', lit(0, 'i32')), let_('kTo', k)];
  const bi = ident('bi', 'i32');
  body.push(
    let_('aBase', binary('+', param(L.a.offset), binary('*', bi, param(L.a.strides[0])))),
    let_('bBase', binary('+', param(L.b.offset), binary('*', bi, param(L.b.strides[0])))),
  );
  const aBase = ident('aBase', 'i32');
  const bBase = ident('bBase', 'i32');
  const accs = [0, 1, 2, 3].map((r) => ident(`acc${r}`, V));
  const zero = lit(0, T);
  body.push(...accs.map((a) => var_(a.kind === 'ident' ? a.name : '', V, call(V, [zero], V))));

  let i0: Expr;
  let j0: Expr;
  if (spec.variant === 'regblock') {
    // Threads 8×8 per workgroup, each a 4×4 block: a 32×32 tile of the output.
    body.push(
      let_(
        'i0',
        binary(
          '*',
          i32(binary('+', binary('*', member(wid, 'y', 'u32'), lit(8, 'u32')), member(lid, 'y', 'u32'))),
          lit(4, 'i32'),
        ),
      ),
      let_(
        'j0',
        binary(
          '*',
          i32(binary('+', binary('*', member(wid, 'x', 'u32'), lit(8, 'u32')), member(lid, 'x', 'u32'))),
          lit(4, 'i32'),
        ),
      ),
    );
    i0 = ident('i0', 'i32');
    j0 = ident('j0', 'i32');
    body.push(if_(binary('||', binary('>=', i0, m), binary('>=', j0, n)), [return_]));
    // Rows and columns past the edge are clamped to the last one and their results dropped.
    for (let r = 0; r < 4; r++)
      body.push(let_(`ra${r}`, binary('*', last(binary('+', i0, lit(r, 'i32')), m), param(L.a.strides[1]))));
    if (!spec.bVec4) {
      for (let c = 0; c < 4; c++)
        body.push(
          let_(`cb${c}`, binary('*', last(binary('+', j0, lit(c, 'i32')), n), param(L.b.strides[2]))),
        );
    }
    const kk = ident('kk', 'i32');
    const bRow = binary('+', bBase, binary('*', kk, param(L.b.strides[1])));
    const bv: Expr = spec.bVec4
      ? convertVec(
          at('in1', binary('+', bRow, binary('/', j0, lit(4, 'i32'))), `vec4<${storageType(spec.b)}>`),
          spec.b,
          T,
        )
      : call(
          V,
          [0, 1, 2, 3].map((c) => loadB(binary('+', bRow, ident(`cb${c}`, 'i32')))),
          V,
        );
    const inner: Stmt[] = [
      let_('ka', binary('+', aBase, binary('*', kk, param(L.a.strides[2])))),
      let_('bv', bv),
    ];
    for (let r = 0; r < 4; r++) {
      inner.push(
        assign(
          accs[r],
          binary('*', loadA(binary('+', ident('ka', 'i32'), ident(`ra${r}`, 'i32'))), ident('bv', V)),
          '+=',
        ),
      );
    }
    body.push(for_('kk', 'i32', ident('kFrom', 'i32'), ident('kTo', 'i32'), lit(1, 'i32'), inner));
  } else {
    // 16×16 threads share 64×16 tiles of a and 16×64 tiles of b; each thread owns a 4×4 block.
    body.push(
      let_('tx', i32(member(lid, 'x', 'u32'))),
      let_('ty', i32(member(lid, 'y', 'u32'))),
      let_('rowBase', binary('*', i32(member(wid, 'y', 'u32')), lit(TILE, 'i32'))),
      let_('colBase', binary('*', i32(member(wid, 'x', 'u32')), lit(TILE, 'i32'))),
      let_('l', binary('+', binary('*', ident('ty', 'i32'), lit(16, 'i32')), ident('tx', 'i32'))),
    );
    const [tx, ty, rowBase, colBase, l, t] = ['tx', 'ty', 'rowBase', 'colBase', 'l', 't'].map((x) =>
      ident(x, 'i32'),
    );
    i0 = binary('+', rowBase, binary('*', ty, lit(4, 'i32')));
    j0 = binary('+', colBase, binary('*', tx, lit(4, 'i32')));
    const tileLoads: Stmt[] = [];
    for (let q = 0; q < 4; q++) {
      const e = binary('+', l, lit(256 * q, 'i32'));
      const ar = binary('+', rowBase, binary('/', e, lit(TILE_K, 'i32')));
      const ak = binary('+', t, binary('%', e, lit(TILE_K, 'i32')));
      const aOk = binary('&&', binary('<', ar, m), binary('<', ak, k));
      const aIndex = clampedIndex(aBase, [ar, m, L.a.strides[1]], [ak, k, L.a.strides[2]]);
      tileLoads.push(assign(at('tileA', e, T), select(zero, loadA(aIndex), aOk)));
      const bk = binary('+', t, binary('/', e, lit(TILE, 'i32')));
      const bc = binary('+', colBase, binary('%', e, lit(TILE, 'i32')));
      const bOk = binary('&&', binary('<', bk, k), binary('<', bc, n));
      const bIndex = clampedIndex(bBase, [bk, k, L.b.strides[1]], [bc, n, L.b.strides[2]]);
      tileLoads.push(assign(at('tileB', e, T), select(zero, loadB(bIndex), bOk)));
    }
    const kk = ident('kk', 'i32');
    const inner: Stmt[] = [
      let_(
        'bv',
        call(
          V,
          [0, 1, 2, 3].map((c) =>
            at(
              'tileB',
              binary(
                '+',
                binary('*', kk, lit(TILE, 'i32')),
                binary('+', binary('*', tx, lit(4, 'i32')), lit(c, 'i32')),
              ),
              T,
            ),
          ),
          V,
        ),
      ),
    ];
    for (let r = 0; r < 4; r++) {
      const a = at(
        'tileA',
        binary(
          '+',
          binary('*', binary('+', binary('*', ty, lit(4, 'i32')), lit(r, 'i32')), lit(TILE_K, 'i32')),
          kk,
        ),
        T,
      );
      inner.push(assign(accs[r], binary('*', a, ident('bv', V)), '+='));
    }
    body.push(
      for_('t', 'i32', lit(0, 'i32'), k, lit(TILE_K, 'i32'), [
        ...tileLoads,
        barrier,
        for_('kk', 'i32', lit(0, 'i32'), lit(TILE_K, 'i32'), lit(1, 'i32'), inner),
        barrier,
      ]),
    );
  }

  // The epilogue at each of the 16 outputs (or, with split k, the partial sums as they are).
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const i = binary('+', i0, lit(r, 'i32'));
      const j = binary('+', j0, lit(c, 'i32'));
      const acc = member(accs[r], 'xyzw'[c], T);
      const outIndex = binary('+', binary('*', binary('+', binary('*', bi, m), i), n), j);
      const store = spec.splitK
        ? assign(
            at(
              'out',
              binary(
                '+',
                binary('*', ident('slice', 'i32'), binary('*', binary('*', param(L.batch), m), n)),
                outIndex,
              ),
              T,
            ),
            acc,
          )
        : assign(
            at('out', outIndex, storageType(spec.outDtype)),
            toStorage(epilogueAt(spec, acc, bi, i, j, helpers), spec.outDtype),
          );
      body.push(if_(binary('&&', binary('<', i, m), binary('<', j, n)), [store]));
    }
  }
  return {
    storage: matmulBindings(spec),
    uniformVec4s: L.vec4s,
    workgroup:
      spec.variant === 'tiled'
        ? [
            { name: 'tileA', element: T, length: TILE * TILE_K },
            { name: 'tileB', element: T, length: TILE * TILE_K },
          ]
        : [],
    helpers: [...helpers],
    workgroupSize: spec.variant === 'tiled' ? [16, 16, 1] : [8, 8, 1],
    body,
  };
}

/** Workgroup counts: output tiles of 32×32 (regblock) or 64×64 (tiled), one z layer per batch. */
export function matmulDispatch(
  variant: MatmulSpec['variant'],
  batch: number,
  m: number,
  n: number,
  splits = 1,
): [number, number, number] {
  const tile = variant === 'tiled' ? TILE : 32;
  return [Math.ceil(n / tile), Math.ceil(m / tile), batch * splits];
}

/**
 * Slices of k for a matmul whose output tiles would leave the device idle: enough workgroups to
 * cover a few hundred, each slice at least 256 long; 1 when the output alone has work enough.
 */
export function splitCount(batch: number, m: number, n: number, k: number): number {
  const tiles = batch * Math.ceil(m / 32) * Math.ceil(n / 32);
  if (tiles >= 64 || k < 512) return 1;
  return Math.max(1, Math.min(Math.floor(k / 256), Math.ceil(256 / tiles), 64));
}

/** `min(e, size - 1)`: a row or column past the edge reads the last one; its result is dropped. */
function last(e: Expr, size: Expr): Expr {
  return call('min', [e, binary('-', size, lit(1, 'i32'))], 'i32');
}

/** The element at clamped (row, column) of a tile load: `base + last(row)·rowStride + last(col)·colStride`. */
function clampedIndex(base: Expr, [row, rows, rowStride]: Dim, [col, cols, colStride]: Dim): Expr {
  return binary(
    '+',
    base,
    binary(
      '+',
      binary('*', last(row, rows), param(rowStride)),
      binary('*', last(col, cols), param(colStride)),
    ),
  );
}

/** A coordinate, its extent, and the parameter slot of its stride. */
type Dim = readonly [Expr, Expr, number];

function convertTo(e: Expr, to: ScalarType): Expr {
  return e.type === to ? e : call(to, [e], to);
}

/** A stored vec4 as the accumulator's vector type (bool rows compare with zero first). */
function convertVec(e: Expr, dtype: DType, to: 'f32' | 'i32'): Expr {
  if (dtype === 'bool')
    return call(
      `vec4<${to}>`,
      [binary('!=', e, call('vec4<u32>', [lit(0, 'u32')], 'vec4<u32>'))],
      `vec4<${to}>`,
    );
  const stored = storageType(dtype);
  return stored === to ? e : call(`vec4<${to}>`, [e], `vec4<${to}>`);
}
