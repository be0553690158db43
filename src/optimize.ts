/**
 * The optimizer pipeline: graph → e-graph (shared subexpressions merged) → the mode's phases of rule
 * saturation, each with its limits → DAG-aware extraction of the cheapest equivalent graph → constant
 * folding of what extraction chose → a new graph. Returns the graph and a report of what changed.
 */

import { productRewrites } from './egraph/ac-products.js';
import type { ENode } from './egraph/egraph.js';
import type { ClassId } from './egraph/ids.js';
import type { Rewrite } from './egraph/rewrite.js';
import type { StopReason } from './egraph/run.js';
import { checkLimit, LimitError, type RunOptions, Runner } from './egraph/run.js';
import {
  addGraph,
  buildGraph,
  createTensorEGraph,
  loadGraph,
  type TensorEGraph,
} from './egraph/tensor/index.js';
import { carryExtraction } from './egraph/tensor/carry.js';
import { type Choice, dagCostOf } from './extract/choice.js';
import { extractDag } from './extract/dag.js';
import { extractTree } from './extract/tree.js';
import { type NodeCost, nodeCountCost } from './extract/node-cost.js';
import { cpuCostModel, gpuCostModel } from './extract/tensor-cost.js';
import { OpError, OptionError } from './graph/errors.js';
import { DEFAULT_FOLD_LIMIT, foldConstants } from './graph/fold.js';
import { IdMap } from './graph/id-map.js';
import { countsAsOp, type Node } from './graph/node.js';
import { recordOptimized } from './provenance.js';
import {
  checkTags,
  type PhaseLimits,
  type PhaseSpec,
  type RuleLibrary,
  rulesForPhase,
  unknownModeMessage,
} from './rules/library.js';
import { defaultLibrary, libraryWithRules } from './rules/load.js';
import { RuleSet } from './rules/rule.js';
import { type AccuracyOptions, type AccuracyReport, optimizeAccuracy } from './accuracy/optimize-accuracy.js';

/** A cost model by name, or a function giving the node cost for one tensor e-graph. */
export type CostModel = 'cpu' | 'gpu' | 'count' | ((t: TensorEGraph) => NodeCost);

/** A node that a replacing (stabilizing) rule rewrote costs this much more, so it is never chosen. */
const REPLACED_PENALTY = 1e12;

/**
 * The node cost of a cost model for one tensor e-graph, with replaced nodes made prohibitive.
 *
 * @example extractDag(t.egraph, roots, nodeCostFor(t, 'cpu'))
 */
export function nodeCostFor(t: TensorEGraph, model: CostModel = 'cpu'): NodeCost {
  const base =
    model === 'cpu'
      ? cpuCostModel(t)
      : model === 'gpu'
        ? gpuCostModel(t)
        : model === 'count'
          ? nodeCountCost
          : customCost(t, model);
  return (eg, cls, node) => {
    const penalty = t.replaced.size > 0 && t.replaced.has(eg, node) ? REPLACED_PENALTY : 0;
    // A node of a small constant class is folded after extraction, so computing it costs (almost)
    // nothing — if folding will see it as constant: its arguments are constants, or it reads only their
    // type (`ones_like`). `x * 0` in the class of `zeros_like(x)` has a known value but is not folded.
    if (node.children.length > 0 && eg.data(t.values, cls) !== undefined && foldsAfterExtraction(t, node))
      return FOLDED_COST + penalty;
    return base(eg, cls, node) + penalty;
  };
}

/** A user's cost model, checked: an unknown name or a cost that is not a finite number ≥ 0 is an OptionError. */
function customCost(t: TensorEGraph, model: CostModel): NodeCost {
  if (typeof model !== 'function')
    throw new OptionError(
      `cost: unknown cost model ${JSON.stringify(model)} (expected 'cpu', 'gpu', 'count' or a function)`,
    );
  const cost = model(t);
  return (eg, cls, node) => {
    const c = cost(eg, cls, node);
    if (typeof c !== 'number' || !(c >= 0) || c === Infinity)
      throw new OptionError(
        `cost: the cost model returned ${String(c)} for an e-node of ${t.lang.tensorSymbol(node.symbol).def.name}; costs must be finite numbers >= 0`,
      );
    return c;
  };
}

