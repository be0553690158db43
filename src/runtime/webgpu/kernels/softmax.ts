/**
 * softmax, log_softmax and logsumexp along the last axis, max-shifted: m = max x, s = Σ e^(x - m),
 * then e^(x - m) / s, x - m - log s, or m + log s. Short rows take one thread each (`serial`); long
 * rows one workgroup each (`workgroup`), with tree reductions in workgroup memory for m and s.
 */
import type { DType } from '../../../graph/dtype.js';
import type { SoftmaxKernel } from '../../program.js';
import { fromStorage, storageType, toStorage } from '../scalar.js';
import {
  assign,
  at,
  barrier,
  binary,
  call,
  convert,
  type Expr,
  for_,
  ident,
  if_,
  let_,
  lit,
  param,
  return_,
  type ShaderModule,
  type Stmt,
  type StorageBinding,
  var_,
} from '../wgsl.js';
import { groupIndex, localIndex, ParamLayout, stridedIndex, threadIndex, unravel } from './common.js';

export interface SoftmaxSpec {
  readonly kind: 'softmax';
  readonly variant: 'serial' | 'workgroup';
  readonly op: SoftmaxKernel['op'];
  /** Rank of the input view; all axes but the last index the rows. */
  readonly rank: number;
  readonly inDtype: DType;
  readonly outDtype: DType;
  readonly workgroupSize: number;
}

export function softmaxLayout(spec: SoftmaxSpec) {
  const p = new ParamLayout();
  const rows = p.one();
  const length = p.one();
  const rowShape = p.take(spec.rank - 1);
  const offset = p.one();
  const rowStrides = p.take(spec.rank - 1);
  const lastStride = p.one();
  return { rows, length, rowShape, offset, rowStrides, lastStride, vec4s: p.vec4s };
}

export function softmaxParams(
  spec: SoftmaxSpec,
  rows: number,
  view: { readonly shape: readonly number[]; readonly strides: readonly number[]; readonly offset: number },
): Int32Array {
  const L = softmaxLayout(spec);
  const v = new Int32Array(L.vec4s * 4);
  v[L.rows] = rows;
  v[L.length] = view.shape[spec.rank - 1];
  L.rowShape.forEach((s, k) => (v[s] = view.shape[k]));
  v[L.offset] = view.offset;
  L.rowStrides.forEach((s, k) => (v[s] = view.strides[k]));
  v[L.lastStride] = view.strides[spec.rank - 1];
  return v;
}

export function softmaxBindings(spec: SoftmaxSpec): StorageBinding[] {
  return [
    { name: 'out', element: storageType(spec.outDtype), access: 'read_write' },
    { name: 'in0', element: storageType(spec.inDtype), access: 'read' },
  ];
}

export function softmaxShader(spec: SoftmaxSpec): ShaderModule {
  const L = softmaxLayout(spec);
  const helpers = new Set<string>(['max_nan_f32']);
  const wg = spec.workgroupSize;
  const serial = spec.variant === 'serial';
  const row = ident('row', 'i32');
  const length = param(L.length);
  const body: Stmt[] = [];
  if (serial) body.push(let_('row', threadIndex(wg)));
  else body.push(let_('row', groupIndex()), let_('l', localIndex()));
  body.push(if_(binary('>=', row, param(L.rows)), [return_]));
  const { stmts, coords } = unravel(row, L.rowShape, 'c');
  body.push(...stmts, let_('base', stridedIndex(coords, L.offset, L.rowStrides)));
  const x = (j: Expr): Expr =>
    convert(
      fromStorage(
        at(
          'in0',
          binary('+', ident('base', 'i32'), binary('*', j, param(L.lastStride))),
          storageType(spec.inDtype),
        ),
        spec.inDtype,
      ),
      'f32',
    );
  const j = ident('j', 'i32');
  const start = serial ? lit(0, 'i32') : ident('l', 'i32');
  const step = lit(serial ? 1 : wg, 'i32');
  const mx = ident('mx', 'f32');
  const sum = ident('sum', 'f32');
  const treeReduce = (v: Expr, combine: (a: Expr, b: Expr) => Expr): Stmt[] => {
    if (serial) return [];
    const l = ident('l', 'i32');
    const out: Stmt[] = [assign(at('partials_wg', l, 'f32'), v), barrier];
    for (let s = wg / 2; s >= 1; s /= 2) {
      out.push(
        if_(binary('<', l, lit(s, 'i32')), [
          assign(
            at('partials_wg', l, 'f32'),
            combine(at('partials_wg', l, 'f32'), at('partials_wg', binary('+', l, lit(s, 'i32')), 'f32')),
          ),
        ]),
        barrier,
      );
    }
    // Everyone reads the total before anyone overwrites `shared` for the next reduction.
    out.push(assign(v, at('partials_wg', lit(0, 'i32'), 'f32')), barrier);
    return out;
  };
  const maxOf = (a: Expr, b: Expr) => call('max_nan_f32', [a, b], 'f32');
  body.push(var_('mx', 'f32', lit(-Infinity, 'f32')));
  body.push(for_('j', 'i32', start, length, step, [assign(mx, maxOf(mx, x(j)))]));
  body.push(...treeReduce(mx, maxOf));
  body.push(var_('sum', 'f32', lit(0, 'f32')));
  body.push(
    for_('j', 'i32', start, length, step, [assign(sum, call('exp', [binary('-', x(j), mx)], 'f32'), '+=')]),
  );
  body.push(...treeReduce(sum, (a, b) => binary('+', a, b)));
  const outType = storageType(spec.outDtype);
  if (spec.op === 'logsumexp') {
    const value = toStorage(binary('+', mx, call('log', [sum], 'f32')), spec.outDtype);
    const write = assign(at('out', row, outType), value);
    body.push(serial ? write : if_(binary('==', ident('l', 'i32'), lit(0, 'i32')), [write]));
  } else {
    const y =
      spec.op === 'softmax'
        ? binary('/', call('exp', [binary('-', x(j), mx)], 'f32'), sum)
        : binary('-', binary('-', x(j), mx), call('log', [sum], 'f32'));
    body.push(
      for_('j', 'i32', start, length, step, [
        assign(at('out', binary('+', binary('*', row, length), j), outType), toStorage(y, spec.outDtype)),
      ]),
    );
  }
  return {
    storage: softmaxBindings(spec),
    uniformVec4s: L.vec4s,
    workgroup: serial ? [] : [{ name: 'partials_wg', element: 'f32', length: wg }],
    helpers: [...helpers],
    workgroupSize: [wg, 1, 1],
    body,
  };
}
