/**
 * A program made ready on the GPU: one storage buffer per memory-plan slot (taken from the pool),
 * pipelines and bind groups built once, uniforms written once, constants uploaded once. A run
 * encodes every dispatch into one compute pass of one command buffer and ends with the updates as
 * buffer-to-buffer copies on the device, so parameters never leave it; only `write` uploads and only
 * `read` downloads.
 */
import type { TypedArray } from '../../graph/tensor.js';
import type { KernelTiming, PreparedProgram } from '../executor.js';
import type { BufferId, Program } from '../program.js';
import { WebGpuDeviceLostError, WebGpuShaderError } from './errors.js';
import { assertAlive, type GpuContext } from './gpu.js';
import { type CompiledPipeline, pipelineFor } from './pipelines.js';
import type { Plan } from './plan.js';
import { type BufferPool, poolOf, READBACK_USAGE, STORAGE_USAGE, UNIFORM_USAGE } from './pool.js';

interface ReadyStep {
  readonly kernel: number;
  readonly name: string;
  readonly pipeline: CompiledPipeline;
  readonly bindGroup: GPUBindGroup;
  readonly groups: readonly [number, number, number];
}

export class WebGpuPreparedProgram implements PreparedProgram {
  private readonly pool: BufferPool;
  /** Physical storage of each logical buffer (buffers sharing a slot share the GPUBuffer). */
  private readonly storage: GPUBuffer[];
  private readonly owned: GPUBuffer[] = [];
  private steps: ReadyStep[] = [];
  private disposed = false;

  private constructor(
    private readonly context: GpuContext,
    private readonly program: Program,
  ) {
    this.pool = poolOf(context.device);
    const bySlot = new Map<number, GPUBuffer>();
    this.storage = program.buffers.map((b) => {
      const slot = program.memory.slotOf[b.id];
      const bytes = Math.max(
        16,
        slot !== undefined && slot >= 0 ? program.memory.slotBytes[slot] : b.size * 4,
      );
      if (slot !== undefined && slot >= 0) {
        const found = bySlot.get(slot);
        if (found !== undefined) return found;
        const buffer = this.take(Math.max(bytes, b.size * 4), STORAGE_USAGE, `slot ${slot}`);
        bySlot.set(slot, buffer);
        return buffer;
      }
      return this.take(bytes, STORAGE_USAGE, b.name ?? `buffer ${b.id}`);
    });
  }

  /** Compiles (or finds cached) every pipeline, builds bind groups and uploads constants. */
  static async create(
    context: GpuContext,
    program: Program,
    plan: Plan,
    debug: boolean,
  ): Promise<WebGpuPreparedProgram> {
    const prepared = new WebGpuPreparedProgram(context, program);
    try {
      await prepared.build(plan, debug);
    } catch (e) {
      prepared.dispose();
      throw e;
    }
    return prepared;
  }

  /** True when two logical buffers live in one GPU buffer. */
  static sameSlot(program: Program, a: BufferId, b: BufferId): boolean {
    const sa = program.memory.slotOf[a];
    return a === b || (sa !== undefined && sa >= 0 && sa === program.memory.slotOf[b]);
  }

  private take(bytes: number, usage: number, label: string): GPUBuffer {
    const buffer = this.pool.acquire(bytes, usage, label);
    this.owned.push(buffer);
    return buffer;
  }

  private async build(plan: Plan, debug: boolean): Promise<void> {
    const { device } = this.context;
    const scratch = plan.scratchBytes.map((bytes, i) => this.take(bytes, STORAGE_USAGE, `scratch ${i}`));
    const pipelines = await Promise.all(plan.steps.map((s) => pipelineFor(device, s.spec, s.name, debug)));
    device.pushErrorScope('validation');
    this.steps = plan.steps.map((step, i) => {
      const pipeline = pipelines[i];
      const entries: GPUBindGroupEntry[] = step.bindings.map((ref, binding) => ({
        binding,
        resource: { buffer: ref.kind === 'buffer' ? this.storage[ref.id] : scratch[ref.index] },
      }));
      if (pipeline.hasUniforms) {
        const uniforms = this.take(step.uniforms.byteLength, UNIFORM_USAGE, `${step.name} params`);
        device.queue.writeBuffer(uniforms, 0, step.uniforms);
        entries.push({ binding: step.bindings.length, resource: { buffer: uniforms } });
      }
      const bindGroup = device.createBindGroup({ layout: pipeline.layout, entries, label: step.name });
      return { kernel: step.kernel, name: step.name, pipeline, bindGroup, groups: step.groups };
    });
    for (const b of this.program.buffers) {
      if (b.role === 'constant' && b.value !== undefined) this.write(b.id, toTyped(b.dtype, b.value));
    }
    const error = await device.popErrorScope();
    if (error !== null) throw new WebGpuShaderError(`preparing the program: ${error.message}`);
  }

  write(buffer: BufferId, data: TypedArray): void {
    this.check();
    const decl = this.program.buffers[buffer];
    const words = toWords(decl.dtype, data);
    if (words.byteLength > 0) this.context.device.queue.writeBuffer(this.storage[buffer], 0, words);
  }

