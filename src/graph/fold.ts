/**
 * Constant folding on a graph: every node whose args are all constants is evaluated once with the
 * reference interpreter and replaced by a constant, when the result is small. The optimizer runs it on
 * the graph extraction chose, so the value comes from the stabilized form. Constructors that read only
 * their argument's type (`ones_like`, `size`) fold whenever that type is static.
 */
import { apply } from './apply.js';
import { evaluate } from './interpret.js';
import type { Node } from './node.js';
import { shapeOnlyValue } from './ops/constructors.js';
import { isConcrete, sizeOf } from './shape.js';
import { topoSort } from './topo.js';

/** Constants up to this many elements are folded unless the caller says otherwise. */
export const DEFAULT_FOLD_LIMIT = 1024;

/**
 * Folds constant subgraphs of at most `sizeLimit` elements; returns the new outputs.
 *
 * @example foldConstants([T.add(T.constant(2), 3)])[0].attrs.value.item() // 5
 */
export function foldConstants(outputs: readonly Node[], sizeLimit = DEFAULT_FOLD_LIMIT): Node[] {
  const replaced = new Map<number, Node>();
  for (const node of topoSort(outputs)) {
    const args = node.args.map((a) => replaced.get(a.id) ?? a);
    let next = args.every((a, i) => a === node.args[i]) ? node : apply(node.op, args, { ...node.attrs });
    const foldable =
      next.args.length > 0 &&
      next.args.every((a) => a.op === 'constant') &&
      isConcrete(next.shape) &&
      next.shape.reduce((n: number, d) => n * (d as number), 1) <= sizeLimit;
    if (foldable) next = apply('constant', [], { value: evaluate(next, {}) });
    else if (next.args.length === 1 && isConcrete(next.shape) && sizeOf(next.shape) <= sizeLimit) {
      // ones_like, zeros_like, fill and size read only their argument's type: constant when it is static.
      const value = shapeOnlyValue(next.op, next.args[0], next.attrs);
      if (value !== undefined) next = apply('constant', [], { value });
    }
    if (next !== node) replaced.set(node.id, next);
  }
  return outputs.map((o) => replaced.get(o.id) ?? o);
}
