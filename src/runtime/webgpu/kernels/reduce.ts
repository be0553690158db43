/**
 * Reductions. The iteration space is split into kept coordinates (one per output element) and reduced
 * coordinates (`R` of them per output). Three variants, chosen by size:
 * - `serial`: one thread per output loops over its `R` elements (short rows, many outputs);
 * - `tree`: workgroups of `chunks` per output each reduce a chunk of the row in registers, then by a
 *   tree in workgroup memory; with one chunk the workgroup writes the output, else a partial;
 * - `finish`: the second pass, one workgroup per output reducing its `chunks` partials.
 */
import type { DType } from '../../../graph/dtype.js';
import type { ReduceKernel, ScalarExpr } from '../../program.js';
import { WebGpuUnsupportedError } from '../errors.js';
import { fromStorage, scalarToWgsl, storageType, toStorage } from '../scalar.js';
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
  select,
  type ScalarType,
  type ShaderModule,
  type Stmt,
  type StorageBinding,
  var_,
} from '../wgsl.js';
import { groupIndex, localIndex, ParamLayout, stridedIndex, threadIndex, unravel } from './common.js';

export type ReduceOp = ReduceKernel['op'];

export interface ReduceSpec {
  readonly kind: 'reduce';
  readonly variant: 'serial' | 'tree' | 'finish';
  readonly op: ReduceOp;
  readonly keptRank: number;
  readonly reducedRank: number;
  readonly operands: readonly DType[];
  readonly producer: ScalarExpr;
  readonly epilogue: ScalarExpr;
  /** The type the accumulator lives in (all/any accumulate 0/1 in i32). */
  readonly acc: ScalarType;
  readonly outDtype: DType;
  /** `tree` only: the workgroup writes a partial (more than one chunk per output). */
  readonly partial: boolean;
  readonly workgroupSize: number;
}

/** The accumulator type of a reduction: f64 sums of f32 data accumulate in f32 (tree order keeps them accurate). */
export function accumulatorType(op: ReduceOp, accDtype: DType): ScalarType {
  if (op === 'all' || op === 'any') return 'i32';
  if (accDtype === 'f64' || accDtype === 'f32') return 'f32';
  if (accDtype === 'i32' || accDtype === 'bool') return 'i32';
  throw new WebGpuUnsupportedError(`WebGPU cannot accumulate a reduction in ${accDtype}`);
}

export function reduceLayout(spec: ReduceSpec) {
  const p = new ParamLayout();
  const reduced = p.one();
  const outputs = p.one();
  const chunks = p.one();
  const chunkLength = p.one();
  const keptShape = p.take(spec.keptRank);
  const reducedShape = p.take(spec.reducedRank);
  const operands = spec.operands.map(() => ({
    offset: p.one(),
    kept: p.take(spec.keptRank),
    reduced: p.take(spec.reducedRank),
  }));
  return { reduced, outputs, chunks, chunkLength, keptShape, reducedShape, operands, vec4s: p.vec4s };
}

/** Uniform values for one dispatch of the kernel. */
export function reduceParams(
  spec: ReduceSpec,
  sizes: {
    readonly reduced: number;
    readonly outputs: number;
    readonly chunks: number;
    readonly chunkLength: number;
  },
  keptShape: readonly number[],
  reducedShape: readonly number[],
  operands: readonly {
    readonly offset: number;
    readonly kept: readonly number[];
    readonly reduced: readonly number[];
  }[],
): Int32Array {
  const layout = reduceLayout(spec);
  const v = new Int32Array(layout.vec4s * 4);
  v[layout.reduced] = sizes.reduced;
  v[layout.outputs] = sizes.outputs;
  v[layout.chunks] = sizes.chunks;
  v[layout.chunkLength] = sizes.chunkLength;
  layout.keptShape.forEach((s, k) => (v[s] = keptShape[k]));
  layout.reducedShape.forEach((s, k) => (v[s] = reducedShape[k]));
  if (spec.variant !== 'finish') {
    layout.operands.forEach((o, i) => {
      v[o.offset] = operands[i].offset;
      o.kept.forEach((s, k) => (v[s] = operands[i].kept[k]));
      o.reduced.forEach((s, k) => (v[s] = operands[i].reduced[k]));
    });
  }
  return v;
}

