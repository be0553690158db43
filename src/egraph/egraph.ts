import type { Analysis } from './analysis.js';
import { checkInvariants } from './check.js';
import { ClassLists } from './class-lists.js';
import { type Justification, ProofForest } from './explain.js';
import { asClassId, type ClassId, type SymbolId } from './ids.js';
import type { Language } from './language.js';
import { NodeStore } from './node-store.js';
import type { Term } from './term.js';
import { UnionFind } from './union-find.js';

/** Options of an e-graph: analyses to run (each gets its own data slot) and whether to record explanations. */
export interface EGraphOptions {
  readonly analyses?: readonly Analysis<unknown>[];
  readonly explanations?: boolean;
}

/** A node as seen from outside: its symbol and canonical child classes. */
export interface ENode {
  readonly symbol: SymbolId;
  readonly children: readonly ClassId[];
}

const CONGRUENCE: Justification = { kind: 'congruence' };
const USER: Justification = { kind: 'rule', rule: 'user' };

/**
 * An e-graph over one `Language`: a hashcons from canonical e-node to class, a union-find over class ids, and
 * per class its nodes, parents and analysis data. Unions are cheap and leave the graph non-canonical until
 * `rebuild` (egg's deferred rebuild) restores congruence and the hashcons in one pass.
 *
 * Nodes live in a `NodeStore` (flat typed arrays); a class lists its nodes and its parents as node indices,
 * in two `ClassLists` pools.
 *
 * @example
 * ```ts
 * const eg = new EGraph(lang);
 * const x = eg.add(lang.resolve('x', 0), []);
 * const y = eg.add(lang.resolve('y', 0), []);
 * const fx = eg.add(lang.resolve('sin', 1), [x]);
 * const fy = eg.add(lang.resolve('sin', 1), [y]);
 * eg.union(x, y);
 * eg.rebuild();
 * eg.find(fx) === eg.find(fy); // true, by congruence
 * ```
 */
export class EGraph {
  /** Canonical e-nodes and the hashcons over them. Read by the matcher and the extractor. @internal */
  readonly nodes = new NodeStore();
  /** Nodes (indices into `nodes`) of each canonical class, sorted by symbol once clean; empty for non-canonical ids. @internal */
  readonly classNodes = new ClassLists();
  /** Nodes having each canonical class as a child. @internal */
  readonly classParents = new ClassLists();
  /** Analysis data, one array per analysis, indexed by canonical class id. @internal */
  readonly analysisData: unknown[][];
  /** Proof forest, present when explanations are on. @internal */
  readonly explain: ProofForest | undefined;
  readonly analyses: readonly Analysis<unknown>[];
  private readonly uf = new UnionFind();
  private pending: number[] = [];
  /**
   * Nodes whose analysis data must be recomputed, first in first out and each at most once while
   * waiting (egg's unique queue): a change low in a deep graph reaches each ancestor once per wave
   * instead of once per path. `analysisQueued` marks the waiting nodes.
   */
  private analysisPending: number[] = [];
  private analysisHead = 0;
  private analysisQueued = new Uint8Array(256);
  private touched: number[] = [];
  private readonly merged: unknown[] = [];
  private readonly childScratch: ClassId[][] = [];
  private inMake = false;
  private scratch = new Int32Array(16);
  /** A class's nodes while they are sorted: a stable sort of a JS array, for the rare large class. */
  private sortScratch: number[] = [];
  private mark = new Uint32Array(256);
  private stamp = 0;
  private classMark = new Uint32Array(256);
  private classStamp = 0;
  private nClasses = 0;
  /** Sum of the classes' node list lengths, kept as lists change. */
  private nodeTotal = 0;
  /** Bumped on every change, so derived indexes (the op index) know when to refresh. */
  version = 0;
  /**
   * Bumped when `retainNodes` drops nodes from a class: the one change of a class's symbols that does not
   * stamp it (`changeStamp`), so an op index cannot be updated across it. @internal
   */
  nodeRemovals = 0;
  /**
   * A clock of analysis-data changes, and per canonical class the clock value of its last change: a
   * match a guard turned down is tried again only once one of its classes' data has moved past the
   * time it was refused (see `Rewrite.apply`). @internal
   */
  dataClock = 0;
  /**
   * Typed, like `changeStamp`: written for a few classes only, a plain array went to dictionary
   * elements. Replaced as ids are added: read it again after any change. @internal
   */
  dataStamp = new Int32Array(64);
  /**
   * Per canonical class, the `dataClock` value of its last change of any kind: created, merged into,
   * or its analysis data changed. An incremental search looks only near classes changed since the
   * previous one (see `RunOptions.incremental`). Replaced as ids are added. @internal
   */
  changeStamp = new Int32Array(64);

