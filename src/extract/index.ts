export { astSize, type CostFunction, treeCost } from './cost.js';
export { type Extracted, GreedyExtractor } from './greedy.js';
