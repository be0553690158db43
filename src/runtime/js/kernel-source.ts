/**
 * JavaScript source for each kernel of a program. A kernel is first reduced to a *spec*: a plain
 * object holding everything its source depends on (collapsed shapes, strides, offsets, dtypes, the
 * scalar expressions) and nothing else (no buffer ids). The source is generated from the spec, and
 * the compiled-function cache is keyed by the spec's JSON, so equal specs share one function.
 */
import type { DType } from '../../graph/dtype.js';
import type {
  ConcatKernel,
  Kernel,
  MatmulKernel,
  ReduceKernel,
  ScalarExpr,
  SoftmaxKernel,
  View,
} from '../program.js';
import { rowMajorStrides } from '../views.js';
import { argReduceBody, argReduceSpec, type ArgReduceSpec } from './argreduce.js';
import {
  add,
  assign,
  binary,
  call,
  cond,
  constDecl,
  forRange,
  id,
  index,
  type JsExpr,
  type JsStmt,
  letDecl,
  math,
  member,
  mul,
  num,
  printStmts,
} from './ast.js';
import { collapse, load, loadDepth, loopNest, type NestSpec, type Walk } from './loops.js';
import { emitScalar, type HelperName, roundTo, type ScalarScope } from './scalar.js';

export type KernelSpec = ElementwiseSpec | ReduceSpec | MatmulSpec | SoftmaxSpec | ArgReduceSpec | ConcatSpec;

/** out = expr(operands) over a nest whose walk 0 is the output. */
interface ElementwiseSpec {
  readonly kind: 'elementwise';
  readonly nest: NestSpec;
  readonly expr: ScalarExpr;
}

interface ReduceSpec {
  readonly kind: 'reduce';
  /**
   * Kept axes first, then reduced (`kept-outer`: one accumulator per output), or the other way
   * round (`reduced-outer`: a row of accumulators in scratch). Walk 0 is the output position, with
   * stride 0 on reduced axes.
   */
  readonly nest: NestSpec;
  readonly order: 'kept-outer' | 'reduced-outer';
  readonly keptRank: number;
  /** Number of outputs. */
  readonly keptSize: number;
  /** True when a reduced axis is empty: every output is the epilogue of the initial value. */
  readonly empty: boolean;
  readonly op: ReduceKernel['op'];
  readonly producer: ScalarExpr;
  readonly epilogue: ScalarExpr;
}

/** Loop orders of a matmul; every one sums over k in ascending order, as the reference does. */
export type MatmulOrder = 'ijk' | 'ikj' | 'kij';

interface MatmulSpec {
  readonly kind: 'matmul';
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: Walk;
  readonly b: Walk;
  /** Epilogue operands, at [batch, i, j]. */
  readonly extra: readonly Walk[];
  readonly epilogue: ScalarExpr;
  readonly order: MatmulOrder;
}

interface SoftmaxSpec {
  readonly kind: 'softmax';
  readonly op: SoftmaxKernel['op'];
  readonly rows: number;
  readonly length: number;
  readonly x: Walk;
  readonly dtype: DType;
}

interface ConcatSpec {
  readonly kind: 'concat';
  /** One copy per operand: walk 0 is the output region, walk 1 the operand. */
  readonly parts: readonly NestSpec[];
}

/**
 * What a kernel's compiled function depends on: its spec and the dtypes of the arrays it is called
 * with (output first), which keep each compiled function monomorphic. The cache key is its JSON.
 */
export interface KernelPlan {
  readonly spec: KernelSpec;
  readonly dtypes: readonly DType[];
}

/** The generated function: its parameters, body, and the float64 scratch it needs. */
export interface KernelSource {
  readonly key: string;
  readonly params: readonly string[];
  readonly body: string;
  readonly scratch: number;
}

const walkOf = (v: View): Walk => ({ offset: v.offset, strides: [...v.strides] });

/** The plan of a kernel, given the dtype of each buffer. */
export function kernelPlan(kernel: Kernel, dtypeOf: (buffer: Kernel['output']) => DType): KernelPlan {
  const outDtype = dtypeOf(kernel.output);
  return {
    spec: kernelSpec(kernel, outDtype),
    dtypes: [outDtype, ...kernel.operands.map((v) => v.dtype)],
  };
}

