/**
 * Choices of one node per class, what every extractor returns, and their DAG cost: each class reachable
 * from the roots through chosen nodes counted once, however many parents share it.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import { checkNodeCost, type NodeCost } from './node-cost.js';
import type { ExtractionProblem } from './problem.js';

/**
 * A choice of one node per class: a read-only map from class to node, which also gives the chosen node's
 * index in the e-graph's node store, for readers that walk the store without a node object per class.
 */
export interface Choice extends ReadonlyMap<ClassId, ENode> {
  /** Store index (`eg.nodes`) of the node chosen for canonical class `cls`, or -1 when none is. */
  nodeIndex(cls: ClassId): number;
}

/** An extracted DAG: one node for every class reachable from the roots through chosen nodes, and its cost. */
export interface Extraction {
  /** Chosen node of each reachable canonical class; the chosen sub-graph is acyclic. */
  readonly choice: Choice;
  /** DAG cost: the sum of the chosen nodes' own costs, each class counted once. */
  readonly cost: number;
}

/**
 * The DAG cost of any choice (each class reachable from the roots through chosen nodes counted once), so
 * that choices made by different extractors compare on the same footing. Throws when a reachable class has
 * no chosen node or the chosen nodes form a cycle.
 *
 * @example
 * ```ts
 * const tree = extractTree(eg, [root], nodeCountCost);
 * dagCost(eg, [root], tree.choice, nodeCountCost) <= tree.cost; // sharing can only help
 * ```
 */
export function dagCost(
  eg: EGraph,
  roots: readonly ClassId[],
  choice: ReadonlyMap<ClassId, ENode>,
  nodeCost: NodeCost,
): number {
  return dagCostOf(eg, roots, (cls) => choice.get(cls), nodeCost);
}

/**
 * `dagCost` of the node `choose` gives each class (undefined: none chosen). State is a byte per class id
 * and the stack two arrays, so a pass over a 100k-class graph allocates no object per class (a Map and a
 * frame object per class were a fifth of loading a 100k-op graph, which prices it this way twice).
 *
 * @example dagCostOf(eg, [root], (c) => eg.nodesOf(c)[0], nodeCountCost)
 */
export function dagCostOf(
  eg: EGraph,
  roots: readonly ClassId[],
  choose: (cls: ClassId) => ENode | undefined,
  nodeCost: NodeCost,
): number {
  let total = 0;
  const state = new Uint8Array(eg.idCount); // 0: new, 1: on the DFS path, 2: done
  const stackNode: ENode[] = [];
  const stackCls: ClassId[] = [];
  const stackNext: number[] = [];
  const enter = (id: ClassId): void => {
    const cls = eg.find(id);
    const s = state[cls];
    if (s === 2) return;
    if (s === 1) throw new Error(`dagCost: the chosen nodes form a cycle through class ${cls}`);
    const node = choose(cls);
    if (node === undefined) throw new Error(`dagCost: no node chosen for reachable class ${cls}`);
    total += checkNodeCost(eg, cls, node, nodeCost(eg, cls, node));
    state[cls] = 1;
    stackNode.push(node);
    stackCls.push(cls);
    stackNext.push(0);
  };
  for (const root of roots) {
    enter(root);
    while (stackCls.length > 0) {
      const top = stackCls.length - 1;
      const node = stackNode[top];
      const next = stackNext[top];
      if (next < node.children.length) {
        stackNext[top] = next + 1;
        enter(node.children[next]);
      } else {
        state[stackCls[top]] = 2;
        stackNode.pop();
        stackCls.pop();
        stackNext.pop();
      }
    }
  }
  return total;
}

/**
 * A class on a cycle of the chosen sub-graph reachable from the roots (`pick` gives each dense class's node,
 * -1 for none), or -1 when it is acyclic. Throws when a reachable class has no node picked.
 */
export function findPickCycle(p: ExtractionProblem, pick: Int32Array): number {
  const state = new Uint8Array(p.classes.length); // 0: new, 1: on path, 2: done
  const stackCls: number[] = [];
  const stackNext: number[] = [];
  const enter = (c: number): number => {
    if (state[c] === 2) return -1;
    if (state[c] === 1) return c;
    if (pick[c] < 0) throw new Error(`class ${p.classes[c]} has no finite term`);
    state[c] = 1;
    stackCls.push(c);
    stackNext.push(p.kidStart[pick[c]]);
    return -1;
  };
  for (const r of p.roots) {
    const hit = enter(r);
    if (hit >= 0) return hit;
    while (stackCls.length > 0) {
      const top = stackCls.length - 1;
      const c = stackCls[top];
      const j = stackNext[top];
      if (j < p.kidStart[pick[c] + 1]) {
        stackNext[top] = j + 1;
        const cyc = enter(p.kids[j]);
        if (cyc >= 0) return cyc;
      } else {
        state[c] = 2;
        stackCls.pop();
        stackNext.pop();
      }
    }
  }
  return -1;
}

/** The extraction a pick stands for: the chosen node of each class reachable from the roots, and the DAG cost. */
export function pickToExtraction(p: ExtractionProblem, pick: Int32Array): Extraction {
  const byClass = new Int32Array(p.eg.idCount).fill(-1);
  const order: ClassId[] = [];
  const seen = new Uint8Array(p.classes.length);
  const stack = [...p.roots];
  let cost = 0;
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (seen[c]) continue;
    seen[c] = 1;
    const e = pick[c];
    byClass[p.classes[c]] = p.storeIndex[e];
    order.push(p.classes[c]);
    cost += p.cost[e];
    for (let j = p.kidStart[e]; j < p.kidStart[e + 1]; j++) if (!seen[p.kids[j]]) stack.push(p.kids[j]);
  }
  return { choice: new ChoiceMap(p.eg, byClass, order), cost };
}

/**
 * A choice as a read-only map over the chosen nodes' store indices by class id, iterating in the order the
 * classes were reached. A `Map` of every chosen class cost two hash-table insertions per class of a
 * 100k-class e-graph (and its growth), where an extraction's readers only look classes up; and a node
 * object is made only when asked for (the optimizer carries a choice through `nodeIndex` alone), then kept,
 * so that `get` gives the same object each time.
 */
class ChoiceMap implements Choice {
  private made: (ENode | undefined)[] | undefined;

  constructor(
    private readonly eg: EGraph,
    private readonly byClass: Int32Array,
    private readonly order: readonly ClassId[],
  ) {}

  get size(): number {
    return this.order.length;
  }

  nodeIndex(cls: ClassId): number {
    return cls < this.byClass.length ? this.byClass[cls] : -1;
  }

  get(cls: ClassId): ENode | undefined {
    const e = this.nodeIndex(cls);
    if (e < 0) return undefined;
    this.made ??= [];
    return (this.made[cls] ??= this.eg.enode(e));
  }

  has(cls: ClassId): boolean {
    return this.nodeIndex(cls) >= 0;
  }

  forEach(f: (node: ENode, cls: ClassId, map: ReadonlyMap<ClassId, ENode>) => void, thisArg?: unknown): void {
    for (const cls of this.order) f.call(thisArg, this.get(cls)!, cls, this);
  }

  *entries(): MapIterator<[ClassId, ENode]> {
    for (const cls of this.order) yield [cls, this.get(cls)!];
  }

  keys(): MapIterator<ClassId> {
    return this.order[Symbol.iterator]();
  }

  *values(): MapIterator<ENode> {
    for (const cls of this.order) yield this.get(cls)!;
  }

  [Symbol.iterator](): MapIterator<[ClassId, ENode]> {
    return this.entries();
  }
}