/** The identity of the combining op in the accumulator type. */
function identity(op: ReduceOp, acc: ScalarType): Expr {
  switch (op) {
    case 'sum':
    case 'any':
      return lit(0, acc);
    case 'prod':
    case 'all':
      return lit(1, acc);
    case 'max':
      return lit(acc === 'f32' ? -Infinity : -2147483648, acc);
    case 'min':
      return lit(acc === 'f32' ? Infinity : 2147483647, acc);
  }
}

/** combine(a, b) in the accumulator type; float max/min let NaN win, as the reference does. */
function combine(op: ReduceOp, a: Expr, b: Expr, acc: ScalarType, helpers: Set<string>): Expr {
  switch (op) {
    case 'sum':
      return binary('+', a, b);
    case 'prod':
      return binary('*', a, b);
    case 'all':
      return call('min', [a, b], acc);
    case 'any':
      return call('max', [a, b], acc);
    case 'max':
    case 'min':
      if (acc !== 'f32') return call(op, [a, b], acc);
      helpers.add(`${op}_nan_f32`);
      return call(`${op}_nan_f32`, [a, b], acc);
  }
}

export function reduceBindings(spec: ReduceSpec): StorageBinding[] {
  const out: StorageBinding = {
    name: 'out',
    element: spec.partial ? spec.acc : storageType(spec.outDtype),
    access: 'read_write',
  };
  if (spec.variant === 'finish') return [out, { name: 'partials', element: spec.acc, access: 'read' }];
  return [
    out,
    ...spec.operands.map((d, i): StorageBinding => ({
      name: `in${i}`,
      element: storageType(d),
      access: 'read',
    })),
  ];
}

