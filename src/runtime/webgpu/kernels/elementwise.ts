/**
 * Fused elementwise kernels, also used for copies and the pieces of a concat. One thread per element,
 * or per four elements with `vec4` loads and stores when every operand is contiguous (or a broadcast
 * scalar) and the size divides by four. Shapes, strides and offsets live in the uniform block, so one
 * pipeline serves every size of the same expression and layout kinds.
 */
import type { DType } from '../../../graph/dtype.js';
import type { ScalarExpr } from '../../program.js';
import { fromStorage, scalarToWgsl, storageType, toStorage } from '../scalar.js';
import {
  assign,
  at,
  binary,
  call,
  type Expr,
  ident,
  if_,
  let_,
  lit,
  member,
  param,
  return_,
  type ShaderModule,
  type Stmt,
  type StorageBinding,
  type WgslType,
} from '../wgsl.js';
import { ParamLayout, stridedIndex, threadIndex, unravel } from './common.js';

/** How an operand is addressed: `linear` reads element i (+ offset), `scalar` one element for all. */
export type Access = 'linear' | 'strided' | 'scalar';

export interface ElementwiseOperandSpec {
  readonly dtype: DType;
  readonly access: Access;
  /** The operand lives in the output's buffer (an in-place kernel): read it through the output binding. */
  readonly inOutput: boolean;
}

/** Everything the shader depends on; its JSON is the pipeline cache key. */
export interface ElementwiseSpec {
  readonly kind: 'elementwise';
  readonly rank: number;
  readonly workgroupSize: number;
  readonly operands: readonly ElementwiseOperandSpec[];
  readonly out: { readonly dtype: DType; readonly strided: boolean };
  readonly expr: ScalarExpr;
  readonly vec4: boolean;
}

/** Uniform slots, in upload order. */
export function elementwiseLayout(spec: ElementwiseSpec) {
  const p = new ParamLayout();
  const count = p.one();
  const shape = p.take(spec.rank);
  const outOffset = p.one();
  const outStrides = p.take(spec.rank);
  const operands = spec.operands.map(() => ({ offset: p.one(), strides: p.take(spec.rank) }));
  return { count, shape, outOffset, outStrides, operands, vec4s: p.vec4s };
}

/** The uniform values: element count, shape, the output view, each operand's view. */
export function elementwiseParams(
  spec: ElementwiseSpec,
  shape: readonly number[],
  out: { readonly offset: number; readonly strides: readonly number[] },
  operands: readonly { readonly offset: number; readonly strides: readonly number[] }[],
): Int32Array {
  const layout = elementwiseLayout(spec);
  const values = new Int32Array(layout.vec4s * 4);
  const count = shape.reduce((a, b) => a * b, 1);
  values[layout.count] = spec.vec4 ? count / 4 : count;
  layout.shape.forEach((slot, k) => (values[slot] = shape[k]));
  values[layout.outOffset] = out.offset;
  layout.outStrides.forEach((slot, k) => (values[slot] = out.strides[k]));
  layout.operands.forEach((o, i) => {
    values[o.offset] =
      spec.vec4 && spec.operands[i].access === 'linear' ? operands[i].offset / 4 : operands[i].offset;
    o.strides.forEach((slot, k) => (values[slot] = operands[i].strides[k]));
  });
  return values;
}

/** Storage bindings: the output first, then each operand not read through the output. */
export function elementwiseBindings(spec: ElementwiseSpec): StorageBinding[] {
  const vectorOf = (dtype: DType, access: Access) => {
    const t = storageType(dtype);
    return spec.vec4 && access === 'linear' ? (`vec4<${t}>` as const) : t;
  };
  const bindings: StorageBinding[] = [
    { name: 'out', element: vectorOf(spec.out.dtype, 'linear'), access: 'read_write' },
  ];
  spec.operands.forEach((o, i) => {
    if (!o.inOutput) bindings.push({ name: `in${i}`, element: vectorOf(o.dtype, o.access), access: 'read' });
  });
  return bindings;
}

export function elementwiseShader(spec: ElementwiseSpec): ShaderModule {
  const layout = elementwiseLayout(spec);
  const helpers = new Set<string>();
  const body: Stmt[] = [
    let_('i', threadIndex(spec.workgroupSize)),
    if_(binary('>=', ident('i', 'i32'), param(layout.count)), [return_]),
  ];
  const i = ident('i', 'i32');
  const outStorage = storageType(spec.out.dtype);
  // An operand read in place through the output's binding may have another dtype of the same size
  // (the memory plan writes cast(i32 -> f32) over its operand): its bits are reinterpreted back.
  const load = (k: number, index: Expr, type: WgslType): Expr => {
    const o = spec.operands[k];
    if (!o.inOutput) return at(`in${k}`, index, type);
    if (storageType(o.dtype) === outStorage) return at('out', index, type);
    const outType: WgslType = type.startsWith('vec4') ? `vec4<${outStorage}>` : outStorage;
    return call(`bitcast<${type}>`, [at('out', index, outType)], type);
  };
  if (spec.vec4) {
    // Each thread handles four consecutive elements: one vec4 load per contiguous operand.
    spec.operands.forEach((o, k) => {
      const t = storageType(o.dtype);
      const index = binary('+', param(layout.operands[k].offset), o.access === 'linear' ? i : lit(0, 'i32'));
      body.push(let_(`a${k}`, load(k, index, o.access === 'linear' ? `vec4<${t}>` : t)));
    });
    const lanes = [0, 1, 2, 3].map((lane) =>
      toStorage(
        scalarToWgsl(spec.expr, {
          helpers,
          operand: (k) => {
            const o = spec.operands[k];
            const t = storageType(o.dtype);
            const raw = ident(`a${k}`, o.access === 'linear' ? `vec4<${t}>` : t);
            return fromStorage(o.access === 'linear' ? member(raw, 'xyzw'[lane], t) : raw, o.dtype);
          },
        }),
        spec.out.dtype,
      ),
    );
    const t = storageType(spec.out.dtype);
    body.push(assign(at('out', i, `vec4<${t}>`), call(`vec4<${t}>`, lanes, `vec4<${t}>`)));
  } else {
    const needCoords = spec.out.strided || spec.operands.some((o) => o.access === 'strided');
    const { stmts, coords } = needCoords ? unravel(i, layout.shape, 'c') : { stmts: [], coords: [] };
    body.push(...stmts);
    spec.operands.forEach((o, k) => {
      const { offset, strides } = layout.operands[k];
      const index: Expr =
        o.access === 'linear'
          ? binary('+', param(offset), i)
          : o.access === 'scalar'
            ? param(offset)
            : stridedIndex(coords, offset, strides);
      body.push(let_(`a${k}`, fromStorage(load(k, index, storageType(o.dtype)), o.dtype)));
    });
    const value = scalarToWgsl(spec.expr, {
      helpers,
      operand: (k) =>
        ident(`a${k}`, spec.operands[k].dtype === 'bool' ? 'bool' : storageType(spec.operands[k].dtype)),
    });
    const outIndex = spec.out.strided ? stridedIndex(coords, layout.outOffset, layout.outStrides) : i;
    body.push(assign(at('out', outIndex, storageType(spec.out.dtype)), toStorage(value, spec.out.dtype)));
  }
  return {
    storage: elementwiseBindings(spec),
    uniformVec4s: layout.vec4s,
    workgroup: [],
    helpers: [...helpers],
    workgroupSize: [spec.workgroupSize, 1, 1],
    body,
  };
}
