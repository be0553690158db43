/**
 * The exact value of every e-class on sampled points, from the trust issue's exact reference: first in
 * double-double with error bounds (`src/graph/exact/dd-scalar.ts`), which settles most classes at most
 * points in microseconds; the rest by the decimal functions (`src/graph/exact/decimal-math.ts`), op by
 * op, with precision raised until the answer stops moving, as Herbie's evaluator does: 30 digits serve most points, but
 * 1 - cos(1e-10) needs 40 digits before one correct one appears, and (x + 1) - x at x = 1e300 needs
 * 300. A value is accepted when two precisions, one twice the other, round it to the same float, and
 * no sum of nonzero terms on its way came out exactly 0 (e^1e-80 - 1 is 0 at 30 and at 60 digits
 * alike: agreement alone would accept it).
 */
import type { ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import { applyTracked, exactly, settledNumber, type Tracked } from '../graph/exact/dd-scalar.js';
import { Exact } from '../graph/exact/decimal-math.js';
import { exactValue, type ScalarNode } from './scalar-node.js';
import type { Point } from './sample.js';
import { roundTo } from './ulps.js';

/** Digits tried in turn; past the last a point is unsettled (decimal.js's π has 1025 digits). */
const PRECISIONS = [30, 60, 120, 240, 480, 960];

/**
 * One node per class to compute its exact value with, in an order where children come first; where it
 * cancels (a sum of nonzero terms is 0 at this precision) another node of the class whose children are
 * known is tried, since equal classes are equal on the reals: 4 sinh²(x/2) settles at 30 digits where
 * e^x - 2 + e^-x needs 2·|log10 x|.
 */
export interface ReferencePlan {
  readonly order: readonly ClassId[];
  readonly rep: ReadonlyMap<ClassId, { node: ENode; sn: ScalarNode }>;
  readonly classes: ReadonlyMap<ClassId, readonly { node: ENode; sn: ScalarNode }[]>;
  readonly dtype: ReadonlyMap<ClassId, string>;
}

/**
 * Picks each class's representative: a node of the smallest term (any node has the same real value;
 * small terms are cheap to evaluate), found bottom-up so the choice has no cycles.
 */
export function planReference(
  classes: ReadonlyMap<ClassId, readonly { node: ENode; sn: ScalarNode }[]>,
  dtype: ReadonlyMap<ClassId, string>,
): ReferencePlan {
  const size = new Map<ClassId, number>();
  const rep = new Map<ClassId, { node: ENode; sn: ScalarNode }>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [c, nodes] of classes)
      for (const entry of nodes) {
        const kids = entry.node.children;
        if (!kids.every((k) => size.has(k))) continue;
        const s = 1 + kids.reduce((a, k) => a + size.get(k)!, 0);
        if (s < (size.get(c) ?? Infinity)) {
          size.set(c, s);
          rep.set(c, entry);
          changed = true;
        }
      }
  }
  const order = [...rep.keys()].sort((a, b) => size.get(a)! - size.get(b)!);
  return { order, rep, classes, dtype };
}

/** Digits up to which every class is refined; past them only the outputs are (the reference is lazy). */
const ALL_CLASSES_UP_TO = 120;

/**
 * Exact values (rounded to each class's dtype) of `classes` (default: every planned class) and the
 * roots at one point, or undefined if a root's value does not settle. A class that has not settled by ALL_CLASSES_UP_TO digits is NaN there
 * (a class that is 0 on the reals, such as sqr(sqrt(x)) - x, never settles: its rounding noise moves
 * with the precision), which leaves the point out of that class's error only.
 */
export function exactAtPoint(
  plan: ReferencePlan,
  point: Point,
  roots: readonly ClassId[] = [],
  classes: readonly ClassId[] = plan.order,
): Map<ClassId, number> | undefined {
  const fast = trackedAtPoint(plan, point, classes);
  const values = new Map<ClassId, number>();
  const missing: ClassId[] = [];
  for (const c of classes) {
    const v = fast.get(c);
    if (v === undefined) missing.push(c);
    else values.set(c, roundTo(plan.dtype.get(c) as 'f64', v));
  }
  if (missing.length === 0) return values;
  // Only the outputs go on to decimals: a class no node of which settles in double-double is, at
  // nearly every point, one that is 0 on the reals (sqr(sqrt(x)) - x), which no precision settles.
  const slowRoots = roots.filter((r) => missing.includes(r));
  const slow = slowRoots.length > 0 ? decimalAtPoint(plan, point, slowRoots, slowRoots) : undefined;
  if (!slow && slowRoots.length > 0) return undefined;
  for (const c of missing) values.set(c, slow?.get(c) ?? Number.NaN);
  return values;
}

/**
 * Each class's value at one point in double-double, where its error bound settles the float64
 * rounding (undefined where not): the class's representative first, its other nodes where that one's
 * bound is too wide (4 sinh²(x/2) settles where e^x - 2 + e^-x cancels).
 */
