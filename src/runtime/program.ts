/**
 * The Program: what `compile()` lowers an optimized graph to and what every executor runs. A program
 * is a list of kernels over logical buffers, specialized on concrete shapes (a graph with symbolic dims
 * is lowered once per size signature). Kernels read their operands through strided views, so layout
 * ops (transpose, broadcast, reshape of contiguous data, slices) cost nothing when a view can express
 * them. The memory plan maps logical buffers onto fewer physical slots.
 *
 * This file is the seam between the lowering (`src/runtime/lower*.ts`, `fusion.ts`, `memory-plan.ts`)
 * and the executors (`js/`, `cpu/`, `webgpu/`): it depends on `src/graph` only.
 */
import type { DType } from '../graph/dtype.js';

/** A logical buffer: one value of the program. Index into `Program.buffers`. */
export type BufferId = number & { readonly __brand: 'BufferId' };

/** Where a buffer's value comes from and how long it lives. */
export type BufferRole =
  /** bound by the caller on every run */
  | 'input'
  /** a shared variable: lives in the executor between runs, written by `updates` */
  | 'param'
  /** a constant folded into the program: written once at prepare time */
  | 'constant'
  /** a value the caller reads back after a run */
  | 'output'
  /** an intermediate value: dead after its last reader */
  | 'temp';

export interface BufferDecl {
  readonly id: BufferId;
  readonly dtype: DType;
  /** Concrete row-major shape; the buffer holds `size` elements contiguously. */
  readonly shape: readonly number[];
  readonly size: number;
  readonly role: BufferRole;
  /** The input, parameter or output name, for messages and reports. */
  readonly name?: string;
  /** The value of a `constant` buffer, row-major, already rounded to the dtype. */
  readonly value?: Float64Array;
}

/**
 * A strided window on a buffer: element `[i0, i1, …]` of the view is element
 * `offset + Σ ik * strides[k]` of the buffer. A stride of 0 broadcasts along that axis.
 */
