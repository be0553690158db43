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
  private readonly bySymbol: number[][] = [];
  /** Every canonical class, for patterns whose root is a variable. */
  readonly all: number[] = [];
  private constructor(readonly version: number) {}

  /** Index of the e-graph as it is now (the graph should be clean). @example `OpIndex.of(eg)` */
  static of(eg: EGraph): OpIndex {
    return OpIndex.over(eg, undefined);
  }

  /**
   * Index of some canonical classes only, given ascending (an incremental search's candidates), or of
   * every class. @example `OpIndex.over(eg, [3, 8, 9])`
   */
  static over(eg: EGraph, classes: readonly number[] | undefined): OpIndex {
    const index = new OpIndex(eg.version);
    const sym = eg.nodes.sym;
    const lists = index.bySymbol;
    const n = classes === undefined ? eg.idCount : classes.length;
    for (let i = 0; i < n; i++) {
      const c = classes === undefined ? i : classes[i];
      const nodes = eg.classNodes[c];
      if (nodes === undefined || nodes.length === 0) continue;
      index.all.push(c);
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
    return index;
  }

  /** Classes with at least one node of this symbol, ascending. @example `index.classesWith(plus)` */
  classesWith(symbol: SymbolId): readonly number[] {
    return this.bySymbol[symbol] ?? [];
  }
}
