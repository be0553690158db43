/**
 * The reference interpreter: evaluates a graph in float64, op by op, straight from the op table.
 * It is the oracle for rule soundness, equivalence tests and runtime parity, never the fast path.
 */
import { type DType, isInteger } from './dtype.js';
import { AllocationError, InputError, ShapeError } from './errors.js';
import type { Node } from './node.js';
import type { Attrs, AttrValue, ConcreteType } from './op-def.js';
import { getOp } from './op-table.js';
import type { Profile } from './profile.js';
import { type Dim, formatShape, isUnknownDim, type Shape, sizeOf } from './shape.js';
import { Tensor, type TypedArray } from './tensor.js';
import { topoSort } from './topo.js';

/** A value for an input: a tensor, a number, nested number arrays, a typed array, or data with a shape. */
export type InputValue =
  | Tensor
  | number
  | boolean
  | readonly unknown[]
  | TypedArray
  | { readonly data: ArrayLike<number> | BigInt64Array; readonly shape: readonly number[] };

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Collects the time of every op evaluated. */
  readonly profile?: Profile;
  /**
   * The most elements one value may have (default {@link DEFAULT_MAX_ELEMENTS}): a larger one is refused
   * with an `AllocationError` before it is allocated, instead of exhausting memory.
   */
  readonly maxElements?: number;
}

/** The default cap on the elements of one value: 2²⁷, 1 GiB as float64. */
export const DEFAULT_MAX_ELEMENTS = 2 ** 27;

/** Values for the inputs of a graph, by input name. */
export type InputValues = Readonly<Record<string, InputValue>>;

/**
 * Evaluates one output, or several, with the reference interpreter.
 *
 * @example
 * const x = T.vector('x', 'f64');
 * evaluate(x.mul(2).sum(), { x: [1, 2, 3] }).item() // 12
 */
export function evaluate(output: Node, inputs: InputValues, options?: EvaluateOptions): Tensor;
export function evaluate(outputs: readonly Node[], inputs: InputValues, options?: EvaluateOptions): Tensor[];
export function evaluate(
  outputs: Node | readonly Node[],
  inputs: InputValues,
  options: EvaluateOptions = {},
): Tensor | Tensor[] {
  const profile = options.profile;
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (!(maxElements >= 0))
    throw new InputError(`evaluate: maxElements must be a number >= 0, got ${String(maxElements)}`);
  const list = Array.isArray(outputs) ? (outputs as readonly Node[]) : [outputs as Node];
  const nodes = topoSort(list);
  const dims = new Map<string, number>();
  const values = bindInputs(nodes, inputs, dims);
  for (const node of nodes) {
    if (values.has(node.id)) continue;
    const op = getOp(node.op);
    const args = node.args.map((a) => values.get(a.id)!);
    const concreteTypes = args.map((a) => ({ dtype: a.dtype, shape: a.shape }));
    const resolved = resolveAttrs(node, dims);
    const attrs = op.normalize ? op.normalize(concreteTypes, resolved) : resolved;
    const out = op.infer(
      args.map((a) => ({ dtype: a.dtype, shape: a.shape })),
      attrs,
    ) as ConcreteType;
    checkShape(node, out.shape, dims);
    const size = sizeOf(out.shape);
    if (size > maxElements)
      throw new AllocationError(
        `${node.op} (node #${node.id}): its value of shape ${formatShape(out.shape)} has ${size} elements, above the cap of ${maxElements} (evaluate's maxElements option)`,
      );
    const start = profile ? performance.now() : 0;
    values.set(node.id, op.evaluate(args, attrs, out));
    profile?.record(node, performance.now() - start);
  }
  const results = list.map((n) => values.get(n.id)!);
  return Array.isArray(outputs) ? results : results[0];
}

/** Binds the inputs among `nodes` to tensors, checking names, dtypes and shapes and binding named dims into `dims`. */
export function bindInputs(
  nodes: readonly Node[],
  inputs: InputValues,
  dims: Map<string, number>,
): Map<number, Tensor> {
  const values = new Map<number, Tensor>();
  const byName = new Map<string, Node>();
  for (const node of nodes) {
    if (node.op !== 'input') continue;
    const name = node.inputName!;
    const other = byName.get(name);
    if (other)
      throw new InputError(
        `two different inputs are named '${name}' (${describeType(other)} and ${describeType(node)}); give them distinct names`,
      );
    byName.set(name, node);
  }
  for (const name of Object.keys(inputs))
    if (!byName.has(name))
      throw new InputError(
        `unknown input '${name}' (the graph's inputs: ${[...byName.keys()].join(', ') || 'none'})`,
      );
  for (const [name, node] of byName) {
    if (!(name in inputs)) throw new InputError(`missing value for input '${name}' (${describeType(node)})`);
    const tensor = toTensor(name, node, inputs[name]);
    checkShape(node, tensor.shape, dims);
    values.set(node.id, tensor);
  }
  return values;
}

function describeType(node: Node): string {
  return `${node.dtype}${formatShape(node.shape)}`;
}

const TYPED_ARRAY_DTYPE: [new (...a: never[]) => TypedArray, DType][] = [
  [Float32Array, 'f32'],
  [Float64Array, 'f64'],
  [Int32Array, 'i32'],
  [BigInt64Array, 'i64'],
  [Uint8Array, 'bool'],
];