function trackedAtPoint(
  plan: ReferencePlan,
  point: Point,
  wanted: readonly ClassId[],
): Map<ClassId, number | undefined> {
  const memo = new Map<ClassId, Tracked | undefined>();
  const onPath = new Set<ClassId>();
  const settled = (t: Tracked | undefined) => t !== undefined && settledNumber(t) !== undefined;
  const compute = (entry: { node: ENode; sn: ScalarNode }): Tracked | undefined => {
    const { sn } = entry;
    if (sn.kind === 'input') return exactly(point[sn.name]);
    if (sn.kind === 'constant') return exactly(sn.value);
    const args: Tracked[] = [];
    for (const k of entry.node.children) {
      const a = value(k);
      if (a === undefined) return undefined;
      args.push(a);
    }
    return applyTracked(sn.op, args);
  };
  const value = (c: ClassId): Tracked | undefined => {
    if (memo.has(c)) return memo.get(c);
    const rep = plan.rep.get(c);
    if (!rep || onPath.has(c)) return undefined;
    onPath.add(c);
    let v = compute(rep);
    if (!settled(v))
      for (const alt of plan.classes.get(c)!) {
        if (alt === rep || alt.node.children.some((k) => onPath.has(k) || !plan.rep.has(k))) continue;
        const w = compute(alt);
        if (settled(w)) {
          v = w;
          break;
        }
      }
    onPath.delete(c);
    memo.set(c, v);
    return v;
  };
  return new Map(
    wanted.map((c) => [
      c,
      (() => {
        const v = value(c);
        return v === undefined ? undefined : settledNumber(v);
      })(),
    ]),
  );
}

/** {@link exactAtPoint} by decimals alone, for the classes double-double left unsettled. */
function decimalAtPoint(
  plan: ReferencePlan,
  point: Point,
  roots: readonly ClassId[],
  classes: readonly ClassId[],
): Map<ClassId, number> | undefined {
  let previous: AtPrecision | undefined;
  let result: Map<ClassId, number> | undefined;
  const saved = Exact.precision;
  try {
    for (const digits of PRECISIONS) {
      Exact.set({ precision: digits });
      const all = digits <= ALL_CLASSES_UP_TO;
      const current = evaluateAt(plan, point, all ? classes : roots);
      if (!current) return undefined;
      if (previous) {
        const settled = (c: ClassId) =>
          !current.suspect.has(c) && same(previous!.values.get(c), current.values.get(c));
        if (all) {
          result = new Map(classes.map((c) => [c, settled(c) ? current.values.get(c)! : Number.NaN]));
          if (classes.every(settled)) return result;
        } else for (const r of roots) if (settled(r)) result!.set(r, current.values.get(r)!);
        if (roots.every((r) => !Number.isNaN(result!.get(r)!))) return result;
      }
      previous = current;
    }
    return undefined;
  } finally {
    Exact.set({ precision: saved });
  }
}

const same = (v: number | undefined, w: number | undefined) =>
  v !== undefined && w !== undefined && (v === w || (Number.isNaN(v) && Number.isNaN(w)));

/** Each class's value rounded to its dtype, and the classes whose value a cancellation to 0 may have spoiled. */
interface AtPrecision {
  readonly values: Map<ClassId, number>;
  readonly suspect: ReadonlySet<ClassId>;
}

const SUMS = new Set(['add', 'sub']);

function evaluateAt(plan: ReferencePlan, point: Point, wanted: readonly ClassId[]): AtPrecision | undefined {
  const exact = new Map<ClassId, Exact>();
  const suspect = new Set<ClassId>();
  const onPath = new Set<ClassId>();
  const at = (entry: { node: ENode; sn: ScalarNode }) =>
    exactValue(
      entry.sn,
      entry.node.children.map((k) => value(k)!),
      point,
    );
  // Memoized, depth first: an alternative's children are computed on demand (not on the path, so no cycle).
  const value = (c: ClassId): Exact | undefined => {
    const known = exact.get(c);
    if (known) return known;
    const rep = plan.rep.get(c);
    if (!rep || onPath.has(c)) return undefined;
    onPath.add(c);
    let used = rep;
    let v = at(rep);
    // Another node may do better where this one cancels or leaves its domain (0/0 of a conjugate).
    if (v.isNaN() || cancels(rep, v, exact))
      for (const alt of plan.classes.get(c)!) {
        if (alt === rep || alt.node.children.some((k) => onPath.has(k) || !plan.rep.has(k))) continue;
        const w = at(alt);
        if (!w.isNaN() && !cancels(alt, w, exact)) {
          v = w;
          used = alt;
          break;
        }
      }
    if (cancels(used, v, exact) || used.node.children.some((k) => suspect.has(k))) suspect.add(c);
    onPath.delete(c);
    exact.set(c, v);
    return v;
  };
  const out = new Map<ClassId, number>();
  try {
    for (const c of wanted) out.set(c, roundTo(plan.dtype.get(c) as 'f64', value(c)!.toNumber()));
  } catch {
    // decimal.js refuses some arguments at some precisions (sin of 1e300 needs more digits of π than it
    // holds): the point cannot be judged.
    return undefined;
  }
  return { values: out, suspect };
}

/** Whether a sum of nonzero terms came out exactly 0. */
function cancels(
  entry: { node: ENode; sn: ScalarNode },
  v: Exact,
  exact: ReadonlyMap<ClassId, Exact>,
): boolean {
  return (
    entry.sn.kind === 'op' &&
    SUMS.has(entry.sn.op) &&
    v.isZero() &&
    entry.node.children.every((k) => !exact.get(k)!.isZero())
  );
}
