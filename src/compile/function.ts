/**
 * The compiled function: checks each call's inputs, picks (or lowers and prepares) the program for
 * the call's size signature, binds the inputs, runs, and reads the outputs back as tensors. Parameter
 * values live in the prepared program that ran last; switching signatures carries them across.
 */
import type { InputValues } from '../graph/interpret.js';
import { AllocationError } from '../graph/errors.js';
import type { Node } from '../graph/node.js';
import { formatShape, sizeOf } from '../graph/shape.js';
import { Tensor, TYPED_ARRAY_OF, type TypedArray } from '../graph/tensor.js';
import type {
  DeviceName,
  Executor,
  KernelTiming,
  PrepareOptions,
  PreparedProgram,
} from '../runtime/executor.js';
import { lower } from '../runtime/lower.js';
import type { RuntimeProfile } from '../runtime/profiler.js';
import type { BufferId, Program } from '../runtime/program.js';
import type { OptimizeReport } from '../optimize.js';
import { FunctionUseError, UnknownInputError } from './errors.js';
import {
  bindValue,
  checkNames,
  checkShape,
  DimBindings,
  type InputSlot,
  signatureOf,
  slotOf,
} from './inputs.js';
import { type CompiledReport, makeReport } from './report.js';

/** The optimized graph a function runs: its outputs and `[param, new value]` updates. */
export interface CompiledGraph {
  readonly inputs: readonly Node[];
  readonly outputs: readonly Node[];
  readonly params: readonly Node[];
  readonly updates: readonly (readonly [Node, Node])[];
}

/** What `compile` hands the function once the graph is checked, optimized and the device chosen. */
export interface FunctionSetup {
  readonly graph: CompiledGraph;
  readonly executor: Executor;
  readonly deviceReason: string;
  readonly optimizeReport?: OptimizeReport;
  readonly allowCast: boolean;
  readonly fuse: boolean;
  readonly prepareOptions: PrepareOptions;
  /** The most elements one buffer the function allocates may have. */
  readonly maxElements: number;
  readonly profile?: RuntimeProfile;
  /** Parameters' initial values, in `graph.params` order, as the dtype's typed arrays. */
  readonly initialParams: readonly TypedArray[];
}

/** Options of one `run`/`runSync` call. */
export interface RunOptions {
  /**
   * `'copy'` (the default): every output is a fresh array the caller owns. `'view'`: where the
   * executor keeps buffers in memory of its own (`cpu`), each output is a view over that memory,
   * which saves copying it out (16 MB for 4M float32). Lifetime rule: a view is valid only until the
   * next call of this function's `run`, `runSync`, `set`, `alloc` or `dispose`, which may overwrite
   * it; copy what you keep (`tensor.array.slice()`). Executors without such memory (`js`, `webgpu`)
   * return copies either way.
   *
   * @example
   * const [out] = f.runSync({ x, y, z }, { outputs: 'view' });
   * total += out.array[0]; // read it now: the next call reuses the memory
   */
  readonly outputs?: 'copy' | 'view';
}

/** A program lowered for one size signature and prepared on the executor. */
interface Specialization {
  readonly sizes: ReadonlyMap<string, number>;
  readonly program: Program;
  readonly prepared: PreparedProgram;
  /** For each of `program.inputs`, the index of its input slot. */
  readonly inputSlots: readonly number[];
}

/**
 * A compiled function (Theano's `function`): call it with `run` (or `runSync` on synchronous
 * executors); read and write its parameters with `get`/`set`; free it with `dispose`.
 *
 * @example
 * const step = await compile({ inputs: [x, y], outputs: [cost], updates: [[w, w.sub(gw.mul(0.1))]] });
 * const [loss] = await step.run({ x: xs, y: ys });
 * step.getSync(w).array // the trained weights
 */
export class CompiledFunction {
  /** The optimized graph this function runs. */
  readonly graph: CompiledGraph;
  /** The device's name; `report.deviceReason` says why it was chosen. */
  readonly device: DeviceName;
  /** Present when compiled with `profile: true`. */
  readonly profile?: RuntimeProfile;
  private readonly slots: readonly InputSlot[];
  private readonly paramSlots: readonly InputSlot[];
  private readonly dimNames: readonly string[];
  private readonly cache = new Map<string, Specialization>();
  /** The specialization holding the current parameter values, once one has run or been prepared. */
  private owner?: Specialization;
  private hostParams: TypedArray[];
  private lastKey?: string;
  private lastSpec?: Specialization;
  private disposed = false;
  /** The `run` call in progress, if any. */
  private inFlight?: Promise<Tensor[]>;

