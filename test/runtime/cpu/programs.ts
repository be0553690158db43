// Hand-built Programs for the cpu executor's tests (the lowering's own programs come through the
// parity suite), and a float64 reference evaluation of scalar expressions.
import { castValue, type DType } from '../../../src/graph/dtype.js';
import { getOp } from '../../../src/graph/op-table.js';
import type {
  BufferDecl,
  BufferId,
  BufferRole,
  Kernel,
  Program,
  ScalarExpr,
  View,
} from '../../../src/runtime/program.js';

const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4, i64: 8, bool: 1 };

export const id = (n: number) => n as BufferId;

export function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export class ProgramDraft {
  readonly buffers: BufferDecl[] = [];
  readonly kernels: Kernel[] = [];
  readonly updates: { param: BufferId; value: BufferId }[] = [];

  buffer(dtype: DType, shape: number[], role: BufferRole, value?: Float64Array): BufferId {
    const b = id(this.buffers.length);
    const size = shape.reduce((a, c) => a * c, 1);
    this.buffers.push({ id: b, dtype, shape, size, role, name: `b${b}`, value });
    return b;
  }

  /** A contiguous view of `buffer`, or one with the given strides/shape/offset. */
  view(buffer: BufferId, shape?: number[], strides?: number[], offset = 0): View {
    const decl = this.buffers[buffer];
    const s = shape ?? [...decl.shape];
    return { buffer, dtype: decl.dtype, shape: s, strides: strides ?? rowMajor(s), offset };
  }

  program(): Program {
    const ofRole = (r: BufferRole) => this.buffers.filter((b) => b.role === r).map((b) => b.id);
    const slotBytes = this.buffers.map((b) => Math.ceil((b.size * BYTES[b.dtype]) / 16) * 16);
    return {
      buffers: this.buffers,
      kernels: this.kernels,
      inputs: ofRole('input'),
      params: ofRole('param'),
      outputs: ofRole('output'),
      updates: this.updates,
      memory: {
        slotBytes,
        slotOf: this.buffers.map((_, i) => i),
        peakBytes: slotBytes.reduce((a, b) => a + b, 0),
        naiveBytes: slotBytes.reduce((a, b) => a + b, 0),
      },
    };
  }
}

export const operand = (index: number, dtype: DType = 'f32'): ScalarExpr => ({
  kind: 'operand',
  index,
  dtype,
});
export const cnst = (value: number, dtype: DType = 'f32'): ScalarExpr => ({ kind: 'const', value, dtype });
export const acc: ScalarExpr = { kind: 'acc', dtype: 'f64' };
export const ap = (
  o: string,
  args: ScalarExpr[],
  dtype: DType = 'f32',
  attrs?: Record<string, unknown>,
): ScalarExpr => ({
  kind: 'op',
  op: o,
  args,
  dtype,
  attrs,
});

/** The reference meaning of a scalar expression: float64 op, rounded to the op's dtype. */
export function evalScalar(e: ScalarExpr, operands: readonly number[], accValue = 0): number {
  switch (e.kind) {
    case 'operand':
      return operands[e.index];
    case 'const':
      return e.value;
    case 'acc':
      return accValue;
    case 'op':
      return castValue(getOp(e.op).scalar!(...e.args.map((a) => evalScalar(a, operands, accValue))), e.dtype);
  }
}

/** Element `index` (multi-index) of a view over `data`. */
export function at(data: ArrayLike<number>, v: View, index: readonly number[]): number {
  return data[v.offset + index.reduce((a, i, d) => a + i * v.strides[d], 0)];
}

/** Every multi-index of `shape` in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/** Ulp distance of float32 results (0 for equal, both-NaN, or same-sign zeros). */
export function f32Ulps(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const m = Math.max(Math.abs(b), 2 ** -126);
  return Math.abs(a - b) / 2 ** (Math.floor(Math.log2(m)) - 23);
}

/** A seeded xorshift PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