export interface View {
  readonly buffer: BufferId;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * A scalar expression tree: the body of a fused elementwise kernel, the producer of a reduction, or an
 * epilogue. Ops are the elementwise ops of the op table (`OPS.get(op).scalar` is the float64 meaning);
 * `dtype` is the dtype the op computes in (arithmetic wraps or rounds to it as the interpreter does).
 */
export type ScalarExpr =
  /** operand `index` of the kernel, read at the current iteration point */
  | { readonly kind: 'operand'; readonly index: number; readonly dtype: DType }
  /** the accumulator of a reduction or matmul, in an epilogue */
  | { readonly kind: 'acc'; readonly dtype: DType }
  | { readonly kind: 'const'; readonly value: number; readonly dtype: DType }
  | {
      readonly kind: 'op';
      readonly op: string;
      readonly args: readonly ScalarExpr[];
      readonly dtype: DType;
      /** attributes of the op (e.g. `cast`'s dtype), as in the graph */
      readonly attrs?: Readonly<Record<string, unknown>>;
    };

/** What every kernel has. `ops` lists the graph ops it computes (for reports and profiles). */
interface KernelBase {
  readonly name: string;
  readonly ops: readonly string[];
  /** The operands, each viewed with the kernel's iteration shape (broadcast by zero strides). */
  readonly operands: readonly View[];
  /** The contiguous buffer written. */
  readonly output: BufferId;
  /** Set when the output reuses the slot of an operand that dies here (element i reads before i writes). */
  readonly inPlaceOf?: number;
}

/** out[i] = expr(operands at i) over `shape` (the output's shape). */
export interface ElementwiseKernel extends KernelBase {
  readonly kind: 'elementwise';
  readonly shape: readonly number[];
  readonly expr: ScalarExpr;
}

/**
 * Reduces `producer(operands)` over `axes` of the iteration `shape` with `op`, then applies
 * `epilogue(acc)` (e.g. `acc / n` for mean). The output has the iteration shape with the reduced axes
 * removed (keepdims is a reshape of the same elements).
 */
export interface ReduceKernel extends KernelBase {
  readonly kind: 'reduce';
  readonly op: 'sum' | 'prod' | 'max' | 'min' | 'all' | 'any';
  readonly shape: readonly number[];
  readonly axes: readonly number[];
  readonly producer: ScalarExpr;
  readonly epilogue: ScalarExpr;
  /** The accumulator's dtype (f64 carries f32 sums where the executor can afford it). */
  readonly accDtype: DType;
}

/**
 * out[b, i, j] = epilogue(acc = Σk a[b, i, k] * b[b, k, j], extra operands at [b, i, j]).
 * `operands[0]` and `operands[1]` are `a` ([batch, m, k]) and `b` ([batch, k, n]) with transposes in
 * their strides; further operands are read by the epilogue at the output point (bias, `beta * z`):
 * their views have shape [batch, m, n], and the epilogue never reads operands 0 and 1. The output is
 * row-major [batch, m, n] (the lowering sums in float64 with k ascending, as the reference does).
 */
export interface MatmulKernel extends KernelBase {
  readonly kind: 'matmul';
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly epilogue: ScalarExpr;
}

/**
 * softmax / log_softmax / logsumexp along the last axis of `operands[0]` (max-shifted). The output is
 * row-major [rows, length] for softmax and log_softmax, [rows] for logsumexp.
 */
export interface SoftmaxKernel extends KernelBase {
  readonly kind: 'softmax';
  readonly op: 'softmax' | 'log_softmax' | 'logsumexp';
  /** rows × length: the input as a 2-D view after moving the axis last. */
  readonly rows: number;
  readonly length: number;
}

/**
 * argmax / argmin along the last axis of `operands[0]`, a [rows, length] view: out[r] is the i32 index
 * of row r's first extreme, or of its first NaN (length >= 1; the op refuses empty axes).
 */
export interface ArgReduceKernel extends KernelBase {
  readonly kind: 'argreduce';
  readonly op: 'argmax' | 'argmin';
  readonly rows: number;
  readonly length: number;
}

/** Copies a strided view into a contiguous buffer (a layout op no view can express, an output). */
export interface CopyKernel extends KernelBase {
  readonly kind: 'copy';
  readonly shape: readonly number[];
}

/**
 * Joins the operands along `axis` into the output. An operand may have a narrower dtype than the
 * output (concat promotes: bool or i32 into f64, bool into f32); its values convert exactly.
 */
export interface ConcatKernel extends KernelBase {
  readonly kind: 'concat';
  readonly axis: number;
  readonly shape: readonly number[];
}

export type Kernel =
  | ElementwiseKernel
  | ReduceKernel
  | MatmulKernel
  | SoftmaxKernel
  | ArgReduceKernel
  | CopyKernel
  | ConcatKernel;

/** Physical storage: each logical buffer lives in one slot; slots are reused when values die. */
export interface MemoryPlan {
  /** Byte size of each slot (16-byte aligned). */
  readonly slotBytes: readonly number[];
  /** The slot of each buffer, by BufferId. */
  readonly slotOf: readonly number[];
  readonly peakBytes: number;
  /** Bytes one slot per buffer would take. */
  readonly naiveBytes: number;
  /**
   * Bytes one buffer per graph node would take (no fusion, no reuse: the interpreter's footprint),
   * the baseline the memory target is stated against. Set by `lower`.
   */
  readonly perNodeBytes?: number;
}

/** A parameter written after the kernels ran: `param` takes the value of `value` (Theano's updates). */
export interface Update {
  readonly param: BufferId;
  readonly value: BufferId;
}

export interface Program {
  readonly buffers: readonly BufferDecl[];
  readonly kernels: readonly Kernel[];
  readonly inputs: readonly BufferId[];
  readonly params: readonly BufferId[];
  /** In the order of the compiled function's outputs; each a contiguous buffer. */
  readonly outputs: readonly BufferId[];
  readonly updates: readonly Update[];
  readonly memory: MemoryPlan;
}
