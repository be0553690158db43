/**
 * argmax and argmin along rows of a [rows, length] view: short rows one thread each, a pass keeping
 * the best value and its index; long rows one workgroup each, every thread scanning a stride of the
 * row, then a tree over the threads' (value, index) pairs. NaN is found from the bits (WGSL lets compilers assume there is none), a NaN
 * replaces any number and nothing replaces a NaN, so the row's first NaN wins as in the reference; the
 * comparison is strict, so the first of equal values wins. Values are compared in their own type, so
 * i32 indices past 2^24 are not merged by a float conversion.
 */
import type { ArgReduceKernel } from '../../program.js';
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
  not,
  param,
  return_,
  type ShaderModule,
  type Stmt,
  type StorageBinding,
  var_,
} from '../wgsl.js';
import { groupIndex, localIndex, ParamLayout, threadIndex } from './common.js';

export interface ArgReduceSpec {
  readonly kind: 'argreduce';
  readonly op: ArgReduceKernel['op'];
  /** The input's storage type (argmax refuses bools; WebGPU has no f64 or i64). */
  readonly inType: 'f32' | 'i32';
  /** Short rows take one thread each; long ones a workgroup each, with a tree over its threads' bests. */
  readonly variant: 'serial' | 'workgroup';
  /** A power of two for the workgroup variant. */
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
 * @example argReduceShader({ kind: 'argreduce', op: 'argmax', inType: 'f32', variant: 'serial', workgroupSize: 64 }).helpers // ['is_nan_f32']
 */
export function argReduceShader(spec: ArgReduceSpec): ShaderModule {
  const L = argReduceLayout();
  const t = spec.inType;
  const wg = spec.workgroupSize;
  const serial = spec.variant === 'serial';
  const [row, l, j, length] = [ident('row', 'i32'), ident('l', 'i32'), ident('j', 'i32'), param(L.length)];
  const [best, m, v] = [ident('best', 'i32'), ident('m', t), ident('v', t)];
  const x = (k: Expr): Expr =>
    at('in0', binary('+', ident('base', 'i32'), binary('*', k, param(L.laneStride))), t);
  const isNaN = (e: Expr) => call('is_nan_f32', [e], 'bool');
  const and = (...es: Expr[]) => es.reduce((a, b) => binary('&&', a, b));
  const or = (...es: Expr[]) => es.reduce((a, b) => binary('||', a, b));
  const gt = (a: Expr, b: Expr) => binary(spec.op === 'argmax' ? '>' : '<', a, b);
  // One thread's scan visits increasing indices: strictly better, or a first NaN, replaces the best.
  const take = t === 'f32' ? and(not(isNaN(m)), or(isNaN(v), gt(v, m))) : gt(v, m);
  const body: Stmt[] = [];
  if (serial) body.push(let_('row', threadIndex(wg)));
  else body.push(let_('row', groupIndex()), let_('l', localIndex()));
  body.push(
    // The same row for a whole workgroup: no thread leaves before a barrier another reaches.
    if_(binary('>=', row, param(L.rows)), [return_]),
    let_('base', binary('+', param(L.offset), binary('*', row, param(L.rowStride)))),
    // `length` marks a thread that saw no element (a workgroup wider than the row).
    var_('best', 'i32', serial ? lit(0, 'i32') : length),
    var_('m', t, x(lit(0, 'i32'))),
    for_('j', 'i32', serial ? lit(1, 'i32') : l, length, lit(serial ? 1 : wg, 'i32'), [
      let_('v', x(j)),
      if_(serial ? take : or(binary('==', best, length), take), [assign(best, j), assign(m, v)]),
    ]),
  );
  if (serial) body.push(assign(at('out', row, 'i32'), best));
  else {
    // Tree of (value, index) pairs; the indices of two threads interleave, so ties go to the lower.
    const [vals, idx] = ['vals_wg', 'idx_wg'];
    body.push(assign(at(vals, l, t), m), assign(at(idx, l, 'i32'), best), barrier);
    const [av, bv, ai, bi] = [ident('av', t), ident('bv', t), ident('ai', 'i32'), ident('bi', 'i32')];
    const pairBetter = or(gt(bv, av), and(binary('==', bv, av), binary('<', bi, ai)));
    const better =
      t === 'f32'
        ? or(
            and(isNaN(av), isNaN(bv), binary('<', bi, ai)),
            and(not(isNaN(av)), isNaN(bv)),
            and(not(isNaN(av)), not(isNaN(bv)), pairBetter),
          )
        : pairBetter;
    for (let s = wg / 2; s >= 1; s /= 2) {
      const other = binary('+', l, lit(s, 'i32'));
      body.push(
        if_(binary('<', l, lit(s, 'i32')), [
          let_('av', at(vals, l, t)),
          let_('bv', at(vals, other, t)),
          let_('ai', at(idx, l, 'i32')),
          let_('bi', at(idx, other, 'i32')),
          if_(and(binary('<', bi, length), or(binary('==', ai, length), better)), [
            assign(at(vals, l, t), bv),
            assign(at(idx, l, 'i32'), bi),
          ]),
        ]),
        barrier,
      );
    }
    body.push(
      if_(binary('==', l, lit(0, 'i32')), [assign(at('out', row, 'i32'), at(idx, lit(0, 'i32'), 'i32'))]),
    );
  }
  return {
    storage: argReduceBindings(spec),
    uniformVec4s: L.vec4s,
    workgroup: serial
      ? []
      : [
          { name: 'vals_wg', element: t, length: wg },
          { name: 'idx_wg', element: 'i32', length: wg },
        ],
    helpers: t === 'f32' ? ['is_nan_f32'] : [],
    workgroupSize: [wg, 1, 1],
    body,
  };
}
