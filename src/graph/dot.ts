/**
 * `toDot`, after Theano's `pydotprint`: a computation graph as Graphviz source. Ops are boxes labelled
 * with the op, its attributes, and the dtype and shape of the result; inputs are green ellipses,
 * constants grey, outputs blue and bold; an edge runs from each argument to its user, numbered when the
 * op takes several. A legend explains the marks. Render it with Graphviz (`dot -Tsvg`) or
 * `saturn draw EXPR --svg F`.
 */
import { SaturnError } from './errors.js';
import { opText, typeText } from './debugprint.js';
import type { Node } from './node.js';
import { formatValue } from './tensor.js';
import { topoSort } from './topo.js';

/** Options of {@link toDot}. */
export interface ToDotOptions {
  /** Refuse graphs with more nodes than this (default 300): Graphviz takes minutes on thousands. */
  readonly maxNodes?: number;
  /** Names for the outputs, shown on their boxes (default `output 0`, `output 1`, …). */
  readonly names?: readonly string[];
  /** Draw the legend (default true). */
  readonly legend?: boolean;
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * The computation graph of `outputs` as Graphviz `dot` source; shared nodes are drawn once.
 *
 * @example
 * const x = T.vector('x', 'f64', 'n');
 * toDot(T.sum(T.exp(x))).startsWith('digraph saturn {') // true
 */
export function toDot(outputs: Node | readonly Node[], options: ToDotOptions = {}): string {
  const roots: readonly Node[] = Array.isArray(outputs) ? outputs : [outputs as Node];
  const nodes = topoSort(roots);
  const max = options.maxNodes ?? 300;
  if (nodes.length > max)
    throw new SaturnError(
      `toDot: the graph has ${nodes.length} nodes, more than ${max} (Graphviz would take minutes); ` +
        `print it with debugprint(outputs), or pass { maxNodes: ${nodes.length} } to draw it anyway`,
    );
  const outputIndex = new Map<Node, number[]>();
  roots.forEach((r, i) => outputIndex.set(r, [...(outputIndex.get(r) ?? []), i]));
  const id = new Map(nodes.map((n, i) => [n, `n${i}`]));
  const lines = [
    'digraph saturn {',
    '  rankdir=TB;',
    '  graph [fontname="Helvetica"];',
    '  node [fontname="Helvetica", fontsize=11, margin="0.2,0.08"];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
  ];
  for (const n of nodes) {
    const outs = outputIndex.get(n);
    const outName = outs?.map((i) => options.names?.[i] ?? `output ${i}`).join(', ');
    const type = typeText(n);
    let label: string;
    let style: string;
    if (n.op === 'input') {
      label = `${n.inputName}\n${type}`;
      style = 'shape=ellipse, style=filled, fillcolor="#d8f0d0"';
    } else if (n.op === 'constant') {
      label = `${constantText(n)}\n${type}`;
      style = 'shape=box, style="rounded,filled", fillcolor="#eeeeee"';
    } else {
      label = `${opText(n)}\n${type}`;
      style = 'shape=box, style="rounded,filled", fillcolor="#ffffff"';
    }
    if (outName !== undefined) {
      label = `${outName}\n${label}`;
      style += ', color="#1f5fbf", penwidth=2.5, fillcolor="#dce8fa"';
    }
    lines.push(`  ${id.get(n)} [label=${quote(label)}, ${style}];`);
  }
  for (const n of nodes)
    n.args.forEach((a, k) =>
      lines.push(`  ${id.get(a)} -> ${id.get(n)}${n.args.length > 1 ? ` [label=${quote(String(k))}]` : ''};`),
    );
  if (options.legend ?? true)
    lines.push(
      '  subgraph cluster_legend {',
      '    label="legend"; fontname="Helvetica"; fontsize=10; style=dashed; color="#999999";',
      '    legend_input [label="input\\ndtype[shape]", shape=ellipse, style=filled, fillcolor="#d8f0d0"];',
      '    legend_const [label="constant", shape=box, style="rounded,filled", fillcolor="#eeeeee"];',
      '    legend_op [label="op{attributes}\\nresult dtype[shape]", shape=box, style=rounded];',
      '    legend_out [label="output", shape=box, style="rounded,filled", color="#1f5fbf", penwidth=2.5, fillcolor="#dce8fa"];',
      '    legend_edge [label="edges run from argument to user,\\nnumbered by argument position", shape=plaintext];',
      '  }',
    );
  lines.push('}');
  return lines.join('\n');
}

function constantText(n: Node): string {
  const data = (n.attrs.value as { data?: ArrayLike<number> } | undefined)?.data;
  if (!data) return 'constant';
  const shown = Array.from(data).slice(0, 4).map(formatValue).join(', ');
  return data.length === 1 ? shown : `[${shown}${data.length > 4 ? ', …' : ''}]`;
}
