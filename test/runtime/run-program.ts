/**
 * Test helpers: lower a graph, run it on an executor with given input values, read the outputs back
 * as tensors; and compare them with the reference interpreter under a per-dtype tolerance.
 */
import type { DType } from '../../src/graph/dtype.js';
import type { Node } from '../../src/graph/node.js';
import { Tensor, type TypedArray } from '../../src/graph/tensor.js';
import { topoSort } from '../../src/graph/topo.js';
import type { Executor, PrepareOptions } from '../../src/runtime/executor.js';
import { lower, type LowerRequest } from '../../src/runtime/lower.js';
import type { Program } from '../../src/runtime/program.js';

/** The typed array of a tensor's dtype (i64 as BigInt64Array). */
export function typedArrayOf(t: Tensor): TypedArray {
  return t.toTypedArray();
}

/** Binds every symbolic dim of the given inputs from their values' shapes. */
export function sizesFrom(
  inputs: readonly Node[],
  values: Readonly<Record<string, Tensor>>,
): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const node of inputs)
    node.shape.forEach((d, i) => {
      if (typeof d === 'string') sizes.set(d, values[node.inputName!].shape[i]);
    });
  return sizes;
}

export interface RunOptions extends PrepareOptions {
  readonly fuse?: boolean;
  /** Runs this many times (updates apply between runs). Default 1. */
  readonly runs?: number;
}

/** Lowers, prepares, binds, runs; returns the program, outputs and final parameter values. */
export async function runOnExecutor(
  executor: Executor,
  request: Omit<LowerRequest, 'maxOperands' | 'fuse'>,
  values: Readonly<Record<string, Tensor>>,
  options: RunOptions = {},
): Promise<{ program: Program; outputs: Tensor[]; params: Tensor[] }> {
  const program = lower({ ...request, maxOperands: executor.capabilities.maxOperands, fuse: options.fuse });
  const prepared = await executor.prepare(program, options);
  try {
    for (const id of [...program.inputs, ...program.params]) {
      const b = program.buffers[id];
      const value = values[b.name!];
      if (!value) throw new Error(`test: no value for '${b.name}'`);
      prepared.write(id, typedArrayOf(value));
    }
    for (let r = 0; r < (options.runs ?? 1); r++) await prepared.run();
    const readTensor = async (id: number) => {
      const b = program.buffers[id];
      const data = await prepared.read(b.id);
      return Tensor.from(data instanceof BigInt64Array ? Array.from(data, Number) : data, b.shape, b.dtype);
    };
    const outputs = [];
    for (const id of program.outputs) outputs.push(await readTensor(id));
    const params = [];
    for (const id of program.params) params.push(await readTensor(id));
    return { program, outputs, params };
  } finally {
    prepared.dispose();
  }
}

/** How an executor is held to the reference. */
export interface ParityOptions {
  /** The dtypes it runs: graphs holding a value of another dtype are skipped. Default: its capabilities. */
  readonly dtypes?: readonly DType[];
  /** Relative tolerance per dtype, overriding {@link TOLERANCE}. */
  readonly tolerance?: Partial<Record<DType, number>>;
  /** fast-check runs per kernel property (random graphs get 1.5×). Default 40. */
  readonly numRuns?: number;
  /**
   * Compare random graphs only where every value the reference computes is finite. WGSL lets an
   * implementation assume that no NaN or infinity arises during execution (WGSL §15.7, "Floating
   * Point Evaluation"), and lavapipe's compiler uses it: exp(log(x)) becomes x, so it gives -0.93 for
   * x = -0.93 where the reference gives NaN, and log(x) * 0 gives 0 at x = 0.
   */
  readonly finiteOnly?: boolean;
  /**
   * Flush subnormal f32 inputs to (signed) zero before running and before computing the reference:
   * WGSL lets an implementation flush subnormals (WGSL §15.7, "Floating Point Evaluation"), and
   * lavapipe does, so log1mexp(-1.4e-45) is log1mexp(-0) there.
   */
  readonly flushSubnormals?: boolean;
}

/** Whether every value of the graph has a dtype the executor runs. */
export function runsEveryDType(
  executor: Executor,
  outputs: readonly Node[],
  options: ParityOptions,
): boolean {
  const dtypes = options.dtypes ?? executor.capabilities.dtypes;
  return topoSort(outputs).every((n) => dtypes.includes(n.dtype));
}

/** The relative tolerance of a dtype under the options. */
export function toleranceOf(dtype: DType, options: ParityOptions): number {
  return options.tolerance?.[dtype] ?? TOLERANCE[dtype];
}

/** Relative tolerance per dtype for comparisons with the float64 reference. */
export const TOLERANCE: Record<DType, number> = { f64: 1e-9, f32: 1e-4, i32: 0, i64: 0, bool: 0 };

/**
 * Where two tensors differ beyond tolerance: NaN matches NaN, infinities match exactly, others within
 * `rtol * max(1, |expected|, scale)`. Returns a message or undefined.
 */
export function mismatch(
  actual: Tensor,
  expected: Tensor,
  rtol = TOLERANCE[expected.dtype],
  scale = 1,
): string | undefined {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype} vs ${expected.dtype}`;
  if (actual.shape.join(',') !== expected.shape.join(','))
    return `shape [${actual.shape.join(', ')}] vs [${expected.shape.join(', ')}]`;
  for (let i = 0; i < expected.size; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e) continue;
    if (
      !Number.isFinite(e) ||
      !Number.isFinite(a) ||
      Math.abs(a - e) > rtol * Math.max(1, Math.abs(e), scale)
    )
      return `element ${i}: got ${a}, expected ${e}`;
  }
  return undefined;
}
