/**
 * The WebGPU executor: plans a program's dispatches for the process's device and prepares them.
 * f64 and i64 programs are refused at prepare time with the reason (never downcast).
 *
 * @example
 * const executor = await createWebGpuExecutor();
 * const prepared = await executor.prepare(program);
 * prepared.write(program.inputs[0], new Float32Array([1, 2, 3]));
 * await prepared.run();
 * const y = await prepared.read(program.outputs[0]);
 */
import type { DType } from '../../graph/dtype.js';
import type { Executor, ExecutorCapabilities, PrepareOptions } from '../executor.js';
import type { Program } from '../program.js';
import { WebGpuUnavailableError } from './errors.js';
import { acquireGpu, assertAlive, type GpuContext } from './gpu.js';
import { debugWgsl } from './pipelines.js';
import { planProgram } from './plan.js';
import { WebGpuPreparedProgram } from './prepared.js';

/** The dtypes WebGPU computes in (bool lives in buffers as u32). */
export const WEBGPU_DTYPES: readonly DType[] = ['f32', 'i32', 'bool'];

export class WebGpuExecutor implements Executor {
  readonly name = 'webgpu' as const;
  readonly capabilities: ExecutorCapabilities;

  constructor(readonly context: GpuContext) {
    this.capabilities = {
      dtypes: WEBGPU_DTYPES,
      // Inputs + output of one kernel are its storage bindings; the uniform block is separate.
      maxOperands: context.limits.maxStorageBuffersPerShaderStage,
      sync: false,
    };
  }

  async prepare(program: Program, options: PrepareOptions = {}): Promise<WebGpuPreparedProgram> {
    assertAlive(this.context);
    const plan = planProgram(program, {
      software: this.context.adapter.software,
      maxStorageBuffers: this.capabilities.maxOperands,
      sameStorage: (a, b) => WebGpuPreparedProgram.sameSlot(program, a, b),
    });
    return WebGpuPreparedProgram.create(this.context, program, plan, options.debug === true || debugWgsl());
  }
}

/** An executor on the process's device; throws {@link WebGpuUnavailableError} with the reason when none. */
export async function createWebGpuExecutor(): Promise<WebGpuExecutor> {
  const found = await acquireGpu();
  if (!found.ok) throw new WebGpuUnavailableError(found.reason);
  return new WebGpuExecutor(found.context);
}
