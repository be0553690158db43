/** Saturn's op table as an e-graph language, its analyses, and conversion to and from graphs. */
import { EGraph } from '../egraph.js';
import { TensorLanguage } from './language.js';
import { RangeAnalysis } from './range-analysis.js';
import { ReplacedNodes } from './replaced.js';
import { TypeAnalysis } from './type-analysis.js';
import { VALUE_SIZE_LIMIT, ValueAnalysis } from './value-analysis.js';

export { addGraph, buildGraph, type LoadedGraph, loadGraph } from './convert.js';
export { TensorLanguage, type TensorSymbol } from './language.js';
export { RangeAnalysis } from './range-analysis.js';
export { ReplacedNodes } from './replaced.js';
export { TypeAnalysis, unifyTypes } from './type-analysis.js';
export { VALUE_SIZE_LIMIT, ValueAnalysis } from './value-analysis.js';

/** An e-graph over the tensor language with its three analyses, ready for rules and extraction. */
export interface TensorEGraph {
  readonly egraph: EGraph;
  readonly lang: TensorLanguage;
  readonly types: TypeAnalysis;
  readonly values: ValueAnalysis;
  readonly ranges: RangeAnalysis;
  /** E-nodes that a replacing rule (stabilization) rewrote: valid, but never to be extracted. */
  readonly replaced: ReplacedNodes;
}

/** Options of a new tensor e-graph. */
export interface TensorEGraphOptions {
  /** Record explanations (see `EGraph`). */
  readonly explanations?: boolean;
  /**
   * Run the range analysis (default true). Off for an e-graph that is only extracted from by a cost
   * model that does not read ranges (the built-in ones): `ranges` is then not registered, and reading
   * it throws.
   */
  readonly ranges?: boolean;
}

/**
 * Creates an empty tensor e-graph.
 *
 * @example
 * const t = createTensorEGraph();
 * const [root] = addGraph(t.egraph, t.lang, [T.exp(T.vector('x'))]);
 * t.egraph.data(t.types, root) // { dtype: 'f32', shape: ['?x0'] }
 */
export function createTensorEGraph(options: TensorEGraphOptions = {}): TensorEGraph {
  const lang = new TensorLanguage();
  const types = new TypeAnalysis();
  const values = new ValueAnalysis(VALUE_SIZE_LIMIT, types);
  const ranges = new RangeAnalysis(types);
  const analyses = options.ranges === false ? [types, values] : [types, values, ranges];
  const egraph = new EGraph(lang, { analyses, explanations: options.explanations });
  const t = { egraph, lang, types, values, ranges, replaced: new ReplacedNodes() };
  owners.set(egraph, t);
  return t;
}

const owners = new WeakMap<EGraph, TensorEGraph>();

/**
 * The tensor e-graph an e-graph belongs to: rewrites built once serve every tensor e-graph, and find its
 * analyses through the e-graph they are applied to.
 *
 * @example tensorOf(createTensorEGraph().egraph).lang.size // 0
 */
export function tensorOf(egraph: EGraph): TensorEGraph {
  const t = owners.get(egraph);
  if (t === undefined) throw new Error('this e-graph was not made by createTensorEGraph');
  return t;
}