/** The spec of a kernel; `outDtype` is its output buffer's dtype. */
export function kernelSpec(kernel: Kernel, outDtype: DType): KernelSpec {
  switch (kernel.kind) {
    case 'elementwise':
      return elementwiseSpec(kernel.shape, kernel.operands, kernel.expr);
    case 'copy':
      return elementwiseSpec(kernel.shape, kernel.operands, { kind: 'operand', index: 0, dtype: outDtype });
    case 'reduce':
      return reduceSpec(kernel);
    case 'matmul':
      return matmulSpec(kernel);
    case 'softmax':
      return softmaxSpec(kernel, outDtype);
    case 'argreduce':
      return argReduceSpec(kernel, kernel.operands[0]);
    case 'concat':
      return concatSpec(kernel);
  }
}

function elementwiseSpec(
  shape: readonly number[],
  operands: readonly View[],
  expr: ScalarExpr,
): ElementwiseSpec {
  const out: Walk = { offset: 0, strides: rowMajorStrides(shape) };
  const { spec } = collapse({ shape, walks: [out, ...operands.map(walkOf)] });
  return { kind: 'elementwise', nest: spec, expr };
}

/**
 * Reduced axes outer, kept axes inner, accumulating a row of partial results, when the operands are
 * contiguous along the innermost kept axis but not along the innermost reduced one (a sum over the
 * batch axis). Each output still folds its elements in their order, as the reference does.
 */
function reducesOuter(kernel: ReduceKernel, kept: readonly number[]): boolean {
  const last = (axes: readonly number[]) => [...axes].reverse().find((a) => kernel.shape[a] > 1);
  const innerKept = last(kept);
  const innerReduced = last(kernel.axes);
  if (innerKept === undefined || innerReduced === undefined) return false;
  const keptSize = kept.reduce((n, a) => n * kernel.shape[a], 1);
  return (
    keptSize <= 1 << 20 &&
    kernel.operands.every((v) => v.strides[innerKept] === 0 || v.strides[innerKept] === 1) &&
    kernel.operands.some((v) => Math.abs(v.strides[innerReduced]) > 1)
  );
}

function reduceSpec(kernel: ReduceKernel): ReduceSpec {
  const rank = kernel.shape.length;
  const kept = Array.from({ length: rank }, (_, i) => i).filter((i) => !kernel.axes.includes(i));
  const empty = kernel.axes.some((a) => kernel.shape[a] === 0);
  const reducedOuter = !empty && reducesOuter(kernel, kept);
  const axes = empty ? kept : reducedOuter ? [...kernel.axes, ...kept] : [...kept, ...kernel.axes];
  const outStrides = rowMajorStrides(kept.map((a) => kernel.shape[a]));
  const walks: Walk[] = [
    { offset: 0, strides: axes.map((a) => (kept.includes(a) ? outStrides[kept.indexOf(a)] : 0)) },
    ...kernel.operands.map((v) => ({ offset: v.offset, strides: axes.map((a) => v.strides[a]) })),
  ];
  const { spec, groups } = collapse(
    { shape: axes.map((a) => kernel.shape[a]), walks },
    axes.map((a) => (kept.includes(a) ? 0 : 1)),
  );
  return {
    kind: 'reduce',
    nest: spec,
    order: reducedOuter ? 'reduced-outer' : 'kept-outer',
    keptRank: groups.filter((g) => g === 0).length,
    keptSize: outStrides.length ? outStrides[0] * kernel.shape[kept[0]] : 1,
    empty,
    op: kernel.op,
    producer: kernel.producer,
    epilogue: kernel.epilogue,
  };
}

/**
 * The loop order: a dot product per output when both operands are contiguous along k, rows of b
 * streamed per row of a (i-k-j) when b is contiguous along n, columns of a streamed (k-i-j) when a
 * is contiguous along m (a transposed) and the accumulator stays small.
 */
function matmulOrder(kernel: MatmulKernel, a: Walk, b: Walk): MatmulOrder {
  const aContiguousK = a.strides[2] === 1 || kernel.k === 1;
  const bContiguousK = b.strides[1] === 1 || kernel.k === 1;
  const aContiguousM = a.strides[1] === 1 && kernel.m > 1;
  if (aContiguousM && !aContiguousK && kernel.m * kernel.n <= 1 << 20) return 'kij';
  if (aContiguousK && bContiguousK && (kernel.n === 1 || b.strides[2] !== 1)) return 'ijk';
  return 'ikj';
}