/**
 * Above this many e-classes extraction is tree-cost greedy rather than DAG-aware (see extractChoice). The
 * DAG heuristic's sets grow with depth, so its cost is quadratic on deep graphs: at 4,000 it took a third
 * of optimize on the 10k-op random graph (3,250 classes at the end); at 2,000 that graph is extracted by
 * tree cost, 0.46-0.65x the CPU time, 3,060 ops instead of 3,045 (3,073 before the AC work).
 */
const DAG_EXTRACTION_LIMIT = 2000;

/** Cost of an op whose value is a small known constant: positive (extraction needs that), near zero. */
const FOLDED_COST = 1e-6;

/** Whether `foldConstants` folds this node once extracted: all its arguments are constant, or it is a constructor. */
function foldsAfterExtraction(t: TensorEGraph, node: ENode): boolean {
  if (t.lang.tensorSymbol(node.symbol).def.kind === 'constructor') return true;
  return node.children.every((c) => t.egraph.data(t.values, c) !== undefined);
}

/** The optimization modes every rule library defines. */
export type Mode = 'fast_run' | 'fast_compile' | 'none';

export interface OptimizeOptions extends AccuracyOptions {
  /**
   * `fast_run` (default) runs every phase; `fast_compile` cheap cleanup; `none` returns the graph as is;
   * `accuracy` chooses forms by measured floating-point error (`src/accuracy/`).
   */
  readonly mode?: Mode | string;
  /** Ruleset tags to run in every phase besides the mode's own. */
  readonly include?: readonly string[];
  /** Ruleset tags never to run (e.g. `unsafe`). */
  readonly exclude?: readonly string[];
  /**
   * Limits overriding the mode's: `iterations` and `nodes` for every phase, `timeMs` for the whole call
   * (every phase, the restarts' and the final extraction). Iterations and nodes are work limits, so the
   * result is the same on every machine; the time limit is a safety net, by default far above normal
   * runs ({@link SAFETY_TIME_MS}), and the report says so in `warnings` when it fires.
   */
  readonly limits?: PhaseLimits;
  /** The cost model: `cpu` (default), `gpu`, `count` (one per op), or a factory of node costs. */
  readonly cost?: CostModel;
  /** Record why each output equals its optimized form (slower). */
  readonly explain?: boolean;
  /**
   * Honour the mode's `restart=true` phases (default). Off, every phase runs on one e-graph, so an
   * explanation can reach from the input to the result.
   */
  readonly restarts?: boolean;
  /** The rules; defaults to the shipped `rules/` library (`defaultLibrary()`). */
  readonly library?: RuleLibrary;
  /** Rule files to load next to the shipped ones (`libraryWithRules`); ignored when `library` is given. */
  readonly rules?: readonly string[];
  /** Constants up to this many elements are folded (default `DEFAULT_FOLD_LIMIT`, 1024). */
  readonly foldLimit?: number;
}

/**
 * The default bound on one `optimize` call's time. Phases stop on work limits, which give the same
 * result on every machine; this wall-clock limit only keeps a runaway from running forever, and when
 * it fires the result depends on the machine's speed (the report's `warnings` say so).
 */
export const SAFETY_TIME_MS = 30_000;

/** The share of `timeMs` saturation may use; extraction has the rest. */
const SATURATION_SHARE = 0.75;

/** E-nodes a phase may add when neither the mode nor the caller sets a limit (egg's default limit). */
const DEFAULT_NODE_BUDGET = 10_000;

/** What one phase did. */
export interface PhaseReport {
  readonly name: string;
  readonly rulesets: readonly string[];
  readonly stopReason: StopReason;
  readonly iterations: number;
  readonly enodes: number;
  readonly eclasses: number;
  /**
   * The hashcons size this phase could reach: its e-nodes at start plus the phase's `nodes` budget
   * (10,000 when neither the mode nor the caller sets one). It holds within one right-hand side.
   */
  readonly nodeLimit: number;
  readonly ms: number;
}

/** What `optimize` changed, and where its time went. */
export interface OptimizeReport {
  readonly mode: string;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  readonly costBefore: number;
  readonly costAfter: number;
  /** Applications per rule (rules that never applied are left out). */
  readonly rules: Readonly<Record<string, number>>;
  readonly phases: readonly PhaseReport[];
  /** The stop reason of the last phase that ran (or `none`). */
  readonly stopReason: string;
  /**
   * Things the caller should know, e.g. that the time limit fired, so the result depends on the
   * machine's speed and load. Empty on a normal run.
   */
  readonly warnings?: readonly string[];
  /**
   * True when a stabilizing (replacing) rule rewrote part of the graph: the result may then cost more
   * than the input, since a numerically stable form is kept even where it is dearer.
   */
  readonly stabilized: boolean;
  /** Accuracy mode only: bits of error before and after, per output. */
  readonly accuracy?: AccuracyReport;
  readonly ms: {
    readonly build: number;
    readonly saturate: number;
    readonly extract: number;
    readonly total: number;
  };
}

