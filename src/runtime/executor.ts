/**
 * The executor interface: one implementation per device (`js` generated JavaScript, `cpu` WebAssembly
 * SIMD on workers, `webgpu`). `compile()` lowers a graph to a Program, asks the executor to prepare it,
 * then binds inputs, runs and reads outputs. Parameters stay inside the prepared program between runs.
 */
import type { DType } from '../graph/dtype.js';
import type { TypedArray } from '../graph/tensor.js';
import type { BufferId, Program } from './program.js';

export type DeviceName = 'js' | 'cpu' | 'webgpu';

/** What an executor can run; the lowering reads it (operand limit) and compile checks dtypes with it. */
export interface ExecutorCapabilities {
  readonly dtypes: readonly DType[];
  /** Most operands (inputs + output) one kernel may have; fusion splits larger groups. */
  readonly maxOperands: number;
  /** True when `runSync` is available. */
  readonly sync: boolean;
}

export interface PrepareOptions {
  /** Print generated code (also `SATURN_DEBUG=kernels|wasm|wgsl`). */
  readonly debug?: boolean;
  /** Fill freed slots with NaN between kernels so a use-after-reuse shows in tests. */
  readonly poison?: boolean;
  /** Threads for executors that have them. */
  readonly threads?: number;
}

/** Time spent in one kernel during one run, for the profiler. */
export interface KernelTiming {
  readonly kernel: number;
  readonly ms: number;
}

/** A program made ready to run on one device. */
export interface PreparedProgram {
  /** Writes an input's or parameter's value (converted to the buffer's dtype by the caller). */
  write(buffer: BufferId, data: TypedArray): void;
  /** Reads a buffer's current value (an output after a run, or a parameter) as a fresh typed array. */
  read(buffer: BufferId): TypedArray | Promise<TypedArray>;
  /** Runs every kernel, then the updates. Timings are reported when `timings` is given. */
  run(timings?: KernelTiming[]): void | Promise<void>;
  dispose(): void;
  /**
   * An input's storage inside the executor's own memory, for executors that have one (cpu): `write`
   * given this same array copies nothing. Valid until dispose; the memory never grows after prepare.
   */
  resident?(buffer: BufferId): TypedArray;
  /**
   * A buffer's current value as a view over the executor's own memory (cpu), without the copy `read`
   * makes. The next `run` or `write` overwrites it; a dtype stored in another form (i64) is copied.
   */
  view?(buffer: BufferId): TypedArray;
}

export interface Executor {
  readonly name: DeviceName;
  readonly capabilities: ExecutorCapabilities;
  prepare(program: Program, options?: PrepareOptions): PreparedProgram | Promise<PreparedProgram>;
}