  constructor(
    readonly lang: Language,
    options: EGraphOptions = {},
  ) {
    this.analyses = options.analyses ?? [];
    this.analysisData = this.analyses.map(() => []);
    this.explain = options.explanations ? new ProofForest() : undefined;
  }

  /** Number of canonical e-classes. @example `eg.classCount` */
  get classCount(): number {
    return this.nClasses;
  }

  /** Number of e-nodes in the hashcons (egg's `total_size`), what node limits are checked against. */
  get size(): number {
    return this.nodes.live;
  }

  /** Number of ids ever created; ids are dense in `[0, idCount)`. @example `eg.idCount` */
  get idCount(): number {
    return this.uf.size;
  }

  /** Whether no union awaits `rebuild`. @example `eg.isClean` */
  get isClean(): boolean {
    return this.pending.length === 0 && this.analysisPending.length === 0 && this.touched.length === 0;
  }

  /** Canonical id of `id`'s class. @example `eg.find(a) === eg.find(b)` */
  find(id: ClassId): ClassId {
    return this.uf.find(id);
  }

  /** Adds an e-node (children are any ids of their classes) and returns its canonical class. @example `eg.add(plus, [a, b])` */
  add(symbol: SymbolId, children: readonly ClassId[]): ClassId {
    return this.uf.find(this.addUncanonical(symbol, children));
  }

  /**
   * Adds an e-node and returns the id that stands for exactly this node. Without explanations that is its
   * canonical class; with explanations it is a fresh id per distinct node as written, so proofs can name it.
   *
   * @example `const id = eg.addUncanonical(plus, [a, b])`
   */
  addUncanonical(symbol: SymbolId, children: ArrayLike<number>): ClassId {
    const arity = this.lang.arity(symbol);
    if (children.length !== arity) {
      throw new Error(`${this.lang.name(symbol)} takes ${arity} children, got ${children.length}`);
    }
    const explain = this.explain;
    if (explain !== undefined) {
      const known = explain.originals.lookup(symbol, children, arity);
      if (known >= 0) return asClassId(known);
    }
    if (arity > this.scratch.length) this.scratch = new Int32Array(arity * 2);
    const kids = this.scratch;
    for (let i = 0; i < arity; i++) kids[i] = this.uf.find(children[i]);
    if (explain === undefined) {
      const owner = this.nodes.lookupOwner(symbol, kids, arity);
      if (owner >= 0) return this.uf.find(owner);
    } else {
      const found = this.nodes.lookup(symbol, kids, arity);
      if (found >= 0) {
        const cls = this.uf.find(this.nodes.owner[found]);
        // A new id for this spelling of an existing node, joined to it by congruence; it owns no node itself.
        const id = this.uf.makeSet();
        this.addId(id);
        explain.addNode(symbol, children, arity, id);
        this.uf.union(cls, id);
        explain.union(id, this.nodes.owner[found], CONGRUENCE);
        return id;
      }
    }
    const id = this.uf.makeSet();
    this.addId(id);
    this.changeStamp[id] = ++this.dataClock;
    if (explain !== undefined) explain.addNode(symbol, children, arity, id);
    const e = this.nodes.push(symbol, kids, arity, id);
    this.nodes.insert(e, arity);
    this.classNodes.push(id, e);
    this.nodeTotal++;
    for (let i = 0; i < arity; i++) this.classParents.push(kids[i], e);
    this.nClasses++;
    this.version++;
    const analyses = this.analyses;
    if (analyses.length > 0) {
      // One child array per arity, reused unless a `make` is running (it could add nodes itself).
      let childIds = this.inMake ? undefined : this.childScratch[arity];
      if (childIds === undefined) {
        childIds = new Array<ClassId>(arity);
        if (!this.inMake) this.childScratch[arity] = childIds;
      }
      for (let i = 0; i < arity; i++) childIds[i] = kids[i] as ClassId;
      const outer = this.inMake;
      this.inMake = true;
      try {
        for (let k = 0; k < analyses.length; k++) {
          this.analysisData[k][id] = analyses[k].make(this, symbol, childIds);
        }
      } finally {
        this.inMake = outer;
      }
      for (const a of analyses) a.modify?.(this, id);
    }
    return id;
  }