function matmulSpec(kernel: MatmulKernel): MatmulSpec {
  const [aView, bView, ...extra] = kernel.operands;
  const a = walkOf(aView);
  const b = walkOf(bView);
  return {
    kind: 'matmul',
    batch: kernel.batch,
    m: kernel.m,
    n: kernel.n,
    k: kernel.k,
    a,
    b,
    extra: extra.map(walkOf),
    epilogue: kernel.epilogue,
    order: matmulOrder(kernel, a, b),
  };
}

function softmaxSpec(kernel: SoftmaxKernel, dtype: DType): SoftmaxSpec {
  return {
    kind: 'softmax',
    op: kernel.op,
    rows: kernel.rows,
    length: kernel.length,
    x: walkOf(kernel.operands[0]),
    dtype,
  };
}

function concatSpec(kernel: ConcatKernel): ConcatSpec {
  const outStrides = rowMajorStrides(kernel.shape);
  let start = 0;
  const parts = kernel.operands.map((v) => {
    const region: Walk = { offset: start * outStrides[kernel.axis], strides: outStrides };
    start += v.shape[kernel.axis];
    return collapse({ shape: v.shape, walks: [region, walkOf(v)] }).spec;
  });
  return { kind: 'concat', parts };
}

/** Names and bookkeeping shared by one kernel's generators. */
class Scope implements ScalarScope {
  private next = 0;
  readonly helpers = new Set<HelperName>();
  acc?: JsExpr;
  constructor(readonly operand: (index: number) => JsExpr) {}
  fresh(): string {
    return `t${this.next++}`;
  }
  useHelper(name: HelperName): JsExpr {
    this.helpers.add(name);
    return id(name);
  }
}

/** The operands an expression reads. */
function operandsOf(e: ScalarExpr, out = new Set<number>()): Set<number> {
  if (e.kind === 'operand') out.add(e.index);
  else if (e.kind === 'op') for (const a of e.args) operandsOf(a, out);
  return out;
}

/** Loads of each operand (walk k+1 of the nest) at the depth where its position is fixed. */
function operandLoads(nest: NestSpec, used: ReadonlySet<number>, walkOffset = 1) {
  return (depth: number, positions: readonly JsExpr[]): JsStmt[] =>
    [...used]
      .filter((k) => loadDepth(nest.walks[k + walkOffset]) === depth)
      .map((k) => constDecl(`x${k}`, load(`a${k}`, positions[k + walkOffset])));
}

/**
 * The JavaScript of a kernel plan.
 *
 * @example generateSource(kernelPlan(kernel, dtypeOf)).body // 'for (let i0 = 0; i0 < 4; i0++) { … }'
 */
export function generateSource(plan: KernelPlan): KernelSource {
  const key = JSON.stringify(plan);
  const spec = plan.spec;
  const operandCount = plan.dtypes.length - 1;
  const scope = new Scope((i) => id(`x${i}`));
  let stmts: JsStmt[];
  let scratch = 0;
  switch (spec.kind) {
    case 'elementwise':
      stmts = elementwiseBody(spec, scope, plan.dtypes[0]);
      break;
    case 'reduce':
      stmts = reduceBody(spec, scope, plan.dtypes[0]);
      scratch = spec.order === 'reduced-outer' ? spec.keptSize : 0;
      break;
    case 'matmul':
      ({ stmts, scratch } = matmulBody(spec, scope, plan.dtypes[0]));
      break;
    case 'softmax':
      stmts = softmaxBody(spec, scope);
      scratch = spec.op === 'softmax' ? spec.length : 0;
      break;
    case 'argreduce':
      stmts = argReduceBody(spec);
      break;
    case 'concat':
      stmts = spec.parts.flatMap((part, k) =>
        loopNest(part, { body: ([o, p]) => [assign(index(id('out'), o), load(`a${k}`, p))] }),
      );
      break;
  }
  const prologue = [...scope.helpers].sort().map((h) => constDecl(h, member(id('h'), h)));
  const params = ['out', ...Array.from({ length: operandCount }, (_, i) => `a${i}`), 'h', 'scratch'];
  return { key, params, body: printStmts([...prologue, ...stmts]), scratch };
}

function elementwiseBody(spec: ElementwiseSpec, scope: Scope, outDtype: DType): JsStmt[] {
  const used = operandsOf(spec.expr);
  const loads = operandLoads(spec.nest, used);
  return loopNest(spec.nest, {
    prelude: loads,
    body: ([o]) => {
      const stmts: JsStmt[] = [];
      const value = emitScalar(spec.expr, scope, stmts, outDtype);
      return [...stmts, assign(index(id('out'), o), value)];
    },
  });
}