  async read(buffer: BufferId): Promise<TypedArray> {
    this.check();
    const decl = this.program.buffers[buffer];
    const bytes = decl.size * 4;
    if (bytes === 0) return fromWords(decl.dtype, new ArrayBuffer(0));
    const { device } = this.context;
    const staging = this.pool.acquire(bytes, READBACK_USAGE, 'readback');
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(this.storage[buffer], 0, staging, 0, bytes);
      device.queue.submit([encoder.finish()]);
      await this.mapped(staging);
      const copy = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
      return fromWords(decl.dtype, copy);
    } finally {
      this.pool.release(staging);
    }
  }

  async run(timings?: KernelTiming[]): Promise<void> {
    this.check();
    const { device } = this.context;
    device.pushErrorScope('validation');
    if (timings !== undefined) await this.runTimed(timings);
    else {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      for (const step of this.steps) this.dispatch(pass, step);
      pass.end();
      this.encodeUpdates(encoder);
      device.queue.submit([encoder.finish()]);
    }
    const error = await device.popErrorScope();
    if (this.context.lost !== undefined) assertAlive(this.context);
    if (error !== null) throw new WebGpuShaderError(`running the program: ${error.message}`);
  }

  private dispatch(pass: GPUComputePassEncoder, step: ReadyStep): void {
    pass.setPipeline(step.pipeline.pipeline);
    pass.setBindGroup(0, step.bindGroup);
    pass.dispatchWorkgroups(step.groups[0], step.groups[1], step.groups[2]);
  }

  /** Parameters take their new values by copies on the device, after every kernel has read the old ones. */
  private encodeUpdates(encoder: GPUCommandEncoder): void {
    const updates = this.program.updates.filter((u) => this.storage[u.param] !== this.storage[u.value]);
    const params = new Set(updates.map((u) => this.storage[u.param]));
    // When one update's new value lives in a parameter another update overwrites (a swap), stage
    // every value first so all copies read the values of this run.
    const staged = updates.some((u) => params.has(this.storage[u.value]));
    const sources = updates.map((u) => {
      const bytes = this.program.buffers[u.param].size * 4;
      if (!staged || bytes === 0) return this.storage[u.value];
      const tmp = this.pool.acquire(bytes, STORAGE_USAGE, 'update staging');
      encoder.copyBufferToBuffer(this.storage[u.value], 0, tmp, 0, bytes);
      void this.context.device.queue.onSubmittedWorkDone().then(() => this.pool.release(tmp));
      return tmp;
    });
    updates.forEach((u, i) => {
      const bytes = this.program.buffers[u.param].size * 4;
      if (bytes > 0) encoder.copyBufferToBuffer(sources[i], 0, this.storage[u.param], 0, bytes);
    });
  }

  /**
   * Runs with per-kernel times: from timestamp queries (one pass per dispatch) where the adapter has
   * them, else the wall time of one submission per dispatch.
   */
  private async runTimed(timings: KernelTiming[]): Promise<void> {
    const { device } = this.context;
    const perKernel = new Map<number, number>();
    const add = (kernel: number, ms: number) => perKernel.set(kernel, (perKernel.get(kernel) ?? 0) + ms);
    if (this.context.timestamps && this.steps.length > 0) {
      const count = 2 * this.steps.length;
      const querySet = device.createQuerySet({ type: 'timestamp', count });
      const resolve = device.createBuffer({
        size: count * 8,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      const staging = this.pool.acquire(count * 8, READBACK_USAGE, 'timestamps');
      const encoder = device.createCommandEncoder();
      this.steps.forEach((step, i) => {
        const pass = encoder.beginComputePass({
          timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
        });
        this.dispatch(pass, step);
        pass.end();
      });
      this.encodeUpdates(encoder);
      encoder.resolveQuerySet(querySet, 0, count, resolve, 0);
      encoder.copyBufferToBuffer(resolve, 0, staging, 0, count * 8);
      device.queue.submit([encoder.finish()]);
      await this.mapped(staging);
      const ns = new BigUint64Array(staging.getMappedRange(0, count * 8).slice(0));
      staging.unmap();
      this.pool.release(staging);
      resolve.destroy();
      querySet.destroy();
      this.steps.forEach((step, i) => add(step.kernel, Number(ns[2 * i + 1] - ns[2 * i]) / 1e6));
    } else {
      for (const step of this.steps) {
        const start = performance.now();
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        this.dispatch(pass, step);
        pass.end();
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
        add(step.kernel, performance.now() - start);
      }
      const encoder = device.createCommandEncoder();
      this.encodeUpdates(encoder);
      device.queue.submit([encoder.finish()]);
    }
    for (const [kernel, ms] of perKernel) timings.push({ kernel, ms });
  }

  private async mapped(buffer: GPUBuffer): Promise<void> {
    try {
      await buffer.mapAsync(GPUMapMode.READ);
    } catch (e) {
      assertAlive(this.context);
      throw new WebGpuDeviceLostError(
        `reading back from the GPU failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private check(): void {
    if (this.disposed) throw new WebGpuDeviceLostError('this WebGPU program was disposed');
    assertAlive(this.context);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A lost device's buffers are gone with it; only a live device's go back to the pool.
    if (this.context.lost === undefined) for (const b of this.owned) this.pool.release(b);
    this.owned.length = 0;
    this.steps = [];
  }
}

/** A constant's float64 values as the dtype's typed array. */
function toTyped(dtype: string, values: Float64Array): TypedArray {
  if (dtype === 'f32') return Float32Array.from(values);
  if (dtype === 'i32') return Int32Array.from(values);
  return Uint8Array.from(values);
}

/** Host data as the 32-bit words a buffer of `dtype` holds (bool as u32 0/1). */
function toWords(dtype: string, data: TypedArray): Float32Array | Int32Array | Uint32Array {
  if (dtype === 'f32')
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  if (dtype === 'i32') return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
  return Uint32Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
}

function fromWords(dtype: string, bytes: ArrayBuffer): TypedArray {
  if (dtype === 'f32') return new Float32Array(bytes);
  if (dtype === 'i32') return new Int32Array(bytes);
  return Uint8Array.from(new Uint32Array(bytes));
}
