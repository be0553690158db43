/**
 * The portable executor (`device: 'js'`): every kernel becomes a JavaScript function generated from
 * its spec, compiled once with `new Function` and cached by the spec, run on the calling thread over
 * typed arrays laid out by the memory plan. It is the fallback where WebAssembly is unavailable and
 * a second oracle for the faster executors.
 */
import type { DType } from '../../graph/dtype.js';
import type { TypedArray } from '../../graph/tensor.js';
import type {
  Executor,
  ExecutorCapabilities,
  KernelTiming,
  PreparedProgram,
  PrepareOptions,
} from '../executor.js';
import { liveness } from '../memory-plan.js';
import type { BufferId, Program } from '../program.js';
import { generateSource, kernelPlan, type KernelSource } from './kernel-source.js';
import { HELPERS } from './scalar.js';

/** A compiled kernel: `(out, a0, …, h, scratch) => void`. */
type KernelFn = (...args: unknown[]) => void;

const compiled = new Map<string, KernelFn>();

/** The arrays buffers live in: i64 is held as float64, as the interpreter holds it. */
type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const ARRAY: Record<DType, new (buffer: ArrayBuffer, offset: number, length: number) => NumericArray> = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  i64: Float64Array,
  bool: Uint8Array,
};

/** What a poisoned slot is filled with: NaN for floats, values no kernel of these dtypes produces otherwise. */
const POISON: Record<DType, number> = {
  f32: Number.NaN,
  f64: Number.NaN,
  i64: Number.NaN,
  i32: -0x5a5a5a5a,
  bool: 0xa5,
};

/** The compiled function of a kernel source, from the cache or compiled now. */
function compile(source: KernelSource, debug: boolean, name: string): KernelFn {
  let fn = compiled.get(source.key);
  if (debug) console.log(`// kernel ${name}\nfunction (${source.params.join(', ')}) {\n${source.body}\n}`);
  if (!fn) {
    fn = new Function(...source.params, source.body) as KernelFn;
    compiled.set(source.key, fn);
  }
  return fn;
}

/** True when `SATURN_DEBUG` asks for generated kernels. */
function debugFromEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return (env?.SATURN_DEBUG ?? '').split(',').includes('kernels');
}

/** Number of distinct kernel functions compiled in this process (for tests of the cache). */
export function compiledKernelCount(): number {
  return compiled.size;
}

/**
 * The JavaScript executor.
 *
 * @example
 * const prepared = jsExecutor.prepare(lower({ outputs: [y], params: [], updates: [], sizes }));
 * prepared.write(program.inputs[0], new Float32Array([1, 2, 3]));
 * prepared.run();
 * prepared.read(program.outputs[0]) // Float32Array
 */
export class JsExecutor implements Executor {
  readonly name = 'js' as const;
  readonly capabilities: ExecutorCapabilities = {
    dtypes: ['f32', 'f64', 'i32', 'bool'],
    maxOperands: 64,
    sync: true,
  };

  prepare(program: Program, options: PrepareOptions = {}): JsPreparedProgram {
    return new JsPreparedProgram(program, options);
  }
}

/** The shared instance. */
export const jsExecutor = new JsExecutor();

/** A program ready to run on the calling thread. */
export class JsPreparedProgram implements PreparedProgram {
  /** The array of each buffer, a view on its slot. */
  /** The array each kernel reads for a buffer: its own, or the caller's array for an input. */
  private readonly arrays: NumericArray[];
  /** Each buffer's own array, a view on its slot. */
  private readonly own: NumericArray[];
  private readonly calls: (() => void)[];
  /** Per kernel: the slots to poison after it (only with `poison`). */
  private readonly poisonAfter: { array: NumericArray; value: number }[][];

