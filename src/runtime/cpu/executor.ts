/**
 * The cpu executor (`device: 'cpu'`): each program becomes one WebAssembly module of SIMD kernels
 * over one memory holding every buffer at a fixed address. Inputs are copied in once per write (or,
 * when their first reader takes them item by item, chunk by chunk as it reads them: staging.ts),
 * parameters stay resident between runs, outputs are copied out on read (or viewed in place). With
 * `threads > 1` the memory is shared and a lazily started pool of workers (unref'd) takes parts of
 * each large step; which steps are large is estimated from their sizes (cost.ts), so thread use never
 * depends on machine load, and results are the same bits for any split (the generators guarantee it).
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
import type { BufferId, Program } from '../program.js';
import { debugEnabled } from './env.js';
import { SPLIT_THRESHOLD_NS } from './cost.js';
import { wasmFeatures } from './features.js';
import { MemoryLayout } from './layout.js';
import { scalarImportObject } from './math/scalar-imports.js';
import { type Platform, WorkerPool } from './pool.js';
import { buildProgramModule, type Step } from './program-module.js';
import {
  type NumericArray,
  SHARED_STAGE_BYTES,
  STAGE_BYTES,
  type StagedCopy,
  stageChunk,
  stagedStreams,
  stageItems,
  type Stream,
} from './staging.js';
import { wasm, type WasmMemory } from './wasm/api.js';

/**
 * i64 is held as float64 (exact to 2^53), as the interpreter and the js executor hold it: lowered
 * programs use it inside (integer sums), though, like the js executor, the capabilities do not offer it.
 */
const ARRAY: Record<
  DType,
  {
    new (buffer: ArrayBufferLike, offset: number, length: number): NumericArray;
    new (length: number): NumericArray;
  }
> = {
  f32: Float32Array,
  f64: Float64Array,
  i64: Float64Array,
  i32: Int32Array,
  bool: Uint8Array,
};

export interface CpuExecutorOptions {
  /** Threads to use (default: the machine's cores; 1 runs everything on the calling thread). */
  readonly threads?: number;
  /**
   * Steps estimated from their sizes to take longer than this on one thread are split across
   * threads; default {@link SPLIT_THRESHOLD_NS} (see cost.ts). 0 splits every step (tests use it to
   * exercise the workers).
   */
  readonly splitThresholdMs?: number;
}

let platformPromise: Promise<Platform | null> | undefined;
/** Set once the platform has loaded: from then on `prepare` is synchronous. */
let loadedPlatform: Platform | null | undefined;

/**
 * Loads the Node platform where there is one (else null: single thread). The device table calls it
 * when probing, so `prepare` (needed synchronously by `runSync` on new sizes) never waits.
 */
export function loadCpuPlatform(): Promise<Platform | null> {
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    'string';
  platformPromise ??= (
    isNode ? import('./platform-node.js').then((m) => m.nodePlatform) : Promise.resolve(null)
  ).then((p) => (loadedPlatform = p));
  return platformPromise;
}

let sharedPool: WorkerPool | undefined;

function poolFor(platform: Platform, workers: number): WorkerPool {
  if (!sharedPool || sharedPool.capacity < workers) {
    sharedPool?.close();
    sharedPool = new WorkerPool(platform, Math.max(workers, platform.cores - 1));
  }
  sharedPool.ensure(workers);
  return sharedPool;
}

/** Stops the shared worker pool (idle workers never keep a process alive; this is for tests and hosts). */
export function closeCpuPool(): void {
  sharedPool?.close();
  sharedPool = undefined;
}

let nextProgramId = 1;

/**
 * A split step is cut into this many chunks per thread: enough that a thread the machine delays
 * leaves its share to the others, few enough that claiming (one atomic add each) costs nothing.
 */
const CHUNKS_PER_THREAD = 8;

/** Why the cpu executor cannot run here, or undefined when it can (it needs 128-bit WebAssembly SIMD). */
export function cpuAvailability(): string | undefined {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'undefined') return 'no WebAssembly';
  return wasmFeatures().simd ? undefined : 'this WebAssembly engine lacks 128-bit SIMD';
}

export class CpuExecutor implements Executor {
  readonly name = 'cpu' as const;
  readonly capabilities: ExecutorCapabilities = {
    dtypes: ['f32', 'f64', 'i32', 'bool'],
    maxOperands: 16,
    sync: true,
  };

  constructor(private readonly options: CpuExecutorOptions = {}) {}

  /** Synchronous once the platform has loaded (see {@link loadCpuPlatform}), else a Promise. */
  prepare(program: Program, options: PrepareOptions = {}): PreparedProgram | Promise<PreparedProgram> {
    // The platform first: it may enable relaxed SIMD before features are detected.
    if (loadedPlatform === undefined)
      return loadCpuPlatform().then((p) => this.prepareOn(p, program, options));
    return this.prepareOn(loadedPlatform, program, options);
  }

