import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';

/**
 * For each symbol, the canonical classes containing a node with it, so a rule only visits classes that hold
 * its root op (egg's `classes_by_op`). Built in one pass over the nodes of a clean e-graph, or from the
 * index of an earlier state of it by redoing only the classes changed since (see `of`).
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
  /** A built index of an earlier state of `pending`, to update rather than rebuild. */
  private base: OpIndex | undefined;
  /** The graph's `dataClock` and `nodeRemovals` when this index was made: what an update starts from. */
  private constructor(
    readonly version: number,
    private readonly clock: number,
    private readonly removals: number,
  ) {}

  /**
   * Index of the e-graph as it is now (the graph should be clean), built on first use: an incremental
   * search often needs only the indexes of the classes near changes, and a full one over 100k classes
   * cost as much as the searches themselves. The graph must not change before that first use.
   *
   * Given the index of an earlier state of the same graph (last iteration's), it is built from that one
   * by redoing only the classes changed since: a full build reads every class's node list, and each of
   * the 20-odd iterations of a 100k-class graph changes a small part of it.
   *
   * @example `OpIndex.of(eg, lastIterationsIndex)`
   */
  static of(eg: EGraph, earlier?: OpIndex): OpIndex {
    const index = new OpIndex(eg.version, eg.dataClock, eg.nodeRemovals);
    index.pending = eg;
    // An earlier index never used was never built: update from the one it would have started from.
    index.base = earlier?.pending === undefined ? earlier : earlier.base;
    return index;
  }

  /**
   * Index of some canonical classes only, given ascending (an incremental search's candidates), or of
   * every class. @example `OpIndex.over(eg, [3, 8, 9])`
   */
  static over(eg: EGraph, classes: readonly number[] | undefined): OpIndex {
    const index = new OpIndex(eg.version, eg.dataClock, eg.nodeRemovals);
    index.build(eg, classes);
    return index;
  }

  /**
   * The index of the classes of two indexes of the same graph state, which share none. A search near
   * changes wants the classes within one level of them, then two, ...: each index extends the one before
   * by its new level instead of reading every class's nodes again. @example `OpIndex.joined(near, next)`
   */
  static joined(a: OpIndex, b: OpIndex): OpIndex {
    const index = new OpIndex(a.version, a.clock, a.removals);
    const keep = new Uint8Array(0);
    index.allClasses = mergeAscending(a.all, keep, b.all);
    const count = Math.max(a.bySymbol.length, b.bySymbol.length);
    for (let s = 0; s < count; s++)
      index.bySymbol.push(mergeAscending(a.bySymbol[s] ?? [], keep, b.bySymbol[s] ?? []));
    return index;
  }

  /** Every canonical class, for patterns whose root is a variable. */
  get all(): readonly number[] {
    if (this.pending !== undefined) this.settle(this.pending);
    return this.allClasses;
  }

  /** Classes with at least one node of this symbol, ascending. @example `index.classesWith(plus)` */
  classesWith(symbol: SymbolId): readonly number[] {
    if (this.pending !== undefined) this.settle(this.pending);
    return this.bySymbol[symbol] ?? [];
  }

  /** Builds the index on first use: from `base` when there is one, else from scratch. */
  private settle(eg: EGraph): void {
    const base = this.base;
    this.base = undefined;
    // Node removals (`retainNodes`) do not stamp their class, so an update could keep a stale entry.
    if (base === undefined || base.removals !== eg.nodeRemovals) this.build(eg, undefined);
    else this.update(eg, base);
  }

  /**
   * The index from `base`'s: a class's symbols change only when it is created or merged into, and both
   * stamp it (`changeStamp`), while a class merged away stops being a root. So the lists are `base`'s
   * without those two kinds of classes, merged with a build over the stamped ones, keeping them ascending.
   */
  private update(eg: EGraph, base: OpIndex): void {
    this.pending = undefined;
    const n = eg.idCount;
    const redo = new Uint8Array(n);
    const stamps = eg.changeStamp;
    const since = base.clock;
    const changed: number[] = [];
    for (let c = 0; c < n; c++)
      if (stamps[c] > since) {
        redo[c] = 1;
        changed.push(c);
      }
    for (const c of base.allClasses) if (eg.find(c as ClassId) !== c) redo[c] = 1;
    const fresh = OpIndex.over(eg, changed);
    this.allClasses = mergeAscending(base.allClasses, redo, fresh.allClasses);
    const lists = this.bySymbol;
    const count = Math.max(base.bySymbol.length, fresh.bySymbol.length);
    for (let s = 0; s < count; s++)
      lists.push(mergeAscending(base.bySymbol[s] ?? [], redo, fresh.bySymbol[s] ?? []));
  }

  private build(eg: EGraph, classes: readonly number[] | undefined): void {
    this.pending = undefined;
    const sym = eg.nodes.sym;
    const nodes = eg.classNodes;
    const lists = this.bySymbol;
    const all = this.allClasses;
    const n = classes === undefined ? eg.idCount : classes.length;
    for (let i = 0; i < n; i++) {
      const c = classes === undefined ? i : classes[i];
      if (nodes.count(c) === 0) continue;
      all.push(c);
      for (let j = 0; j < nodes.count(c); j++) {
        const s = sym[nodes.at(c, j)];
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

/**
 * `old` without the classes marked in `drop` (none past its end), merged with `added` (both ascending,
 * `added` holding no class of `old` left in): ascending. `old` itself when nothing is dropped or added, so
 * an unchanged list is shared rather than copied.
 */
function mergeAscending(old: readonly number[], drop: Uint8Array, added: readonly number[]): number[] {
  let kept = 0;
  for (const c of old) if (drop[c] !== 1) kept++;
  if (kept === old.length && added.length === 0) return old as number[];
  const out = new Array<number>(kept + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < old.length || j < added.length) {
    if (i < old.length && drop[old[i]] === 1) {
      i++;
      continue;
    }
    if (j >= added.length || (i < old.length && old[i] < added[j])) out[k++] = old[i++];
    else out[k++] = added[j++];
  }
  return out;
}
