/**
 * The part of an e-graph an extraction looks at: the classes reachable from the roots through any node,
 * renumbered densely, with every node priced once. The DAG, tree and exact extractors all work on it.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId, SymbolId } from '../egraph/ids.js';
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
  /** Every node of every reachable class. */
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
  // Flat arrays, no object or array per class: on a 100k-class e-graph, extracted twice per optimize,
  // a list of nodes and of parents per class was most of this function's garbage.
  const store = eg.nodes;
  const nodes: ENode[] = [];
  const nodeClassList: number[] = [];
  const classStartList: number[] = [0];
  const kidStartList: number[] = [0];
  const kidList: number[] = [];
  const costList: number[] = [];
  for (let ci = 0; ci < classes.length; ci++) {
    const cls = classes[ci];
    for (const e of eg.classNodes[cls]) {
      // The node as `nodesOf` gives it (canonical children), read from the store without its list.
      const symbol = store.sym[e] as SymbolId;
      const arity = eg.lang.arity(symbol);
      const s = store.start[e];
      const children: ClassId[] = new Array(arity);
      for (let i = 0; i < arity; i++) children[i] = eg.find(store.kids[s + i] as ClassId);
      const node: ENode = { symbol, children };
      nodes.push(node);
      nodeClassList.push(ci);
      costList.push(checkNodeCost(eg, cls, node, nodeCost(eg, cls, node)));
      const first = kidList.length;
      for (const k of children) {
        const ki = visit(k);
        let seen = false;
        for (let j = first; j < kidList.length; j++) seen ||= kidList[j] === ki;
        if (!seen) kidList.push(ki);
      }
      kidStartList.push(kidList.length);
    }
    classStartList.push(nodes.length);
  }
  // Parents by counting sort over the kid lists: ascending node order within each class.
  const kids = Int32Array.from(kidList);
  const parentStart = new Int32Array(classes.length + 1);
  for (let j = 0; j < kids.length; j++) parentStart[kids[j] + 1]++;
  for (let c = 0; c < classes.length; c++) parentStart[c + 1] += parentStart[c];
  const parentList = new Int32Array(kids.length);
  const fill = parentStart.slice(0, classes.length);
  for (let e = 0; e < nodes.length; e++) {
    for (let j = kidStartList[e]; j < kidStartList[e + 1]; j++) parentList[fill[kids[j]]++] = e;
  }
  let indexOf: Map<ClassId, number> | undefined;
  return {
    eg,
    classes,
    get indexOf() {
      return (indexOf ??= new Map(classes.map((c, i) => [c, i])));
    },
    roots: rootIdx,
    nodes,
    nodeClass: Int32Array.from(nodeClassList),
    kidStart: Int32Array.from(kidStartList),
    kids,
    cost: Float64Array.from(costList),
    classStart: Int32Array.from(classStartList),
    parentStart,
    parentList,
  };
}