  private prepareOn(platform: Platform | null, program: Program, options: PrepareOptions): PreparedProgram {
    const features = wasmFeatures();
    const fma = features.relaxedMadd;
    if (!features.simd) throw new Error('cpu executor: this WebAssembly engine lacks 128-bit SIMD');
    const wanted = options.threads ?? this.options.threads ?? platform?.cores ?? 1;
    let threads = platform && typeof SharedArrayBuffer !== 'undefined' ? Math.max(1, Math.floor(wanted)) : 1;
    const thresholdNs = (this.options.splitThresholdMs ?? SPLIT_THRESHOLD_NS / 1e6) * 1e6;
    const layout = new MemoryLayout(program);
    const built = buildProgramModule(program, layout, { fma });
    const split = splitSteps(built.steps, threads, thresholdNs);
    // No step worth splitting: the program runs on this thread alone over an unshared memory, which
    // takes copies faster (V8 copies into a SharedArrayBuffer word by word: 4 MiB in 0.16-0.25 ms
    // against 0.11-0.13, and its kernels read it no slower) and whose arrays other libraries accept.
    if (split.every((parts) => parts === 1)) threads = 1;
    if (options.debug || debugEnabled('wasm')) console.log(built.text(threads > 1));
    const memory = new wasm.Memory({ initial: layout.pages, maximum: layout.pages, shared: threads > 1 });
    const module = new wasm.Module(built.encode(threads > 1));
    const instance = new wasm.Instance(module, { env: { memory }, math: scalarImportObject() });
    const fns = built.steps.map((s) => instance.exports[s.fn] as (start: number, end: number) => void);
    let pool: WorkerPool | undefined;
    let id = 0;
    if (threads > 1 && platform) {
      pool = poolFor(platform, threads - 1);
      id = nextProgramId++;
      pool.load({ id, module, memory, names: built.steps.map((s) => s.fn) }, threads - 1);
    }
    const prepared = new CpuProgram(program, layout, memory, built.steps, fns, split, threads, pool, id);
    prepared.warmUp();
    return prepared;
  }
}

/**
 * How many threads run each step: those estimated to take at least `thresholdNs` on one thread are
 * split across all (never a serial step, or one that calls an import only the calling thread has).
 */
function splitSteps(steps: readonly Step[], threads: number, thresholdNs: number): number[] {
  return steps.map((step) =>
    threads > 1 && step.threadSafe && !step.serial && step.costNs >= thresholdNs
      ? Math.min(threads, step.total)
      : 1,
  );
}

export class CpuProgram implements PreparedProgram {
  /** Per step: the inputs it copies in as it reads them (staging.ts). */
  private readonly staged: readonly (readonly Stream[])[];
  /** Per buffer: the caller's array of a staged input, written but not copied in yet. */
  private readonly pending: (NumericArray | undefined)[];
  private readonly streamed: ReadonlySet<BufferId>;
  private disposed = false;

  constructor(
    private readonly program: Program,
    private readonly layout: MemoryLayout,
    private readonly memory: WasmMemory,
    private readonly steps: readonly Step[],
    private readonly fns: readonly ((start: number, end: number) => void)[],
    /** Per step: how many threads take part (1 = calling thread only). */
    private readonly split: readonly number[],
    private readonly threads: number,
    private readonly pool: WorkerPool | undefined,
    private readonly id: number,
  ) {
    this.staged = stagedStreams(program, steps);
    this.streamed = new Set(this.staged.flatMap((st) => st.map((x) => x.buffer)));
    this.pending = program.buffers.map(() => undefined);
  }

  /**
   * Runs the program twice on the zeroed memory (so V8 tiers the kernels up before the first real
   * run), then writes the constants.
   */
  warmUp(): void {
    // Through the workers too, so theirs tier up as well.
    for (let round = 0; round < 2; round++) this.steps.forEach((_, s) => this.runStep(s));
    new Uint8Array(this.memory.buffer).fill(0);
    for (const decl of this.program.buffers) {
      if (decl.role === 'constant' && decl.value) this.stored(decl.id).set(decl.value);
    }
  }

  /** Per step of the schedule, how many threads run it (1: the calling thread alone). */
  get stepThreads(): readonly number[] {
    return this.split;
  }

  /**
   * Copies `data` in; an input that its first reader streams (staging.ts) is copied during the next
   * `run` instead, so `data` must not change before then.
   */
  write(buffer: BufferId, data: TypedArray): void {
    const decl = this.program.buffers[buffer];
    if (data.length !== decl.size)
      throw new Error(
        `cpu executor: ${decl.name ?? `buffer ${buffer}`} needs ${decl.size} elements, got ${data.length}`,
      );
    const target = this.stored(buffer);
    this.pending[buffer] = undefined;
    // Filled in place through `resident()`: nothing to copy.
    if (data.buffer === target.buffer && data.byteOffset === target.byteOffset) return;
    if (data instanceof BigInt64Array) target.set(Array.from(data, Number));
    // An array over this memory (an earlier output's view) may be overwritten by a kernel before the
    // staged copy reads it: copied now.
    else if (this.streamed.has(buffer) && data.buffer !== target.buffer) this.pending[buffer] = data;
    else target.set(data);
  }