export interface OptimizeResult {
  readonly outputs: Node[];
  readonly report: OptimizeReport;
}

/**
 * Counts op applications, as PyTensor counts apply nodes: inputs and constants are not counted.
 *
 * @example countOps([T.exp(T.vector('x'))]) // 1
 */
export function countOps(outputs: readonly Node[]): number {
  // A walk, not `topoSort`: counting needs no order, and sorting 100k nodes by id was most of its time.
  // The set holds ids, in typed arrays (`IdMap`): no entry object per node.
  const seen = new IdMap();
  const stack: Node[] = [];
  for (const o of outputs)
    if (!seen.has(o.id)) {
      seen.set(o.id, 1);
      stack.push(o);
    }
  let ops = 0;
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (countsAsOp(n.op)) ops++;
    for (const a of n.args) {
      if (seen.has(a.id)) continue;
      seen.set(a.id, 1);
      stack.push(a);
    }
  }
  return ops;
}

/**
 * Optimizes a graph with a rule library (the shipped one unless `library` or `rules` say otherwise).
 *
 * @example
 * const x = T.vector('x');
 * const { outputs, report } = optimize([T.log(T.add(1, T.exp(x)))]);
 * formatExpr(outputs[0]) // 'softplus(x)'
 */
export function optimize(outputs: Node | readonly Node[], options: OptimizeOptions = {}): OptimizeResult {
  const list = Array.isArray(outputs) ? [...(outputs as readonly Node[])] : [outputs as Node];
  checkLimits(options.limits, 'optimize limits');
  // Loading the rule files happens once per process and is not part of the optimization's time.
  const library = libraryOf(options);
  if (options.mode === 'accuracy') return optimizeAccuracy(list, { ...options, library });
  const t0 = performance.now();
  const timeMs = options.limits?.timeMs ?? SAFETY_TIME_MS;
  // Saturation stops at 75% of the time limit: the rest is kept for extracting from the e-graph it
  // grew (the linear extractor takes up to a quarter of the limit on a loaded machine).
  const deadline = t0 + SATURATION_SHARE * timeMs;
  const mode = options.mode ?? 'fast_run';
  const cost = options.cost ?? 'cpu';
  if (mode === 'none') {
    const nodesBefore = countOps(list);
    const costBefore = graphCost(list, cost);
    const total = performance.now() - t0;
    return {
      outputs: list,
      report: {
        mode,
        nodesBefore,
        nodesAfter: nodesBefore,
        costBefore,
        costAfter: costBefore,
        rules: {},
        phases: [],
        stopReason: 'none',
        warnings: [],
        stabilized: false,
        ms: { build: 0, saturate: 0, extract: 0, total },
      },
    };
  }
  const saturated = saturate(list, { ...options, library, mode }, deadline);
  const tSaturated = performance.now();
  const { t, roots, phases, applied, costBefore, opsBefore: nodesBefore } = saturated;

  // Past the deadline only the linear extractor runs, so the whole call stays near its time limit.
  const late = performance.now() > deadline;
  const extracted = extractResult(t, roots, cost, options.foldLimit, late ? 'tree' : 'dag');
  const tExtracted = performance.now();
  // Heuristic extraction and restarts can, rarely, end above where they started: then keep the input,
  // unless a stabilizing rule replaced part of it: a stable form is worth its cost.
  const extractedCost = extracted.cost;
  const stabilized = saturated.replacedNodes > 0;
  const optimized = extractedCost <= costBefore || stabilized ? extracted.outputs : list;
  const result: OptimizeResult = {
    outputs: optimized,
    report: {
      mode,
      nodesBefore,
      nodesAfter: optimized === list ? nodesBefore : extracted.ops,
      costBefore,
      costAfter: optimized === list ? costBefore : extractedCost,
      stabilized,
      rules: Object.fromEntries([...applied].sort((a, b) => b[1] - a[1])),
      phases,
      stopReason: phases.length ? phases[phases.length - 1].stopReason.kind : 'none',
      warnings: timeWarnings(phases, saturated.skipped, timeMs, late),
      ms: {
        build: saturated.buildMs,
        saturate: tSaturated - t0 - saturated.buildMs,
        extract: tExtracted - tSaturated,
        total: tExtracted - t0,
      },
    },
  };
  recordOptimized(optimized, { report: result.report, library, exclude: options.exclude ?? [] });
  return result;
}

