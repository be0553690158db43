/**
 * `checkOptimizer`: the optimizer's contract as a property over random graphs. For each graph,
 * `optimize` must preserve values (under the tolerance rule of `compare.ts`), never raise the cost
 * (unless `report.stabilized`: a stable form is kept even where it is dearer),
 * stay within its phase limits, and (optionally) be idempotent in cost: optimizing the optimized graph
 * finds nothing costlier.
 */
import fc from 'fast-check';
import type { Node } from '../graph/node.js';
import { formatDecls, formatExpr } from '../graph/syntax/index.js';
import type { Tensor } from '../graph/tensor.js';
import { type CostModel, type Mode, type OptimizeReport, optimize } from '../optimize.js';
import type { PhaseLimits, RuleLibrary } from '../rules/library.js';
import { defaultLibrary } from '../rules/load.js';
import { compareOutputs, evaluateWithScale, type Mismatch, showTensor } from './compare.js';
import { randomInputs, valuesFor } from './inputs.js';
import { stabilizedBy } from '../provenance.js';

export { stabilizedBy };

/** What a graph arbitrary for {@link checkOptimizer} yields; `RandomGraph` from `arbGraph` is one. */
export interface GraphCase {
  readonly output: Node | readonly Node[];
  /** Input values; drawn at random (seeded by the run's seed) when absent. */
  readonly values?: Readonly<Record<string, Tensor>>;
}

/** Options of {@link checkOptimizer}; every field has a default. */
export interface CheckOptimizerOptions {
  /** Rules (default: the shipped library). */
  readonly library?: RuleLibrary;
  /** Default `fast_run`. */
  readonly mode?: Mode | string;
  /** Limits for every phase, overriding the mode's (keep them small in tests). */
  readonly limits?: PhaseLimits;
  readonly cost?: CostModel;
  readonly exclude?: readonly string[];
  /** Graphs to try (default 50). */
  readonly numRuns?: number;
  /** fast-check seed (default random); printed on failure with the path to replay. */
  readonly seed?: number;
  /** Replays one shrunk case: the `path` printed with a failure. */
  readonly path?: string;
  /** Relative tolerance; see `compare.ts`. */
  readonly rtol?: number;
  /** Compare only where the original is finite (see `CompareOptions.finiteOnly`); default false. */
  readonly finiteOnly?: boolean;
  /** Also require `optimize(optimize(g))` to cost no more than `optimize(g)` (default true). */
  readonly idempotent?: boolean;
  /**
   * A run may end above its node limit by what its last iteration added (limits are checked between
   * iterations, as in egg): e-nodes must stay within `nodeOvershoot` × the limit (default 2).
   */
  readonly nodeOvershoot?: number;
  /** Time limits may be exceeded by 10% plus this many ms of one search or apply step (default 50). */
  readonly timeSlackMs?: number;
}

/** The outcome of one graph: undefined when the contract held, else why not. */
export interface Violation {
  readonly what: string;
  readonly report: OptimizeReport;
  readonly optimized: readonly Node[];
  readonly inputs?: Readonly<Record<string, Tensor>>;
  readonly values?: { readonly original: readonly Tensor[]; readonly optimized: readonly Tensor[] };
}

/** A shrunk counterexample of {@link checkOptimizer}'s contract. */
export interface Counterexample {
  readonly graph: GraphCase;
  readonly violation: Violation;
  /** The fast-check seed and path that replay it. */
  readonly seed: number;
  readonly path: string;
  /** Graphs tried before the failure. */
  readonly numRuns: number;
  /** The full report: the violation, the shrunk graph, its inputs, both values and the rules applied. */
  readonly message: string;
}

/**
 * Like {@link checkOptimizer}, but returns the shrunk counterexample (or undefined) instead of throwing:
 * what the fuzzer saves as a regression fixture.
 *
 * @example const bad = findCounterexample(arbGraph(), { numRuns: 1000 }); if (bad) console.log(bad.message);
 */
