/**
 * Accuracy mode, Herbie inside equality saturation: saturate with the accuracy ruleset, measure every
 * e-class's forms on points sampled over the declared domain against the exact reference, extract per
 * class the form with the least error (ties by cost), split into regimes where no form wins everywhere,
 * and keep the result only where points it was not chosen on say it is at least as accurate as the input.
 */
import type { ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import { addGraph, buildGraph, createTensorEGraph, type TensorEGraph } from '../egraph/tensor/index.js';
import { cpuCostModel } from '../extract/tensor-cost.js';
import { apply, constant } from '../graph/apply.js';
import { isFloat } from '../graph/dtype.js';
import { OpError } from '../graph/errors.js';
import { getOp } from '../graph/op-table.js';
import type { Node } from '../graph/node.js';
import { topoSort } from '../graph/topo.js';
import {
  countOps,
  graphCost,
  type OptimizeOptions,
  type OptimizeResult,
  type PhaseReport,
  runPhase,
} from '../optimize.js';
import type { RuleLibrary } from '../rules/library.js';
import { rulesForPhase } from '../rules/library.js';
import { RuleSet } from '../rules/rule.js';
import { errorsOf, extractAccurate, type Measurements, reaches, termValues } from './extract.js';
import { drawPoints, graphErrors, inputVectors, mean, prepare } from './measure.js';
import { inferRegimes } from './regimes.js';
import { type Domain, type Point, pointSampler } from './sample.js';
import type { ScalarNode } from './scalar-node.js';
import type { FloatDType } from './ulps.js';

/** Options of accuracy mode (fields of `optimize`'s options). */
export interface AccuracyOptions {
  /** Each input variable's interval, e.g. `{ x: [1e-10, 1e10] }`; undeclared variables take every finite float. */
  readonly domain?: Domain;
  /** Points sampled to choose forms, and as many again to judge the result (default 128). */
  readonly samples?: number;
  /** Seed of the sampler (default 1): the same seed gives the same points and the same result. */
  readonly seed?: number;
}

/** One output's error before and after, in bits (mean over the judging points). */
export interface OutputAccuracy {
  readonly bitsBefore: number;
  readonly bitsAfter: number;
  /** The judging points where the input was least accurate, worst first. */
  readonly worst: readonly { readonly point: Point; readonly bits: number }[];
  /** The variable the result branches on, where it is split into regimes. */
  readonly regimesOn?: string;
}

/** What accuracy mode measured. */
export interface AccuracyReport {
  readonly outputs: readonly OutputAccuracy[];
  /** Points used to choose forms, and to judge them. */
  readonly samples: { readonly choose: number; readonly judge: number };
}

/** Herbie chooses on 256 points; the decimal reference's exp and sin (0.2–1 ms each) make 128 the default. */
const DEFAULT_SAMPLES = 128;
/** The judging points shown per output. */
const WORST_SHOWN = 3;
/** A phase's node budget where neither the mode nor the caller sets one (optimize's default). */
const DEFAULT_NODE_BUDGET = 10_000;
/** Root candidates kept for regime inference. */
const MAX_CANDIDATES = 8;

type Entry = { readonly node: ENode; readonly sn: ScalarNode };

/**
 * Optimizes for accuracy (`optimize(out, { mode: 'accuracy', domain })` lands here).
 *
 * @example
 * const x = T.scalar('x', 'f64');
 * const { outputs, report } = optimizeAccuracy([T.sub(T.sqrt(T.add(x, 1)), T.sqrt(x))], { library, domain: { x: [0, 1e15] } });
 * report.accuracy.outputs[0] // { bitsBefore: 29.…, bitsAfter: 0.… }
 */
export function optimizeAccuracy(
  list: readonly Node[],
  options: OptimizeOptions & { readonly library: RuleLibrary },
): OptimizeResult {
  const t0 = performance.now();
  const variables = checkGraph(list, options.domain ?? {});
  const names = Object.keys(variables);
  const n = options.samples ?? DEFAULT_SAMPLES;
  if (!Number.isInteger(n) || n < 8)
    throw new OpError(`accuracy mode: samples must be an integer >= 8, got ${n}`);

  const tBuilt = performance.now();
  const { t, roots, phases, applied } = saturateAccuracy(list, options);
  const tSaturated = performance.now();

  // Points and exact values come from the saturated e-graph, whose classes hold non-cancelling forms
  // for the reference to use (see reference.ts): half choose the forms, half judge the result.
  const m = prepare(t);
  const draw = pointSampler(variables, options.domain ?? {}, options.seed ?? 1);
  const { points, exact } = drawPoints(m, roots, draw, 2 * n, n);
  if (points.length < 16)
    throw new OpError(
      `accuracy mode: only ${points.length} of ${40 * n} sampled points have finite outputs; narrow the domain`,
    );
  const half = Math.min(n, points.length >> 1);
  const choose = points.slice(0, half);
  const judge = points.slice(half);
  const vectors = (from: readonly Map<ClassId, number>[], c: ClassId) =>
    Float64Array.from(from, (v) => v.get(c) ?? Number.NaN);
  const chooseExact = exact.slice(0, half);
  const judgeExact = roots.map((r) => vectors(exact.slice(half), r));
  const measurements: Measurements = {
    egraph: t.egraph,
    classes: m.classes,
    dtype: m.dtype,
    inputs: inputVectors(choose, names),
    exact: new Map(m.plan.order.map((c) => [c, vectors(chooseExact, c)])),
    points: choose.length,
    cost: cpuCostModel(t),
  };
  const chosen = extractAccurate(measurements);
  const built = roots.map((root, i) => extractOutput(t, measurements, chosen, root, list[i], variables));

  // Judged on points the choice never saw; an output is kept only if it measures no worse.
  const before = graphErrors(list, judge, names, judgeExact);
  const after = graphErrors(
    built.map((b) => b.node),
    judge,
    names,
    judgeExact,
  );
  const outputs = list.map((input, i) => (mean(after[i]) <= mean(before[i]) ? built[i].node : input));
  const report = outputs.map((out, i): OutputAccuracy => {
    const worst = [...before[i].keys()].sort((a, b) => before[i][b] - before[i][a]).slice(0, WORST_SHOWN);
    const kept = out !== list[i];
    return {
      bitsBefore: mean(before[i]),
      bitsAfter: kept ? mean(after[i]) : mean(before[i]),
      worst: worst.map((k) => ({ point: judge[k], bits: before[i][k] })),
      ...(kept && built[i].regimesOn ? { regimesOn: built[i].regimesOn } : {}),
    };
  });
  const tDone = performance.now();
  return {
    outputs,
    report: {
      mode: 'accuracy',
      nodesBefore: countOps(list),
      nodesAfter: countOps(outputs),
      costBefore: graphCost(list, options.cost),
      costAfter: graphCost(outputs, options.cost),
      rules: Object.fromEntries([...applied].sort((a, b) => b[1] - a[1])),
      phases,
      stopReason: phases.length ? phases[phases.length - 1].stopReason.kind : 'none',
      stabilized: false,
      accuracy: { outputs: report, samples: { choose: choose.length, judge: judge.length } },
      ms: {
        build: tBuilt - t0,
        saturate: tSaturated - tBuilt,
        extract: tDone - tSaturated,
        total: tDone - t0,
      },
    },
  };
}

/** The input variables and their dtypes; refuses what accuracy mode cannot measure, naming it. */
function checkGraph(list: readonly Node[], domain: Domain): Record<string, FloatDType> {
  const variables: Record<string, FloatDType> = {};
  for (const node of topoSort(list)) {
    if (node.op === 'input') {
      if (!isFloat(node.dtype))
        throw new OpError(
          `accuracy mode: input '${String(node.attrs.name)}' is ${node.dtype}; it samples float inputs`,
        );
      variables[String(node.attrs.name)] = node.dtype as FloatDType;
    } else if (node.op === 'constant') {
      if (node.shape.length > 0 && (node.attrs.value as { size: number }).size !== 1)
        throw new OpError('accuracy mode: constants must be scalars');
    } else if (
      getOp(node.op).kind !== 'elementwise' &&
      !['zeros_like', 'ones_like', 'fill'].includes(node.op)
    )
      throw new OpError(`accuracy mode measures elementwise graphs; '${node.op}' is not elementwise`);
  }
  for (const out of list)
    if (!isFloat(out.dtype))
      throw new OpError(`accuracy mode: an output is ${out.dtype}; it measures float outputs`);
  for (const [name, bounds] of Object.entries(domain)) {
    if (!(name in variables))
      throw new OpError(
        `accuracy mode: the domain names '${name}', which is not an input (inputs: ${Object.keys(variables).join(', ')})`,
      );
    const [lo, hi] = bounds;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi))
      throw new OpError(
        `accuracy mode: the domain of '${name}' must be [lo, hi] with finite lo <= hi, got [${lo}, ${hi}]`,
      );
  }
  return variables;
}