  constructor(private readonly setup: FunctionSetup) {
    this.graph = setup.graph;
    this.device = setup.executor.name;
    this.profile = setup.profile;
    this.slots = setup.graph.inputs.map(slotOf);
    this.paramSlots = setup.graph.params.map(slotOf);
    this.hostParams = [...setup.initialParams];
    const dims = new Set<string>();
    for (const slot of this.slots) for (const d of slot.shape) if (typeof d === 'string') dims.add(d);
    this.dimNames = [...dims];
  }

  /** True when `runSync` and `getSync` can be used (the executor is synchronous). */
  get sync(): boolean {
    return this.setup.executor.capabilities.sync;
  }

  /** The optimizer's report, the device and why, and the programs lowered so far with their kernels and memory. */
  get report(): CompiledReport {
    return makeReport({
      device: this.device,
      deviceReason: this.setup.deviceReason,
      optimize: this.setup.optimizeReport,
      programs: [...this.cache.values()].map((s) => ({ sizes: s.sizes, program: s.program })),
    });
  }

  /**
   * Prepares the program for the size signature of these dims now (called by `compile` when every
   * dim is known, so compile-time errors surface at compile time).
   */
  async prepareFor(sizes: ReadonlyMap<string, number>): Promise<void> {
    const dims = new DimBindings();
    for (const [k, v] of sizes) dims.sizes.set(k, v);
    await this.specialize(signatureOf(this.dimNames, dims), dims);
  }

  /**
   * Runs the function: checks and binds `inputs` by name, runs every kernel, applies the updates
   * (computed from the parameters' values before the call), and returns the outputs in order.
   * Overlapping calls run one after another, in call order.
   */
  async run(inputs: InputValues, options: RunOptions = {}): Promise<Tensor[]> {
    // Calls share the program's buffers and parameters, so an overlapping call waits its turn.
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    const call = this.runNow(inputs, options);
    this.inFlight = call;
    try {
      return await call;
    } finally {
      if (this.inFlight === call) this.inFlight = undefined;
    }
  }

  private async runNow(inputs: InputValues, options: RunOptions): Promise<Tensor[]> {
    let start = this.profile ? performance.now() : 0;
    const { dims, bound } = this.check(inputs, options);
    const key = signatureOf(this.dimNames, dims);
    let spec = this.lastSpec!;
    if (key !== this.lastKey) {
      // Lowering and preparing for new sizes is compile time, not time in run.
      const before = performance.now();
      spec = await this.specialize(key, dims);
      start += performance.now() - before;
    }
    await this.takeParams(spec);
    this.bind(spec, bound);
    const timings: KernelTiming[] | undefined = this.profile ? [] : undefined;
    await spec.prepared.run(timings);
    const outputs = await Promise.all(
      spec.program.outputs.map((id) => this.readAsync(spec, id, options.outputs === 'view')),
    );
    this.profile?.recordRun(spec.program, performance.now() - start, timings!);
    return outputs;
  }

  /** `run` without a Promise, for synchronous executors (`js`, `cpu`). */
  runSync(inputs: InputValues, options: RunOptions = {}): Tensor[] {
    this.requireSync('runSync');
    if (this.inFlight)
      throw new FunctionUseError('runSync was called while a run of this function is in flight');
    let start = this.profile ? performance.now() : 0;
    const { dims, bound } = this.check(inputs, options);
    const key = signatureOf(this.dimNames, dims);
    let spec = this.lastSpec!;
    if (key !== this.lastKey) {
      const before = performance.now();
      spec = this.specializeSync(key, dims);
      start += performance.now() - before;
    }
    this.takeParamsSync(spec);
    this.bind(spec, bound);
    const timings: KernelTiming[] | undefined = this.profile ? [] : undefined;
    spec.prepared.run(timings);
    const view = options.outputs === 'view' && spec.prepared.view;
    const outputs = spec.program.outputs.map((id) =>
      this.tensorOf(spec, id, (view ? spec.prepared.view!(id) : spec.prepared.read(id)) as TypedArray),
    );
    this.profile?.recordRun(spec.program, performance.now() - start, timings!);
    return outputs;
  }

  /** A parameter's current value (a shared variable of the graph, or its name). */
  async get(param: Node | string): Promise<Tensor> {
    const i = this.paramIndex(param);
    if (!this.owner) return this.hostTensor(i);
    return this.readAsync(this.owner, this.owner.program.params[i]);
  }

  /** `get` without a Promise, for synchronous executors. */
  getSync(param: Node | string): Tensor {
    this.requireSync('getSync');
    const i = this.paramIndex(param);
    if (!this.owner) return this.hostTensor(i);
    const id = this.owner.program.params[i];
    return this.tensorOf(this.owner, id, this.owner.prepared.read(id) as TypedArray);
  }