export function findCounterexample(
  graphs: fc.Arbitrary<GraphCase>,
  options: CheckOptimizerOptions = {},
): Counterexample | undefined {
  const library = options.library ?? defaultLibrary();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  let lastFailure: { graph: GraphCase; violation: Violation } | undefined;
  const result = fc.check(
    fc.property(graphs, (graph) => {
      const violation = checkGraph(graph, library, seed, options);
      if (violation) lastFailure = { graph, violation };
      return violation === undefined;
    }),
    { numRuns: options.numRuns ?? 50, seed, path: options.path },
  );
  if (!result.failed) return undefined;
  // The shrunk counterexample is fast-check's last failing case; check it again for its details.
  const shrunk = result.counterexample?.[0] as GraphCase | undefined;
  const violation = shrunk ? checkGraph(shrunk, library, seed, options) : undefined;
  const failure = shrunk && violation ? { graph: shrunk, violation } : lastFailure;
  const path = result.counterexamplePath ?? '';
  const header = `checkOptimizer (mode ${options.mode ?? 'fast_run'}) failed after ${result.numRuns} graphs (seed ${seed}, path "${path}"; pass { seed, path } to replay)`;
  if (!failure) throw new Error(`${header}\n${result.errorInstance ?? 'the property threw'}`);
  const message = `${header}\n${describeViolation(failure.graph, failure.violation)}`;
  return { ...failure, seed, path, numRuns: result.numRuns, message };
}

/**
 * Checks the optimizer's contract on graphs drawn from `graphs`, shrinking a failure to a minimal graph.
 * Throws an `Error` whose message holds the shrunk graph (declarations and expression), its inputs, both
 * values, the optimized graph, the rules applied, the seed and the replay path.
 *
 * @example
 * import { arbGraph, checkOptimizer } from 'saturn/testing';
 * checkOptimizer(arbGraph({ maxSteps: 6 }), { mode: 'fast_run', numRuns: 100, seed: 42 });
 */
export function checkOptimizer(graphs: fc.Arbitrary<GraphCase>, options: CheckOptimizerOptions = {}): void {
  const failure = findCounterexample(graphs, options);
  if (failure) throw new Error(failure.message);
}

/**
 * Checks one graph against the contract; returns what went wrong, or undefined.
 *
 * @example checkGraph({ output: T.exp(T.log(x)) }, defaultLibrary(), 1, { mode: 'fast_run' }) // undefined
 */
