/**
 * Error measurement of e-graphs and graphs on sampled points: draw points whose exact outputs are
 * finite (Herbie keeps only such points), compute every class's exact value on them, and the bits of
 * error of what the graph computes in its dtypes.
 */
import type { ClassId } from '../egraph/ids.js';
import { addGraph, createTensorEGraph, type TensorEGraph } from '../egraph/tensor/index.js';
import type { Node } from '../graph/node.js';
import { errorsOf, termValues, type Measurements } from './extract.js';
import { exactAtPoint, planReference, type ReferencePlan } from './reference.js';
import { type Domain, type Point, pointSampler } from './sample.js';
import { scalarClasses } from './scalar-node.js';

/** A tensor e-graph prepared for measuring: measurable nodes per class and each class's dtype. */
export interface MeasuredEGraph {
  readonly t: TensorEGraph;
  readonly classes: ReturnType<typeof scalarClasses>;
  readonly dtype: Map<ClassId, string>;
  readonly plan: ReferencePlan;
}

/** Reads the measurable nodes, dtypes and reference plan of a (saturated) tensor e-graph. */
export function prepare(t: TensorEGraph): MeasuredEGraph {
  t.egraph.rebuild();
  const classes = scalarClasses(t);
  const dtype = new Map([...classes.keys()].map((c) => [c, t.egraph.data(t.types, c).dtype as string]));
  return { t, classes, dtype, plan: planReference(classes, dtype) };
}

/**
 * Draws points until `n` have a finite, settled exact value for every root (or `attempts` draws were
 * spent), with the exact value of every planned class on the first `allClasses` of them and of the
 * roots on the rest (judging a result needs only its outputs' exact values: the reference is lazy).
 */
export function drawPoints(
  m: MeasuredEGraph,
  roots: readonly ClassId[],
  draw: () => Point,
  n: number,
  allClasses = n,
  attempts = 20 * n,
): { points: Point[]; exact: Map<ClassId, number>[] } {
  const points: Point[] = [];
  const exact: Map<ClassId, number>[] = [];
  for (let tries = 0; points.length < n && tries < attempts; tries++) {
    const point = draw();
    // The outputs first (lazy, cheap): most rejected points cost only them.
    const outputs = exactAtPoint(m.plan, point, roots, roots);
    if (!outputs || !roots.every((r) => Number.isFinite(outputs.get(r)))) continue;
    const values = points.length < allClasses ? exactAtPoint(m.plan, point, roots) : outputs;
    if (!values) continue;
    points.push(point);
    exact.push(values);
  }
  return { points, exact };
}

/** Each variable's values over the points, as vectors. */
export function inputVectors(points: readonly Point[], names: readonly string[]): Map<string, Float64Array> {
  return new Map(names.map((name) => [name, Float64Array.from(points, (p) => p[name])]));
}

/**
 * Bits of error of each output of a graph on each point, given each output's exact values there: an
 * optimized output has its input's exact value, so the reference runs once for both.
 */
export function graphErrors(
  outputs: readonly Node[],
  points: readonly Point[],
  names: readonly string[],
  exact: readonly Float64Array[],
): Float64Array[] {
  const t = createTensorEGraph();
  const roots = addGraph(t.egraph, t.lang, outputs).map((r) => t.egraph.find(r));
  const m = prepare(t);
  const measurements: Measurements = {
    egraph: t.egraph,
    classes: m.classes,
    dtype: m.dtype,
    inputs: inputVectors(points, names),
    exact: new Map(),
    points: points.length,
    cost: () => 0,
  };
  const memo = new Map<ClassId, Float64Array>();
  return roots.map((r, i) =>
    errorsOf(m.dtype.get(r)!, termValues(measurements, m.plan.rep, r, memo), exact[i]),
  );
}

/** The mean of a vector (0 for none). */
export const mean = (v: Float64Array): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

/**
 * Mean bits of error of each of `forms` (graphs equal on the reals to `input`, such as its optimized
 * versions) on `n` points drawn as Herbie draws them (`domain` narrows variables; the rest range over
 * every finite float64), against the input's exact value: how a benchmark compares optimizers.
 *
 * @example bitsOfForms(x.add(1).sub(x), [T.constant(1)], ['x'], {}, 64, 1).bits // [~30, 0]
 */
export function bitsOfForms(
  input: Node,
  forms: readonly Node[],
  names: readonly string[],
  domain: Domain,
  n: number,
  seed: number,
): { points: number; bits: number[] } {
  const t = createTensorEGraph();
  const roots = addGraph(t.egraph, t.lang, [input]).map((r) => t.egraph.find(r));
  const variables = Object.fromEntries(names.map((name) => [name, 'f64' as const]));
  const { points, exact } = drawPoints(prepare(t), roots, pointSampler(variables, domain, seed), n, 0);
  const e = [Float64Array.from(exact, (v) => v.get(roots[0])!)];
  return { points: points.length, bits: forms.map((f) => mean(graphErrors([f], points, names, e)[0])) };
}