  /** Replaces a parameter's value; dtype and shape are checked as for inputs. */
  set(param: Node | string, value: InputValues[string]): void {
    const i = this.paramIndex(param);
    const { array } = bindValue(this.paramSlots[i], value, new DimBindings(), this.setup.allowCast);
    if (this.owner) this.owner.prepared.write(this.owner.program.params[i], array);
    else this.hostParams[i] = array.slice();
  }

  /**
   * A zeroed array for input `inputName` (of shape `shape`, which may be left out when the input's
   * shape has no symbolic dims) that lives in the executor's own memory where it has one (`cpu`):
   * fill it in place and pass it to `run` (as the value, or as `{ data, shape }`) and the call copies
   * nothing in. Elsewhere (`js`, `webgpu`, or while some symbolic dim is still unknown) it is a plain
   * typed array, which `run` takes as any other.
   *
   * The array belongs to this function: it stays valid until `dispose` (the cpu executor sizes its
   * memory once at prepare and never grows it, so the view is never detached), no kernel writes into
   * it, and calling `alloc` again for the same input and sizes returns the same storage, zeroed again. Runs for
   * other sizes copy it like any other array.
   *
   * @example
   * const xs = f.alloc('x', [10000, 100]) as Float32Array;
   * xs.set(batch);                // the only copy
   * await f.run({ x: { data: xs, shape: [10000, 100] }, y: ys });
   */
  alloc(inputName: string, shape?: readonly number[]): TypedArray {
    if (this.disposed) throw new FunctionUseError('this compiled function was disposed');
    const slot = this.slots.find((s) => s.name === inputName);
    if (!slot)
      throw new UnknownInputError(
        inputName,
        this.slots.map((s) => s.name),
        this.paramSlots.some((p) => p.name === inputName),
      );
    const input = slot;
    const concrete = shape ?? input.shape;
    if (concrete.some((d) => typeof d !== 'number'))
      throw new FunctionUseError(
        `alloc('${inputName}') needs a shape: the input's shape has symbolic dims (${input.shape.join(', ')})`,
      );
    const dims = new DimBindings();
    checkShape(input, concrete as number[], dims);
    const plain = () => new TYPED_ARRAY_OF[input.dtype](sizeOf(concrete as number[]));
    // Only a synchronous executor can be prepared here; the others have no memory to share anyway.
    if (!this.sync || this.dimNames.some((d) => !dims.sizes.has(d))) return plain();
    const spec = this.specializeSync(signatureOf(this.dimNames, dims), dims);
    const i = spec.inputSlots.indexOf(this.slots.indexOf(input));
    // An input the optimized program does not read has no storage.
    if (i < 0 || !spec.prepared.resident) return plain();
    const array = spec.prepared.resident(spec.program.inputs[i]);
    if (!(array instanceof TYPED_ARRAY_OF[input.dtype])) return plain();
    array.fill(0 as never);
    return array;
  }

