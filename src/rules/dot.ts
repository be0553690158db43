/**
 * Graphviz export of a tensor e-graph: one cluster per e-class (dashed box), one box per e-node labelled
 * with its op and attributes, an edge from each e-node to the class of each child. The e-nodes an
 * extraction chose are filled, and the root classes are drawn bold; a legend says so. Graphviz takes
 * minutes on thousands of clusters, so a large e-graph is cut to the classes of the chosen term, and
 * refused when even those are too many.
 */
import { SaturnError } from '../graph/errors.js';
import type { ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import type { TensorEGraph } from '../egraph/tensor/index.js';

/** What to emphasise in the drawing. */
export interface DotOptions {
  /** Classes drawn bold (the outputs). */
  readonly roots?: readonly ClassId[];
  /** The chosen e-node per class (an extraction's `choice`); those nodes are filled. */
  readonly chosen?: ReadonlyMap<ClassId, ENode>;
  /**
   * Most classes drawn (default 150). Above it only the classes of the chosen term are drawn (with a
   * note); when there is no choice or those are too many, `egraphToDot` throws with the size and a hint.
   */
  readonly maxClasses?: number;
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The e-graph as Graphviz `dot` source.
 *
 * @example
 * const t = createTensorEGraph();
 * const [root] = addGraph(t.egraph, t.lang, [T.exp(T.vector('x'))]);
 * egraphToDot(t, { roots: [root] }) // 'digraph egraph {\n  compound=true; …'
 */
export function egraphToDot(t: TensorEGraph, options: DotOptions = {}): string {
  const eg = t.egraph;
  const roots = new Set((options.roots ?? []).map((r) => eg.find(r)));
  const classes = eg.classIds();
  const limit = options.maxClasses ?? 150;
  const shown = classes.length <= limit ? classes : chosenClasses(t, [...roots], options.chosen);
  if (shown.length > limit)
    throw new SaturnError(
      `the e-graph has ${classes.length} classes${options.chosen ? ` and its chosen term ${shown.length}` : ''}, ` +
        `more than ${limit} to draw (Graphviz would take minutes): try a smaller expression, fewer phases ` +
        `(--mode fast_compile), or print it with --explain`,
    );
  const lines = [
    'digraph egraph {',
    '  compound=true;',
    '  clusterrank=local;',
    '  graph [fontname="Helvetica"];',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
  ];
  const firstNode = new Map<ClassId, string>();
  const edges: string[] = [];
  for (const cls of shown) {
    const chosen = options.chosen?.get(cls);
    lines.push(`  subgraph cluster_${cls} {`);
    lines.push(`    style=${roots.has(cls) ? 'bold' : 'dashed'}; label=${quote(`e${cls}`)};`);
    eg.nodesOf(cls).forEach((node, i) => {
      const id = `n${cls}_${i}`;
      if (i === 0) firstNode.set(cls, id);
      const isChosen =
        chosen !== undefined &&
        chosen.symbol === node.symbol &&
        chosen.children.every((c, k) => eg.find(c) === node.children[k]);
      const style = isChosen ? ', style="rounded,filled", fillcolor="#ffe08a"' : '';
      lines.push(`    ${id} [label=${quote(t.lang.name(node.symbol))}${style}];`);
      node.children.forEach((child, k) => edges.push(`${id}|${eg.find(child)}|${k}`));
    });
    lines.push('  }');
  }
  for (const e of edges) {
    const [from, child, k] = e.split('|');
    const to = firstNode.get(Number(child) as ClassId);
    if (to) lines.push(`  ${from} -> ${to} [lhead=cluster_${child}, label=${quote(k)}];`);
  }
  if (classes.length > shown.length)
    lines.push(
      `  note [shape=plaintext, label=${quote(`${shown.length} of ${classes.length} classes: those of the chosen term`)}];`,
    );
  lines.push(
    '  subgraph cluster_legend {',
    '    label="legend"; fontname="Helvetica"; fontsize=10; style=dashed; color="#999999";',
    '    legend_class [label="dashed box: an e-class (eN),\\nits e-nodes inside", shape=plaintext];',
    '    legend_chosen [label="chosen e-node", style="rounded,filled", fillcolor="#ffe08a"];',
    '    legend_root [label="bold box: an output class", shape=plaintext];',
    '    legend_edge [label="edge k: k-th argument,\\nto the argument\'s class", shape=plaintext];',
    '  }',
    '}',
  );
  return lines.join('\n');
}

/** The classes of the chosen term: from the roots through the chosen e-node of each class. */
function chosenClasses(
  t: TensorEGraph,
  roots: readonly ClassId[],
  chosen: ReadonlyMap<ClassId, ENode> | undefined,
): ClassId[] {
  if (!chosen) return t.egraph.classIds();
  const seen = new Set<ClassId>();
  const stack = [...roots];
  while (stack.length) {
    const c = t.egraph.find(stack.pop()!);
    if (seen.has(c)) continue;
    seen.add(c);
    for (const child of chosen.get(c)?.children ?? []) stack.push(child);
  }
  return [...seen];
}