/** Converts a user's value, checking that its element type fits the input's dtype. */
function toTensor(name: string, node: Node, value: InputValue): Tensor {
  if (value instanceof Tensor) {
    if (value.dtype !== node.dtype)
      throw new InputError(`input '${name}': expected ${node.dtype}, got a ${value.dtype} tensor`);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean')
    return fromNumbers(name, node, [Number(value)], []);
  if (ArrayBuffer.isView(value)) {
    const typed = value as TypedArray;
    const kind = TYPED_ARRAY_DTYPE.find(([ctor]) => typed instanceof ctor);
    if (!kind || kind[1] !== node.dtype)
      throw new InputError(`input '${name}': expected ${node.dtype} data, got a ${typed.constructor.name}`);
    return Tensor.from(typed, inferShape(name, node, typed.length), node.dtype);
  }
  if (Array.isArray(value)) {
    const shape: number[] = [];
    const flat = flatten(name, value, shape);
    return fromNumbers(name, node, flat, shape.length === 1 && node.shape.length > 1 ? null : shape);
  }
  if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value)
    return fromNumbers(name, node, Array.from(value.data as ArrayLike<number>, Number), [...value.shape]);
  throw new InputError(`input '${name}': cannot use ${typeof value} as a tensor value`);
}

/** Flat numbers from nested arrays, recording the shape; ragged arrays are refused. */
function flatten(name: string, value: readonly unknown[], shape: number[]): number[] {
  const out: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (Array.isArray(v)) {
      if (shape.length === depth) shape.push(v.length);
      else if (shape[depth] !== v.length) throw new InputError(`input '${name}': ragged nested array`);
      for (const x of v) walk(x, depth + 1);
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      if (depth !== shape.length) throw new InputError(`input '${name}': ragged nested array`);
      out.push(Number(v));
    } else throw new InputError(`input '${name}': element ${JSON.stringify(v)} is not a number`);
  };
  walk(value, 0);
  return out;
}

const INT_RANGE = {
  i32: [-(2 ** 31), 2 ** 31 - 1],
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  bool: [0, 1],
} as const;

function fromNumbers(name: string, node: Node, flat: number[], shape: number[] | null): Tensor {
  if (isInteger(node.dtype) || node.dtype === 'bool') {
    // Out-of-range values would wrap (i32) or lose digits (i64 past 2^53) silently, so they are refused.
    const [lo, hi] = INT_RANGE[node.dtype as 'i32' | 'i64' | 'bool'];
    const bad = flat.find((v) => !Number.isInteger(v) || v < lo || v > hi);
    if (bad !== undefined) throw new InputError(`input '${name}': ${bad} is not a valid ${node.dtype} value`);
  }
  return Tensor.from(flat, shape ?? inferShape(name, node, flat.length), node.dtype);
}

/** The shape of flat data: the declared shape, with at most one unbound dim taken from the length. */
function inferShape(name: string, node: Node, length: number): number[] {
  const free = node.shape.filter((d) => typeof d !== 'number');
  const known = sizeOf(node.shape.filter((d): d is number => typeof d === 'number'));
  if (free.length === 0) return node.shape as number[];
  if (free.length === 1 && known > 0 && length % known === 0)
    return node.shape.map((d) => (typeof d === 'number' ? d : length / known));
  throw new InputError(
    `input '${name}': cannot tell the shape ${formatShape(node.shape)} from ${length} flat values; pass { data, shape }`,
  );
}

/** Checks a concrete shape against a node's declared shape, binding named dims on first sight. */
function checkShape(node: Node, shape: readonly number[], dims: Map<string, number>): void {
  const where = node.op === 'input' ? `input '${node.inputName}'` : `${node.op} (node #${node.id})`;
  const fail = (why: string): never => {
    throw new ShapeError(
      `${where}: got shape ${formatShape(shape)} where ${formatShape(node.shape)} is expected (${why})`,
    );
  };
  if (shape.length !== node.shape.length) fail('rank differs');
  node.shape.forEach((d: Dim, i) => {
    const actual = shape[i];
    if (typeof d === 'number') {
      if (d !== actual) fail(`axis ${i}`);
    } else {
      const bound = dims.get(d);
      if (bound === undefined) dims.set(d, actual);
      else if (bound !== actual) fail(`${d} is ${bound} elsewhere`);
    }
  });
}

/**
 * Attributes with named dims replaced by their bound sizes (shape attributes of reshape, zeros, …).
 * `unbound` is asked for a dim no input binds: it throws (a ShapeError by default; the lowering raises its own).
 *
 * @example resolveAttrs(T.zeros(['n']), new Map([['n', 3]])).shape // [3]
 */
export function resolveAttrs(
  node: Node,
  dims: ReadonlyMap<string, number>,
  unbound: (dim: string) => number = (d) => {
    throw new ShapeError(`${node.op} (node #${node.id}): dimension '${d}' is not bound by any input`);
  },
): Attrs {
  const op = getOp(node.op);
  let out: Record<string, AttrValue> | undefined;
  for (const [name, spec] of Object.entries(op.attrs)) {
    if (spec.type !== 'shape') continue;
    const shape = node.attrs[name] as Shape;
    if (shape.every((d) => typeof d === 'number')) continue;
    out ??= { ...node.attrs };
    out[name] = shape.map((d) => {
      if (typeof d === 'number') return d;
      const size = dims.get(d);
      // A reshape's derived unknown dim is the one left over: resolve it as -1.
      if (size === undefined && isUnknownDim(d) && spec.wildcard) return -1;
      return size ?? unbound(d);
    });
  }
  return out ?? node.attrs;
}
