import type { EGraph } from './egraph.js';
import type { SymbolId } from './ids.js';

/**
 * For each symbol, the canonical classes containing a node with it, so a rule only visits classes that hold
 * its root op (egg's `classes_by_op`). Built in one pass over the nodes of a clean e-graph; rebuilt when the
 * graph's `version` moves.
 *
 * @example
 * ```ts
 * const index = OpIndex.of(eg);
 * index.classesWith(plus); // classes having a (+ ...) node
 * ```
 */
export class OpIndex {
  private bySymbol: number[][] = [];
  private allClasses: number[] = [];
  /** The e-graph still to index, for an index built on first use (see `of`). */
  private pending: EGraph | undefined;

  private constructor(readonly version: number) {}

  /**
   * Index of the e-graph as it is now (the graph should be clean), built on first use: an incremental
   * search often needs only the indexes of the classes near changes, and a full one over 100k classes
   * cost as much as the searches themselves. The graph must not change before that first use.
   *
   * @example `OpIndex.of(eg)`
   */
  static of(eg: EGraph): OpIndex {
    const index = new OpIndex(eg.version);
    index.pending = eg;
    return index;
  }

  /**
   * Index of some canonical classes only, given ascending (an incremental search's candidates), or of
   * every class. @example `OpIndex.over(eg, [3, 8, 9])`
   */
  static over(eg: EGraph, classes: readonly number[] | undefined): OpIndex {
    const index = new OpIndex(eg.version);
    index.build(eg, classes);
    return index;
  }

  /** Every canonical class, for patterns whose root is a variable. */
  get all(): readonly number[] {
    if (this.pending !== undefined) this.build(this.pending, undefined);
    return this.allClasses;
  }

  /** Classes with at least one node of this symbol, ascending. @example `index.classesWith(plus)` */
  classesWith(symbol: SymbolId): readonly number[] {
    if (this.pending !== undefined) this.build(this.pending, undefined);
    return this.bySymbol[symbol] ?? [];
  }

  private build(eg: EGraph, classes: readonly number[] | undefined): void {
    this.pending = undefined;
    const sym = eg.nodes.sym;
    const lists = this.bySymbol;
    const all = this.allClasses;
    const n = classes === undefined ? eg.idCount : classes.length;
    for (let i = 0; i < n; i++) {
      const c = classes === undefined ? i : classes[i];
      const nodes = eg.classNodes[c];
      if (nodes === undefined || nodes.length === 0) continue;
      all.push(c);
      for (const e of nodes) {
        const s = sym[e];
        let list = lists[s];
        if (list === undefined) {
          list = [];
          lists[s] = list;
        }
        if (list.length === 0 || list[list.length - 1] !== c) list.push(c);
      }
    }
    for (let s = 0; s < lists.length; s++) if (lists[s] === undefined) lists[s] = [];
  }
}