  constructor(
    private readonly program: Program,
    options: PrepareOptions,
  ) {
    const debug = options.debug ?? debugFromEnvironment();
    const slots = program.memory.slotBytes.map((bytes) => new ArrayBuffer(bytes));
    this.own = program.buffers.map((b) => {
      const Ctor = ARRAY[b.dtype];
      return new Ctor(slots[program.memory.slotOf[b.id]], 0, b.size);
    });
    this.arrays = [...this.own];
    for (const b of program.buffers)
      if (b.role === 'constant' && b.value) (this.arrays[b.id] as Float64Array).set(b.value);
    const dtypeOf = (id: BufferId) => program.buffers[id].dtype;
    const arrays = this.arrays;
    this.calls = program.kernels.map((kernel) => {
      const source = generateSource(kernelPlan(kernel, dtypeOf));
      const fn = compile(source, debug, kernel.name);
      const scratch = new Float64Array(source.scratch);
      const out = kernel.output;
      const ids = kernel.operands.map((v) => v.buffer);
      // Arrays are looked up at call time: an input's array is replaced when it is written.
      switch (ids.length) {
        case 1:
          return () => fn(arrays[out], arrays[ids[0]], HELPERS, scratch);
        case 2:
          return () => fn(arrays[out], arrays[ids[0]], arrays[ids[1]], HELPERS, scratch);
        default:
          return () => fn(arrays[out], ...ids.map((i) => arrays[i]), HELPERS, scratch);
      }
    });
    this.poisonAfter = options.poison ? poisonSchedule(program, this.own) : program.kernels.map(() => []);
  }

  /**
   * Writes an input's or a parameter's value. An input keeps a reference to `data` when its type fits
   * (no copy; do not change `data` until the run returns); a parameter is copied.
   */
  write(buffer: BufferId, data: TypedArray): void {
    const decl = this.program.buffers[buffer];
    const own = this.own[buffer];
    if (data.length !== decl.size)
      throw new RangeError(`buffer ${decl.name ?? buffer}: ${data.length} values for ${decl.size} elements`);
    if (decl.role === 'input' && data.constructor === own.constructor) {
      this.arrays[buffer] = data as NumericArray;
      return;
    }
    // Converted into the buffer's own array, never into an array the caller lent before.
    if (data instanceof BigInt64Array) (own as Float64Array).set(Array.from(data, Number));
    else (own as Float64Array).set(data as Float64Array);
    this.arrays[buffer] = own;
  }

  read(buffer: BufferId): TypedArray {
    const decl = this.program.buffers[buffer];
    const array = this.arrays[buffer];
    if (decl.dtype === 'i64') return BigInt64Array.from(array as Float64Array, (v) => BigInt(v));
    return array.slice();
  }

  run(timings?: KernelTiming[]): void {
    const { calls, poisonAfter } = this;
    for (let i = 0; i < calls.length; i++) {
      if (timings) {
        const start = performance.now();
        calls[i]();
        timings.push({ kernel: i, ms: performance.now() - start });
      } else calls[i]();
      for (const p of poisonAfter[i]) p.array.fill(p.value);
    }
    // Every update value was computed from the parameters as they were before this run.
    for (const u of this.program.updates)
      (this.arrays[u.param] as Float64Array).set(this.arrays[u.value] as Float64Array);
  }

  dispose(): void {
    this.arrays.length = 0;
    this.own.length = 0;
    this.calls.length = 0;
  }
}

/** After each kernel, the slots that no live buffer holds any more. */
function poisonSchedule(
  program: Program,
  arrays: readonly NumericArray[],
): { array: NumericArray; value: number }[][] {
  const { def, lastUse } = liveness(program);
  const { slotOf } = program.memory;
  return program.kernels.map((_, i) =>
    program.buffers
      .filter((b) => b.role === 'temp' && lastUse[b.id] === i)
      .filter((b) =>
        program.buffers.every(
          (o) => o.id === b.id || slotOf[o.id] !== slotOf[b.id] || !(def[o.id] <= i && lastUse[o.id] > i),
        ),
      )
      .map((b) => ({ array: arrays[b.id], value: POISON[b.dtype] })),
  );
}
