import type { Node } from './node.js';

/**
 * Every node reachable from `outputs`, args before users. Iterative, so graphs of any depth are safe;
 * ids grow with construction, so sorting by id is a topological order.
 *
 * @example topoSort([x.exp().add(1)]).map((n) => n.op) // ['input', 'exp', 'constant', 'add']
 */
export function topoSort(outputs: readonly Node[]): Node[] {
  const seen = new Set<number>();
  const stack = [...outputs];
  const nodes: Node[] = [];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    nodes.push(n);
    for (const a of n.args) if (!seen.has(a.id)) stack.push(a);
  }
  return nodes.sort((a, b) => a.id - b.id);
}

/** The distinct `input` nodes of a graph, in construction order. */
export function graphInputs(outputs: readonly Node[]): Node[] {
  return topoSort(outputs).filter((n) => n.op === 'input');
}
