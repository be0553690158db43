/**
 * `saturn/testing`: property-based equivalence testing for Saturn graphs and rule libraries.
 *
 * - Arbitraries (fast-check): {@link arbDType}, {@link arbShape}, {@link arbBroadcastPair},
 *   {@link arbElement}, {@link arbTensor} with a {@link ValueDomain} (positive, nonzero, bounded, with or
 *   without NaN/Inf), and {@link arbGraph}: random well-typed graphs over the op table, bounded in depth
 *   and size, that shrink to a minimal failing graph.
 * - {@link assertEquivalent}: two graphs agree on random inputs, under a tolerance scaled by the
 *   magnitude of the intermediate values (the rule is documented in `compare.ts`).
 * - {@link checkOptimizer}: `optimize` preserves values, never raises the cost and respects its limits.
 *
 * fast-check is a peer of this entry point: install it beside Saturn to use `saturn/testing`.
 *
 * @example
 * import { arbGraph, assertEquivalent, checkOptimizer } from 'saturn/testing';
 * import { T } from 'saturn';
 *
 * // The optimizer's contract on 100 random graphs of up to 6 ops, reproducibly:
 * checkOptimizer(arbGraph({ maxSteps: 6, maxDim: 3 }), { mode: 'fast_run', numRuns: 100, seed: 42 });
 *
 * // Two formulations of one function:
 * const x = T.vector('x', 'f64');
 * assertEquivalent(T.log(T.sigmoid(x)), T.neg(T.softplus(T.neg(x))), { seed: 1 });
 */
export {
  arbBroadcastPair,
  arbDType,
  arbElement,
  arbShape,
  arbTensor,
  DOMAINS,
  type ShapeOptions,
  type ValueDomain,
} from './arbitraries.js';
export {
  type CheckOptimizerOptions,
  checkGraph,
  checkOptimizer,
  type Counterexample,
  findCounterexample,
  type GraphCase,
  stabilizedBy,
  type Violation,
} from './check-optimizer.js';
export {
  assertEquivalent,
  type CompareOptions,
  compareOutputs,
  describeFailure,
  EquivalenceError,
  type EquivalenceOptions,
  type Evaluation,
  evaluateWithScale,
  type Mismatch,
  showTensor,
} from './compare.js';
export { type RandomInputOptions, randomInputs, valuesFor } from './inputs.js';
export { mutateText } from './mutate.js';
export {
  arbGraph,
  buildGraph,
  prng,
  type RandomGraph,
  type RandomGraphOptions,
  RECIPES,
  type Recipe,
  type RecipeContext,
} from './random-graphs.js';
export {
  type Fixture,
  type OptimizerFixture,
  optimizerFixture,
  type RulesFixture,
  readFixtures,
  replayFixture,
  replayRules,
  saveFixture,
  type TensorJson,
  tensorFromJson,
  tensorToJson,
} from './regressions.js';