  /**
   * Makes room for `extra` more nodes, for a caller about to add that many (loading a graph): the store
   * then grows once instead of by doubling. Only capacity changes.
   *
   * @example `eg.reserve(order.length)`
   */
  reserve(extra: number): void {
    this.nodes.reserve(extra);
    this.growStamps(this.uf.size + extra);
    // One node per new class; parents as many as children, about two per node in the graphs loaded.
    this.classNodes.reserve(this.uf.size + extra, extra);
    this.classParents.reserve(this.uf.size + extra, 2 * extra);
  }

  /** Adds a whole term bottom-up and returns its class. @example `eg.addTerm(parseTerm(lang, '(+ x 1)'))` */
  addTerm(term: Term): ClassId {
    return this.uf.find(this.addTermUncanonical(term));
  }

  /** Like `addTerm`, but returns the id standing for exactly this term (see `addUncanonical`). */
  addTermUncanonical(term: Term): ClassId {
    const kids = term.children.map((c) => this.addTermUncanonical(c));
    return this.addUncanonical(term.symbol, kids);
  }

  /** Class of an e-node if present (the graph should be clean), else undefined. @example `eg.lookup(plus, [a, b])` */
  lookup(symbol: SymbolId, children: readonly ClassId[]): ClassId | undefined {
    const kids = children.map((c) => this.uf.find(c));
    const e = this.nodes.lookup(symbol, kids, kids.length);
    return e < 0 ? undefined : this.uf.find(this.nodes.owner[e]);
  }

  /** Class of a whole term if every node of it is present, else undefined. @example `eg.lookupTerm(t)` */
  lookupTerm(term: Term): ClassId | undefined {
    const kids: ClassId[] = [];
    for (const c of term.children) {
      const k = this.lookupTerm(c);
      if (k === undefined) return undefined;
      kids.push(k);
    }
    return this.lookup(term.symbol, kids);
  }

  /** Analysis data of a class for one of this graph's analyses. @example `eg.data(constants, id)` */
  data<D>(analysis: Analysis<D>, id: ClassId): D {
    return this.dataOf(analysis)[this.uf.find(id)];
  }

  /**
   * The data of one analysis, indexed by canonical class id: for readers that look up many classes in a
   * row (a pattern literal's range test runs on every candidate class of every search). @internal
   */
  dataOf<D>(analysis: Analysis<D>): readonly D[] {
    const k = this.analyses.indexOf(analysis as Analysis<unknown>);
    if (k < 0) throw new Error(`analysis '${analysis.name}' is not registered with this e-graph`);
    return this.analysisData[k] as D[];
  }

  /** The nodes of a class, as objects (allocates; hot code reads `nodes` directly). @example `eg.nodesOf(id)` */
  nodesOf(id: ClassId): ENode[] {
    const cls = this.uf.find(id);
    const lists = this.classNodes;
    const out: ENode[] = [];
    for (let i = 0; i < lists.count(cls); i++) out.push(this.enode(lists.at(cls, i)));
    return out;
  }

  /**
   * The `i`th node of a class as an object: `nodesOf(id)[i]` without building the others (a freshly
   * loaded e-graph is read through the one node of each class). Throws a `RangeError` past the class's
   * nodes, which would otherwise read another class's list in the shared pool.
   *
   * @example `eg.nodeAt(id, 0)`
   */
  nodeAt(id: ClassId, i: number): ENode {
    const cls = this.uf.find(id);
    if (i < 0 || i >= this.classNodes.count(cls)) throw new RangeError(`class ${cls} has no node ${i}`);
    return this.enode(this.classNodes.at(cls, i));
  }

  /**
   * Node `e` of the store (an index from `classNodes`) as an object with canonical children. Plain loops:
   * extraction asks this of every node, and a typed-array view per node was most of it. @internal
   */
  enode(e: number): ENode {
    const store = this.nodes;
    const symbol = store.sym[e] as SymbolId;
    const arity = this.lang.arity(symbol);
    const s = store.start[e];
    const children: ClassId[] = new Array(arity);
    for (let i = 0; i < arity; i++) children[i] = this.uf.find(store.kids[s + i] as ClassId);
    return { symbol, children };
  }

  /** All canonical class ids, ascending. @example `for (const id of eg.classIds()) ...` */
  classIds(): ClassId[] {
    const out: ClassId[] = [];
    for (let i = 0; i < this.uf.size; i++) if (this.uf.isRoot(i)) out.push(asClassId(i));
    return out;
  }

  /** Total nodes over all classes (egg's `total_number_of_nodes`). @example `eg.nodeCount()` */
  nodeCount(): number {
    return this.nodeTotal;
  }

