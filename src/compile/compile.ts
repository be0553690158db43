/**
 * `compile()`: a graph becomes a function you can call (Theano's `theano.function`). The pipeline is
 * check → choose the device → optimize (outputs and update values together) → lower and prepare per
 * size signature (at once when every dim is known, else on the first call with new sizes).
 */
import { OpError } from '../graph/errors.js';
import { Node } from '../graph/node.js';
import { isShared, sharedValue } from '../graph/shared.js';
import { formatShape, shapesEqual } from '../graph/shape.js';
import type { TypedArray } from '../graph/tensor.js';
import { DEFAULT_MAX_ELEMENTS } from '../graph/interpret.js';
import { topoSort } from '../graph/topo.js';
import { type OptimizeOptions, optimize, type OptimizeReport } from '../optimize.js';
import { DEVICES, type DeviceRequest, selectDevice } from '../runtime/devices.js';
import type { Executor, PrepareOptions } from '../runtime/executor.js';
import { RuntimeProfile } from '../runtime/profiler.js';
import { CompileError, UnsupportedDTypeError, UpdateError } from './errors.js';
import { type CompiledGraph, CompiledFunction } from './function.js';
import { describeSlot, slotOf } from './inputs.js';

/** `[shared variable, its new value]`: the value is computed from the pre-call values, then written. */
export type UpdatePair = readonly [Node, Node];

/** What to compile and how. */
export interface CompileOptions {
  /** The inputs bound on every call, by name; shared variables are parameters, not inputs. */
  readonly inputs: readonly Node[];
  readonly outputs: readonly Node[];
  /** Theano's updates: each shared variable takes its new value after the call. */
  readonly updates?: readonly UpdatePair[];
  /** The optimization mode (default `fast_run`); see `optimize`. */
  readonly mode?: OptimizeOptions['mode'];
  /** Further optimizer options (rulesets to include or exclude, limits, cost model). */
  readonly optimizer?: Omit<OptimizeOptions, 'mode'>;
  /** The graph is already optimized: skip the optimizer. */
  readonly optimized?: boolean;
  /** `js`, `cpu`, `webgpu`, or `auto` (default): the best device available here. */
  readonly device?: DeviceRequest;
  /** Collect a run-time profile (`f.profile`). */
  readonly profile?: boolean;
  /** Convert typed arrays and tensors of another element type instead of refusing them. */
  readonly allowCast?: boolean;
  /** False lowers one kernel per op (for comparisons); default true. */
  readonly fuse?: boolean;
  /** Passed to the executor: print generated code, poison freed buffers, threads. */
  readonly executor?: PrepareOptions;
  /**
   * The most elements one buffer the function allocates may have (default 2^27, as `evaluate`'s): a
   * larger one is refused with an `AllocationError` when the program is lowered for its sizes.
   */
  readonly maxElements?: number;
}

/**
 * Compiles a graph into a function.
 *
 * @example
 * const x = T.vector('x', 'f32', 'n');
 * const f = await compile({ inputs: [x], outputs: [T.sum(T.exp(x))] });
 * (await f.run({ x: new Float32Array([0, 0]) }))[0].item() // 2
 */
export async function compile(options: CompileOptions): Promise<CompiledFunction> {
  checkOptionsShape(options);
  const updates = options.updates ?? [];
  checkInputs(options.inputs);
  checkUpdates(updates);
  const params = collectParams(options.inputs, options.outputs, updates);
  // Every dtype of the graph as written: under 'auto' a device that cannot run one is passed over.
  const dtypes = [
    ...new Set(
      topoSort([...options.inputs, ...params, ...options.outputs, ...updates.map(([, v]) => v)]).map(
        (n) => n.dtype,
      ),
    ),
  ];
  const { executor, reason } = await selectDevice(options.device ?? 'auto', DEVICES, dtypes);
  // The values the caller sees are checked before optimizing, so a refusal costs no optimization.
  checkDTypes([...options.inputs, ...params, ...options.outputs, ...updates.map(([, v]) => v)], executor);
  const profile = options.profile ? new RuntimeProfile(executor.name) : undefined;

  const start = performance.now();
  const { graph, report } = optimizeGraph(options, params, updates);
  profile?.addCompileTime('optimize', performance.now() - start);
  checkDTypes(topoSort([...graph.outputs, ...graph.updates.map(([, v]) => v)]), executor);

  const f = new CompiledFunction({
    graph,
    executor,
    deviceReason: reason,
    optimizeReport: report,
    allowCast: options.allowCast ?? false,
    fuse: options.fuse ?? true,
    prepareOptions: options.executor ?? {},
    maxElements: options.maxElements ?? DEFAULT_MAX_ELEMENTS,
    profile,
    initialParams: params.map(initialValue),
  });
  // With every dim known, lowering errors surface here rather than on the first call.
  if (options.inputs.every((n) => n.shape.every((d) => typeof d === 'number'))) await f.prepareFor(new Map());
  return f;
}

/**
 * The options' structure, for callers without TypeScript's checks: `compile([x], [y])` in Theano's
 * positional style, or a call option such as `outputs: 'view'` put here, would otherwise fail deep
 * inside with "is not iterable".
 */
