/**
 * Printing graphs in the infix notation that `parseExpr` reads back to the very same nodes:
 * minimal parentheses by the op table's precedences, calls with keyword attributes (defaults
 * omitted), number literals where the weak-scalar rule gives the constant back, and
 * `constant(…, dtype=…)` where it does not.
 */
import { apply, constant, type TensorLike } from '../apply.js';
import { SaturnError } from '../errors.js';
import type { Node } from '../node.js';
import type { AttrValue, OpDef } from '../op-def.js';
import { getOp } from '../op-table.js';
import type { Tensor } from '../tensor.js';
import { graphInputs, topoSort } from '../topo.js';

/** A printed subexpression and how tightly it binds, so its user knows whether to parenthesize it. */
interface Printed {
  readonly text: string;
  readonly precedence: number;
  /** Starts with a prefix operator (`-x`, `-2`): may stand as a right operand without parentheses. */
  readonly prefix: boolean;
  /** A number literal, which a `-` before it would fold into. */
  readonly literal: boolean;
}

const ATOM = Number.POSITIVE_INFINITY;
const NEG_PRECEDENCE = getOp('neg').syntax?.precedence ?? ATOM;

/**
 * Prints nodes in infix notation; several outputs are separated by `; `. Shared subexpressions are
 * repeated while the printed tree stays small; where repeating them would print more than
 * {@link SHARING_THRESHOLD} nodes (a 10,000-term sum of one shared `exp(x)`, or its gradient), each
 * shared subexpression is printed once as a let-binding (`t1 = exp(x); t1 + t1`), which `parseExpr`
 * reads back, so the text stays linear in the graph's size. Iterative: any depth prints.
 *
 * @example
 * const x = T.tensor('x', 'f32', ['n']);
 * formatExpr(T.mul(T.neg(x), T.sub(x, T.sub(x, 1)))) // '-x * (x - (x - 1))'
 * formatExpr(T.sum(x, { axis: 0, keepdims: true })) // 'sum(x, keepdims=true)'
 */
export function formatExpr(nodes: Node | readonly Node[]): string {
  const outputs: readonly Node[] = Array.isArray(nodes) ? nodes : [nodes as Node];
  const order = topoSort(outputs);
  const shared = sharedToBind(order, outputs);
  const memo = new Map<Node, Printed>();
  const bindings: string[] = [];
  const names = bindingNames(order);
  for (const node of order) {
    const printed = printNode(node, memo);
    if (shared.has(node)) {
      const name = names.next().value as string;
      bindings.push(`${name} = ${printed.text}; `);
      memo.set(node, atom(name));
    } else memo.set(node, printed);
  }
  return bindings.join('') + outputs.map((n) => memo.get(n)!.text).join('; ');
}

/** Above this many nodes printed as a tree, shared subexpressions are printed once, as let-bindings. */
export const SHARING_THRESHOLD = 2000;

/**
 * The nodes to print as let-bindings: none while the tree is small; else every node used more than
 * once that is not a leaf (inputs and constants print short anyway).
 */
function sharedToBind(order: readonly Node[], outputs: readonly Node[]): Set<Node> {
  const treeSize = new Map<Node, number>();
  for (const node of order)
    treeSize.set(
      node,
      node.args.reduce((n, a) => n + treeSize.get(a)!, 1),
    );
  const printed = outputs.reduce((n, o) => n + treeSize.get(o)!, 0);
  if (printed <= SHARING_THRESHOLD) return new Set();
  const uses = new Map<Node, number>();
  for (const node of order) for (const a of node.args) uses.set(a, (uses.get(a) ?? 0) + 1);
  for (const o of outputs) uses.set(o, (uses.get(o) ?? 0) + 1);
  return new Set(order.filter((n) => n.args.length > 0 && (uses.get(n) ?? 0) > 1));
}

/** `t1`, `t2`, … skipping the names of the graph's inputs. */
function* bindingNames(order: readonly Node[]): Generator<string> {
  const taken = new Set(order.filter((n) => n.op === 'input').map((n) => n.inputName!));
  for (let k = 1; ; k++) if (!taken.has(`t${k}`)) yield `t${k}`;
}

/**
 * The declarations of a graph's inputs, one a line, so that `parseExpr(formatExpr(e), { vars:
 * formatDecls(e) })` is `e`. Throws when two inputs share a name.
 *
 * @example formatDecls(T.add(T.tensor('x', 'f32', ['n', 3]), T.scalar('b', 'f64'))) // 'x: f32[n, 3]\nb: f64'
 */
export function formatDecls(nodes: Node | readonly Node[]): string {
  const outputs: readonly Node[] = Array.isArray(nodes) ? nodes : [nodes as Node];
  const lines = new Map<string, string>();
  for (const input of graphInputs(outputs)) {
    const name = input.inputName!;
    const dims = input.shape.map((d, i) => (d === `?${name}${i}` ? '?' : String(d)));
    const line = `${name}: ${input.dtype}${dims.length ? `[${dims.join(', ')}]` : ''}`;
    const other = lines.get(name);
    if (other !== undefined && other !== line)
      throw new SaturnError(`formatDecls: two inputs are named '${name}' (${other} and ${line})`);
    lines.set(name, line);
  }
  return [...lines.values()].join('\n');
}