  /** Keeps only the nodes of a class that satisfy `keep`; they stay in the hashcons. Used by analyses' modify. */
  retainNodes(id: ClassId, keep: (symbol: SymbolId) => boolean): void {
    const cls = this.uf.find(id);
    const lists = this.classNodes;
    const before = lists.count(cls);
    let n = 0;
    for (let i = 0; i < before; i++) {
      const e = lists.at(cls, i);
      if (keep(this.nodes.sym[e] as SymbolId)) lists.set(cls, n++, e);
    }
    lists.truncate(cls, n);
    this.nodeTotal -= before - n;
    if (n !== before) this.nodeRemovals++;
    this.version++;
  }

  /**
   * Merges the classes of `a` and `b`; returns false when already equal. With explanations on, `why` is recorded
   * between exactly `a` and `b` (so pass the ids of the two terms the reason talks about). Congruence is
   * restored only by `rebuild`. Throws (leaving the graph unchanged) when an analysis refuses the merge.
   *
   * @example `eg.union(a, b, { kind: 'rule', rule: 'comm-add' })`
   */
  union(a: ClassId, b: ClassId, why: Justification = USER): boolean {
    let ra = this.uf.find(a);
    let rb = this.uf.find(b);
    if (ra === rb) return false;
    const analyses = this.analyses;
    // Reused: merged values are all read before `modify` runs, the only place a nested union can start.
    const merged = this.merged;
    for (let k = 0; k < analyses.length; k++) {
      merged[k] = analyses[k].merge(this.analysisData[k][ra], this.analysisData[k][rb]);
    }
    this.explain?.union(a, b, why);
    // The class with more parents absorbs the other's: fewer to copy.
    const parents = this.classParents;
    if (parents.count(ra) < parents.count(rb)) [ra, rb] = [rb, ra];
    this.uf.union(ra, rb);
    for (let k = 0; k < analyses.length; k++) {
      const data = this.analysisData[k];
      const m = merged[k];
      if (!analyses[k].same(m, data[ra])) {
        this.dataStamp[ra] = this.changeStamp[ra] = ++this.dataClock;
        for (let i = 0; i < parents.count(ra); i++) this.queueAnalysis(parents.at(ra, i));
      }
      if (!analyses[k].same(m, data[rb])) {
        for (let i = 0; i < parents.count(rb); i++) this.queueAnalysis(parents.at(rb, i));
      }
      data[ra] = m;
      data[rb] = undefined;
      merged[k] = undefined;
    }
    for (let i = 0; i < parents.count(rb); i++) this.pending.push(parents.at(rb, i));
    this.classNodes.appendAndFree(ra, rb);
    parents.appendAndFree(ra, rb);
    this.touched.push(ra);
    this.changeStamp[ra] = ++this.dataClock;
    this.nClasses--;
    this.version++;
    for (const an of analyses) an.modify?.(this, ra);
    return true;
  }

  /**
   * Restores the invariants after unions: re-canonicalizes the parents of merged classes in the hashcons,
   * merges classes found congruent (repeating until none), re-propagates analysis data, and drops duplicate
   * nodes from classes. Returns the number of congruence unions it made.
   *
   * @example
   * ```ts
   * eg.union(a, b);
   * eg.rebuild();
   * eg.check();
   * ```
   */
  rebuild(): number {
    const store = this.nodes;
    const lang = this.lang;
    let unions = 0;
    while (this.pending.length > 0 || this.analysisHead < this.analysisPending.length) {
      let e = this.pending.pop();
      while (e !== undefined) {
        if (store.dead[e] === 0) {
          const arity = lang.arity(store.sym[e] as SymbolId);
          store.remove(e, arity);
          const s = store.start[e];
          const kids = store.kids;
          for (let i = 0; i < arity; i++) kids[s + i] = this.uf.find(kids[s + i]);
          const f = store.lookupNode(e, arity);
          if (f >= 0) {
            store.dead[e] = 1;
            // Its class must drop it even when the union is a no-op (both nodes already in one class):
            // a dead node left in a class list would be matched twice.
            this.touched.push(store.owner[e]);
            if (this.union(asClassId(store.owner[f]), asClassId(store.owner[e]), CONGRUENCE)) unions++;
          } else {
            store.insert(e, arity);
          }
        }
        e = this.pending.pop();
      }
      const queue = this.analysisPending;
      while (this.analysisHead < queue.length) {
        const a = queue[this.analysisHead++];
        this.analysisQueued[a] = 0;
        if (store.dead[a] === 0) this.repairAnalyses(a);
      }
      queue.length = 0;
      this.analysisHead = 0;
    }
    this.rebuildClasses();
    return unions;
  }

  /** Verifies the invariants (canonical nodes, complete hashcons, congruence); throws on a violation. */
  check(): void {
    checkInvariants(this);
  }