const REDUCE_INIT: Record<ReduceKernel['op'], number> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
  all: 1,
  any: 0,
};

/** acc ← step(acc, v), as the reference's reductions fold. */
function reduceStep(op: ReduceKernel['op'], acc: JsExpr, v: JsExpr): JsStmt {
  const nan = binary('!==', v, v);
  const b01 = (t: JsExpr) => cond(t, num(1), num(0));
  switch (op) {
    case 'sum':
      return assign(acc, v, '+=');
    case 'prod':
      return assign(acc, v, '*=');
    case 'max':
      return assign(acc, cond(binary('||', binary('>', v, acc), nan), v, acc));
    case 'min':
      return assign(acc, cond(binary('||', binary('<', v, acc), nan), v, acc));
    case 'all':
      return assign(acc, b01(binary('&&', binary('!==', acc, num(0)), binary('!==', v, num(0)))));
    case 'any':
      return assign(acc, b01(binary('||', binary('!==', acc, num(0)), binary('!==', v, num(0)))));
  }
}

function reduceBody(spec: ReduceSpec, scope: Scope, outDtype: DType): JsStmt[] {
  const used = operandsOf(spec.producer);
  const loads = operandLoads(spec.nest, used);
  if (spec.order === 'reduced-outer') {
    const partial = (q: JsExpr) => index(id('scratch'), q);
    const q = id('q');
    scope.acc = id('acc');
    const finish: JsStmt[] = [constDecl('acc', partial(q))];
    const value = emitScalar(spec.epilogue, scope, finish, outDtype);
    return [
      forRange('q', num(0), num(spec.keptSize), [assign(partial(q), num(REDUCE_INIT[spec.op]))]),
      ...loopNest(spec.nest, {
        prelude: loads,
        body: ([o]) => {
          const stmts: JsStmt[] = [];
          const v = emitScalar(spec.producer, scope, stmts);
          return [...stmts, reduceStep(spec.op, partial(o), v)];
        },
      }),
      forRange('q', num(0), num(spec.keptSize), [...finish, assign(index(id('out'), q), value)]),
    ];
  }
  const acc = id('acc');
  scope.acc = acc;
  return loopNest(spec.nest, {
    prelude: (depth, positions) => (spec.empty ? [] : loads(depth, positions)),
    around: (depth, positions, inner) => {
      if (depth !== spec.keptRank) return inner;
      const finish: JsStmt[] = [];
      const value = emitScalar(spec.epilogue, scope, finish, outDtype);
      return [
        letDecl('acc', num(REDUCE_INIT[spec.op])),
        ...(spec.empty ? [] : inner),
        ...finish,
        assign(index(id('out'), positions[0]), value),
      ];
    },
    body: () => {
      if (spec.empty) return [];
      const stmts: JsStmt[] = [];
      const v = emitScalar(spec.producer, scope, stmts);
      return [...stmts, reduceStep(spec.op, acc, v)];
    },
  });
}

/** Position of a 3-D walk at [bt, i, j] given as expressions. */
function at(walk: Walk, bt: JsExpr, i: JsExpr, j: JsExpr): JsExpr {
  const [s0, s1, s2] = walk.strides;
  return add(add(add(num(walk.offset), mul(bt, num(s0))), mul(i, num(s1))), mul(j, num(s2)));
}

