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
  /** Every node of every reachable class. */
  readonly nodes: readonly ENode[];
  /** Dense class of each node. */
  readonly nodeClass: Int32Array;
  /** Distinct dense child classes of node `e`: `kids[kidStart[e] .. kidStart[e + 1])`. */
  readonly kidStart: Int32Array;
  readonly kids: Int32Array;
  /** Cost of each node itself, checked finite and non-negative. */
  readonly cost: Float64Array;
  /** Nodes of each dense class. */
  readonly classNodes: readonly number[][];
  /** Nodes having each dense class among their children (each node listed once). */
  readonly parents: readonly number[][];
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
  const nodes: ENode[] = [];
  const nodeClassList: number[] = [];
  const kidStartList: number[] = [0];
  const kidList: number[] = [];
  const costList: number[] = [];
  const classNodes: number[][] = [];
  for (let ci = 0; ci < classes.length; ci++) {
    const cls = classes[ci];
    const own: number[] = [];
    for (const node of eg.nodesOf(cls)) {
      const e = nodes.length;
      nodes.push(node);
      own.push(e);
      nodeClassList.push(ci);
      costList.push(checkNodeCost(eg, cls, node, nodeCost(eg, cls, node)));
      const first = kidList.length;
      for (const k of node.children) {
        const ki = visit(k);
        let seen = false;
        for (let j = first; j < kidList.length; j++) seen ||= kidList[j] === ki;
        if (!seen) kidList.push(ki);
      }
      kidStartList.push(kidList.length);
    }
    classNodes.push(own);
  }
  const parents: number[][] = classes.map(() => []);
  for (let e = 0; e < nodes.length; e++) {
    for (let j = kidStartList[e]; j < kidStartList[e + 1]; j++) parents[kidList[j]].push(e);
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
    kids: Int32Array.from(kidList),
    cost: Float64Array.from(costList),
    classNodes,
    parents,
  };
}
