/**
 * Graphviz export of a tensor e-graph: one cluster per e-class (dashed box), one box per e-node labelled
 * with its op and attributes, an edge from each e-node to the class of each child. The e-nodes an
 * extraction chose are filled, and the root classes are drawn bold.
 */
import type { ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import type { TensorEGraph } from '../egraph/tensor/index.js';

/** What to emphasise in the drawing. */
export interface DotOptions {
  /** Classes drawn bold (the outputs). */
  readonly roots?: readonly ClassId[];
  /** The chosen e-node per class (an extraction's `choice`); those nodes are filled. */
  readonly chosen?: ReadonlyMap<ClassId, ENode>;
  /** Classes beyond this many are left out, with a note (default 400). */
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
  const limit = options.maxClasses ?? 400;
  const shown = classes.slice(0, limit);
  const lines = [
    'digraph egraph {',
    '  compound=true;',
    '  clusterrank=local;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
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
      `  note [shape=plaintext, label=${quote(`${classes.length - shown.length} more classes left out`)}];`,
    );
  lines.push('}');
  return lines.join('\n');
}
