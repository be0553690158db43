import { type Analysis, AnalysisMergeError } from './analysis.js';
import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';
import type { Language } from './language.js';

/** A closed range of real values; infinite ends mean unbounded. */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** The interval of a class plus how many times it was narrowed (narrowing is capped so rebuild terminates). */
export interface IntervalFact extends Interval {
  readonly narrowings: number;
}

/** Interval of a node from its children's intervals; undefined means unknown (all reals). */
export type IntervalTransfer = (
  lang: Language,
  symbol: SymbolId,
  children: readonly Interval[],
) => Interval | undefined;

/** All reals. @example `TOP.lo === -Infinity` */
export const TOP: Interval = { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY };

const MAX_NARROWINGS = 8;

const TOP_FACT: IntervalFact = Object.freeze({ ...TOP, narrowings: 0 });

/**
 * Value ranges for guards: each class gets an interval from a transfer function per symbol supplied by the
 * language; merging two classes intersects their intervals (both bound the same value), and an empty
 * intersection is refused loudly, since it means an unsound rewrite. A class is narrowed at most 8 times so
 * cycles such as `x = x * 0.5` cannot keep rebuild busy forever.
 *
 * @example
 * ```ts
 * const ranges = new IntervalAnalysis((lang, s, [a, b]) =>
 *   lang.op(s) === '+' ? addIntervals(a, b) : undefined);
 * const eg = new EGraph(lang, { analyses: [ranges] });
 * isNonZero(eg.data(ranges, id));
 * ```
 */
export class IntervalAnalysis implements Analysis<IntervalFact> {
  readonly name = 'interval';
  /** The children's intervals, one array reused by every `make` (transfer functions only read it). */
  private readonly kids: Interval[] = [];

  constructor(private readonly transfer: IntervalTransfer) {}

  make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): IntervalFact {
    const kids = this.kids;
    kids.length = children.length;
    for (let i = 0; i < children.length; i++) kids[i] = eg.data(this, children[i]);
    const iv = this.transfer(eg.lang, symbol, kids) ?? TOP;
    const lo = Number.isNaN(iv.lo) ? TOP.lo : iv.lo;
    const hi = Number.isNaN(iv.hi) ? TOP.hi : iv.hi;
    // Unbounded is the most common fact: one shared object rather than one per class, also where a
    // transfer function computed it (the negation of an unbounded range).
    return lo === TOP.lo && hi === TOP.hi ? TOP_FACT : { lo, hi, narrowings: 0 };
  }

  merge(a: IntervalFact, b: IntervalFact): IntervalFact {
    const lo = Math.max(a.lo, b.lo);
    const hi = Math.min(a.hi, b.hi);
    if (lo > hi) throw new AnalysisMergeError(this.name, [a.lo, a.hi], [b.lo, b.hi]);
    if (lo === a.lo && hi === a.hi) return a;
    const narrowings = Math.max(a.narrowings, b.narrowings) + 1;
    if (narrowings > MAX_NARROWINGS) return a;
    return { lo, hi, narrowings };
  }

  same(a: IntervalFact, b: IntervalFact): boolean {
    return a.lo === b.lo && a.hi === b.hi;
  }
}

/** Sum of intervals. @example `addIntervals({lo:1,hi:2},{lo:3,hi:4}) // {lo:4,hi:6}` */
export function addIntervals(a: Interval, b: Interval): Interval {
  return { lo: a.lo + b.lo, hi: a.hi + b.hi };
}

/** Difference of intervals. @example `subIntervals({lo:1,hi:2},{lo:3,hi:4}) // {lo:-3,hi:-1}` */
export function subIntervals(a: Interval, b: Interval): Interval {
  return { lo: a.lo - b.hi, hi: a.hi - b.lo };
}

/** Product of intervals (0 × ∞ counts as 0). @example `mulIntervals({lo:-1,hi:2},{lo:3,hi:4}) // {lo:-4,hi:8}` */
export function mulIntervals(a: Interval, b: Interval): Interval {
  const m = (x: number, y: number): number => (x === 0 || y === 0 ? 0 : x * y);
  const ps = [m(a.lo, b.lo), m(a.lo, b.hi), m(a.hi, b.lo), m(a.hi, b.hi)];
  return { lo: Math.min(...ps), hi: Math.max(...ps) };
}

/** Whether 0 lies outside the interval. @example `isNonZero({lo:1,hi:2}) === true` */
export function isNonZero(iv: Interval): boolean {
  return iv.lo > 0 || iv.hi < 0;
}

/** Sign of every value in the interval, or undefined when mixed. @example `signOf({lo:-3,hi:-1}) === -1` */
export function signOf(iv: Interval): -1 | 0 | 1 | undefined {
  if (iv.lo > 0) return 1;
  if (iv.hi < 0) return -1;
  if (iv.lo === 0 && iv.hi === 0) return 0;
  return undefined;
}
