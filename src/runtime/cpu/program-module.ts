/**
 * Turns a Program into one WebAssembly module: one or more exported functions per kernel, each
 * taking a range of work items, and the schedule of steps that runs them in order. A step's range can
 * be split across threads; its results never depend on the split (see the generators).
 */
import type { Kernel, MatmulKernel, Program, ScalarExpr, View } from '../program.js';
import { KernelContext } from './codegen/context.js';
import { type ElementwiseSpec, generateElementwise, vectorKernel } from './codegen/elementwise.js';
import { BYTES, type StridedAccess } from './codegen/iteration.js';
import {
  generateMatmulCompute,
  generateMatmulScalar,
  generatePackB,
  planMatmul,
  type MatmulSpec,
} from './codegen/matmul.js';
import {
  CHUNK,
  generateReduceFinish,
  generateReducePartial,
  generateReducePerOutput,
  innerContiguous,
  planReduce,
  type ReduceSpec,
} from './codegen/reduce.js';
import { generateSoftmax } from './codegen/softmax.js';
import { argReduceNs, type ArgReduceSpec, generateArgReduce } from './codegen/argreduce.js';
import { gemvGrain, gemvOf, generateGemv } from './codegen/gemv.js';
import { type ColumnsPlan, columnsPlan, generateReduceColumns } from './codegen/reduce-columns.js';
import { vectorizable } from './codegen/vector-ops.js';
import {
  expressionNs,
  NS_PER_COLUMN_REDUCE_ELEMENT,
  NS_PER_GEMM_FLOP,
  NS_PER_GEMV_FLOP,
  NS_PER_PACKED_ELEMENT,
  NS_PER_SCALAR_MATMUL_FLOP,
  NS_PER_SOFTMAX_ELEMENT,
  NS_PER_STRIDED_REDUCE_ELEMENT,
} from './cost.js';
import type { MemoryLayout } from './layout.js';
import { type Stream, streamsOver } from './staging.js';
import { ImportTable } from './math/imports.js';
import { ModuleBuilder } from './wasm/module.js';

/** One call pattern of one generated function over `[0, total)`. */
export interface Step {
  readonly kernel: number;
  /** Export name. */
  readonly fn: string;
  readonly total: number;
  /** False when it calls an import only the calling thread has. */
  readonly threadSafe: boolean;
  /** Never split (e.g. folding partials in order). */
  readonly serial: boolean;
  /** Estimated nanoseconds on one thread over the whole range, from sizes alone (see cost.ts). */
  readonly costNs: number;
  /**
   * Work items a thread's chunk is a multiple of, so a split never cuts what the kernel takes at once
   * (gemv-axpy's blocks of 16 outputs). Never changes a result.
   */
  readonly grain: number;
  /** Inputs the step reads item by item, which it can copy in chunk by chunk (staging.ts). */
  readonly streams: readonly Stream[];
}

/**
 * How a step may be split (never when `serial`, else in chunks of whole `grain`s of work items) and
 * which inputs it reads item by item.
 */
interface StepOptions {
  readonly serial?: boolean;
  readonly grain?: number;
  readonly streams?: readonly Stream[];
}

/**
 * A program's module, encoded for a shared memory or not when the executor knows whether any step is
 * split across threads (it decides that from the steps' costs, after the build).
 */
export interface ProgramModule {
  readonly steps: readonly Step[];
  readonly encode: (shared: boolean) => Uint8Array<ArrayBuffer>;
  readonly text: (shared: boolean) => string;
}

const rowMajor = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

/** Replaces `acc` by operand 0 and shifts operand k ≥ 2 of a matmul epilogue to k − 1. */
function epilogueAsElementwise(e: ScalarExpr, accDtype: ScalarExpr['dtype'] & string): ScalarExpr {
  switch (e.kind) {
    case 'acc':
      return { kind: 'operand', index: 0, dtype: accDtype };
    case 'operand':
      return { ...e, index: e.index - 1 };
    case 'const':
      return e;
    case 'op':
      return { ...e, args: e.args.map((a) => epilogueAsElementwise(a, accDtype)) };
  }
}