function matmulBody(spec: MatmulSpec, scope: Scope, outDtype: DType): { stmts: JsStmt[]; scratch: number } {
  const { m, n, k } = spec;
  const bt = id('bt');
  const i = id('i');
  const j = id('j');
  const p = id('p');
  const A = (row: JsExpr, kk: JsExpr) => load('a0', at(spec.a, bt, row, kk));
  const B = (kk: JsExpr, col: JsExpr) => load('a1', at(spec.b, bt, kk, col));
  // The epilogue's own operands are a2…; they are read at [bt, i, j].
  const epilogueAt = (accValue: JsExpr, row: JsExpr, col: JsExpr): JsStmt[] => {
    const stmts: JsStmt[] = [];
    const used = [...operandsOf(spec.epilogue)].filter((x) => x >= 2);
    for (const x of used) stmts.push(constDecl(`x${x}`, load(`a${x}`, at(spec.extra[x - 2], bt, row, col))));
    scope.acc = accValue;
    const value = emitScalar(spec.epilogue, scope, stmts, outDtype);
    const outPos = add(mul(add(mul(bt, num(m)), row), num(n)), col);
    return [...stmts, assign(index(id('out'), outPos), value)];
  };
  const batchLoop = (body: JsStmt[]) => [forRange('bt', num(0), num(spec.batch), body)];
  switch (spec.order) {
    case 'ijk':
      return {
        scratch: 0,
        stmts: batchLoop([
          forRange('i', num(0), num(m), [
            forRange('j', num(0), num(n), [
              letDecl('s', num(0)),
              forRange('p', num(0), num(k), [assign(id('s'), binary('*', A(i, p), B(p, j)), '+=')]),
              ...epilogueAt(id('s'), i, j),
            ]),
          ]),
        ]),
      };
    case 'ikj': {
      const acc = (col: JsExpr) => index(id('scratch'), col);
      return {
        scratch: n,
        stmts: batchLoop([
          forRange('i', num(0), num(m), [
            forRange('j', num(0), num(n), [assign(acc(j), num(0))]),
            forRange('p', num(0), num(k), [
              constDecl('av', A(i, p)),
              forRange('j', num(0), num(n), [assign(acc(j), binary('*', id('av'), B(p, j)), '+=')]),
            ]),
            forRange('j', num(0), num(n), epilogueAt(acc(j), i, j)),
          ]),
        ]),
      };
    }
    case 'kij': {
      const acc = (row: JsExpr, col: JsExpr) => index(id('scratch'), add(mul(row, num(n)), col));
      return {
        scratch: m * n,
        stmts: batchLoop([
          forRange('q', num(0), num(m * n), [assign(index(id('scratch'), id('q')), num(0))]),
          forRange('p', num(0), num(k), [
            ...(n === 1 ? [constDecl('bv', B(p, num(0)))] : []),
            forRange('i', num(0), num(m), [
              n === 1
                ? assign(acc(i, num(0)), binary('*', A(i, p), id('bv')), '+=')
                : forRange('j', num(0), num(n), [assign(acc(i, j), binary('*', A(i, p), B(p, j)), '+=')]),
            ]),
          ]),
          forRange('i', num(0), num(m), [forRange('j', num(0), num(n), epilogueAt(acc(i, j), i, j))]),
        ]),
      };
    }
  }
}

function softmaxBody(spec: SoftmaxSpec, scope: Scope): JsStmt[] {
  const [rs, ls] = spec.x.strides;
  const row = id('r');
  const l = id('l');
  const x = load('a0', add(add(num(spec.x.offset), mul(row, num(rs))), mul(l, num(ls))));
  const m = id('m');
  const lanes = (body: JsStmt[]) => forRange('l', num(0), num(spec.length), body);
  const maxLoop = [
    letDecl('m', num(Number.NEGATIVE_INFINITY)),
    lanes([
      constDecl('v', x),
      assign(m, cond(binary('||', binary('>', id('v'), m), binary('!==', id('v'), id('v'))), id('v'), m)),
    ]),
  ];
  const outAt = (col: JsExpr) => index(id('out'), add(mul(row, num(spec.length)), col));
  let rest: JsStmt[];
  switch (spec.op) {
    case 'softmax':
      rest = [
        letDecl('s', num(0)),
        lanes([
          constDecl('e', math('exp', binary('-', x, m))),
          assign(index(id('scratch'), l), id('e')),
          assign(id('s'), id('e'), '+='),
        ]),
        lanes([assign(outAt(l), roundTo(binary('/', index(id('scratch'), l), id('s')), spec.dtype, scope))]),
      ];
      break;
    case 'log_softmax':
      rest = [
        letDecl('s', num(0)),
        lanes([assign(id('s'), math('exp', binary('-', x, m)), '+=')]),
        constDecl('lse', binary('+', m, math('log', id('s')))),
        lanes([assign(outAt(l), roundTo(binary('-', x, id('lse')), spec.dtype, scope))]),
      ];
      break;
    case 'logsumexp': {
      const finite = call(member(id('Number'), 'isFinite'), m);
      rest = [
        letDecl('s', num(0)),
        lanes([assign(id('s'), cond(finite, math('exp', binary('-', x, m)), num(1)), '+=')]),
        assign(
          index(id('out'), row),
          roundTo(cond(finite, binary('+', m, math('log', id('s'))), m), spec.dtype, scope),
        ),
      ];
      break;
    }
  }
  return [forRange('r', num(0), num(spec.rows), [...maxLoop, ...rest])];
}
