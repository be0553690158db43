/**
 * Costs of single e-nodes, for DAG extraction. Unlike the tree `CostFunction` of `cost.ts`, a `NodeCost` never
 * sees its children's costs: the extractor adds them up, counting each chosen class once, so a shared
 * sub-term costs what it costs to compute once.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId, SymbolId } from '../egraph/ids.js';

/**
 * The cost of one e-node itself, children excluded. It must be finite and non-negative, and positive for
 * every node that has children (so that extraction prefers fewer ops and a tree-cost choice is acyclic).
 *
 * @example
 * ```ts
 * const cost: NodeCost = (eg, _cls, node) => (eg.lang.op(node.symbol) === 'sin' ? 10 : 1);
 * extractDag(eg, [root], cost);
 * ```
 */
export type NodeCost = (eg: EGraph, classId: ClassId, node: ENode) => number;

/**
 * One per op application, nothing for leaves (nodes without children: inputs, constants, variables).
 *
 * @example `extractDag(eg, [root], nodeCountCost).cost // number of ops in the extracted DAG`
 */
export const nodeCountCost: NodeCost = (_eg, _classId, node) => (node.children.length === 0 ? 0 : 1);

/**
 * A cost given per symbol, whatever the class: egg's `treeCost` weights, read DAG-wise.
 *
 * @example `symbolWeightCost((s) => (lang.op(s) === 'd' ? 100 : 1))`
 */
export function symbolWeightCost(weight: (symbol: SymbolId) => number): NodeCost {
  return (_eg, _classId, node) => weight(node.symbol);
}

/**
 * Checks one cost value; throws a clear error for NaN, infinities, negatives, and zero on a node with
 * children. Extractors call it on every node they price.
 *
 * @example `checkNodeCost(eg, cls, node, cost(eg, cls, node))`
 */
export function checkNodeCost(eg: EGraph, classId: ClassId, node: ENode, cost: number): number {
  if (!Number.isFinite(cost) || cost < 0 || (cost === 0 && node.children.length > 0)) {
    const what = node.children.length > 0 ? 'positive and finite' : 'non-negative and finite';
    throw new Error(
      `node cost of ${eg.lang.name(node.symbol)} in class ${classId} is ${cost}; it must be ${what}`,
    );
  }
  return cost;
}