/** The accuracy mode's phases on one e-graph, the inputs' domains known to the range analysis. */
function saturateAccuracy(
  list: readonly Node[],
  options: OptimizeOptions & { readonly library: RuleLibrary },
): { t: TensorEGraph; roots: ClassId[]; phases: PhaseReport[]; applied: Map<string, number> } {
  const spec = options.library.modes.get('accuracy');
  if (!spec) throw new OpError("accuracy mode: the rule library defines no 'accuracy' mode");
  const t = createTensorEGraph();
  const roots = addGraph(t.egraph, t.lang, list);
  boundInputs(t, list, options.domain ?? {});
  const phases: PhaseReport[] = [];
  const applied = new Map<string, number>();
  for (const phase of spec.phases) {
    // As optimize's phases: the node limit is a budget over the graph the phase starts from.
    const iterations = options.limits?.iterations ?? phase.limits.iterations;
    const nodeLimit = t.egraph.size + (options.limits?.nodes ?? phase.limits.nodes ?? DEFAULT_NODE_BUDGET);
    const timeLimitMs = options.limits?.timeMs ?? phase.limits.timeMs ?? Number.POSITIVE_INFINITY;
    const rules = new RuleSet(rulesForPhase(options.library, phase, options)).source(t);
    phases.push(runPhase(t, phase, rules, { iterLimit: iterations, nodeLimit, timeLimitMs }, applied));
  }
  t.egraph.rebuild();
  return { t, roots: roots.map((r) => t.egraph.find(r)), phases, applied };
}