const elementwiseNs = (spec: ElementwiseSpec): number =>
  expressionNs(spec.expr, spec.operands.length, vectorKernel(spec));

export function buildProgramModule(
  program: Program,
  layout: MemoryLayout,
  options: { fma: boolean },
): ProgramModule {
  const access = (v: View): StridedAccess => ({
    address: layout.address(v.buffer),
    dtype: v.dtype,
    strides: v.strides,
    offset: v.offset,
  });
  const contiguous = (buffer: Kernel['output'], shape: readonly number[]): StridedAccess => ({
    address: layout.address(buffer),
    dtype: program.buffers[buffer].dtype,
    strides: rowMajor(shape),
    offset: 0,
  });
  // Scratch is reserved before the module's size is known: plan everything first.
  const plans = program.kernels.map((k) => planKernel(k, layout, contiguous, access, options.fma));
  const module = new ModuleBuilder({ pages: layout.pages, shared: false });
  const imports = new ImportTable(module);
  const steps: Step[] = [];
  const add = (
    kernel: number,
    name: string,
    total: number,
    costNs: number,
    build: (ctx: KernelContext) => void,
    stepOptions: StepOptions = {},
  ) => {
    imports.takeThreadSafety();
    module.addFunction(name, ['i32', 'i32'], [], (fn) => build(new KernelContext(fn, imports, options.fma)));
    steps.push({
      kernel,
      fn: name,
      total,
      threadSafe: imports.takeThreadSafety(),
      serial: stepOptions.serial ?? false,
      costNs,
      grain: stepOptions.grain ?? 1,
      streams: stepOptions.streams ?? [],
    });
  };
  program.kernels.forEach((kernel, i) => {
    const base = `k${i}_${kernel.kind}`;
    const plan = plans[i];
    switch (plan.kind) {
      case 'elementwise':
        plan.parts.forEach((spec, p) => {
          const total = spec.shape.reduce((a, b) => a * b, 1);
          if (total > 0)
            add(
              i,
              plan.parts.length > 1 ? `${base}${p}` : base,
              total,
              total * elementwiseNs(spec),

              (ctx) => generateElementwise(ctx, spec),
              // Item i of a single part is element i of every identity view.
              {
                streams:
                  plan.parts.length === 1 ? streamsOver(program, kernel.operands, kernel.operands, 1) : [],
              },
            );
        });
        break;
      case 'reduce': {
        const rp = plan.plan;
        const perElement = innerContiguous(plan.spec)
          ? expressionNs(plan.spec.producer, plan.spec.operands.length, vectorizable(plan.spec.producer))
          : NS_PER_STRIDED_REDUCE_ELEMENT;
        if (rp.kind === 'chunked') {
          // One output: item w is elements [w·CHUNK, (w+1)·CHUNK) of the reduced axis.
          const streams =
            rp.outputs === 1 ? streamsOver(program, kernel.operands, kernel.operands, CHUNK) : [];
          add(
            i,
            `${base}_partial`,
            rp.outputs * rp.chunks,
            rp.work * perElement,

            (ctx) => generateReducePartial(ctx, plan.spec, rp),
            { streams },
          );
          add(
            i,
            `${base}_finish`,
            rp.outputs,
            rp.outputs * rp.chunks,

            (ctx) => generateReduceFinish(ctx, plan.spec, rp),
            { serial: true },
          );
        } else if (plan.columns) {
          const columns = plan.columns;
          const total = columns.rows * columns.groups;
          add(i, `${base}_columns`, total, rp.work * NS_PER_COLUMN_REDUCE_ELEMENT, (ctx) =>
            generateReduceColumns(ctx, plan.spec, columns),
          );
        } else if (rp.outputs > 0) {
          add(i, base, rp.outputs, rp.work * perElement, (ctx) => generateReducePerOutput(ctx, plan.spec));
        }
        break;
      }
      case 'matmul': {
        const { spec } = plan;
        if (spec.m * spec.n * spec.batch === 0) break;
        const gemv = gemvOf(spec);
        const flops = 2 * spec.batch * spec.m * spec.n * spec.k;
        if (gemv) {
          add(
            i,
            `${base}_gemv_${gemv.kind}`,
            gemv.batch * gemv.rows,
            flops * NS_PER_GEMV_FLOP,

            (ctx) => generateGemv(ctx, gemv),
            {
              grain: gemvGrain(gemv),
              // A dot over a's rows: item i is row i, k elements.
              streams:
                gemv.kind === 'dot' && spec.n === 1 && spec.batch === 1 && kernel.kind === 'matmul'
                  ? streamsOver(program, kernel.operands, [kernel.operands[0]], spec.k)
                  : [],
            },
          );
        } else if (plan.packedB !== undefined) {
          const mp = planMatmul(spec, options.fma);
          const packed = spec.batch * spec.k * spec.n * NS_PER_PACKED_ELEMENT;
          add(i, `${base}_packB`, spec.batch * mp.colPanels, packed, (ctx) =>
            generatePackB(ctx, spec, mp, plan.packedB!),
          );
          add(i, `${base}_gemm`, mp.rowPanels, flops * NS_PER_GEMM_FLOP, (ctx) =>
            generateMatmulCompute(ctx, spec, mp, plan.packedB!),
          );
        } else {
          add(i, base, spec.batch * spec.m, flops * NS_PER_SCALAR_MATMUL_FLOP, (ctx) =>
            generateMatmulScalar(ctx, spec),
          );
        }
        if (plan.epilogue) {
          const e = plan.epilogue;
          const total = spec.batch * spec.m * spec.n;
          add(i, `${base}_epilogue`, total, total * elementwiseNs(e), (ctx) => generateElementwise(ctx, e));
        }
        break;
      }
      case 'softmax':
        if (plan.spec.rows > 0)
          add(
            i,
            base,
            plan.spec.rows,
            plan.spec.rows * plan.spec.length * NS_PER_SOFTMAX_ELEMENT,

            (ctx) => generateSoftmax(ctx, plan.spec),
          );
        break;
      case 'argreduce':
        if (plan.spec.rows > 0)
          add(i, base, plan.spec.rows, argReduceNs(plan.spec), (ctx) => generateArgReduce(ctx, plan.spec));
        break;
    }
  });
  return { steps, encode: (shared) => module.encode(shared), text: (shared) => module.text(shared) };
}

