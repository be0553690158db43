/**
 * Accuracy-driven extraction: for each e-class, the e-node whose float value on the sampled points is
 * closest to the class's exact value (least mean bits of error), its children taken as already chosen;
 * ties go to the cheaper term. Choices are refined in passes, since a child's better choice changes
 * what its parents compute, until nothing changes (or a pass limit). This is extraction with a cost
 * model that measures error instead of guessing work, as Herbie's extraction from its e-graph does.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import type { NodeCost } from '../extract/node-cost.js';
import { floatValues, type ScalarNode } from './scalar-node.js';
import { bitsOfError, type FloatDType } from './ulps.js';

/** What accuracy extraction reads: the measurable nodes, the points and the exact values on them. */
export interface Measurements {
  readonly egraph: EGraph;
  readonly classes: ReadonlyMap<ClassId, readonly { node: ENode; sn: ScalarNode }[]>;
  readonly dtype: ReadonlyMap<ClassId, string>;
  /** Each input variable's value on every point. */
  readonly inputs: ReadonlyMap<string, Float64Array>;
  /** Each class's exact value (rounded to its dtype) on every point; NaN where it is undefined. */
  readonly exact: ReadonlyMap<ClassId, Float64Array>;
  readonly points: number;
  readonly cost: NodeCost;
}

/** A class's chosen node, with what it computes and how far that is from exact. */
export interface Choice {
  readonly node: ENode;
  readonly sn: ScalarNode;
  readonly values: Float64Array;
  /** Mean bits of error over the points where the class's exact value is defined. */
  readonly bits: number;
  /** Tree cost of the chosen term. */
  readonly cost: number;
}

/** Passes of refinement at most; choices settle in two or three on the textbook examples. */
const MAX_PASSES = 8;
/** Mean errors closer than this are ties, broken by cost. */
const TIE = 1e-9;

/**
 * Per-point bits of error of `values` against a class's exact values (0 where the exact value is undefined).
 *
 * @example errorsOf('f64', values, exact).reduce((a, b) => a + b) / n // mean bits
 */
export function errorsOf(dtype: string, values: Float64Array, exact: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  if (dtype !== 'f32' && dtype !== 'f64') return out;
  for (let i = 0; i < values.length; i++)
    out[i] = Number.isNaN(exact[i]) ? 0 : bitsOfError(dtype as FloatDType, values[i], exact[i]);
  return out;
}

function meanDefined(errors: Float64Array, exact: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < errors.length; i++)
    if (!Number.isNaN(exact[i])) {
      sum += errors[i];
      count++;
    }
  return count ? sum / count : 0;
}

/**
 * Chooses one node per class by measured error, ties by cost.
 *
 * @example const choices = extractAccurate(m); buildGraph(eg, lang, roots, (c) => choices.get(c)!.node)
 */
export function extractAccurate(m: Measurements): Map<ClassId, Choice> {
  const chosen = new Map<ClassId, Choice>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const [c, nodes] of m.classes) {
      const current = chosen.get(c);
      let best = current && measure(m, c, current.node, current.sn, chosen);
      for (const { node, sn } of nodes) {
        if (current && node === current.node) continue;
        if (!node.children.every((k) => chosen.has(k)) || reaches(chosen, node.children, c)) continue;
        const candidate = measure(m, c, node, sn, chosen);
        if (!best || better(candidate, best)) best = candidate;
      }
      if (!best) continue;
      if (!current || best.node !== current.node) changed = true;
      chosen.set(c, best);
    }
    if (!changed && pass > 0) break;
  }
  return chosen;
}

const better = (a: Choice, b: Choice) => a.bits < b.bits - TIE || (a.bits <= b.bits + TIE && a.cost < b.cost);

function measure(
  m: Measurements,
  c: ClassId,
  node: ENode,
  sn: ScalarNode,
  chosen: ReadonlyMap<ClassId, Choice>,
): Choice {
  const dtype = m.dtype.get(c)!;
  const values = floatValues(
    sn,
    dtype,
    node.children.map((k) => chosen.get(k)!.values),
    m.inputs,
    m.points,
  );
  const exact = m.exact.get(c);
  const bits = exact ? meanDefined(errorsOf(dtype, values, exact), exact) : 0;
  const cost = Math.min(
    1e30,
    m.cost(m.egraph, c, node) + node.children.reduce((a, k) => a + chosen.get(k)!.cost, 0),
  );
  return { node, sn, values, bits, cost };
}

/** Whether the chosen terms of `from` contain class `target` (choosing a node then would make a cycle). */
export function reaches(
  chosen: ReadonlyMap<ClassId, { node: ENode }>,
  from: readonly ClassId[],
  target: ClassId,
): boolean {
  const seen = new Set<ClassId>();
  const stack = [...from];
  while (stack.length) {
    const c = stack.pop()!;
    if (c === target) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    const choice = chosen.get(c);
    if (choice) stack.push(...choice.node.children);
  }
  return false;
}

/**
 * The values of a class's chosen term on every point, computed afresh (choices refined in passes can
 * leave a stored vector computed from a child's earlier choice). `override` replaces some choices.
 */
export function termValues(
  m: Measurements,
  chosen: ReadonlyMap<ClassId, { node: ENode; sn: ScalarNode }>,
  root: ClassId,
  memo = new Map<ClassId, Float64Array>(),
): Float64Array {
  const done = memo.get(root);
  if (done) return done;
  const { node, sn } = chosen.get(root)!;
  const values = floatValues(
    sn,
    m.dtype.get(root)!,
    node.children.map((k) => termValues(m, chosen, k, memo)),
    m.inputs,
    m.points,
  );
  memo.set(root, values);
  return values;
}
