import { apply, attrsKey, type TensorLike } from './apply.js';
import type { DType } from './dtype.js';
import type { Attrs } from './op-def.js';
import { formatShape, type Shape } from './shape.js';

/** Options of reductions: the axes to reduce (all when omitted) and whether to keep them as size 1. */
export interface ReduceOptions {
  readonly axis?: number | readonly number[] | null;
  readonly keepdims?: boolean;
}

/**
 * Whether a node of this op counts as an op application in op counts (`countOps`, the optimizer's
 * reports): inputs and constants are the graph's leaves, not ops.
 *
 * @example countsAsOp('exp') // true; countsAsOp('constant') // false
 */
export function countsAsOp(op: string): boolean {
  return op !== 'input' && op !== 'constant';
}

/** How nodes print: the syntax module, which imports this one, installs `formatExpr` when it loads. */
let printer: (node: Node) => string = (node) => `Node(${node.op}#${node.id})`;

/**
 * Sets how `String(node)` and `console.log(node)` print a node. Called by the syntax module.
 *
 * @example setNodePrinter(formatExpr)
 */
export function setNodePrinter(print: (node: Node) => string): void {
  printer = print;
}

/**
 * A node of a symbolic graph: an op applied to argument nodes with attributes. Nodes are immutable and
 * hash-consed: building the same op on the same args twice returns the same object, so equal
 * subexpressions are one node (Theano's "merge", for free). Ids grow with construction, so sorting by
 * id is a topological order.
 *
 * @example
 * const x = T.vector('x');
 * x.mul(2).add(1) === T.add(T.mul(x, 2), 1) // true
 */
export class Node {
  constructor(
    /** Unique per node; larger than the ids of its args. */
    readonly id: number,
    readonly op: string,
    readonly args: readonly Node[],
    readonly attrs: Attrs,
    readonly dtype: DType,
    readonly shape: Shape,
  ) {}

  /**
   * A readable key of the application: op, attributes and arg ids. Made on request: the hash-consing
   * table keys nodes by a compact string of its own.
   *
   * @example
   * ```ts
   * const x = T.vector('x');
   * T.exp(x).key === `exp{}(${x.id})`; // true
   * ```
   */
  get key(): string {
    return `${this.op}{${attrsKey(this.attrs)}}(${this.args.map((a) => a.id).join(',')})`;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The input's name for `input` nodes, else undefined. */
  get inputName(): string | undefined {
    return this.op === 'input' ? (this.attrs.name as string) : undefined;
  }

  add(other: TensorLike): Node {
    return apply('add', [this, other]);
  }
  sub(other: TensorLike): Node {
    return apply('sub', [this, other]);
  }
  mul(other: TensorLike): Node {
    return apply('mul', [this, other]);
  }
  div(other: TensorLike): Node {
    return apply('div', [this, other]);
  }
  pow(other: TensorLike): Node {
    return apply('pow', [this, other]);
  }
  neg(): Node {
    return apply('neg', [this]);
  }
  exp(): Node {
    return apply('exp', [this]);
  }
  log(): Node {
    return apply('log', [this]);
  }
  sqrt(): Node {
    return apply('sqrt', [this]);
  }
  sigmoid(): Node {
    return apply('sigmoid', [this]);
  }
  tanh(): Node {
    return apply('tanh', [this]);
  }
  abs(): Node {
    return apply('abs', [this]);
  }
  relu(): Node {
    return apply('relu', [this]);
  }
  softplus(): Node {
    return apply('softplus', [this]);
  }
  log1p(): Node {
    return apply('log1p', [this]);
  }
  expm1(): Node {
    return apply('expm1', [this]);
  }
  sin(): Node {
    return apply('sin', [this]);
  }
  cos(): Node {
    return apply('cos', [this]);
  }
  sqr(): Node {
    return apply('sqr', [this]);
  }
  reciprocal(): Node {
    return apply('reciprocal', [this]);
  }
  maximum(other: TensorLike): Node {
    return apply('maximum', [this, other]);
  }
  minimum(other: TensorLike): Node {
    return apply('minimum', [this, other]);
  }
  lt(other: TensorLike): Node {
    return apply('lt', [this, other]);
  }
  gt(other: TensorLike): Node {
    return apply('gt', [this, other]);
  }
  eq(other: TensorLike): Node {
    return apply('eq', [this, other]);
  }
  sum(options: ReduceOptions = {}): Node {
    return apply('sum', [this], { ...options });
  }
  mean(options: ReduceOptions = {}): Node {
    return apply('mean', [this], { ...options });
  }
  max(options: ReduceOptions = {}): Node {
    return apply('max', [this], { ...options });
  }
  min(options: ReduceOptions = {}): Node {
    return apply('min', [this], { ...options });
  }
  prod(options: ReduceOptions = {}): Node {
    return apply('prod', [this], { ...options });
  }
  /** The i32 index of the first maximum along `axis` (all elements when null), as `T.argmax`: `scores.argmax(1)`. */
  argmax(axis: number | null = null, options: { readonly keepdims?: boolean } = {}): Node {
    return apply('argmax', [this], { axis, ...options });
  }
  /** The i32 index of the first minimum along `axis`, as `T.argmin`: `scores.argmin(1)`. */
  argmin(axis: number | null = null, options: { readonly keepdims?: boolean } = {}): Node {
    return apply('argmin', [this], { axis, ...options });
  }
  /** softmax along `axis` (default the last). */
  softmax(options: { readonly axis?: number } = {}): Node {
    return apply('softmax', [this], { axis: options.axis ?? -1 });
  }
  dot(other: TensorLike): Node {
    return apply('dot', [this, other]);
  }
  /** Transpose; reverses the axes when `perm` is omitted. */
  transpose(perm?: readonly number[]): Node {
    return apply('transpose', [this], perm ? { perm } : {});
  }
  get T(): Node {
    return this.transpose();
  }
  reshape(shape: Shape): Node {
    return apply('reshape', [this], { shape });
  }
  cast(dtype: DType): Node {
    return apply('cast', [this], { dtype });
  }

  /**
   * The expression in infix notation, as `formatExpr` prints it (shared subexpressions repeated), once
   * the syntax module has loaded (importing `saturn` loads it); `Node(op#id)` before.
   *
   * @example String(T.exp(T.vector('x')).add(1)) // 'exp(x) + 1'
   */
  toString(): string {
    return printer(this);
  }

  /**
   * What `console.log` and `util.inspect` show in Node.js: dtype, shape and the expression, cut after
   * 200 characters. A symbol from the global registry, so nothing Node-specific is imported.
   *
   * @example util.inspect(T.exp(T.vector('x', 'f64', 'n'))) // 'Node<f64[n]> exp(x)'
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const text = printer(this);
    const cut = text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
    return `Node<${this.dtype}${this.shape.length ? formatShape(this.shape) : ''}> ${cut}`;
  }
}