  /** Frees every prepared program; the function cannot be called afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const spec of this.cache.values()) spec.prepared.dispose();
    this.cache.clear();
    this.owner = this.lastSpec = undefined;
    this.lastKey = undefined;
  }

  private check(inputs: InputValues, options: RunOptions) {
    if (this.disposed) throw new FunctionUseError('this compiled function was disposed');
    // Shapes a caller without TypeScript may pass: `f.run(x)` or `f.run([x])` in Theano's positional
    // style would otherwise read as "missing input", and `{ outputs: 'views' }` would be ignored.
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || ArrayBuffer.isView(inputs))
      throw new FunctionUseError(
        `run takes the inputs as one object by name, e.g. run({ ${this.slots[0]?.name ?? 'x'}: array })`,
      );
    if (typeof options !== 'object' || options === null)
      throw new FunctionUseError(`run's options must be an object such as { outputs: 'view' }`);
    if (options.outputs !== undefined && options.outputs !== 'copy' && options.outputs !== 'view')
      throw new FunctionUseError(
        `run option outputs: expected 'copy' or 'view', got ${JSON.stringify(options.outputs)}`,
      );
    checkNames(this.slots, inputs, this.paramSlots);
    const dims = new DimBindings();
    const bound = this.slots.map((slot) => bindValue(slot, inputs[slot.name], dims, this.setup.allowCast));
    return { dims, bound };
  }

  private bind(spec: Specialization, bound: readonly { array: TypedArray }[]): void {
    const { program, prepared, inputSlots } = spec;
    for (let i = 0; i < inputSlots.length; i++) prepared.write(program.inputs[i], bound[inputSlots[i]].array);
  }

  private lowerFor(dims: DimBindings): Program {
    const start = performance.now();
    const { graph } = this.setup;
    const program = lower({
      outputs: graph.outputs,
      params: graph.params,
      updates: graph.updates,
      sizes: new Map(dims.sizes),
      maxOperands: this.setup.executor.capabilities.maxOperands,
      fuse: this.setup.fuse,
    });
    this.profile?.addCompileTime('lower', performance.now() - start);
    // Refused before the executor allocates anything; inputs are the caller's own arrays.
    for (const b of program.buffers)
      if (b.role !== 'input' && b.size > this.setup.maxElements)
        throw new AllocationError(
          `${b.name ? `'${b.name}'` : `a ${b.role} buffer`} of shape ${formatShape(b.shape)} has ${b.size} elements, above the cap of ${this.setup.maxElements} (compile's maxElements option)`,
        );
    return program;
  }

  private remember(key: string, dims: DimBindings, program: Program, prepared: PreparedProgram, ms: number) {
    this.recordPrepare(prepared, ms);
    const inputSlots = program.inputs.map((id) =>
      this.slots.findIndex((s) => s.name === program.buffers[id].name),
    );
    const spec: Specialization = { sizes: new Map(dims.sizes), program, prepared, inputSlots };
    this.cache.set(key, spec);
    return spec;
  }

  private async specialize(key: string, dims: DimBindings): Promise<Specialization> {
    const cached = this.cache.get(key);
    if (cached) return this.use(key, cached);
    const program = this.lowerFor(dims);
    const start = performance.now();
    const prepared = await this.setup.executor.prepare(program, this.setup.prepareOptions);
    return this.use(key, this.remember(key, dims, program, prepared, performance.now() - start));
  }

  private specializeSync(key: string, dims: DimBindings): Specialization {
    const cached = this.cache.get(key);
    if (cached) return this.use(key, cached);
    const program = this.lowerFor(dims);
    const start = performance.now();
    const prepared = this.setup.executor.prepare(program, this.setup.prepareOptions);
    if (prepared instanceof Promise)
      throw new FunctionUseError(`the ${this.device} executor prepares asynchronously; use run`);
    return this.use(key, this.remember(key, dims, program, prepared, performance.now() - start));
  }

  private use(key: string, spec: Specialization): Specialization {
    this.lastKey = key;
    this.lastSpec = spec;
    return spec;
  }

  /** Executors that time their code generation report it apart from the rest of prepare. */
  private recordPrepare(prepared: PreparedProgram, ms: number): void {
    if (!this.profile) return;
    const codegen = (prepared as { readonly codegenMs?: number }).codegenMs;
    if (codegen !== undefined) this.profile.addCompileTime('codegen', codegen);
    this.profile.addCompileTime('prepare', ms - (codegen ?? 0));
  }

  /** Moves the parameters' current values into `spec` when another program (or the host) holds them. */
  private async takeParams(spec: Specialization): Promise<void> {
    if (this.owner === spec) return;
    const values = this.owner
      ? await Promise.all(this.owner.program.params.map((id) => this.owner!.prepared.read(id)))
      : this.hostParams;
    this.writeParams(spec, values);
  }

  private takeParamsSync(spec: Specialization): void {
    if (this.owner === spec) return;
    const owner = this.owner;
    const values = owner
      ? owner.program.params.map((id) => owner.prepared.read(id) as TypedArray)
      : this.hostParams;
    this.writeParams(spec, values);
  }

  private writeParams(spec: Specialization, values: readonly TypedArray[]): void {
    spec.program.params.forEach((id, i) => spec.prepared.write(id, values[i]));
    this.owner = spec;
  }

  private async readAsync(spec: Specialization, id: BufferId, view = false): Promise<Tensor> {
    const { prepared } = spec;
    return this.tensorOf(spec, id, view && prepared.view ? prepared.view(id) : await prepared.read(id));
  }

  private tensorOf(spec: Specialization, id: BufferId, array: TypedArray): Tensor {
    const decl = spec.program.buffers[id];
    return Tensor.fromTypedArray(array, decl.shape, decl.dtype);
  }

  private hostTensor(i: number): Tensor {
    const slot = this.paramSlots[i];
    return Tensor.fromTypedArray(this.hostParams[i].slice(), slot.shape as number[], slot.dtype);
  }

  private paramIndex(param: Node | string): number {
    if (this.disposed) throw new FunctionUseError('this compiled function was disposed');
    const name = typeof param === 'string' ? param : param.inputName;
    const i = this.paramSlots.findIndex((s) => s.name === name);
    if (i < 0 || (typeof param !== 'string' && this.graph.params[i] !== param))
      throw new FunctionUseError(
        `${typeof param === 'string' ? `'${param}'` : String(param)} is not a parameter of this function (parameters: ${this.paramSlots.map((s) => s.name).join(', ') || 'none'})`,
      );
    return i;
  }

  private requireSync(what: string): void {
    if (!this.sync)
      throw new FunctionUseError(
        `${what} needs a synchronous executor; the ${this.device} device is asynchronous, use ${what.replace('Sync', '')}`,
      );
  }
}