type KernelPlan =
  | { kind: 'elementwise'; parts: ElementwiseSpec[] }
  | { kind: 'reduce'; spec: ReduceSpec; plan: ReturnType<typeof planReduce>; columns?: ColumnsPlan }
  | {
      kind: 'matmul';
      spec: MatmulSpec;
      packedB?: number;
      epilogue?: ElementwiseSpec;
    }
  | { kind: 'softmax'; spec: Parameters<typeof generateSoftmax>[1] }
  | { kind: 'argreduce'; spec: ArgReduceSpec };

function planKernel(
  kernel: Kernel,
  layout: MemoryLayout,
  contiguous: (b: Kernel['output'], shape: readonly number[]) => StridedAccess,
  access: (v: View) => StridedAccess,
  fma: boolean,
): KernelPlan {
  switch (kernel.kind) {
    case 'elementwise':
      return {
        kind: 'elementwise',
        parts: [
          {
            shape: kernel.shape,
            operands: kernel.operands.map(access),
            output: contiguous(kernel.output, kernel.shape),
            expr: kernel.expr,
          },
        ],
      };
    case 'copy': {
      const out = contiguous(kernel.output, kernel.shape);
      const v = kernel.operands[0];
      const read: ScalarExpr = { kind: 'operand', index: 0, dtype: v.dtype };
      const expr: ScalarExpr =
        v.dtype === out.dtype
          ? read
          : { kind: 'op', op: 'cast', args: [read], dtype: out.dtype, attrs: { dtype: out.dtype } };
      return {
        kind: 'elementwise',
        parts: [{ shape: kernel.shape, operands: [access(v)], output: out, expr }],
      };
    }
    case 'concat': {
      const out = contiguous(kernel.output, kernel.shape);
      let at = 0;
      const parts = kernel.operands.map((v) => {
        const part = {
          shape: v.shape,
          operands: [access(v)],
          output: { ...out, offset: at * out.strides[kernel.axis] },
          expr: { kind: 'operand', index: 0, dtype: v.dtype } as ScalarExpr,
        };
        at += v.shape[kernel.axis];
        return part;
      });
      return { kind: 'elementwise', parts };
    }
    case 'reduce': {
      const keptShape = kernel.shape.filter((_, i) => !kernel.axes.includes(i));
      const spec: ReduceSpec = {
        op: kernel.op,
        shape: kernel.shape,
        axes: kernel.axes,
        operands: kernel.operands.map(access),
        output: contiguous(kernel.output, keptShape),
        producer: kernel.producer,
        epilogue: kernel.epilogue,
      };
      const probe = planReduce(spec, 0);
      const plan =
        probe.kind === 'chunked' ? planReduce(spec, layout.reserve(probe.outputs * probe.chunks * 8)) : probe;
      const columns = plan.kind === 'per-output' && plan.outputs > 0 ? columnsPlan(spec) : undefined;
      return { kind: 'reduce', spec, plan, columns };
    }
    case 'matmul':
      return planMatmulKernel(kernel, layout, contiguous, access, fma);
    case 'softmax': {
      const v = kernel.operands[0];
      return {
        kind: 'softmax',
        spec: {
          op: kernel.op,
          rows: kernel.rows,
          length: kernel.length,
          x: access(v),
          out: layout.address(kernel.output),
          outDtype: contiguous(kernel.output, [1]).dtype,
        },
      };
    }
    case 'argreduce':
      return {
        kind: 'argreduce',
        spec: {
          op: kernel.op,
          rows: kernel.rows,
          length: kernel.length,
          x: access(kernel.operands[0]),
          out: layout.address(kernel.output),
        },
      };
  }
}

