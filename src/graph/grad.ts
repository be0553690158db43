/**
 * Reverse-mode symbolic differentiation: walks the graph from a scalar cost back to the inputs, asking
 * each op's vector-Jacobian product from the op table, and returns gradient graphs.
 */
import { apply } from './apply.js';
import { isFloat } from './dtype.js';
import { OpError, ShapeError } from './errors.js';
import type { Node } from './node.js';
import { getOp } from './op-table.js';
import { broadcastShapes, formatShape, shapesEqual } from './shape.js';
import { topoSort } from './topo.js';

/**
 * The gradients of a scalar float `cost` with respect to each node of `wrt`, as graph nodes of the same
 * shapes. An input the cost does not depend on gets zeros.
 *
 * @example
 * const w = T.vector('w', 'f64');
 * const [gw] = grad(w.mul(w).sum(), [w]); // 2 * w
 * evaluate(gw, { w: [1, 2] }).toArray() // [2, 4]
 */
export function grad(cost: Node, wrt: readonly Node[]): Node[] {
  if (cost.rank !== 0)
    throw new ShapeError(`grad: the cost must be a scalar, got shape ${formatShape(cost.shape)}`);
  if (!isFloat(cost.dtype)) throw new OpError(`grad: the cost must be a float, got ${cost.dtype}`);
  for (const w of wrt)
    if (!isFloat(w.dtype))
      throw new OpError(`grad: cannot differentiate with respect to a ${w.dtype} ${describe(w)}`);
  const nodes = topoSort([cost]);
  const targets = new Set(wrt.map((w) => w.id));
  // A node needs an adjoint when some wrt node lies below it.
  const needed = new Set<number>();
  for (const n of nodes) if (targets.has(n.id) || n.args.some((a) => needed.has(a.id))) needed.add(n.id);

  const adjoints = new Map<number, Node[]>([[cost.id, [apply('ones_like', [cost])]]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const parts = adjoints.get(node.id);
    if (!parts || node.args.length === 0 || !needed.has(node.id)) continue;
    const g = sumAll(parts);
    const op = getOp(node.op);
    if (!op.vjp) throw new OpError(`grad: ${node.op} has no gradient`);
    const contributions = op.vjp({ node, args: node.args, g });
    node.args.forEach((arg, k) => {
      const c = contributions[k];
      if (!c || !needed.has(arg.id) || !isFloat(arg.dtype)) return;
      const list = adjoints.get(arg.id) ?? [];
      list.push(fitTo(c, arg));
      adjoints.set(arg.id, list);
    });
  }
  return wrt.map((w) => {
    const parts = adjoints.get(w.id);
    return parts ? sumAll(parts) : apply('zeros_like', [w]);
  });
}

function describe(n: Node): string {
  return n.op === 'input' ? `input '${n.inputName}'` : `${n.op} node`;
}

function sumAll(parts: readonly Node[]): Node {
  return parts.reduce((acc, p) => apply('add', [acc, p]));
}

/**
 * Brings an adjoint contribution to the shape and dtype of its arg: sums over the axes that
 * broadcasting stretched (leading axes and size-1 axes), then reshapes and casts.
 */
export function fitTo(c: Node, arg: Node): Node {
  let out = c;
  if (!shapesEqual(out.shape, arg.shape)) {
    const full = broadcastShapes('grad', [out.shape, arg.shape]);
    if (!shapesEqual(full, out.shape)) out = apply('broadcast_to', [out], { shape: full });
    const lead = full.length - arg.rank;
    const axes: number[] = [];
    full.forEach((d, i) => {
      if (i < lead || (arg.shape[i - lead] === 1 && d !== 1)) axes.push(i);
    });
    if (axes.length) out = apply('sum', [out], { axis: axes, keepdims: true });
    if (!shapesEqual(out.shape, arg.shape)) out = apply('reshape', [out], { shape: arg.shape });
  }
  return out.dtype === arg.dtype ? out : apply('cast', [out], { dtype: arg.dtype });
}