  /**
   * The buffer's storage inside the WebAssembly memory (valid until dispose): a caller that fills an
   * input here and passes the same array to `write` skips the copy (the basis for `f.alloc`).
   */
  resident(buffer: BufferId): TypedArray {
    return this.stored(buffer);
  }

  /** The buffer in place (valid until the next run or write overwrites it); i64 is converted, a copy. */
  view(buffer: BufferId): TypedArray {
    this.settle(buffer);
    return this.program.buffers[buffer].dtype === 'i64' ? this.read(buffer) : this.stored(buffer);
  }

  read(buffer: BufferId): TypedArray {
    this.settle(buffer);
    // Allocate and `set` rather than `slice()`: on a view of a SharedArrayBuffer, V8's slice copies element
    // by element (6.7 ms for 4 MB here, against 1.5 ms for a new array filled by `set`).
    const decl = this.program.buffers[buffer];
    const values = new ARRAY[decl.dtype](decl.size);
    values.set(this.stored(buffer) as never);
    if (decl.dtype === 'i64') return BigInt64Array.from(values, (v) => BigInt(v));
    return values;
  }

  run(timings?: KernelTiming[]): void {
    if (this.disposed) throw new Error('cpu executor: run after dispose');
    let kernel = -1;
    let t0 = 0;
    this.steps.forEach((step, s) => {
      if (timings && step.kernel !== kernel) {
        if (kernel >= 0) timings.push({ kernel, ms: performance.now() - t0 });
        kernel = step.kernel;
        t0 = performance.now();
      }
      this.runStep(s);
    });
    if (timings && kernel >= 0) timings.push({ kernel, ms: performance.now() - t0 });
    for (const u of this.program.updates) {
      const bytes = new Uint8Array(this.memory.buffer);
      const size = this.stored(u.value).byteLength;
      bytes.copyWithin(
        this.layout.address(u.param),
        this.layout.address(u.value),
        this.layout.address(u.value) + size,
      );
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pool) this.pool.unload(this.id, this.threads - 1);
  }

  private runStep(s: number): void {
    const step = this.steps[s];
    const parts = this.split[s];
    const copies = this.takePending(s);
    if (parts <= 1 || !this.pool) {
      if (copies.length === 0) return this.fns[s](0, step.total);
      // Each chunk copied, then computed while the copy is in cache.
      const chunk = this.whole(step, stageChunk(copies, STAGE_BYTES));
      for (let start = 0; start < step.total; start += chunk) {
        const end = Math.min(step.total, start + chunk);
        stageItems(copies, start, end);
        this.fns[s](start, end);
      }
      return;
    }
    // CHUNKS_PER_THREAD chunks per thread, claimed by whichever thread is free (see pool.ts).
    const even = Math.ceil(step.total / (parts * CHUNKS_PER_THREAD));
    const chunk = this.whole(
      step,
      copies.length > 0 ? Math.min(even, stageChunk(copies, SHARED_STAGE_BYTES)) : even,
    );
    this.pool.run(
      this.id,
      { fn: s, total: step.total, chunk },
      parts - 1,
      (start, end) => this.fns[s](start, end),
      copies.length > 0 ? (start, end) => stageItems(copies, start, end) : undefined,
    );
  }

  /** Long ranges (elements) in whole cache lines of float32, and in whole grains of the step. */
  private whole(step: Step, items: number): number {
    const line = items >= 64 ? Math.ceil(items / 16) * 16 : items;
    return Math.ceil(line / step.grain) * step.grain;
  }

  /** The copies step `s` makes of inputs written since the last run; they are no longer pending. */
  private takePending(s: number): StagedCopy[] {
    const copies: StagedCopy[] = [];
    for (const { buffer, perItem } of this.staged[s]) {
      const source = this.pending[buffer];
      if (!source) continue;
      copies.push({ target: this.stored(buffer), source, perItem });
      this.pending[buffer] = undefined;
    }
    return copies;
  }

  /** Copies in an input still waiting for its reader (only a read before `run` needs it now). */
  private settle(buffer: BufferId): void {
    const source = this.pending[buffer];
    if (!source) return;
    this.stored(buffer).set(source);
    this.pending[buffer] = undefined;
  }

  private stored(buffer: BufferId): NumericArray {
    const decl = this.program.buffers[buffer];
    return new ARRAY[decl.dtype](this.memory.buffer, this.layout.address(buffer), decl.size);
  }
}
