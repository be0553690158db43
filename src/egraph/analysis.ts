import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';

/**
 * An e-class analysis (egg's make / merge / modify): a lattice value per e-class, computed from each e-node
 * and joined when classes merge. Several analyses run side by side, each with its own data slot per class.
 *
 * - `make` computes the value of one e-node from its children's classes (read their data with
 *   `egraph.data(this, child)`). The `children` array is reused by the e-graph: read it during the call,
 *   do not keep it.
 * - `merge` joins two values of classes being merged. It may throw (an `AnalysisMergeError`) to refuse a
 *   merge loudly, e.g. a dtype analysis refusing to merge an f32 class with an i32 class.
 * - `same` tells whether two values are equal, so the e-graph only re-propagates to parents on change.
 * - `modify` (optional) may edit the class after its data changed: add a constant, prune nodes.
 *
 * @example
 * ```ts
 * const depth: Analysis<number> = {
 *   name: 'depth',
 *   make: (eg, _sym, kids) => 1 + Math.max(0, ...kids.map((k) => eg.data(depth, k))),
 *   merge: (a, b) => Math.min(a, b),
 *   same: (a, b) => a === b,
 * };
 * const eg = new EGraph(lang, { analyses: [depth] });
 * ```
 */
export interface Analysis<D> {
  readonly name: string;
  make(egraph: EGraph, symbol: SymbolId, children: readonly ClassId[]): D;
  merge(a: D, b: D): D;
  same(a: D, b: D): boolean;
  modify?(egraph: EGraph, eclass: ClassId): void;
}

/**
 * Thrown by an analysis `merge` that refuses to merge two classes (their facts contradict each other).
 *
 * @example
 * ```ts
 * throw new AnalysisMergeError('dtype', 'f32', 'i32');
 * ```
 */
export class AnalysisMergeError extends Error {
  constructor(
    readonly analysis: string,
    readonly left: unknown,
    readonly right: unknown,
  ) {
    super(
      `analysis '${analysis}' refuses to merge classes with ${JSON.stringify(left)} and ${JSON.stringify(right)}`,
    );
    this.name = 'AnalysisMergeError';
  }
}
