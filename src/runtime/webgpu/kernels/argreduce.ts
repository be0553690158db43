/**
 * argmax and argmin along rows of a [rows, length] view, one thread per row: a pass keeping the best
 * value and its index. NaN is found from the bits (WGSL lets compilers assume there is none), a NaN
 * replaces any number and nothing replaces a NaN, so the row's first NaN wins as in the reference; the
 * comparison is strict, so the first of equal values wins. Values are compared in their own type, so
 * i32 indices past 2^24 are not merged by a float conversion.
 */
import type { ArgReduceKernel } from '../../program.js';
import {
  assign,
  at,
  binary,
  call,
  type Expr,
  for_,
  ident,
  if_,
  let_,
  lit,
  not,
  param,
  return_,
  type ShaderModule,
  type Stmt,
  type StorageBinding,
  var_,
} from '../wgsl.js';
import { ParamLayout, threadIndex } from './common.js';

export interface ArgReduceSpec {
  readonly kind: 'argreduce';
  readonly op: ArgReduceKernel['op'];
  /** The input's storage type (argmax refuses bools; WebGPU has no f64 or i64). */
  readonly inType: 'f32' | 'i32';
  readonly workgroupSize: number;
}

export function argReduceLayout() {
  const p = new ParamLayout();
  const rows = p.one();
  const length = p.one();
  const offset = p.one();
  const rowStride = p.one();
  const laneStride = p.one();
  return { rows, length, offset, rowStride, laneStride, vec4s: p.vec4s };
}

/** The uniform block of one dispatch over `kernel`'s [rows, length] operand. */
export function argReduceParams(kernel: ArgReduceKernel): Int32Array {
  const L = argReduceLayout();
  const v = new Int32Array(L.vec4s * 4);
  const x = kernel.operands[0];
  v[L.rows] = kernel.rows;
  v[L.length] = kernel.length;
  v[L.offset] = x.offset;
  v[L.rowStride] = x.strides[0];
  v[L.laneStride] = x.strides[1];
  return v;
}

export function argReduceBindings(spec: ArgReduceSpec): StorageBinding[] {
  return [
    { name: 'out', element: 'i32', access: 'read_write' },
    { name: 'in0', element: spec.inType, access: 'read' },
  ];
}

/**
 * The shader of a spec.
 *
 * @example argReduceShader({ kind: 'argreduce', op: 'argmax', inType: 'f32', workgroupSize: 64 }).helpers // ['is_nan_f32']
 */
export function argReduceShader(spec: ArgReduceSpec): ShaderModule {
  const L = argReduceLayout();
  const t = spec.inType;
  const row = ident('row', 'i32');
  const [best, m, v] = [ident('best', 'i32'), ident('m', t), ident('v', t)];
  const x = (j: Expr): Expr =>
    at('in0', binary('+', ident('base', 'i32'), binary('*', j, param(L.laneStride))), t);
  const better = binary(spec.op === 'argmax' ? '>' : '<', v, m);
  const isNaN = (e: Expr) => call('is_nan_f32', [e], 'bool');
  const take = t === 'f32' ? binary('&&', not(isNaN(m)), binary('||', isNaN(v), better)) : better;
  const body: Stmt[] = [
    let_('row', threadIndex(spec.workgroupSize)),
    if_(binary('>=', row, param(L.rows)), [return_]),
    let_('base', binary('+', param(L.offset), binary('*', row, param(L.rowStride)))),
    var_('best', 'i32', lit(0, 'i32')),
    var_('m', t, x(lit(0, 'i32'))),
    for_('j', 'i32', lit(1, 'i32'), param(L.length), lit(1, 'i32'), [
      let_('v', x(ident('j', 'i32'))),
      if_(take, [assign(best, ident('j', 'i32')), assign(m, v)]),
    ]),
    assign(at('out', row, 'i32'), best),
  ];
  return {
    storage: argReduceBindings(spec),
    uniformVec4s: L.vec4s,
    workgroup: [],
    helpers: t === 'f32' ? ['is_nan_f32'] : [],
    workgroupSize: [spec.workgroupSize, 1, 1],
    body,
  };
}