function planMatmulKernel(
  kernel: MatmulKernel,
  layout: MemoryLayout,
  contiguous: (b: Kernel['output'], shape: readonly number[]) => StridedAccess,
  access: (v: View) => StridedAccess,
  fma: boolean,
): KernelPlan {
  const out = contiguous(kernel.output, [kernel.batch, kernel.m, kernel.n]);
  const [a, b] = kernel.operands;
  const hasEpilogue = kernel.epilogue.kind !== 'acc';
  // The product lands in the output and the epilogue rewrites it in place, unless the epilogue changes
  // the dtype (`dot(a, b) > 0` is bool): then the product needs a scratch area of the operands' dtype,
  // or it would be truncated to the output's before the epilogue reads it.
  const product: StridedAccess =
    hasEpilogue && out.dtype !== a.dtype
      ? {
          ...out,
          address: layout.reserve(kernel.batch * kernel.m * kernel.n * BYTES[a.dtype]),
          dtype: a.dtype,
          offset: 0,
        }
      : out;
  const spec: MatmulSpec = {
    batch: kernel.batch,
    m: kernel.m,
    n: kernel.n,
    k: kernel.k,
    a: access(a),
    b: access(b),
    out: product.address,
    dtype: product.dtype,
  };
  const fast = product.dtype === 'f32' && a.dtype === 'f32' && b.dtype === 'f32';
  const packedB = fast && !gemvOf(spec) ? layout.reserve(planMatmul(spec, fma).packedBBytes) : undefined;
  const epilogue = hasEpilogue
    ? {
        shape: [kernel.batch, kernel.m, kernel.n],
        operands: [product, ...kernel.operands.slice(2).map(access)],
        output: out,
        expr: epilogueAsElementwise(kernel.epilogue, product.dtype),
      }
    : undefined;
  return { kind: 'matmul', spec, packedB, epilogue };
}
