/**
 * Hand-built Programs for the executors' tests (the cpu and the WebGPU suites share this builder, so
 * both lay buffers out the way the memory planner does), and the scalar expressions both write.
 */
import { byteSize, type DType } from '../../src/graph/dtype.js';
import { alignSlot } from '../../src/runtime/memory-plan.js';
import type {
  BufferDecl,
  BufferId,
  BufferRole,
  Kernel,
  Program,
  ScalarExpr,
  View,
} from '../../src/runtime/program.js';
import { elementCount, rowMajorStrides } from '../../src/runtime/views.js';

/**
 * Accumulates buffers and kernels; every buffer gets its own slot unless `slot` is given.
 *
 * @example new ProgramDraft().buffer('f32', [2, 3], 'input') // 0
 */
export class ProgramDraft {
  readonly buffers: BufferDecl[] = [];
  readonly kernels: Kernel[] = [];
  readonly updates: { param: BufferId; value: BufferId }[] = [];
  private readonly slots: number[] = [];

  buffer(
    dtype: DType,
    shape: readonly number[],
    role: BufferRole,
    name?: string,
    slot?: number,
    value?: Float64Array,
  ): BufferId {
    const id = this.buffers.length as BufferId;
    this.buffers.push({ id, dtype, shape, size: elementCount(shape), role, name: name ?? `b${id}`, value });
    this.slots.push(slot ?? (this.slots.length === 0 ? 0 : Math.max(...this.slots) + 1));
    return id;
  }

  /** A view of `buffer` as `shape` (its own by default), row-major unless `strides` are given. */
  view(buffer: BufferId, shape?: readonly number[], strides?: readonly number[], offset = 0): View {
    const decl = this.buffers[buffer];
    const s = [...(shape ?? decl.shape)];
    return { buffer, dtype: decl.dtype, shape: s, strides: [...(strides ?? rowMajorStrides(s))], offset };
  }

  /** The contiguous view of a buffer broadcast to `shape` (numpy rules: size-1 and missing axes stride 0). */
  broadcast(buffer: BufferId, shape: readonly number[]): View {
    const b = this.buffers[buffer];
    const own = rowMajorStrides(b.shape);
    const strides = shape.map((d, k) => {
      const j = k - (shape.length - b.shape.length);
      if (j < 0) return 0;
      return b.shape[j] === 1 && d !== 1 ? 0 : own[j];
    });
    return { buffer, dtype: b.dtype, shape, strides, offset: 0 };
  }

  kernel(k: Kernel): void {
    this.kernels.push(k);
  }

  /**
   * Appends an elementwise kernel `name` computing `expr` over all of `output`; a buffer among
   * `operands` is read through its contiguous view.
   *
   * @example d.elementwise('e', [x], out, ap('exp', [operand(0)]))
   */
  elementwise(
    name: string,
    operands: readonly (BufferId | View)[],
    output: BufferId,
    expr: ScalarExpr,
  ): void {
    this.kernels.push({
      kind: 'elementwise',
      name,
      ops: [],
      operands: operands.map((v) => (typeof v === 'number' ? this.view(v) : v)),
      output,
      shape: [...this.buffers[output].shape],
      expr,
    });
  }

  /** The Program so far; slots sized as the memory planner sizes them (the largest buffer in each). */
  build(): Program {
    const byRole = (role: BufferRole) => this.buffers.filter((b) => b.role === role).map((b) => b.id);
    const slotBytes: number[] = [];
    this.buffers.forEach((b, i) => {
      const slot = this.slots[i];
      slotBytes[slot] = Math.max(slotBytes[slot] ?? 0, alignSlot(b.size * byteSize(b.dtype)));
    });
    const peak = slotBytes.reduce((a, b) => a + b, 0);
    return {
      buffers: this.buffers,
      kernels: this.kernels,
      inputs: byRole('input'),
      params: byRole('param'),
      outputs: byRole('output'),
      updates: this.updates,
      memory: { slotBytes, slotOf: this.slots, peakBytes: peak, naiveBytes: peak },
    };
  }
}

export const operand = (index: number, dtype: DType = 'f32'): ScalarExpr => ({
  kind: 'operand',
  index,
  dtype,
});
export const constant = (value: number, dtype: DType = 'f32'): ScalarExpr => ({
  kind: 'const',
  value,
  dtype,
});
