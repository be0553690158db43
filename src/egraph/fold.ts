/**
 * Walking trees without recursion. Rule patterns, terms and syntax trees can be as deep as they are
 * large (a 20,000-term sum written `a + b + …` is a left-leaning chain 20,000 levels deep), and a
 * recursive walk overflows the JavaScript stack a few thousand levels down. These walks keep their
 * own stack on the heap, so their depth is bounded by memory alone.
 */

/**
 * Folds a tree bottom-up: `combine(node, childResults, entered)` runs once per node, children first
 * and left to right, as a recursive `combine(n, children(n).map(fold))` would. `enter(node)`, when
 * given, runs when a node is first reached (in pre-order, before any of its children), and its result
 * is handed to that node's `combine`: a walk that numbers nodes or checks them top-down keeps its order.
 *
 * @example
 * ```ts
 * const size = foldTree(term, (t) => t.children, (_t, kids: number[]) => 1 + kids.reduce((a, b) => a + b, 0));
 * ```
 */
export function foldTree<N, R, E = undefined>(
  root: N,
  children: (node: N) => readonly N[],
  combine: (node: N, kids: R[], entered: E) => R,
  enter?: (node: N) => E,
): R {
  // One frame per node on the path from the root: the node, its children, their results so far.
  const nodes: N[] = [];
  const kidsOf: (readonly N[])[] = [];
  const results: R[][] = [];
  const entered: E[] = [];
  const push = (node: N) => {
    entered.push(enter ? enter(node) : (undefined as E));
    nodes.push(node);
    kidsOf.push(children(node));
    results.push([]);
  };
  push(root);
  for (;;) {
    const top = nodes.length - 1;
    const done = results[top];
    const kids = kidsOf[top];
    if (done.length < kids.length) {
      push(kids[done.length]);
      continue;
    }
    const value = combine(nodes[top], done, entered[top]);
    nodes.pop();
    kidsOf.pop();
    results.pop();
    entered.pop();
    if (top === 0) return value;
    results[top - 1].push(value);
  }
}

/**
 * The nodes of a tree in pre-order (a node, then its children left to right, each subtree in turn), as a
 * recursive walk visits them, lazily: a search can stop at the first hit.
 *
 * @example
 * ```ts
 * for (const p of preorder(pattern, (q) => (q.kind === 'node' ? q.children : []))) if (p.kind === 'var') …
 * ```
 */
export function* preorder<N>(root: N, children: (node: N) => readonly N[]): Generator<N> {
  const stack: N[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    yield node;
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}
