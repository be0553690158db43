import type { EGraph } from '../egraph/egraph.js';
import type { ClassId, SymbolId } from '../egraph/ids.js';
import type { Term } from '../egraph/term.js';
import type { CostFunction } from './cost.js';

/** The cheapest term of a class and its cost. */
export interface Extracted {
  readonly cost: number;
  readonly term: Term;
}

/**
 * egg's greedy bottom-up extractor: the best cost of every class is computed to a fixpoint (a node's cost from
 * its children's current best costs), then the best term is read off by following each class's best node.
 * With a strictly monotone cost the result is a finite tree; a cycle would mean a non-monotone cost and is
 * reported as an error rather than looped on.
 *
 * @example
 * ```ts
 * const ex = new GreedyExtractor(eg, astSize);
 * const { cost, term } = ex.findBest(root);
 * formatTerm(lang, term);
 * ```
 */
export class GreedyExtractor {
  private readonly cost: Float64Array;
  private readonly bestNode: Int32Array;
  private readonly memo = new Map<number, Term>();

  constructor(
    private readonly eg: EGraph,
    private readonly costFn: CostFunction,
  ) {
    if (!eg.isClean) throw new Error('extract from a rebuilt e-graph (call rebuild first)');
    this.cost = new Float64Array(eg.idCount).fill(Number.POSITIVE_INFINITY);
    this.bestNode = new Int32Array(eg.idCount).fill(-1);
    this.computeCosts();
  }

  /** Best cost of a class (Infinity when it has no finite term). @example `ex.bestCost(id)` */
  bestCost(id: ClassId): number {
    return this.cost[this.eg.find(id)];
  }

  /** The cheapest term of a class. @example `ex.findBest(id).term` */
  findBest(id: ClassId): Extracted {
    const cls = this.eg.find(id);
    const cost = this.cost[cls];
    if (!Number.isFinite(cost)) throw new Error(`class ${cls} has no finite term`);
    return { cost, term: this.build(cls, new Set()) };
  }

  private computeCosts(): void {
    const eg = this.eg;
    const store = eg.nodes;
    const classes = eg.classIds();
    // One child-cost array per arity, reused: resizing a single array on every node showed in profiles.
    const kidCostsByArity: number[][] = [];
    // Only classes with a child whose cost changed since they were last visited are visited again: a visit
    // that sees the same child costs changes nothing, so this is the plain fixpoint loop with the no-op
    // visits left out (same passes, same order, same choices).
    const dirty = new Uint8Array(eg.idCount).fill(1);
    let changed = true;
    while (changed) {
      changed = false;
      for (const cls of classes) {
        if (dirty[cls] === 0) continue;
        dirty[cls] = 0;
        let best = this.cost[cls];
        let bestNode = this.bestNode[cls];
        const nodes = eg.classNodes;
        for (let n = 0; n < nodes.count(cls); n++) {
          const e = nodes.at(cls, n);
          const arity = eg.lang.arity(store.sym[e] as SymbolId);
          const s = store.start[e];
          let kidCosts = kidCostsByArity[arity];
          if (kidCosts === undefined) {
            kidCosts = new Array<number>(arity).fill(0);
            kidCostsByArity[arity] = kidCosts;
          }
          let finite = true;
          for (let i = 0; i < arity; i++) {
            const c = this.cost[eg.find(store.kids[s + i] as ClassId)];
            if (c === Number.POSITIVE_INFINITY) {
              finite = false;
              break;
            }
            kidCosts[i] = c;
          }
          if (!finite) continue;
          const c = this.costFn(store.sym[e] as SymbolId, kidCosts);
          if (c < best) {
            best = c;
            bestNode = e;
          }
        }
        // On a lower cost, not only on a new best node: the best node's own cost drops when a child's does.
        if (best < this.cost[cls]) {
          this.cost[cls] = best;
          this.bestNode[cls] = bestNode;
          changed = true;
          const parents = eg.classParents;
          for (let p = 0; p < parents.count(cls); p++)
            dirty[eg.find(store.owner[parents.at(cls, p)] as ClassId)] = 1;
        }
      }
    }
  }

  private build(cls: number, onPath: Set<number>): Term {
    const known = this.memo.get(cls);
    if (known !== undefined) return known;
    if (onPath.has(cls))
      throw new Error(`extraction found a cycle through class ${cls}: is the cost monotone?`);
    onPath.add(cls);
    const store = this.eg.nodes;
    const e = this.bestNode[cls];
    const sym = store.sym[e] as SymbolId;
    const s = store.start[e];
    const children: Term[] = [];
    for (let i = 0; i < this.eg.lang.arity(sym); i++) {
      children.push(this.build(this.eg.find(store.kids[s + i] as ClassId), onPath));
    }
    onPath.delete(cls);
    const t: Term = { symbol: sym, children };
    this.memo.set(cls, t);
    return t;
  }
}
