/**
 * From a program's kernels to GPU dispatches: for each kernel, the shader spec (variant chosen by
 * size and adapter), the uniform values, the storage bindings and the workgroup counts. A kernel may
 * become several dispatches (a concat one per piece, a long reduction two passes) or none (an empty
 * tensor). Nothing here touches the device, so plans are tested without one.
 */
import type { DType } from '../../graph/dtype.js';
import type { BufferId, Kernel, Program, ScalarExpr, View } from '../program.js';
import { WebGpuUnsupportedError } from './errors.js';
import { dispatchSize } from './kernels/common.js';
import { type Access, type ElementwiseSpec, elementwiseParams } from './kernels/elementwise.js';
import { type MatmulSpec, matmulDispatch, matmulParams, splitCount, type View3 } from './kernels/matmul.js';
import { accumulatorType, type ReduceSpec, reduceParams } from './kernels/reduce.js';
import { type SoftmaxSpec, softmaxParams } from './kernels/softmax.js';
import { type ArgReduceSpec, argReduceParams } from './kernels/argreduce.js';
import type { ShaderSpec } from './pipelines.js';
import { wgslType } from './scalar.js';

/** A storage binding: a program buffer, or a scratch buffer of the plan (reduction partials). */
export type StorageRef =
  { readonly kind: 'buffer'; readonly id: BufferId } | { readonly kind: 'scratch'; readonly index: number };

export interface DispatchStep {
  /** Index of the kernel in `program.kernels`. */
  readonly kernel: number;
  readonly name: string;
  readonly spec: ShaderSpec;
  readonly uniforms: Int32Array;
  readonly bindings: readonly StorageRef[];
  readonly groups: readonly [number, number, number];
}

export interface Plan {
  readonly steps: readonly DispatchStep[];
  /** Byte sizes of the scratch buffers the steps refer to. */
  readonly scratchBytes: readonly number[];
}

export interface PlanOptions {
  /** A software adapter: register-blocked matmul instead of shared-memory tiles. */
  readonly software: boolean;
  /** maxStorageBuffersPerShaderStage: a kernel with more bindings is refused. */
  readonly maxStorageBuffers: number;
  /** True when two buffers share physical storage (the memory plan put them in one slot). */
  sameStorage(a: BufferId, b: BufferId): boolean;
}

const WG = 256;
const SMALL_WG = 64;

/** Refuses a program WebGPU cannot run (f64, i64 buffers), naming the first offending buffer. */
export function checkDtypes(program: Program): void {
  for (const b of program.buffers) {
    if (b.dtype === 'f64' || b.dtype === 'i64') {
      throw new WebGpuUnsupportedError(
        `WebGPU has no ${b.dtype}: buffer ${b.name ?? `#${b.id}`} (${b.role}) is ${b.dtype}; ` +
          `run this graph on the cpu or js executor, or cast it to ${b.dtype === 'f64' ? 'f32' : 'i32'}`,
      );
    }
  }
}

export function planProgram(program: Program, options: PlanOptions): Plan {
  checkDtypes(program);
  const steps: DispatchStep[] = [];
  const scratchBytes: number[] = [];
  program.kernels.forEach((kernel, index) => {
    for (const step of planKernel(program, kernel, index, options, scratchBytes)) {
      if (step.bindings.length > options.maxStorageBuffers) {
        throw new WebGpuUnsupportedError(
          `kernel ${kernel.name} needs ${step.bindings.length} storage buffers; ` +
            `the adapter allows ${options.maxStorageBuffers} (maxStorageBuffersPerShaderStage)`,
        );
      }
      steps.push(step);
    }
  });
  return { steps, scratchBytes };
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function rowMajor(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k];
  }
  return strides;
}

