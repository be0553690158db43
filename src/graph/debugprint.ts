/**
 * `debugprint`, after Theano's: a graph as an indented tree, one line per node with an id, the op and
 * its attributes, and the dtype and shape. A node used more than once is printed in full the first time
 * and as a reference to its id after that, so shared subgraphs are not repeated. Iterative: any depth
 * prints.
 */
import type { Node } from './node.js';
import type { AttrValue } from './op-def.js';
import { OPS } from './op-table.js';
import { formatValue } from './tensor.js';

/**
 * The graph of `outputs` as an indented tree: `op{attrs} [id A] dtype[shape]`, inputs by name, constants
 * by value, and `[id A]` alone where a node printed above is used again.
 *
 * @example
 * const x = T.vector('x', 'f64', 'n');
 * const e = T.exp(x);
 * debugprint(T.add(e, T.mul(e, 2)))
 * // add [id A] f64[n]
 * //  ├─ exp [id B] f64[n]
 * //  │  └─ x [id C] f64[n]
 * //  └─ mul [id D] f64[n]
 * //     ├─ exp [id B] (above)
 * //     └─ 2 [id E] f64
 */
export function debugprint(outputs: Node | readonly Node[]): string {
  const roots: readonly Node[] = Array.isArray(outputs) ? outputs : [outputs as Node];
  // Only nodes used more than once need a reference; every node gets an id, as in Theano.
  const ids = new Map<Node, string>();
  const printed = new Set<Node>();
  const lines: string[] = [];
  const stack: { node: Node; prefix: string; branch: string; depth: number }[] = [];
  for (let r = roots.length - 1; r >= 0; r--)
    stack.push({ node: roots[r], prefix: '', branch: '', depth: 0 });
  while (stack.length) {
    const { node, prefix, branch, depth } = stack.pop()!;
    let id = ids.get(node);
    if (id === undefined) ids.set(node, (id = idName(ids.size)));
    // Past MAX_INDENT levels the indentation stops growing and the line says its depth instead.
    const indent = depth > MAX_INDENT ? `(depth ${depth}) ${prefix}` : prefix;
    if (printed.has(node) && node.args.length > 0) {
      lines.push(`${indent}${branch}${label(node)} [id ${id}] (above)`);
      continue;
    }
    printed.add(node);
    lines.push(`${indent}${branch}${label(node)} [id ${id}] ${typeText(node)}`);
    let inner = branch === '' ? ' ' : prefix + (branch === '├─ ' ? '│  ' : '   ');
    if (depth >= MAX_INDENT) inner = inner.slice(3);
    for (let i = node.args.length - 1; i >= 0; i--)
      stack.push({
        node: node.args[i],
        prefix: inner,
        branch: i === node.args.length - 1 ? '└─ ' : '├─ ',
        depth: depth + 1,
      });
  }
  return lines.join('\n');
}

/** Levels of indentation shown; deeper lines keep this indentation and print their depth. */
const MAX_INDENT = 30;

/** A, B, …, Z, BA, BB, … as Theano numbers its nodes. */
function idName(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

/** The op and its attributes (`sum{axis=1}`), an input's name, or a constant's value. */
function label(node: Node): string {
  if (node.op === 'input') return node.inputName!;
  if (node.op === 'constant') {
    const value = node.attrs.value as { data?: ArrayLike<number> } | undefined;
    const data = value?.data;
    if (data && data.length === 1) return formatValue(data[0]);
    if (data)
      return `constant(${Array.from(data).slice(0, 4).map(formatValue).join(', ')}${data.length > 4 ? ', …' : ''})`;
    return 'constant';
  }
  return opText(node);
}

/**
 * The op and the attributes that differ from their defaults: `sum{axis=[1]}`, `exp`.
 *
 * @example opText(T.sum(T.matrix('x'), { axis: 1 })) // 'sum{axis=[1]}'
 */
export function opText(node: Node): string {
  const specs = OPS.get(node.op)?.attrs ?? {};
  const attrs = Object.entries(node.attrs)
    .filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(specs[k]?.default))
    .map(([k, v]) => `${k}=${attrText(v as AttrValue)}`);
  return attrs.length ? `${node.op}{${attrs.join(', ')}}` : node.op;
}

function attrText(v: AttrValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => attrText(x as AttrValue)).join(', ')}]`;
  if (typeof v === 'number') return formatValue(v);
  return String(v);
}

/** `f64[n, 3]`, or `f64` for a scalar; unnamed dims as `?`. */
export function typeText(node: Node): string {
  const dims = node.shape.map((d) => (typeof d === 'string' && d.startsWith('?') ? '?' : String(d)));
  return `${node.dtype}${dims.length ? `[${dims.join(', ')}]` : ''}`;
}
