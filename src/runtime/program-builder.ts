/**
 * Accumulates a program's buffers and kernels during lowering, and writes lowered values to buffers:
 * an expression becomes a fused elementwise kernel, an expression over a pending matmul becomes the
 * matmul with that expression as its epilogue, a lone view becomes a copy.
 */
import type { DType } from '../graph/dtype.js';
import { mapLeaves, matmulsOf, type PendingMatmul, toScalarExpr, type Value } from './lower-value.js';
import type { BufferId, BufferRole, Kernel, View } from './program.js';
import { contiguousView, elementCount, reshapeView } from './views.js';

/** A buffer declaration whose role may still be upgraded (a temp that turns out to be an output). */
export interface BufferDraft {
  id: BufferId;
  dtype: DType;
  shape: readonly number[];
  size: number;
  role: BufferRole;
  name?: string;
  value?: Float64Array;
}

/** Kernel kind → the prefix of its name in listings. */
const NAME_PREFIX: Record<Kernel['kind'], string> = {
  elementwise: 'fused',
  reduce: 'reduce',
  matmul: 'matmul',
  softmax: 'softmax',
  argreduce: 'argreduce',
  copy: 'copy',
  concat: 'concat',
};

/** Distributes `Omit` over the kernel union, so each variant keeps its own fields. */
export type KernelDraft = Kernel extends infer K ? (K extends Kernel ? Omit<K, 'name'> : never) : never;

export class ProgramBuilder {
  readonly buffers: BufferDraft[] = [];
  readonly kernels: Kernel[] = [];

  addBuffer(
    dtype: DType,
    shape: readonly number[],
    role: BufferRole,
    name?: string,
    value?: Float64Array,
  ): BufferId {
    const id = this.buffers.length as BufferId;
    this.buffers.push({ id, dtype, shape: [...shape], size: elementCount(shape), role, name, value });
    return id;
  }

  /** Appends a kernel, naming it by kind and position. */
  emit(kernel: KernelDraft): void {
    this.kernels.push({ ...kernel, name: `${NAME_PREFIX[kernel.kind]}_${this.kernels.length}` } as Kernel);
  }

  /**
   * A value written to a fresh buffer of `role`. A lone view is kept as is for a temp unless `copy`:
   * kernels read views, so only outputs and layouts no view expresses need the copy.
   */
  materialize(value: Value, role: BufferRole = 'temp', copy = false): Value {
    if (value.expr.kind === 'leaf' && role === 'temp' && !copy) return value;
    const buffer = this.addBuffer(value.dtype, value.shape, role);
    this.write(value, buffer);
    return leafValue(contiguousView(buffer, value.dtype, value.shape), []);
  }

  /** Emits the kernel that computes `value` into `buffer` (contiguous, of the value's shape and dtype). */
  write(value: Value, buffer: BufferId): void {
    const matmuls = matmulsOf(value.expr);
    if (matmuls.size > 1) throw new Error('internal: one kernel cannot hold two matmuls');
    if (matmuls.size === 1) {
      this.writeMatmul(value, [...matmuls][0], buffer);
      return;
    }
    const operands: View[] = [];
    const expr = toScalarExpr(value.expr, operands);
    if (value.expr.kind === 'leaf' && value.expr.view.dtype === value.dtype) {
      this.emit({ kind: 'copy', ops: value.ops, operands, output: buffer, shape: value.shape });
      return;
    }
    this.emit({ kind: 'elementwise', ops: value.ops, operands, output: buffer, shape: value.shape, expr });
  }

  private writeMatmul(value: Value, pm: PendingMatmul, buffer: BufferId): void {
    const outShape = [pm.batch, pm.m, pm.n];
    // Epilogue operands are read at the output point [b, i, j]: unit axes are inserted, never copied.
    const epilogue = mapLeaves(value.expr, (v) => reshapeView(v, outShape), true)!;
    // Numbered from 2 in a list of their own: a view equal to `a` or `b` is still read at [b, i, j].
    const extra: View[] = [];
    const expr = toScalarExpr(epilogue, extra, 2);
    const operands = [pm.a, pm.b, ...extra];
    this.emit({
      kind: 'matmul',
      ops: value.ops,
      operands,
      output: buffer,
      batch: pm.batch,
      m: pm.m,
      n: pm.n,
      k: pm.k,
      epilogue: expr,
    });
  }

  /** The buffer a view reads, as declared so far. */
  buffer(id: BufferId): BufferDraft {
    return this.buffers[id];
  }
}

/** A value that reads one view. */
export function leafValue(view: View, ops: readonly string[]): Value {
  return { shape: view.shape, dtype: view.dtype, expr: { kind: 'leaf', view }, ops };
}

/** True when a value is a single view (no computation pending). */
export function isView(value: Value): value is Value & { expr: { kind: 'leaf'; view: View } } {
  return value.expr.kind === 'leaf';
}
