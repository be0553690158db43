/**
 * The part of an e-graph an extraction looks at: the classes reachable from the roots through any node,
 * renumbered densely, with every node priced once. The DAG, tree and exact extractors all work on it.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import { checkNodeCost, type NodeCost } from './node-cost.js';

/** Classes reachable from the roots, densely numbered, with their nodes, parents and node costs. */
export interface ExtractionProblem {
  readonly eg: EGraph;
  /** Dense class index → canonical class id; the roots' classes come first. */
  readonly classes: readonly ClassId[];
  /** Canonical class id → dense index. */
  readonly indexOf: ReadonlyMap<ClassId, number>;
  /** Dense indices of the roots (repeats kept, in the caller's order). */
  readonly roots: readonly number[];
  /** Number of nodes: every node of every reachable class. */
  readonly nodeCount: number;
  /** Index in the e-graph's node store (`eg.nodes`) of each node. */
  readonly storeIndex: Int32Array;
  /** Node `e` as an object (made on each call: a problem keeps no object per node). */
  node(e: number): ENode;
  /** Every node as an object (made on first use; for tests and small problems). */
  readonly nodes: readonly ENode[];
  /** Dense class of each node. */
  readonly nodeClass: Int32Array;
  /** Distinct dense child classes of node `e`: `kids[kidStart[e] .. kidStart[e + 1])`. */
  readonly kidStart: Int32Array;
  readonly kids: Int32Array;
  /** Cost of each node itself, checked finite and non-negative. */
  readonly cost: Float64Array;
  /** Nodes of dense class `c` are numbered consecutively: `classStart[c] .. classStart[c + 1])`. */
  readonly classStart: Int32Array;
  /**
   * Nodes having dense class `c` among their children, each listed once, ascending:
   * `parentList[parentStart[c] .. parentStart[c + 1])`.
   */
  readonly parentStart: Int32Array;
  readonly parentList: Int32Array;
}

/**
 * Builds the problem for `roots` (the e-graph must be clean), pricing each node once with `nodeCost`.
 *
 * @example
 * ```ts
 * const p = buildProblem(eg, [root], nodeCountCost);
 * p.classes.length; // classes reachable from root
 * ```
 */
export function buildProblem(eg: EGraph, roots: readonly ClassId[], nodeCost: NodeCost): ExtractionProblem {
  if (!eg.isClean) throw new Error('extract from a rebuilt e-graph (call rebuild first)');
  const classes: ClassId[] = [];
  // Dense index by class id, -1 when not reached yet: a Map here was a fifth of extracting a 100k-class
  // graph. The Map of the result is built only if a caller reads it.
  const dense = new Int32Array(eg.idCount).fill(-1);
  const visit = (id: ClassId): number => {
    const c = eg.find(id);
    let i = dense[c];
    if (i < 0) {
      i = classes.length;
      dense[c] = i;
      classes.push(c);
    }
    return i;
  };
  const rootIdx = roots.map(visit);
  // Flat typed arrays, and no object per node: on a 100k-class e-graph, extracted twice per optimize, the
  // node objects and the growing lists were most of the garbage that survived into the old generation.
  // A node object is made for its cost only, and dies young; `node(e)` makes it again from the store.
  const bound = eg.nodeCount();
  const storeIndex = new Int32Array(bound);
  const nodeClass = new Int32Array(bound);
  const kidStart = new Int32Array(bound + 1);
  const cost = new Float64Array(bound);
  let kids = new Int32Array(2 * bound + 16);
  let kidCount = 0;
  const classStartList: number[] = [0];
  let count = 0;
  for (let ci = 0; ci < classes.length; ci++) {
    const cls = classes[ci];
    for (const e of eg.classNodes[cls]) {
      // The arrays are sized by the e-graph's node count, an invariant `check` verifies.
      if (count === bound) throw new Error(`invariant: classes hold more than nodeCount() ${bound} nodes`);
      const node = eg.enode(e);
      storeIndex[count] = e;
      nodeClass[count] = ci;
      cost[count] = checkNodeCost(eg, cls, node, nodeCost(eg, cls, node));
      const children = node.children;
      if (kidCount + children.length > kids.length) {
        const grown = new Int32Array(2 * (kidCount + children.length));
        grown.set(kids);
        kids = grown;
      }
      const first = kidCount;
      for (let i = 0; i < children.length; i++) {
        const ki = visit(children[i]);
        let seen = false;
        for (let j = first; j < kidCount; j++) seen ||= kids[j] === ki;
        if (!seen) kids[kidCount++] = ki;
      }
      count++;
      kidStart[count] = kidCount;
    }
    classStartList.push(count);
  }
  kids = kids.slice(0, kidCount);
  // Parents by counting sort over the kid lists: ascending node order within each class.
  const parentStart = new Int32Array(classes.length + 1);
  for (let j = 0; j < kids.length; j++) parentStart[kids[j] + 1]++;
  for (let c = 0; c < classes.length; c++) parentStart[c + 1] += parentStart[c];
  const parentList = new Int32Array(kids.length);
  const fill = parentStart.slice(0, classes.length);
  for (let e = 0; e < count; e++) {
    for (let j = kidStart[e]; j < kidStart[e + 1]; j++) parentList[fill[kids[j]]++] = e;
  }
  let indexOf: Map<ClassId, number> | undefined;
  let nodes: ENode[] | undefined;
  const node = (e: number): ENode => eg.enode(storeIndex[e]);
  return {
    eg,
    classes,
    get indexOf() {
      return (indexOf ??= new Map(classes.map((c, i) => [c, i])));
    },
    roots: rootIdx,
    nodeCount: count,
    storeIndex: storeIndex.subarray(0, count),
    node,
    get nodes() {
      return (nodes ??= Array.from({ length: count }, (_, e) => node(e)));
    },
    nodeClass: nodeClass.subarray(0, count),
    kidStart: kidStart.subarray(0, count + 1),
    kids,
    cost: cost.subarray(0, count),
    classStart: Int32Array.from(classStartList),
    parentStart,
    parentList,
  };
}