/** A saturated tensor e-graph: the mode's phases have run on it; `roots` are the outputs' classes. */
export interface Saturated {
  readonly t: TensorEGraph;
  readonly roots: readonly ClassId[];
  /** The outputs' ids as added to this e-graph (exact terms, for explanations), before saturation. */
  readonly added: readonly ClassId[];
  readonly phases: readonly PhaseReport[];
  /** Applications per rule over all phases. */
  readonly applied: ReadonlyMap<string, number>;
  /** How many e-nodes replacing (stabilizing) rules marked, over all phases. */
  readonly replacedNodes: number;
  readonly buildMs: number;
  /** The DAG cost of the outputs as given (`graphCost`), taken from the e-graph before saturation. */
  readonly costBefore: number;
  /** The ops of the outputs as given (`countOps`), counted as they were loaded. */
  readonly opsBefore: number;
  /** Phases not run because the time limit had passed. */
  readonly skipped: readonly string[];
}

/**
 * Runs a mode's phases on a graph and returns the e-graph, for extraction, inspection (the rules
 * playground, `--dot`) and extractor benchmarks. `optimize` is `saturate` then extraction.
 *
 * @example const { t, roots } = saturate([T.exp(T.log(x))], { mode: 'fast_run' });
 */
export function saturate(
  outputs: readonly Node[],
  options: OptimizeOptions = {},
  deadline = performance.now() + SATURATION_SHARE * (options.limits?.timeMs ?? SAFETY_TIME_MS),
): Saturated {
  checkLimits(options.limits, 'optimize limits');
  const library = libraryOf(options);
  const mode = options.mode ?? 'fast_run';
  const cost = options.cost ?? 'cpu';
  const spec = mode === 'none' ? { name: 'none', phases: [] } : library.modes.get(mode);
  if (!spec) throw new OpError(unknownModeMessage(library, mode));
  checkTags(library, options);
  const t0 = performance.now();
  let t = createTensorEGraph({ explanations: options.explain });
  const loaded = loadGraph(t.egraph, t.lang, outputs);
  let added = loaded.roots;
  let roots = added;
  // The input's cost from this e-graph, as `graphCost` would build it again (a full pass on big graphs).
  t.egraph.rebuild();
  const costBefore = firstNodeCost(t, roots, cost);
  const buildMs = performance.now() - t0;
  const phases: PhaseReport[] = [];
  const applied = new Map<string, number>();
  let replacedNodes = 0;
  const skipped: string[] = [];
  for (const phase of spec.phases) {
    if (performance.now() > deadline) {
      skipped.push(phase.name);
      continue;
    }
    if (phase.restart && phases.length > 0 && options.restarts !== false) {
      replacedNodes += t.replaced.size;
      // The restart only seeds the next phase: tree-cost extraction is linear where the DAG heuristic
      // took 80% of fast_run on logistic regression (69 -> 55 ms, same 20 ops; random 1k-op graphs:
      // 525 -> 82 ms, 449 -> 523 ops, since sharing across the seed is not weighed).
      const choice = extractChoice(t, roots, cost, 'tree');
      const foldLimit = options.foldLimit ?? DEFAULT_FOLD_LIMIT;
      const carried = carryExtraction(t, roots, (c) => choice.nodeIndex(c), foldLimit, {
        explanations: options.explain,
      });
      if (carried !== undefined) {
        t = carried.t;
        added = carried.roots;
      } else {
        const current = buildFolded(t, roots, choice, foldLimit);
        t = createTensorEGraph({ explanations: options.explain });
        added = addGraph(t.egraph, t.lang, current);
      }
      roots = added;
    }
    const rules = rulesForPhase(library, phase, options);
    const native = nativeRewrites(phase.rulesets, options);
    const iterations = options.limits?.iterations ?? phase.limits.iterations;
    const nodes = options.limits?.nodes ?? phase.limits.nodes ?? DEFAULT_NODE_BUDGET;
    const before = performance.now();
    const nodeLimit = t.egraph.size + nodes;
    // The node limit is a budget of e-nodes the phase may add to the graph it starts from, so a graph
    // larger than the limit still gets its local rewrites (stabilization above all), and the work per
    // input op stays bounded on graphs of any size.
    const runOptions: RunOptions = {
      iterLimit: iterations,
      nodeLimit,
      timeLimitMs: phase.limits.timeMs ?? Number.POSITIVE_INFINITY,
      deadline,
      incremental: true,
    };
    phases.push(
      runPhase(t, phase, withNative(native, new RuleSet(rules).source(t)), runOptions, applied, before),
    );
  }
  replacedNodes += t.replaced.size;
  t.egraph.rebuild();
  return {
    t,
    roots: roots.map((r) => t.egraph.find(r)),
    added,
    phases,
    applied,
    replacedNodes,
    buildMs,
    costBefore,
    opsBefore: loaded.ops,
    skipped,
  };
}

