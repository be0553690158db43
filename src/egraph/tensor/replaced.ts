/**
 * E-nodes a replacing rule rewrote. Equality saturation keeps every form, but some forms are wrong to
 * compute: `log(sigmoid(x))` equals `-softplus(-x)` on the reals and overflows in floats. Stabilizing
 * rules mark the node they matched, and extraction never picks a marked node while another exists.
 */
import type { EGraph, ENode } from '../egraph.js';
import type { ClassId, SymbolId } from '../ids.js';

/**
 * A set of e-nodes keyed by symbol, compared through `find`, so it survives merges and rebuilds.
 *
 * @example replaced.add(logSymbol, [sigmoidClass]); replaced.has(eg, node)
 */
export class ReplacedNodes {
  private readonly bySymbol = new Map<SymbolId, ClassId[][]>();
  private count = 0;
  /**
   * The hashcons entries of the marked nodes in one clean e-graph at one version: extraction asks `has` of
   * every node it prices, and comparing each with every marked node of its symbol allocated two closures
   * per call and grew with the marks (thousands on a 100k-op graph).
   */
  private entries: { eg: EGraph; version: number; nodes: Set<number> } | undefined;
  private scratch: number[] = [];

  /** Number of nodes marked. */
  get size(): number {
    return this.count;
  }

  add(symbol: SymbolId, children: readonly ClassId[]): void {
    const list = this.bySymbol.get(symbol) ?? [];
    list.push([...children]);
    this.bySymbol.set(symbol, list);
    this.count++;
    this.entries = undefined;
  }

  /** Whether `node` (with canonical children) is one of the replaced nodes. */
  has(eg: EGraph, node: ENode): boolean {
    const list = this.bySymbol.get(node.symbol);
    if (!list) return false;
    if (!eg.isClean) {
      // Canonical forms may still change: compare through `find`.
      return list.some((kids) => kids.every((k, i) => eg.find(k) === eg.find(node.children[i])));
    }
    // In a clean e-graph a node's canonical form has one hashcons entry, so two nodes are equal through
    // `find` exactly when their entries are one.
    const entry = this.entryOf(eg, node.symbol, node.children);
    return entry >= 0 && this.entriesIn(eg).has(entry);
  }

  private entriesIn(eg: EGraph): Set<number> {
    const known = this.entries;
    if (known !== undefined && known.eg === eg && known.version === eg.version) return known.nodes;
    const nodes = new Set<number>();
    for (const [symbol, list] of this.bySymbol)
      for (const kids of list) {
        const entry = this.entryOf(eg, symbol, kids);
        if (entry >= 0) nodes.add(entry);
      }
    this.entries = { eg, version: eg.version, nodes };
    return nodes;
  }

  /** The hashcons entry of (symbol, children) in a clean e-graph, or -1 when it holds no such node. */
  private entryOf(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): number {
    const kids = this.scratch;
    kids.length = children.length;
    for (let i = 0; i < children.length; i++) kids[i] = eg.find(children[i]);
    return eg.nodes.lookup(symbol, kids, kids.length);
  }
}