export function reduceShader(spec: ReduceSpec): ShaderModule {
  const layout = reduceLayout(spec);
  const helpers = new Set<string>();
  const acc = ident('acc', spec.acc);
  const body: Stmt[] = [];
  const wg = spec.workgroupSize;

  /** acc = combine(acc, producer at kept coords `o` and reduced index `r`) */
  const accumulateAt = (r: Expr): Stmt[] => {
    const { stmts, coords } = unravel(r, layout.reducedShape, 'r');
    const loads: Stmt[] = [];
    spec.operands.forEach((d, k) => {
      const o = layout.operands[k];
      const keptPart = stridedIndex(keptCoords, o.offset, o.kept);
      const index = o.reduced.reduce<Expr>(
        (e, s, j) => binary('+', e, binary('*', coords[j], param(s))),
        keptPart,
      );
      loads.push(let_(`a${k}`, fromStorage(at(`in${k}`, index, storageType(d)), d)));
    });
    const value = scalarToWgsl(spec.producer, {
      helpers,
      operand: (k) => ident(`a${k}`, spec.operands[k] === 'bool' ? 'bool' : storageType(spec.operands[k])),
    });
    // all/any count truth, not magnitude: 0.5 is true, so it passes through bool on its way to i32.
    const truth = spec.op === 'all' || spec.op === 'any' ? convert(value, 'bool') : value;
    return [
      ...stmts,
      ...loads,
      assign(acc, combine(spec.op, acc, convert(truth, spec.acc), spec.acc, helpers)),
    ];
  };

  /** The output's value from the accumulator, as stored. */
  const computed = (): Expr =>
    toStorage(
      scalarToWgsl(spec.epilogue, {
        helpers,
        acc,
        operand: () => {
          throw new WebGpuUnsupportedError('a reduction epilogue that reads operands');
        },
      }),
      spec.outDtype,
    );
  // The min or max of nothing is ±inf, which an i32 result holds as 0 (the reference casts it so); the
  // i32 identity would leave ±2^31 there.
  const emptyIsZero = spec.outDtype === 'i32' && (spec.op === 'min' || spec.op === 'max');
  const finalValue = (): Expr =>
    emptyIsZero
      ? select(computed(), lit(0, 'i32'), binary('==', param(layout.reduced), lit(0, 'i32')))
      : computed();

  /** Tree reduction of `acc` over the workgroup; thread 0 ends with the total in `acc`. */
  const treeReduce = (): Stmt[] => {
    const lid = ident('l', 'i32');
    const stmts: Stmt[] = [assign(at('partials_wg', lid, spec.acc), acc), barrier];
    for (let stride = wg / 2; stride >= 1; stride /= 2) {
      stmts.push(
        if_(binary('<', lid, lit(stride, 'i32')), [
          assign(
            at('partials_wg', lid, spec.acc),
            combine(
              spec.op,
              at('partials_wg', lid, spec.acc),
              at('partials_wg', binary('+', lid, lit(stride, 'i32')), spec.acc),
              spec.acc,
              helpers,
            ),
          ),
        ]),
        barrier,
      );
    }
    stmts.push(assign(acc, at('partials_wg', lit(0, 'i32'), spec.acc)));
    return stmts;
  };

  let keptCoords: Expr[] = [];
  const o = ident('o', 'i32');
  if (spec.variant === 'serial') {
    body.push(let_('o', threadIndex(wg)), if_(binary('>=', o, param(layout.outputs)), [return_]));
    const kept = unravel(o, layout.keptShape, 'k');
    keptCoords = kept.coords;
    body.push(...kept.stmts, var_('acc', spec.acc, identity(spec.op, spec.acc)));
    body.push(
      for_('r', 'i32', lit(0, 'i32'), param(layout.reduced), lit(1, 'i32'), accumulateAt(ident('r', 'i32'))),
    );
    body.push(assign(at('out', o, storageType(spec.outDtype)), finalValue()));
  } else if (spec.variant === 'tree') {
    // Workgroup g reduces chunk g % chunks of output g / chunks.
    const chunks = param(layout.chunks);
    body.push(let_('g', groupIndex()), let_('l', localIndex()));
    const g = ident('g', 'i32');
    body.push(let_('o', binary('/', g, chunks)), let_('chunk', binary('%', g, chunks)));
    body.push(if_(binary('>=', o, param(layout.outputs)), [return_]));
    const kept = unravel(o, layout.keptShape, 'k');
    keptCoords = kept.coords;
    body.push(...kept.stmts, var_('acc', spec.acc, identity(spec.op, spec.acc)));
    const start = binary('*', ident('chunk', 'i32'), param(layout.chunkLength));
    body.push(
      let_('end', call('min', [param(layout.reduced), binary('+', start, param(layout.chunkLength))], 'i32')),
    );
    body.push(
      for_(
        'r',
        'i32',
        binary('+', start, ident('l', 'i32')),
        ident('end', 'i32'),
        lit(wg, 'i32'),
        accumulateAt(ident('r', 'i32')),
      ),
    );
    body.push(...treeReduce());
    body.push(
      if_(binary('==', ident('l', 'i32'), lit(0, 'i32')), [
        spec.partial
          ? assign(at('out', g, spec.acc), acc)
          : assign(at('out', o, storageType(spec.outDtype)), finalValue()),
      ]),
    );
  } else {
    body.push(let_('o', groupIndex()), let_('l', localIndex()));
    body.push(if_(binary('>=', o, param(layout.outputs)), [return_]));
    body.push(var_('acc', spec.acc, identity(spec.op, spec.acc)));
    const c = ident('c', 'i32');
    body.push(
      for_('c', 'i32', ident('l', 'i32'), param(layout.chunks), lit(wg, 'i32'), [
        assign(
          acc,
          combine(
            spec.op,
            acc,
            at('partials', binary('+', binary('*', o, param(layout.chunks)), c), spec.acc),
            spec.acc,
            helpers,
          ),
        ),
      ]),
    );
    body.push(...treeReduce());
    body.push(
      if_(binary('==', ident('l', 'i32'), lit(0, 'i32')), [
        assign(at('out', o, storageType(spec.outDtype)), finalValue()),
      ]),
    );
  }
  return {
    storage: reduceBindings(spec),
    uniformVec4s: layout.vec4s,
    workgroup: spec.variant === 'serial' ? [] : [{ name: 'partials_wg', element: spec.acc, length: wg }],
    helpers: [...helpers],
    workgroupSize: [wg, 1, 1],
    body,
  };
}