  /** Makes room for a new id's lists and stamps (empty, 0). */
  private addId(id: number): void {
    this.classNodes.addClass(id);
    this.classParents.addClass(id);
    if (id >= this.changeStamp.length) this.growStamps(id + 1);
  }

  private growStamps(atLeast: number): void {
    let n = this.changeStamp.length;
    if (n >= atLeast) return;
    while (n < atLeast) n *= 2;
    const change = new Int32Array(n);
    change.set(this.changeStamp);
    this.changeStamp = change;
    const data = new Int32Array(n);
    data.set(this.dataStamp);
    this.dataStamp = data;
  }

  private queueAnalysis(e: number): void {
    if (e >= this.analysisQueued.length) {
      const grown = new Uint8Array(Math.max(e + 1, this.analysisQueued.length * 2));
      grown.set(this.analysisQueued);
      this.analysisQueued = grown;
    }
    if (this.analysisQueued[e] !== 0) return;
    this.analysisQueued[e] = 1;
    this.analysisPending.push(e);
  }

  private repairAnalyses(e: number): void {
    const store = this.nodes;
    const sym = store.sym[e] as SymbolId;
    const arity = this.lang.arity(sym);
    const s = store.start[e];
    const kids: ClassId[] = [];
    for (let i = 0; i < arity; i++) kids.push(this.uf.find(store.kids[s + i]));
    const cls = this.uf.find(store.owner[e]);
    for (let k = 0; k < this.analyses.length; k++) {
      const an = this.analyses[k];
      const data = this.analysisData[k];
      const old = data[cls];
      const m = an.merge(old, an.make(this, sym, kids));
      if (an.same(m, old)) continue;
      data[cls] = m;
      this.dataStamp[cls] = this.changeStamp[cls] = ++this.dataClock;
      const parents = this.classParents;
      for (let i = 0; i < parents.count(cls); i++) this.queueAnalysis(parents.at(cls, i));
      an.modify?.(this, cls);
    }
  }

  /**
   * Drops dead (congruent duplicate) nodes and duplicate parents from classes touched since the last rebuild,
   * and sorts each such class's nodes by symbol so the matcher can binary-search the nodes of one op.
   */
  private rebuildClasses(): void {
    const store = this.nodes;
    const dead = store.dead;
    const sym = store.sym;
    if (this.classMark.length < this.uf.size) this.classMark = new Uint32Array(this.uf.size * 2);
    if (this.mark.length < store.count) this.mark = new Uint32Array(store.sym.length);
    const stamp = ++this.classStamp;
    const touched = this.touched;
    for (let t = 0; t < touched.length; t++) {
      const cls = this.uf.find(touched[t]);
      if (this.classMark[cls] === stamp) continue;
      this.classMark[cls] = stamp;
      // In place, in the class's segment of the pool.
      const lists = this.classNodes;
      const nodes = lists.data;
      const from = lists.start[cls];
      const count = lists.count(cls);
      let to = from;
      for (let i = from; i < from + count; i++) if (dead[nodes[i]] === 0) nodes[to++] = nodes[i];
      const n = to - from;
      this.nodeTotal -= count - n;
      lists.truncate(cls, n);
      if (n > 32) {
        // Array.prototype.sort is stable, as the insertion sort below (a typed array's sort need not be).
        const big = this.sortScratch;
        big.length = n;
        for (let i = 0; i < n; i++) big[i] = nodes[from + i];
        big.sort((x, y) => sym[x] - sym[y]);
        for (let i = 0; i < n; i++) nodes[from + i] = big[i];
      } else {
        // Insertion sort: most classes are small.
        for (let i = from + 1; i < to; i++) {
          const e = nodes[i];
          let j = i;
          while (j > from && sym[nodes[j - 1]] > sym[e]) {
            nodes[j] = nodes[j - 1];
            j--;
          }
          nodes[j] = e;
        }
      }
      this.dedupLive(cls);
    }
    touched.length = 0;
  }

  /** Drops dead nodes and repeats from a class's parent list, in place. */
  private dedupLive(cls: number): void {
    const stamp = ++this.stamp;
    const dead = this.nodes.dead;
    const mark = this.mark;
    const lists = this.classParents;
    const list = lists.data;
    const from = lists.start[cls];
    const end = from + lists.count(cls);
    let to = from;
    for (let i = from; i < end; i++) {
      const e = list[i];
      if (dead[e] !== 0 || mark[e] === stamp) continue;
      mark[e] = stamp;
      list[to++] = e;
    }
    lists.truncate(cls, to - from);
  }
}