export function checkGraph(
  graph: GraphCase,
  library: RuleLibrary,
  seed: number,
  options: CheckOptimizerOptions = {},
): Violation | undefined {
  const outputs: readonly Node[] = Array.isArray(graph.output) ? graph.output : [graph.output as Node];
  const mode = options.mode ?? 'fast_run';
  const run = (xs: readonly Node[]) =>
    optimize(xs, { library, mode, limits: options.limits, cost: options.cost, exclude: options.exclude });
  let result: ReturnType<typeof optimize>;
  try {
    result = run(outputs);
  } catch (e) {
    const empty: OptimizeReport = emptyReport(mode);
    return {
      what: `optimize threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      report: empty,
      optimized: [],
    };
  }
  const { report } = result;
  const optimized = result.outputs;
  const fail = (what: string, extra: Partial<Violation> = {}): Violation => ({
    what,
    report,
    optimized,
    ...extra,
  });

  // Cost is a sum of floats over a DAG: allow rounding in the last bits. A stabilized graph may cost
  // more (optimize keeps the numerically stable form even where it is dearer).
  if (!report.stabilized && report.costAfter > report.costBefore * (1 + 1e-9) + 1e-9)
    return fail(`cost rose from ${report.costBefore} to ${report.costAfter}`);

  const limitViolation = checkLimits(report, library, mode, options);
  if (limitViolation) return fail(limitViolation);

  const inputs = graph.values ?? randomInputs(outputs, seed, { domain: { min: -3, max: 3 } });
  let original: ReturnType<typeof evaluateWithScale>;
  let after: ReturnType<typeof evaluateWithScale>;
  try {
    original = evaluateWithScale(outputs, valuesFor(outputs, inputs));
  } catch {
    return undefined; // the graph itself cannot run on these inputs: nothing to compare
  }
  // Finite semantics promise agreement only where nothing along the way overflowed or left a domain.
  if (options.finiteOnly && !original.finite) return undefined;
  try {
    after = evaluateWithScale(optimized, valuesFor(optimized, inputs));
  } catch (e) {
    return fail(`the optimized graph fails to evaluate: ${e instanceof Error ? e.message : String(e)}`, {
      inputs,
    });
  }
  const allowStabilization = report.stabilized || stabilizedBy(library, report);
  const mismatch = compareOutputs(original.outputs, after.outputs, Math.max(original.scale, after.scale), {
    rtol: options.rtol,
    allowStabilization,
    finiteOnly: options.finiteOnly,
  });
  const values = { original: original.outputs, optimized: after.outputs };
  if (mismatch) return fail(describeMismatch(mismatch), { inputs, values });

  if (options.idempotent ?? true) {
    const again = run(optimized).report;
    if (again.costAfter > report.costAfter * (1 + 1e-9) + 1e-9)
      return fail(
        `optimizing the optimized graph raised the cost from ${report.costAfter} to ${again.costAfter}`,
      );
  }
  return undefined;
}

function checkLimits(
  report: OptimizeReport,
  library: RuleLibrary,
  mode: string,
  options: CheckOptimizerOptions,
): string | undefined {
  const spec = library.modes.get(mode);
  if (!spec) return undefined;
  const overshoot = options.nodeOvershoot ?? 2;
  const slack = options.timeSlackMs ?? 50;
  for (const [i, phase] of report.phases.entries()) {
    const limits = { ...spec.phases[i]?.limits, ...options.limits };
    if (limits.iterations !== undefined && phase.iterations > limits.iterations)
      return `phase ${phase.name} ran ${phase.iterations} iterations (limit ${limits.iterations})`;
    if (limits.nodes !== undefined && phase.enodes > overshoot * phase.nodeLimit)
      return `phase ${phase.name} ended with ${phase.enodes} e-nodes (limit ${phase.nodeLimit}, ${overshoot}× allowed)`;
    if (limits.timeMs !== undefined && phase.ms > 1.1 * limits.timeMs + slack)
      return `phase ${phase.name} took ${phase.ms.toFixed(0)} ms (limit ${limits.timeMs} ms)`;
  }
  return undefined;
}

function describeMismatch(m: Mismatch): string {
  const where =
    m.index < 0
      ? ''
      : ` element ${m.index}: expected ${m.expected}, got ${m.actual} (tolerance ${m.tolerance})`;
  return `values differ at output ${m.output}${where}: ${m.why}`;
}

function describeViolation(graph: GraphCase, v: Violation): string {
  const outputs: readonly Node[] = Array.isArray(graph.output) ? graph.output : [graph.output as Node];
  const rules = Object.entries(v.report.rules).map(([r, n]) => `${r}×${n}`);
  const lines = [
    v.what,
    'graph:',
    ...formatDecls(outputs)
      .split('\n')
      .filter((l) => l)
      .map((l) => `  ${l}`),
    `  ${formatExpr(outputs)}`,
    `optimized:\n  ${v.optimized.length ? formatExpr(v.optimized) : '(none)'}`,
    `rules applied: ${rules.join(', ') || 'none'}`,
    `phases: ${v.report.phases.map((p) => `${p.name} ${p.stopReason.kind} after ${p.iterations} it, ${p.enodes} e-nodes, ${p.ms.toFixed(0)} ms`).join('; ') || 'none'}`,
    `cost: ${v.report.costBefore} → ${v.report.costAfter}`,
  ];
  if (v.inputs)
    lines.push('inputs:', ...Object.entries(v.inputs).map(([n, t]) => `  ${n} = ${showTensor(t)}`));
  if (v.values)
    lines.push(
      'original values:',
      ...v.values.original.map((t) => `  ${showTensor(t)}`),
      'optimized values:',
      ...v.values.optimized.map((t) => `  ${showTensor(t)}`),
    );
  return lines.join('\n');
}

function emptyReport(mode: string): OptimizeReport {
  return {
    mode,
    nodesBefore: 0,
    nodesAfter: 0,
    costBefore: 0,
    costAfter: 0,
    rules: {},
    phases: [],
    stopReason: 'none',
    stabilized: false,
    ms: { build: 0, saturate: 0, extract: 0, total: 0 },
  };
}