function printNode(node: Node, memo: ReadonlyMap<Node, Printed>): Printed {
  if (node.op === 'input') return atom(node.inputName!);
  if (node.op === 'constant') return printConstant(node);
  const op = getOp(node.op);
  const args = printArgs(node, memo);
  const syntax = op.syntax;
  if (syntax?.kind === 'infix') {
    const p = syntax.precedence;
    const [left, right] = args;
    const leftParens = left.precedence < p || (left.precedence === p && syntax.rightAssoc === true);
    const rightParens =
      !right.prefix && (right.precedence < p || (right.precedence === p && !syntax.rightAssoc));
    const text = `${paren(left, leftParens)} ${syntax.symbol} ${paren(right, rightParens)}`;
    return { text, precedence: p, prefix: false, literal: false };
  }
  if (syntax?.kind === 'prefix') {
    const [arg] = args;
    const text = `${syntax.symbol}${paren(arg, arg.literal || arg.precedence < syntax.precedence)}`;
    return { text, precedence: syntax.precedence, prefix: true, literal: false };
  }
  const attrs = visibleAttrs(node, op).map(([name, value]) => `${name}=${formatAttr(value, op, name)}`);
  return atom(`${node.op}(${[...args.map((a) => a.text), ...attrs].join(', ')})`);
}

const atom = (text: string): Printed => ({ text, precedence: ATOM, prefix: false, literal: false });
const paren = (p: Printed, wrap: boolean): string => (wrap ? `(${p.text})` : p.text);

/**
 * The args of a node as printed. Scalar constants print as bare numbers when re-applying the op
 * with numbers in their place (the weak-scalar rule) gives this very node; else as `constant(…)`.
 */
function printArgs(node: Node, memo: ReadonlyMap<Node, Printed>): Printed[] {
  const candidates = node.args.flatMap((a, i) => (a.op === 'constant' && a.rank === 0 ? [i] : []));
  const attempts = [candidates];
  if (candidates.length > 1) for (const c of candidates) attempts.push(candidates.filter((i) => i !== c));
  for (const literals of attempts) {
    if (!literals.length) continue;
    const args: TensorLike[] = node.args.map((a, i) => (literals.includes(i) ? scalarOf(a) : a));
    if (tryApply(node.op, args, node.attrs) !== node) continue;
    return node.args.map((a, i) => (literals.includes(i) ? literal(scalarOf(a)) : argOf(a, memo)));
  }
  return node.args.map((a) => argOf(a, memo));
}

/** A scalar constant that is not printed as a literal here: beside other args a literal would be weak. */
function argOf(arg: Node, memo: ReadonlyMap<Node, Printed>): Printed {
  return arg.op === 'constant' && arg.rank === 0
    ? explicitConstant(arg.attrs.value as Tensor)
    : memo.get(arg)!;
}

function tryApply(op: string, args: readonly TensorLike[], attrs: Record<string, unknown>): Node | undefined {
  try {
    return apply(op, args, attrs);
  } catch (e) {
    if (e instanceof SaturnError) return undefined;
    throw e;
  }
}

const scalarOf = (constant: Node): number => (constant.attrs.value as Tensor).data[0];

function literal(value: number): Printed {
  const negative = value < 0 || Object.is(value, -0);
  return {
    text: formatNumber(value),
    precedence: negative ? NEG_PRECEDENCE : ATOM,
    prefix: negative,
    literal: true,
  };
}

/** A constant on its own: a bare number when `parseExpr` would give it back (i64 ints, f64 others). */
function printConstant(node: Node): Printed {
  const value = node.attrs.value as Tensor;
  if (value.rank === 0 && constant(value.data[0]) === node) return literal(value.data[0]);
  return explicitConstant(value);
}

function explicitConstant(value: Tensor): Printed {
  const nested = value.rank === 0 ? formatNumber(value.data[0]) : nestedList(value);
  const shape = value.size === 0 ? `, shape=[${value.shape.join(', ')}]` : '';
  return atom(`constant(${nested}, dtype=${value.dtype}${shape})`);
}

function nestedList(t: Tensor): string {
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const walk = (axis: number, offset: number): string => {
    if (axis === t.rank) return formatNumber(t.data[offset]);
    const items = Array.from({ length: t.shape[axis] }, (_, i) => walk(axis + 1, offset + i * strides[axis]));
    return `[${items.join(', ')}]`;
  };
  return walk(0, 0);
}

/** The attributes to print, in the op's order: those that the node cannot do without. */
function visibleAttrs(node: Node, op: OpDef): [string, AttrValue][] {
  const given: Record<string, AttrValue> = { ...node.attrs };
  for (const [name, spec] of Object.entries(op.attrs)) {
    if (spec.default === undefined) continue;
    const { [name]: _, ...rest } = given;
    if (tryApply(node.op, node.args, rest) === node) delete given[name];
  }
  return Object.keys(op.attrs)
    .filter((name) => name in given)
    .map((name) => [name, given[name]]);
}

function formatAttr(value: AttrValue, op: OpDef, name: string): string {
  if (op.attrs[name]?.type === 'axes' && Array.isArray(value) && value.length === 1)
    return formatNumber(value[0]);
  return formatValue(value);
}

function formatValue(value: AttrValue | number | string | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v)).join(', ')}]`;
  throw new SaturnError(`formatExpr: cannot print attribute value ${String(value)}`);
}

/**
 * A number as the grammar reads it back exactly: `inf`, `-inf`, `nan`, `-0`, and otherwise the
 * shortest decimal that round-trips (JavaScript's own).
 *
 * @example formatNumber(-Infinity) // '-inf'
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}