/**
 * Rewrites written in code rather than in rule files, with the ruleset tags that select them as a rule
 * file's tags do: the AC-aware product canonizer (see `ac-products.ts`) runs with `algebra` and, like
 * every float regrouping, is `unsafe`.
 */
const NATIVE_RULES: readonly { tags: readonly string[]; rewrites: () => readonly Rewrite[] }[] = [
  { tags: ['algebra', 'unsafe'], rewrites: productRewrites },
];

function nativeRewrites(
  rulesets: readonly string[],
  options: { include?: readonly string[]; exclude?: readonly string[] },
): Rewrite[] {
  const wanted = new Set([...rulesets, ...(options.include ?? [])]);
  const excluded = new Set(options.exclude ?? []);
  return NATIVE_RULES.filter(
    (r) => r.tags.some((tag) => wanted.has(tag)) && !r.tags.some((tag) => excluded.has(tag)),
  ).flatMap((r) => r.rewrites());
}

/** The native rewrites first, then the rule files' (same objects each iteration, for the scheduler). */
/**
 * Saturates one phase of a mode on `t` under `runOptions` and reports it; each rule's applications are
 * added to `applied`. `optimize`'s phases and accuracy mode's share it.
 */
export function runPhase(
  t: TensorEGraph,
  phase: PhaseSpec,
  rules: () => readonly Rewrite[],
  runOptions: RunOptions,
  applied: Map<string, number>,
  started = performance.now(),
): PhaseReport {
  const run = new Runner(t.egraph, runOptions).run(rules);
  for (const it of run.iterations)
    for (const r of it.rules) if (r.applied > 0) applied.set(r.rule, (applied.get(r.rule) ?? 0) + r.applied);
  return {
    name: phase.name,
    rulesets: phase.rulesets,
    stopReason: run.stopReason,
    iterations: run.iterations.length,
    enodes: t.egraph.nodeCount(),
    eclasses: t.egraph.classCount,
    nodeLimit: runOptions.nodeLimit ?? Number.POSITIVE_INFINITY,
    ms: performance.now() - started,
  };
}

function withNative(native: readonly Rewrite[], source: () => readonly Rewrite[]): () => readonly Rewrite[] {
  if (native.length === 0) return source;
  let last: readonly Rewrite[] | undefined;
  let list: readonly Rewrite[] = [];
  return () => {
    const rules = source();
    if (rules !== last) {
      last = rules;
      list = [...native, ...rules];
    }
    return list;
  };
}

/** Validates user limits: NaN, negative or non-numeric values throw `LimitError`, naming the limit. */
function checkLimits(limits: PhaseLimits | undefined, where: string): void {
  if (limits === undefined) return;
  if (typeof limits !== 'object' || limits === null) checkLimit(limits, 'limits', where);
  for (const [name, value] of Object.entries(limits)) {
    if (name !== 'iterations' && name !== 'nodes' && name !== 'timeMs')
      throw new LimitError(`${where}: unknown limit '${name}' (limits: iterations, nodes, timeMs)`);
    if (value !== undefined) checkLimit(value, name, where);
  }
}

/** The loud part of the report: whether the wall-clock limit decided anything. */
function timeWarnings(
  phases: readonly PhaseReport[],
  skipped: readonly string[],
  timeMs: number,
  late: boolean,
): string[] {
  const warnings: string[] = [];
  const timed = phases.filter((p) => p.stopReason.kind === 'timeLimit').map((p) => p.name);
  if (timed.length > 0 || skipped.length > 0 || late) {
    const what = [
      ...(timed.length ? [`stopped phase ${timed.join(', ')}`] : []),
      ...(skipped.length ? [`skipped phase ${skipped.join(', ')}`] : []),
      ...(late ? ['forced the fast extractor'] : []),
    ];
    warnings.push(
      `TIME LIMIT: the ${timeMs} ms limit ${what.join('; ')}; this result depends on the machine's speed and load`,
    );
  }
  return warnings;
}