/** How a view is read over an iteration shape: element i, one element, or by strides. */
function accessOf(view: View, shape: readonly number[]): Access {
  const dims = shape.map((d, k) => ({ d, s: view.strides[k] })).filter(({ d }) => d > 1);
  if (dims.every(({ s }) => s === 0)) return 'scalar';
  const contiguous = rowMajor(shape);
  return shape.every((d, k) => d <= 1 || view.strides[k] === contiguous[k]) ? 'linear' : 'strided';
}

function dtypeOf(program: Program, id: BufferId): DType {
  return program.buffers[id].dtype;
}

function* planKernel(
  program: Program,
  kernel: Kernel,
  index: number,
  options: PlanOptions,
  scratchBytes: number[],
): Generator<DispatchStep> {
  const out: StorageRef = { kind: 'buffer', id: kernel.output };
  const inputs = (views: readonly View[]): StorageRef[] =>
    views.map((v) => ({ kind: 'buffer', id: v.buffer }));
  switch (kernel.kind) {
    case 'elementwise':
    case 'copy': {
      const expr: ScalarExpr =
        kernel.kind === 'elementwise'
          ? kernel.expr
          : { kind: 'operand', index: 0, dtype: kernel.operands[0].dtype };
      const step = elementwiseStep(program, kernel, index, kernel.shape, expr, options, {
        offset: 0,
        strides: rowMajor(kernel.shape),
        strided: false,
      });
      if (step !== undefined) yield step;
      return;
    }
    case 'concat': {
      // One strided copy per piece into its window of the output.
      const outStrides = rowMajor(kernel.shape);
      let start = 0;
      for (const [j, view] of kernel.operands.entries()) {
        const piece = { ...kernel, name: `${kernel.name}[${j}]`, operands: [view] };
        const step = elementwiseStep(
          program,
          piece,
          index,
          view.shape,
          { kind: 'operand', index: 0, dtype: view.dtype },
          options,
          {
            offset: start * outStrides[kernel.axis],
            strides: outStrides,
            strided: true,
          },
        );
        if (step !== undefined) yield step;
        start += view.shape[kernel.axis];
      }
      return;
    }
    case 'reduce': {
      const kept = kernel.shape.map((_, k) => k).filter((k) => !kernel.axes.includes(k));
      const keptShape = kept.map((k) => kernel.shape[k]);
      const reducedShape = kernel.axes.map((k) => kernel.shape[k]);
      const outputs = sizeOf(keptShape);
      const reduced = sizeOf(reducedShape);
      if (outputs === 0) return;
      const operands = kernel.operands.map((v) => ({
        offset: v.offset,
        kept: kept.map((k) => v.strides[k]),
        reduced: kernel.axes.map((k) => v.strides[k]),
      }));
      const base = {
        kind: 'reduce' as const,
        op: kernel.op,
        keptRank: keptShape.length,
        reducedRank: reducedShape.length,
        operands: kernel.operands.map((v) => v.dtype),
        producer: kernel.producer,
        epilogue: kernel.epilogue,
        acc: accumulatorType(kernel.op, kernel.accDtype),
        outDtype: dtypeOf(program, kernel.output),
      };
      if (reduced <= 64 || outputs >= 1024) {
        const spec: ReduceSpec = { ...base, variant: 'serial', partial: false, workgroupSize: SMALL_WG };
        const sizes = { reduced, outputs, chunks: 1, chunkLength: reduced };
        yield {
          kernel: index,
          name: kernel.name,
          spec,
          uniforms: reduceParams(spec, sizes, keptShape, reducedShape, operands),
          bindings: [out, ...inputs(kernel.operands)],
          groups: dispatchSize(Math.ceil(outputs / SMALL_WG)),
        };
        return;
      }
      // Each workgroup thread folds at least 16 elements before the tree; long rows split in chunks.
      const chunkLength = WG * 16;
      const chunks = Math.ceil(reduced / chunkLength);
      const partial = chunks > 1;
      const first: ReduceSpec = { ...base, variant: 'tree', partial, workgroupSize: WG };
      const sizes = { reduced, outputs, chunks, chunkLength };
      const scratch: StorageRef = { kind: 'scratch', index: scratchBytes.length };
      if (partial) scratchBytes.push(Math.max(16, outputs * chunks * 4));
      yield {
        kernel: index,
        name: kernel.name,
        spec: first,
        uniforms: reduceParams(first, sizes, keptShape, reducedShape, operands),
        bindings: [partial ? scratch : out, ...inputs(kernel.operands)],
        groups: dispatchSize(outputs * chunks),
      };
      if (partial) {
        const finish: ReduceSpec = {
          ...base,
          operands: [],
          producer: base.epilogue,
          variant: 'finish',
          partial: false,
          workgroupSize: WG,
        };
        yield {
          kernel: index,
          name: `${kernel.name} (second pass)`,
          spec: finish,
          uniforms: reduceParams(finish, sizes, keptShape, reducedShape, []),
          bindings: [out, scratch],
          groups: dispatchSize(outputs),
        };
      }
      return;
    }
    case 'matmul': {
      if (kernel.batch * kernel.m * kernel.n === 0) return;
      const [a, b, ...extras] = kernel.operands;
      const forced = typeof process !== 'undefined' ? process.env.SATURN_WEBGPU_MATMUL : undefined;
      const splits = forced === 'tiled' ? 1 : splitCount(kernel.batch, kernel.m, kernel.n, kernel.k);
      const variant: MatmulSpec['variant'] =
        forced === 'tiled' || forced === 'regblock'
          ? forced
          : options.software || splits > 1
            ? 'regblock'
            : 'tiled';
      const a3 = view3(a);
      const b3 = view3(b);
      const bVec4 =
        variant === 'regblock' &&
        kernel.n % 4 === 0 &&
        b3.strides[2] === 1 &&
        b3.offset % 4 === 0 &&
        b3.strides[1] % 4 === 0 &&
        b3.strides[0] % 4 === 0;
      const outDtype = dtypeOf(program, kernel.output);
      const acc = wgslType(a.dtype) === 'f32' || wgslType(b.dtype) === 'f32' ? 'f32' : 'i32';
      const spec: MatmulSpec = {
        kind: 'matmul',
        variant,
        splitK: splits > 1,
        acc,
        a: a.dtype,
        b: b.dtype,
        bVec4,
        // The slices' pass has no epilogue: the finishing pass applies it.
        extras: splits > 1 ? [] : extras.map((v) => v.dtype),
        epilogue: splits > 1 ? { kind: 'acc', dtype: acc } : kernel.epilogue,
        outDtype,
      };
      const extraViews = extras.map(view3);
      if (splits === 1) {
        yield {
          kernel: index,
          name: kernel.name,
          spec,
          uniforms: matmulParams(spec, kernel, 1, a3, b3, extraViews),
          bindings: [out, ...inputs(kernel.operands)],
          groups: matmulDispatch(variant, kernel.batch, kernel.m, kernel.n),
        };
        return;
      }
      const scratch: StorageRef = { kind: 'scratch', index: scratchBytes.length };
      scratchBytes.push(splits * kernel.batch * kernel.m * kernel.n * 4);
      yield {
        kernel: index,
        name: `${kernel.name} (${splits} slices of k)`,
        spec,
        uniforms: matmulParams(spec, kernel, splits, a3, b3, []),
        bindings: [scratch, ...inputs([a, b])],
        groups: matmulDispatch(variant, kernel.batch, kernel.m, kernel.n, splits),
      };
      const finish: MatmulSpec = {
        ...spec,
        variant: 'finish',
        splitK: false,
        bVec4: false,
        extras: extras.map((v) => v.dtype),
        epilogue: kernel.epilogue,
      };
      yield {
        kernel: index,
        name: `${kernel.name} (adding the slices)`,
        spec: finish,
        uniforms: matmulParams(finish, kernel, splits, a3, b3, extraViews),
        bindings: [out, scratch, ...inputs(extras)],
        groups: dispatchSize(Math.ceil((kernel.batch * kernel.m * kernel.n) / WG)),
      };
      return;
    }
    case 'softmax': {
      if (kernel.rows === 0) return;
      const raw = kernel.operands[0];
      const view = raw.shape.length === 0 ? { ...raw, shape: [1], strides: [0] } : raw;
      const serial = kernel.length <= 128;
      const spec: SoftmaxSpec = {
        kind: 'softmax',
        variant: serial ? 'serial' : 'workgroup',
        op: kernel.op,
        rank: view.shape.length,
        inDtype: view.dtype,
        outDtype: dtypeOf(program, kernel.output),
        workgroupSize: serial ? SMALL_WG : WG,
      };
      yield {
        kernel: index,
        name: kernel.name,
        spec,
        uniforms: softmaxParams(spec, kernel.rows, view),
        bindings: [out, ...inputs([raw])],
        groups: dispatchSize(serial ? Math.ceil(kernel.rows / SMALL_WG) : kernel.rows),
      };
      return;
    }
    case 'argreduce': {
      if (kernel.rows === 0) return;
      // As softmax: a row of more than 128 elements is worth a workgroup.
      const serial = kernel.length <= 128;
      const spec: ArgReduceSpec = {
        kind: 'argreduce',
        op: kernel.op,
        inType: kernel.operands[0].dtype === 'i32' ? 'i32' : 'f32',
        variant: serial ? 'serial' : 'workgroup',
        workgroupSize: serial ? SMALL_WG : WG,
      };
      yield {
        kernel: index,
        name: kernel.name,
        spec,
        uniforms: argReduceParams(kernel),
        bindings: [out, ...inputs(kernel.operands)],
        groups: dispatchSize(serial ? Math.ceil(kernel.rows / SMALL_WG) : kernel.rows),
      };
      return;
    }
  }
}