function checkOptionsShape(options: CompileOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new CompileError(
      'compile takes one options object: compile({ inputs: [x], outputs: [y], updates, device, … })',
    );
  const nodeList = (field: 'inputs' | 'outputs', value: unknown) => {
    if (!Array.isArray(value))
      throw new CompileError(`${field}: expected an array of graph nodes, got ${describeValue(value)}`);
    value.forEach((item, i) => {
      if (!(item instanceof Node))
        throw new CompileError(`${field}[${i}]: expected a graph node, got ${describeValue(item)}`);
    });
  };
  nodeList('inputs', options.inputs);
  nodeList('outputs', options.outputs);
  if (options.updates === undefined) return;
  if (!Array.isArray(options.updates))
    throw new CompileError(
      `updates: expected an array of [shared, new value] pairs, got ${describeValue(options.updates)}`,
    );
  options.updates.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => n instanceof Node))
      throw new CompileError(`updates[${i}]: expected a pair [shared variable, new value] of graph nodes`);
  });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object'
    ? `a ${value.constructor?.name ?? 'object'}`
    : `${typeof value} ${String(value)}`;
}

function checkInputs(inputs: readonly Node[]): void {
  const names = new Map<string, Node>();
  for (const node of inputs) {
    if (node.op !== 'input')
      throw new CompileError(
        `inputs: ${node.op} (node #${node.id}) is not an input; list only T.tensor/T.vector/… nodes`,
      );
    const name = node.inputName!;
    if (isShared(node))
      throw new CompileError(
        `inputs: '${name}' is a shared variable; its value lives in the function (use set)`,
      );
    if (names.has(name)) throw new CompileError(`inputs: '${name}' is listed twice`);
    names.set(name, node);
  }
}

function checkUpdates(updates: readonly UpdatePair[]): void {
  const seen = new Set<Node>();
  for (const [param, value] of updates) {
    if (param.op !== 'input' || !isShared(param))
      throw new UpdateError(
        `updates: ${param.inputName ? `'${param.inputName}'` : `${param.op} (node #${param.id})`} is not a shared variable (declare it with T.shared)`,
      );
    const name = param.inputName!;
    if (seen.has(param)) throw new UpdateError(`updates: shared variable '${name}' is updated twice`);
    seen.add(param);
    if (value.dtype !== param.dtype || !shapesEqual(value.shape, param.shape))
      throw new UpdateError(
        `updates: the new value of '${name}' is ${value.dtype}${formatShape(value.shape)} but '${name}' is ${describeSlot(slotOf(param))}; they must be equal`,
      );
  }
}

/** The shared variables the function reads or updates; every other graph input must be listed. */
function collectParams(
  inputs: readonly Node[],
  outputs: readonly Node[],
  updates: readonly UpdatePair[],
): Node[] {
  const listed = new Set(inputs);
  const params: Node[] = [];
  const names = new Map<string, Node>(inputs.map((n) => [n.inputName!, n]));
  const reachable = topoSort([...outputs, ...updates.flatMap(([p, v]) => [p, v])]);
  for (const node of reachable) {
    if (node.op !== 'input' || listed.has(node)) continue;
    const name = node.inputName!;
    const other = names.get(name);
    if (other && other !== node)
      throw new CompileError(
        `two different inputs are named '${name}' (${describeSlot(slotOf(other))} and ${describeSlot(slotOf(node))})`,
      );
    if (!isShared(node))
      throw new CompileError(
        `the outputs depend on input '${name}' (${describeSlot(slotOf(node))}), which is not among inputs`,
      );
    names.set(name, node);
    params.push(node);
  }
  return params;
}

/** Outputs and update values are optimized together, so they share subexpressions. */
function optimizeGraph(
  options: CompileOptions,
  params: readonly Node[],
  updates: readonly UpdatePair[],
): { graph: CompiledGraph; report?: OptimizeReport } {
  const all = [...options.outputs, ...updates.map(([, v]) => v)];
  if (options.optimized)
    return { graph: { inputs: options.inputs, outputs: options.outputs, params, updates } };
  const { outputs, report } = optimize(all, { ...options.optimizer, mode: options.mode ?? 'fast_run' });
  const n = options.outputs.length;
  return {
    graph: {
      inputs: options.inputs,
      outputs: outputs.slice(0, n),
      params,
      updates: updates.map(([p], i) => [p, outputs[n + i]] as const),
    },
    report,
  };
}

/** Every value of the program must be a dtype the executor runs; nothing is converted silently. */
function checkDTypes(nodes: readonly Node[], executor: Executor): void {
  const allowed = executor.capabilities.dtypes;
  for (const node of nodes) {
    if (allowed.includes(node.dtype)) continue;
    const what = node.op === 'input' ? `input '${node.inputName}'` : `${node.op} (node #${node.id})`;
    throw new UnsupportedDTypeError(
      `device '${executor.name}' cannot run ${node.dtype} (${what} is ${node.dtype}; it runs ${allowed.join(', ')}); cast the graph's values to a supported dtype`,
    );
  }
}

function initialValue(param: Node): TypedArray {
  const tensor = sharedValue(param);
  if (!tensor) throw new OpError(`shared variable '${param.inputName}' has no value`);
  // A copy: set() and updates must never write into the tensor the user declared the variable with.
  return tensor.toTypedArray();
}
