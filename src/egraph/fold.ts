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
  // One frame per inner node on the path from the root: the node, what `enter` gave, its children, and
  // their results so far.
  const nodes: N[] = [root];
  const entered: E[] = [enter ? enter(root) : (undefined as E)];
  const kidsOf: (readonly N[])[] = [children(root)];
  const results: R[][] = [[]];
  for (;;) {
    const top = nodes.length - 1;
    const done = results[top];
    const kids = kidsOf[top];
    if (done.length < kids.length) {
      const kid = kids[done.length];
      const grandkids = children(kid);
      // A leaf is folded at once, without a frame: about half the nodes of a tree are leaves.
      const e = enter ? enter(kid) : (undefined as E);
      if (grandkids.length === 0) done.push(combine(kid, [], e));
      else {
        nodes.push(kid);
        entered.push(e);
        kidsOf.push(grandkids);
        results.push([]);
      }
      continue;
    }
    const value = combine(nodes[top], done, entered[top]);
    if (top === 0) return value;
    nodes.pop();
    entered.pop();
    kidsOf.pop();
    results.pop();
    results[top - 1].push(value);
  }
}

/**
 * The nodes of a tree in pre-order (a node, then its children left to right, each subtree in turn), as a
 * recursive walk visits them.
 *
 * @example
 * ```ts
 * preorder(pattern, (q) => (q.kind === 'node' ? q.children : [])).filter((p) => p.kind === 'var')
 * ```
 */
export function preorder<N>(root: N, children: (node: N) => readonly N[]): N[] {
  const out: N[] = [];
  const stack: N[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/** How one node prints: the text before its first child, between children, and after its last. */
export interface NodeText {
  open: string;
  between: string;
  close: string;
}

/**
 * Prints a tree as the concatenation, node by node, of `open`, the children joined by `between`, and
 * `close`. Folding strings bottom-up copies each subtree's text once per level above it, which is
 * quadratic for a chain: a 20,000-term sum took 13 s to print that way. This writes each piece once
 * and joins them at the end.
 *
 * @example
 * ```ts
 * type Tree = { op: string; kids: Tree[] };
 * const leaf = (op: string): Tree => ({ op, kids: [] });
 * const text = (t: Tree) =>
 *   t.kids.length ? { open: `(${t.op} `, between: ' ', close: ')' } : { open: t.op, between: '', close: '' };
 * printTree<Tree>({ op: '+', kids: [leaf('x'), leaf('1')] }, (t) => t.kids, text); // '(+ x 1)'
 * ```
 */
export function printTree<N>(
  root: N,
  children: (node: N) => readonly N[],
  text: (node: N) => NodeText,
): string {
  const out: string[] = [];
  // Work items: a node still to print (boxed, so that a node may itself be a string), or text already
  // decided: the closes and separators of the nodes above, pushed in reverse so that they pop in order.
  const stack: ({ node: N } | string)[] = [{ node: root }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const { open, between, close } = text(item.node);
    out.push(open);
    const kids = children(item.node);
    stack.push(close);
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ node: kids[i] });
      if (i > 0) stack.push(between);
    }
  }
  return out.join('');
}
