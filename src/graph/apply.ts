import { type DType, isDType, isFloat, isInteger, promoteAll } from './dtype.js';
import { OpError } from './errors.js';
import { Node } from './node.js';
import type { AttrSpec, Attrs, AttrValue, OpDef, TypeInfo } from './op-def.js';
import { getOp } from './op-table.js';
import { checkDim, type Shape, shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

/** A node, or a JS number that becomes a constant of a fitting dtype (a "weak" scalar, as in JAX). */
export type TensorLike = Node | number;

// Hash-consing table. Weak references let unused graphs be collected; `remember` drops dead entries.
const interned = new Map<string, WeakRef<Node>>();
let nextId = 1;

/**
 * Applies an op by name: checks arity and attributes, converts numbers to constants, infers dtype and
 * shape (throwing an error that names the op), and returns the hash-consed node.
 *
 * @example apply('sum', [T.matrix('x')], { axis: 1 }).shape // ['x0', 'x1'] reduced to ['x0']
 */
export function apply(
  opName: string,
  args: readonly TensorLike[],
  attrs: Record<string, unknown> = {},
): Node {
  const op = getOp(opName);
  checkArity(op, args.length);
  // An op without attributes applied to nodes again (building a graph back from an e-graph, where most
  // nodes are the input's) is found by its key before any checking or inference: the same application
  // was checked and typed when the node was built.
  const onlyNodes = allNodes(args);
  const key =
    onlyNodes && isPlain(op, attrs) ? applicationKey(op.name, '', args as readonly Node[]) : undefined;
  if (key !== undefined) {
    const existing = internedNode(key);
    if (existing !== undefined) return existing;
  }
  // A copy: the node keeps its argument list, which the caller may reuse.
  const nodes = onlyNodes ? (args as readonly Node[]).slice() : toNodes(op, args);
  // Nodes are their own types (dtype and shape): no object per argument.
  const typed = typeApplication(op, nodes, attrs);
  return intern(op.name, nodes, typed.attrs, typed.type, key);
}

/**
 * `apply` for a caller that hands over a list of nodes it will not touch again, with attributes as
 * `checkAttrs` leaves them: building a graph back from an e-graph, whose symbols hold checked
 * attributes. An op without attributes is built here without the copy and the checks; others go
 * through `apply`, which normalizes them. Internal: not exported from the package.
 *
 * @example
 * ```ts
 * const x = T.vector('x');
 * applyOwned(getOp('exp'), [x], {}) === T.exp(x); // true
 * ```
 */
export function applyOwned(op: OpDef, args: Node[], attrs: Attrs): Node {
  if (!isPlain(op, attrs)) return apply(op.name, args, attrs);
  checkArity(op, args.length);
  const key = applicationKey(op.name, '', args);
  const existing = internedNode(key);
  if (existing !== undefined) return existing;
  return intern(op.name, args, NO_ATTRS, op.infer(args, NO_ATTRS), key);
}

/**
 * Whether an application of `op` with `attrs` has no attributes to check or normalize: its node is found
 * by a key of op and argument ids alone, before any checking.
 */
function isPlain(op: OpDef, attrs: object): boolean {
  return op.normalize === undefined && isEmpty(op.attrs) && isEmpty(attrs);
}

/** The live node entered under `key`, if any. */
function internedNode(key: string): Node | undefined {
  return interned.get(key)?.deref();
}

function allNodes(args: readonly TensorLike[]): boolean {
  for (let i = 0; i < args.length; i++) if (!(args[i] instanceof Node)) return false;
  return true;
}

/**
 * The hash-consing key of an application: op, argument ids, attributes' key. A flat string of char codes,
 * made by one call for ops of one or two args: a key of decimal ids built by concatenation was a tree of
 * strings, flattened again when hashed (a graph of 100k ops is built back from the e-graph after every
 * optimize). Injective: an op's code, the arity, three 16-bit chars per id (ids stay below 2^48: a node
 * a nanosecond for three days), then the attributes.
 */
function applicationKey(op: string, attrsPart: string, args: readonly Node[]): string {
  const code = opCode(op);
  const n = args.length;
  let key: string;
  if (n === 1) {
    const a = args[0].id;
    // fromCharCode truncates: a / 2^32 gives the id's bits above 32.
    key = String.fromCharCode(code, 1, a & 0xffff, a >>> 16, a / 0x100000000);
  } else if (n === 2) {
    const a = args[0].id;
    const b = args[1].id;
    key = String.fromCharCode(
      code,
      2,
      a & 0xffff,
      a >>> 16,
      a / 0x100000000,
      b & 0xffff,
      b >>> 16,
      b / 0x100000000,
    );
  } else {
    // Three chars per call, joined: one call with every char would overflow the stack for a concat of
    // tens of thousands of args. An arity of 0xffff or more is that mark, then the arity in two chars.
    const parts = [
      n < 0xffff ? String.fromCharCode(code, n) : String.fromCharCode(code, 0xffff, n & 0xffff, n >>> 16),
    ];
    for (let i = 0; i < n; i++) {
      const a = args[i].id;
      parts.push(String.fromCharCode(a & 0xffff, a >>> 16, a / 0x100000000));
    }
    key = parts.join('');
  }
  return attrsPart === '' ? key : key + attrsPart;
}

// Each op's char in keys, in order of first use.
const opCodes = new Map<string, number>();

function opCode(op: string): number {
  let code = opCodes.get(op);
  if (code === undefined) {
    code = opCodes.size;
    opCodes.set(op, code);
  }
  return code;
}

/** An op application as the type checker sees it: checked, normalized attributes and the result type. */
export interface TypedApplication {
  readonly attrs: Attrs;
  readonly type: TypeInfo;
}

/**
 * Type-checks an application of `op` to args of the given types, without building a node: checks arity
 * and attributes, normalizes them, and infers the result. The e-graph's rule appliers build e-nodes
 * through this, so graph construction and rewriting share one notion of well-typed.
 *
 * @example typeApplication(getOp('exp'), [{ dtype: 'i32', shape: [3] }], {}).type // { dtype: 'f64', shape: [3] }
 */
export function typeApplication(
  op: OpDef,
  argTypes: readonly TypeInfo[],
  attrs: Record<string, unknown>,
): TypedApplication {
  checkArity(op, argTypes.length);
  let checked = checkAttrs(op, attrs);
  if (op.normalize) checked = op.normalize(argTypes, checked);
  return { attrs: checked, type: op.infer(argTypes, checked) };
}

function checkArity(op: OpDef, count: number): void {
  if (typeof op.arity === 'number') {
    if (count !== op.arity)
      throw new OpError(`${op.name} takes ${op.arity} argument${op.arity === 1 ? '' : 's'}, got ${count}`);
  } else if (count < op.arity.min) {
    throw new OpError(`${op.name} takes at least ${op.arity.min} arguments, got ${count}`);
  }
}

/** Numbers become constants with the dtype of the node args they meet (floats keep their width). */
function toNodes(op: OpDef, args: readonly TensorLike[]): Node[] {
  const nodeTypes = args.filter((a): a is Node => a instanceof Node).map((n) => n.dtype);
  return args.map((a, i) => {
    if (a instanceof Node) return a;
    if (typeof a !== 'number') throw new OpError(`${op.name}: argument ${i + 1} is not a node or a number`);
    return constant(a, weakDType(a, nodeTypes));
  });
}

/** JS's -0 exists only as a float (Python's -0.0): read as an integer it would silently become 0. */
const isIntegral = (value: number) => Number.isInteger(value) && !Object.is(value, -0);

/**
 * The dtype a JS number takes among args of the given dtypes: the float width of float args, the int
 * type of int args for integral values, else i64 or f64.
 *
 * @example weakDType(2, ['f32']) // 'f32'
 */
export function weakDType(value: number, others: readonly DType[]): DType {
  const integral = isIntegral(value);
  if (others.length === 0) return integral ? 'i64' : 'f64';
  const joined = promoteAll(others);
  if (isFloat(joined)) return joined;
  if (isInteger(joined) && integral) return joined;
  if (joined === 'bool' && integral) return 'i64';
  return 'f64';
}

/**
 * A constant node holding a number or a tensor.
 *
 * @example constant(2, 'f32').dtype // 'f32'
 */
export function constant(value: number | Tensor, dtype?: DType): Node {
  const tensor =
    value instanceof Tensor ? value : Tensor.scalar(value, dtype ?? (isIntegral(value) ? 'i64' : 'f64'));
  const cast = dtype && tensor.dtype !== dtype ? Tensor.from(tensor.data, tensor.shape, dtype) : tensor;
  return apply('constant', [], { value: cast });
}

/**
 * Checks attribute values against an op's specs: unknown names and wrong types are OpErrors; omitted
 * attributes take their defaults.
 *
 * @example checkAttrs(getOp('sum'), { axis: 1 }) // { axis: [1], keepdims: false }
 */
export function checkAttrs(op: OpDef, given: Record<string, unknown>): Attrs {
  const out: Record<string, AttrValue> = {};
  for (const name of Object.keys(given)) {
    if (given[name] === undefined) continue;
    if (!(name in op.attrs)) {
      const known = Object.keys(op.attrs);
      throw new OpError(
        `${op.name} has no attribute '${name}'${known.length ? ` (attributes: ${known.join(', ')})` : ''}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(op.attrs)) {
    const value = given[name];
    if (value === undefined) {
      if (spec.default === undefined) throw new OpError(`${op.name}: attribute '${name}' is required`);
      out[name] = spec.default;
    } else {
      out[name] = checkAttr(op.name, name, spec, value);
    }
  }
  return out;
}

function checkAttr(op: string, name: string, spec: AttrSpec, value: unknown): AttrValue {
  const bad = (what: string): never => {
    throw new OpError(`${op}: attribute '${name}' must be ${what}, got ${describe(value)}`);
  };
  if (value === null) return spec.nullable || spec.type === 'axes' ? null : bad(spec.type);
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  switch (spec.type) {
    case 'int':
      return isInt(value) ? value : bad('an integer');
    case 'number':
      return typeof value === 'number' ? value : bad('a number');
    case 'bool':
      return typeof value === 'boolean' ? value : bad('true or false');
    case 'string':
      return typeof value === 'string' ? value : bad('a string');
    case 'dtype':
      return typeof value === 'string' && isDType(value) ? value : bad('a dtype (f32, f64, i32, i64, bool)');
    case 'axes':
      if (isInt(value)) return [value];
      return Array.isArray(value) && value.every(isInt) ? [...value] : bad('an axis or a list of axes');
    case 'ints':
      return Array.isArray(value) && value.every(isInt) ? [...value] : bad('a list of integers');
    case 'optInts':
      return Array.isArray(value) && value.every((v) => v === null || isInt(v))
        ? [...value]
        : bad('a list of integers or nulls');
    case 'shape':
      if (!Array.isArray(value)) return bad('a shape');
      return value.map((d) => (spec.wildcard && d === -1 ? d : checkDim(`${op}: attribute '${name}'`, d)));
    case 'tensor':
      return value instanceof Tensor ? value : bad('a tensor');
  }
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return 'a tensor';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The hash-consed node of a checked, typed application. `missed` is its key when the caller has already
 * looked it up and found nothing, so a fresh key is not probed for twice.
 */
function intern(op: string, args: readonly Node[], attrs: Attrs, type: TypeInfo, missed?: string): Node {
  const plain = isEmpty(attrs);
  let key = missed;
  if (key === undefined) {
    key = applicationKey(op, plain ? '' : attrsKey(attrs), args);
    const existing = internedNode(key);
    if (existing && (op !== 'constant' || sameConstant(existing, attrs))) return existing;
  }
  // Hash-consing shares a node among all its builders, so no one may change it: the node, its
  // attributes and every list inside them are frozen, not only readonly in the types.
  let frozenAttrs: Attrs = NO_ATTRS;
  if (!plain) {
    const copy: Record<string, AttrValue> = {};
    for (const [name, v] of Object.entries(attrs)) copy[name] = Array.isArray(v) ? Object.freeze([...v]) : v;
    frozenAttrs = Object.freeze(copy);
  }
  const node = Object.freeze(
    new Node(nextId++, op, args, frozenAttrs, type.dtype, frozenShape(type.shape, args)),
  );
  remember(key, node);
  return node;
}

/** Fewest entries the table sweeps at: below it a sweep would cost more than the entries it drops. */
const MIN_SWEEP = 1024;
let sweepAt = MIN_SWEEP;

/**
 * Enters a node in the table, and drops the entries of collected nodes whenever the table has doubled
 * since the last sweep: it stays within twice the entries that were live then, and a sweep visits at
 * most twice as many entries as were entered since the one before. A FinalizationRegistry dropped each
 * entry as its node died, but a registration per node cost a 72-byte cell that lived as long as it.
 */
function remember(key: string, node: Node): void {
  interned.set(key, new WeakRef(node));
  if (interned.size < sweepAt) return;
  // forEach, not for-of: a sweep is rare, so its code stays unoptimized, and an unoptimized for-of over
  // the entries took six times as long.
  interned.forEach((ref, k) => {
    if (ref.deref() === undefined) interned.delete(k);
  });
  sweepAt = Math.max(MIN_SWEEP, 2 * interned.size);
}

/**
 * Entries in the hash-consing table, live or awaiting a sweep. For tests of its memory.
 *
 * @example internedCount() // e.g. 1500
 */
export function internedCount(): number {
  return interned.size;
}

const NO_ATTRS: Attrs = Object.freeze({});

function isEmpty(attrs: object): boolean {
  for (const _ in attrs) return false;
  return true;
}

/** The shape, frozen: an argument's own (already frozen) when equal, as it is for most ops. */
function frozenShape(shape: Shape, args: readonly Node[]): Shape {
  for (const a of args) if (shapesEqual(a.shape, shape)) return a.shape;
  return Object.freeze([...shape]);
}

function sameConstant(node: Node, attrs: Attrs): boolean {
  const a = node.attrs.value as Tensor;
  const b = attrs.value as Tensor;
  return a.data.every((v, i) => Object.is(v, b.data[i]));
}

/** A stable key of attribute values; numbers keep -0 and NaN apart from 0, large tensors are hashed. */
export function attrsKey(attrs: Attrs): string {
  const parts: string[] = [];
  for (const name of Object.keys(attrs).sort()) parts.push(`${name}=${valueKey(attrs[name])}`);
  return parts.join(';');
}

function valueKey(v: AttrValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Tensor) return `${v.dtype}[${v.shape.join(',')}]:${tensorDigest(v)}`;
  return `[${(v as readonly (number | string | null)[]).map((x) => valueKey(x as AttrValue)).join(',')}]`;
}

// Small constants are keyed by value; large ones by a hash, with equality checked on a hit (sameConstant).
function tensorDigest(t: Tensor): string {
  if (t.size <= 64) return Array.from(t.data, (x) => valueKey(x)).join(',');
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 16777619);
    h2 = Math.imul(h2 + bytes[i], 0x5bd1e995) ^ (h2 >>> 15);
  }
  return `#${t.size}:${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}
