/**
 * Cost models for the tensor language, read from the op table and the type analysis: an unfused op pays
 * for its arithmetic (elements × the op's `elementCost`, FLOPs for `dot`/`gemm`) and for its memory
 * traffic (bytes read and written). Targets differ in how dear memory is against arithmetic and how dear
 * transcendentals are against add/mul.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import type { TensorLanguage } from '../egraph/tensor/language.js';
import type { TypeAnalysis } from '../egraph/tensor/type-analysis.js';
import type { DType } from '../graph/dtype.js';
import type { TypeInfo } from '../graph/op-def.js';
import type { Shape } from '../graph/shape.js';
import type { NodeCost } from './node-cost.js';

/** What a target charges. All weights are per unit and must be finite and non-negative. */
export interface TensorTarget {
  readonly name: string;
  /** Cost of one unit of `elementCost` (one add on one element). */
  readonly computeWeight: number;
  /** Multiplier on the part of an op's `elementCost` above 1 (exp, log, sin, …): < 1 where hardware helps. */
  readonly transcendentalWeight: number;
  /** Cost of moving one byte to or from memory. */
  readonly memoryWeight: number;
}

/** Options shared by the tensor cost models. */
export interface TensorCostOptions {
  /** Size assumed for a symbolic (`n`) or unknown (`?x0`) dim (default 256). */
  readonly symbolicDimSize?: number;
  /** Constants with more elements than this count their load (default 1024); smaller ones are free. */
  readonly largeConstantElements?: number;
  /** The cost of the cheapest op application, so that every op costs something (default 1). */
  readonly minOpCost?: number;
}

/** A CPU: arithmetic and memory of comparable weight, transcendentals at full price. */
export const CPU_TARGET: TensorTarget = {
  name: 'cpu',
  computeWeight: 1,
  transcendentalWeight: 1,
  memoryWeight: 0.25,
};

/** A GPU: arithmetic is cheap, memory traffic dominates, special-function units make exp/sin cheaper. */
export const GPU_TARGET: TensorTarget = {
  name: 'gpu',
  computeWeight: 0.05,
  transcendentalWeight: 0.25,
  memoryWeight: 1,
};

/** What a tensor cost model reads: the language and the type analysis of a tensor e-graph. */
export interface TensorCostContext {
  readonly lang: TensorLanguage;
  readonly types: TypeAnalysis;
}

const DTYPE_BYTES: Readonly<Record<DType, number>> = { bool: 1, i32: 4, i64: 8, f32: 4, f64: 8 };
/** Views: a reshape or a new axis of size 1 moves no data. */
const VIEW_OPS = new Set(['reshape', 'expand_dims', 'squeeze']);
/** Keeps costs finite on absurd shapes (a product of many symbolic dims). */
const MAX_COST = 1e300;

/**
 * The tensor cost model of a target, as a `NodeCost` for `extractDag`/`extractExact`.
 *
 * @example
 * ```ts
 * const t = createTensorEGraph();
 * const [root] = addGraph(t.egraph, t.lang, [out]);
 * extractDag(t.egraph, [root], tensorCostModel(t, GPU_TARGET));
 * ```
 */
export function tensorCostModel(
  ctx: TensorCostContext,
  target: TensorTarget,
  options: TensorCostOptions = {},
): NodeCost {
  const dimSize = options.symbolicDimSize ?? 256;
  const largeConstant = options.largeConstantElements ?? 1024;
  const minOpCost = options.minOpCost ?? 1;
  // Index loops, no `for…of` or `map`: shapes are frozen arrays, which V8 iterates through iterator
  // objects, and this runs on every node of every extraction (on a 100k-op graph a quarter of a GB of
  // garbage per optimize).
  const elements = (shape: Shape): number => {
    let n = 1;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      n *= typeof d === 'number' ? d : dimSize;
    }
    return n;
  };
  const bytes = (t: TypeInfo): number => elements(t.shape) * DTYPE_BYTES[t.dtype];
  const compute = (elementCost: number): number =>
    target.computeWeight *
    (elementCost <= 1 ? elementCost : 1 + (elementCost - 1) * target.transcendentalWeight);

  return (eg: EGraph, classId: ClassId, node: ENode): number => {
    const { def } = ctx.lang.tensorSymbol(node.symbol);
    const out = eg.data(ctx.types, classId);
    if (def.kind === 'leaf') {
      if (def.name === 'constant' && elements(out.shape) > largeConstant)
        return finite(target.memoryWeight * bytes(out));
      return 0;
    }
    const kids = node.children;
    let inBytes = 0;
    for (let i = 0; i < kids.length; i++) inBytes += bytes(eg.data(ctx.types, kids[i]));
    const traffic = target.memoryWeight * (inBytes + bytes(out));
    let cost: number;
    if (def.kind === 'layout' && VIEW_OPS.has(def.name)) cost = 0;
    else if (def.kind === 'constructor') cost = target.memoryWeight * bytes(out);
    else if (def.kind === 'linalg') {
      const ins = kids.map((c) => eg.data(ctx.types, c));
      cost = compute(1) * flops(def.name, ins, out, elements) + traffic;
    } else if (def.kind === 'reduction') {
      // A reduction touches every input element once.
      cost =
        compute(def.elementCost) * (kids.length ? elements(eg.data(ctx.types, kids[0]).shape) : 1) + traffic;
    } else cost = compute(def.elementCost) * elements(out.shape) + traffic;
    return finite(minOpCost + cost);
  };
}

/**
 * FLOPs of `dot(a, b)` (2·m·k·n, a vector counting as one row or column) and of `gemm(z, a, x, y, b)`
 * (that of `dot(x, y)` plus one add over the output).
 */
function flops(op: string, ins: readonly TypeInfo[], out: TypeInfo, elements: (s: Shape) => number): number {
  const [a, b] = op === 'gemm' ? [ins[2], ins[3]] : [ins[0], ins[1]];
  if (a === undefined || b === undefined) return elements(out.shape);
  const m = a.shape.length === 2 ? elements([a.shape[0]]) : 1;
  const k = elements([a.shape[a.shape.length - 1] ?? 1]);
  const n = b.shape.length === 2 ? elements([b.shape[1]]) : 1;
  const product = 2 * m * k * n;
  // gemm's epilogue b*z + a*acc is applied as the product is written (the runtime fuses it): priced as
  // the one add it replaces, so gemm never looks dearer than the dot and the add it stands for.
  return op === 'gemm' ? product + elements(out.shape) : product;
}

function finite(c: number): number {
  return Number.isNaN(c) ? MAX_COST : Math.min(c, MAX_COST);
}

/**
 * The CPU cost model.
 *
 * @example `extractDag(t.egraph, [root], cpuCostModel(t))`
 */
export function cpuCostModel(ctx: TensorCostContext, options?: TensorCostOptions): NodeCost {
  return tensorCostModel(ctx, CPU_TARGET, options);
}

/**
 * The GPU cost model.
 *
 * @example `extractDag(t.egraph, [root], gpuCostModel(t, { symbolicDimSize: 1024 }))`
 */
export function gpuCostModel(ctx: TensorCostContext, options?: TensorCostOptions): NodeCost {
  return tensorCostModel(ctx, GPU_TARGET, options);
}