/** A [batch, rows, cols] view (rank-2 views get a batch axis of stride 0). */
function view3(v: View): View3 {
  const s = v.strides;
  if (s.length === 3) return { offset: v.offset, strides: [s[0], s[1], s[2]] };
  if (s.length === 2) return { offset: v.offset, strides: [0, s[0], s[1]] };
  throw new WebGpuUnsupportedError(`matmul operand of rank ${s.length} (expected 2 or 3)`);
}

function elementwiseStep(
  program: Program,
  kernel: Kernel,
  index: number,
  shape: readonly number[],
  expr: ScalarExpr,
  options: PlanOptions,
  out: { readonly offset: number; readonly strides: readonly number[]; readonly strided: boolean },
): DispatchStep | undefined {
  const n = sizeOf(shape);
  if (n === 0) return undefined;
  const operands = kernel.operands.map((v) => ({
    dtype: v.dtype,
    access: accessOf(v, shape),
    inOutput: options.sameStorage(v.buffer, kernel.output),
  }));
  const vec4 =
    !out.strided &&
    n % 4 === 0 &&
    kernel.operands.every(
      (v, k) => operands[k].access === 'scalar' || (operands[k].access === 'linear' && v.offset % 4 === 0),
    );
  const spec: ElementwiseSpec = {
    kind: 'elementwise',
    rank: shape.length,
    workgroupSize: WG,
    operands,
    out: { dtype: dtypeOf(program, kernel.output), strided: out.strided },
    expr,
    vec4,
  };
  const threads = vec4 ? n / 4 : n;
  return {
    kernel: index,
    name: kernel.name,
    spec,
    uniforms: elementwiseParams(spec, shape, out, kernel.operands),
    bindings: [
      { kind: 'buffer', id: kernel.output },
      ...kernel.operands
        .filter((_, k) => !operands[k].inOutput)
        .map((v): StorageRef => ({ kind: 'buffer', id: v.buffer })),
    ],
    groups: dispatchSize(Math.ceil(threads / WG)),
  };
}