/**
 * Tells the range analysis each input's domain: the input's class is merged with the input clamped to
 * its domain (equal on every point sampled), whose range is the domain. Guards such as `positive(?x)`
 * and the series rules' bounds then hold where the domain says so.
 */
function boundInputs(t: TensorEGraph, list: readonly Node[], domain: Domain): void {
  for (const x of topoSort(list)) {
    const bounds = x.op === 'input' ? domain[String(x.attrs.name)] : undefined;
    if (!bounds) continue;
    const clamped = apply('maximum', [
      apply('minimum', [x, constant(bounds[1], x.dtype)]),
      constant(bounds[0], x.dtype),
    ]);
    const [a, b] = addGraph(t.egraph, t.lang, [x, clamped]);
    t.egraph.union(a, b);
  }
  t.egraph.rebuild();
}

/** The classes of a chosen term. */
function termClasses(chosen: ReadonlyMap<ClassId, Entry>, root: ClassId): ClassId[] {
  const seen = new Set<ClassId>();
  const stack = [root];
  while (stack.length) {
    const c = stack.pop()!;
    if (seen.has(c)) continue;
    seen.add(c);
    stack.push(...chosen.get(c)!.node.children);
  }
  return [...seen];
}

/**
 * One output's result: the accurate extraction, or a better term that differs from it in one class's
 * node, or a switch between several of them by regimes of one input.
 */
function extractOutput(
  t: TensorEGraph,
  m: Measurements,
  chosen: ReadonlyMap<ClassId, Entry>,
  root: ClassId,
  input: Node,
  variables: Readonly<Record<string, FloatDType>>,
): { node: Node; regimesOn?: string } {
  if (!chosen.has(root)) return { node: input };
  const dtype = m.dtype.get(root)! as FloatDType;
  const exact = m.exact.get(root)!;
  const errorsWith = (choice: ReadonlyMap<ClassId, Entry>) =>
    errorsOf(dtype, termValues(m, choice, root), exact);
  const candidates = [{ choice: chosen, errors: errorsWith(chosen), bits: 0 }];
  for (const c of termClasses(chosen, root))
    for (const entry of m.classes.get(c) ?? []) {
      if (entry.node === chosen.get(c)!.node) continue;
      if (!entry.node.children.every((k) => chosen.has(k)) || reaches(chosen, entry.node.children, c))
        continue;
      const choice = new Map(chosen);
      choice.set(c, entry);
      candidates.push({ choice, errors: errorsWith(choice), bits: 0 });
    }
  for (const c of candidates) c.bits = mean(c.errors);
  const top = complementary(candidates);
  const graphOf = (choice: ReadonlyMap<ClassId, Entry>) =>
    buildGraph(t.egraph, t.lang, [root], (c) => choice.get(t.egraph.find(c))!.node)[0];
  const sameDType = new Map([...m.inputs].filter(([name]) => variables[name] === dtype));
  const split = inferRegimes(
    top.map((c) => c.errors),
    sameDType,
    dtype,
  );
  if (!split) return { node: graphOf(top[0].choice) };
  const x = topoSort([input]).find((n) => n.op === 'input' && n.attrs.name === split.variable)!;
  const parts = split.pick.map((k) => graphOf(top[k].choice));
  let node = parts[parts.length - 1];
  for (let i = split.thresholds.length - 1; i >= 0; i--)
    node = apply('switch', [apply('lt', [x, constant(split.thresholds[i], x.dtype)]), parts[i], node]);
  return { node, regimesOn: split.variable };
}

/**
 * Candidates for regimes: the most accurate first (stable, so among equals the plain extraction), then
 * one at a time the candidate that most lowers the error of always picking the best one per point, so
 * the conjugate that wins only where b > 0 is kept though its mean is worse.
 */
function complementary<C extends { readonly errors: Float64Array; bits: number }>(
  candidates: readonly C[],
): C[] {
  const first = [...candidates].sort((a, b) => a.bits - b.bits)[0];
  const top = [first];
  const best = Float64Array.from(first.errors);
  while (top.length < MAX_CANDIDATES) {
    let pick: C | undefined;
    let gain = 1e-9;
    for (const c of candidates) {
      let g = 0;
      for (let i = 0; i < best.length; i++) if (c.errors[i] < best[i]) g += best[i] - c.errors[i];
      if (g > gain) {
        gain = g;
        pick = c;
      }
    }
    if (!pick) break;
    top.push(pick);
    for (let i = 0; i < best.length; i++) best[i] = Math.min(best[i], pick.errors[i]);
  }
  return top;
}