/** The library of the options: given, the shipped one with `rules` files, or the shipped one. */
function libraryOf(options: OptimizeOptions): RuleLibrary {
  if (options.library) return options.library;
  return options.rules?.length ? libraryWithRules(options.rules) : defaultLibrary();
}

/** The cheapest choice of a node per class for `roots`, by the DAG heuristic or by tree cost. */
function extractChoice(
  t: TensorEGraph,
  roots: readonly ClassId[],
  cost: CostModel,
  extractor: 'dag' | 'tree',
): Choice {
  // The DAG heuristic keeps a set of classes per class: quadratic on deep graphs (8 s at depth
  // 16,000). Above a few thousand classes the linear tree-cost extractor (egg's) takes over.
  const nodeCost = nodeCostFor(t, cost);
  return extractor === 'dag' && t.egraph.classCount <= DAG_EXTRACTION_LIMIT
    ? extractDag(t.egraph, roots, nodeCost).choice
    : extractTree(t.egraph, roots, nodeCost).choice;
}

/** Builds the chosen nodes as a graph and folds its small constant parts. */
function buildFolded(
  t: TensorEGraph,
  roots: readonly ClassId[],
  choice: ReadonlyMap<ClassId, ENode>,
  foldLimit = DEFAULT_FOLD_LIMIT,
): Node[] {
  const built = buildGraph(t.egraph, t.lang, roots, (c) => choice.get(t.egraph.find(c))!);
  return foldConstants(built, foldLimit);
}

/** The optimized graph, its DAG cost under the cost model, and its ops (`countOps`). */
interface ExtractedGraph {
  readonly outputs: Node[];
  readonly cost: number;
  readonly ops: number;
}

/**
 * Extracts the cheapest DAG for `roots`, folds its small constant parts and builds it as a graph. The
 * folded DAG is carried into a fresh e-graph first: its cost and op count are read there, where
 * `graphCost` and `countOps` would load the built graph again.
 */
function extractResult(
  t: TensorEGraph,
  roots: readonly ClassId[],
  cost: CostModel,
  foldLimit = DEFAULT_FOLD_LIMIT,
  extractor: 'dag' | 'tree' = 'dag',
): ExtractedGraph {
  const choice = extractChoice(t, roots, cost, extractor);
  // The carried e-graph is only priced and built: the built-in cost models read no ranges (a user's
  // model gets the whole tensor e-graph, ranges included).
  const carried = carryExtraction(t, roots, (c) => choice.nodeIndex(c), foldLimit, {
    ranges: typeof cost === 'function',
  });
  if (carried === undefined) {
    const outputs = buildFolded(t, roots, choice, foldLimit);
    return { outputs, cost: graphCost(outputs, cost), ops: countOps(outputs) };
  }
  const eg = carried.t.egraph;
  eg.rebuild();
  const outRoots = carried.roots.map((r) => eg.find(r));
  // Each class's one node, built once for both readers.
  const first: ENode[] = new Array(eg.idCount);
  const firstNode = (c: ClassId): ENode => (first[c] ??= eg.nodeAt(c, 0));
  const outputs = buildGraph(eg, carried.t.lang, outRoots, firstNode);
  return { outputs, cost: firstNodeCost(carried.t, outRoots, cost, firstNode), ops: carried.ops };
}

/**
 * The DAG cost of a graph under a node cost: each distinct node once.
 *
 * @example graphCost([T.exp(x)], 'count') // 1
 */
export function graphCost(outputs: readonly Node[], cost: CostModel = 'cpu'): number {
  const t = createTensorEGraph();
  const roots = addGraph(t.egraph, t.lang, outputs);
  t.egraph.rebuild();
  return firstNodeCost(t, roots, cost);
}

/** The DAG cost of a freshly loaded graph: each class holds the one node it was built from. */
function firstNodeCost(
  t: TensorEGraph,
  roots: readonly ClassId[],
  cost: CostModel,
  firstNode = (c: ClassId): ENode => t.egraph.nodeAt(c, 0),
): number {
  return dagCostOf(
    t.egraph,
    roots.map((r) => t.egraph.find(r)),
    firstNode,
    nodeCostFor(t, cost),
  );
}
