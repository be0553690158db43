import type { SymbolId } from '../egraph/ids.js';

/**
 * Cost of a node given its children's best costs. Extraction needs it strictly monotone (a node costs more
 * than each of its children) so that the chosen terms are finite trees.
 *
 * @example `const size: CostFunction = (_s, kids) => kids.reduce((a, b) => a + b, 1)`
 */
export type CostFunction = (symbol: SymbolId, childCosts: readonly number[]) => number;

/** Number of nodes of the tree. @example `new GreedyExtractor(eg, astSize)` */
export const astSize: CostFunction = (_symbol, childCosts) => {
  let c = 1;
  for (const k of childCosts) c += k;
  return c;
};

/**
 * Tree cost with a weight per symbol: `weight(symbol) + Σ children`. Weights must be positive.
 *
 * @example `treeCost((s) => (lang.op(s) === 'd' ? 100 : 1))`
 */
export function treeCost(weight: (symbol: SymbolId) => number): CostFunction {
  return (symbol, childCosts) => {
    let c = weight(symbol);
    for (const k of childCosts) c += k;
    return c;
  };
}
