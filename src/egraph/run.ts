import { SaturnError } from '../graph/errors.js';
import type { EGraph } from './egraph.js';
import type { ClassId } from './ids.js';
import type { Matches } from './machine.js';
import { OpIndex } from './op-index.js';
import type { Rewrite } from './rewrite.js';
import { BackoffScheduler, type Scheduler } from './scheduler.js';

/** Rules that grew the e-graph most, by e-nodes added, largest first. */
export type Growth = readonly { readonly rule: string; readonly enodes: number }[];

/** Why a run stopped. Limits carry the rules that grew the graph most, the usual suspects to tame. */
export type StopReason =
  | { readonly kind: 'saturated' }
  | { readonly kind: 'iterationLimit'; readonly limit: number; readonly topRules: Growth }
  | { readonly kind: 'nodeLimit'; readonly limit: number; readonly topRules: Growth }
  | { readonly kind: 'timeLimit'; readonly limitMs: number; readonly topRules: Growth }
  | { readonly kind: 'goalReached' };

/** Per-rule figures of one iteration (only rules that searched). */
export interface RuleIterationStats {
  readonly rule: string;
  readonly matches: number;
  readonly applied: number;
  readonly enodesAdded: number;
}

/** Figures of one iteration, taken after its rebuild. */
export interface IterationStats {
  readonly iteration: number;
  /** E-nodes over all classes (egg's `total_number_of_nodes`). */
  readonly enodes: number;
  readonly eclasses: number;
  /** Hashcons size, what the node limit is checked against. */
  readonly size: number;
  readonly rules: readonly RuleIterationStats[];
  readonly searchMs: number;
  readonly applyMs: number;
  readonly rebuildMs: number;
  readonly rebuildUnions: number;
}

/** What a run did. */
export interface RunReport {
  readonly stopReason: StopReason;
  readonly iterations: readonly IterationStats[];
  readonly totalMs: number;
  readonly growth: Growth;
}

/** A limit that is not a number, is NaN or is negative: it would silently disable every limit. */
export class LimitError extends SaturnError {
  override name = 'LimitError';
}

/**
 * Checks that a limit is a number, not NaN and not negative (Infinity is allowed: no limit), and
 * returns it; the error names the limit and where it was given.
 *
 * @example checkLimit(4000, 'nodes', 'optimize limits') // 4000
 */
export function checkLimit(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
    throw new LimitError(
      `${where}: limit '${name}' must be a number ≥ 0 (Infinity for none), got ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value)}`,
    );
  return value;
}

/** Limits and policy of a run; defaults are egg's (30 iterations, 10,000 e-nodes, 5 s, backoff). */
export interface RunOptions {
  readonly iterLimit?: number;
  /**
   * E-nodes in the hashcons (`eg.size`: live nodes; egg's `total_size` counts its memo, stale keys
   * included) above which the run stops. Checked as `nodeCheck` says.
   */
  readonly nodeLimit?: number;
  /**
   * When the node limit is checked: `match` (default) after every match applied, so a run ends at most
   * one right-hand side above it; `rule` after each rule's matches are all applied, as egg does, so one
   * explosive rule can take the graph far past it (an AC rule took a 100k limit to 729k e-nodes).
   */
  readonly nodeCheck?: 'match' | 'rule';
  readonly timeLimitMs?: number;
  /**
   * An absolute `performance.now()` time to stop by, besides `timeLimitMs` (a caller bounding several
   * runs by one budget).
   */
  readonly deadline?: number;
  readonly scheduler?: Scheduler;
  /** Stop as soon as every pair is in one class. */
  readonly goals?: readonly (readonly [ClassId, ClassId])[];
  /** Run `eg.check()` after every rebuild (tests). */
  readonly checkInvariants?: boolean;
  /**
   * Search each rule, after its first search, only at classes within its pattern's depth of a class
   * that changed (created, merged, new analysis data) since its previous search. Every match found
   * the full way but not this way was applied or turned down with unchanged data before, so the same
   * matches are applied; a rule that was banned, or whose applier reads nodes, searches everything. A
   * rule first listed since (its left side holds a symbol the language gained) searches only near
   * changes too: each of its matches holds a node added since.
   * The backoff scheduler then counts only the matches near changes, so its bans differ from egg's
   * (off by default, for the egg comparisons).
   */
  readonly incremental?: boolean;
}

/**
 * Runs rewrites to saturation or a limit: each iteration searches every rule (as the scheduler allows) on the
 * clean graph, applies all matches, then rebuilds once. The iteration limit is checked between iterations;
 * the node limit after every match applied (so a run ends at most one right-hand side above it) or, with
 * `nodeCheck: 'rule'`, after each rule as egg does; the time
 * limit inside searches and applies, so a run ends close to it. Limits are validated when the runner is
 * built: NaN, negative or non-numeric limits throw `LimitError`.
 *
 * @example
 * ```ts
 * const eg = new EGraph(lang);
 * const start = eg.addTerm(parseTerm(lang, '(+ x 0)'));
 * const report = new Runner(eg, { nodeLimit: 10_000 }).run(rules);
 * report.stopReason.kind; // 'saturated'
 * ```
 */
export class Runner {
  readonly iterLimit: number;
  readonly nodeLimit: number;
  readonly timeLimitMs: number;
  readonly scheduler: Scheduler;

  constructor(
    readonly egraph: EGraph,
    private readonly options: RunOptions = {},
  ) {
    this.iterLimit = checkLimit(options.iterLimit ?? 30, 'iterLimit', 'Runner');
    this.nodeLimit = checkLimit(options.nodeLimit ?? 10_000, 'nodeLimit', 'Runner');
    this.timeLimitMs = checkLimit(options.timeLimitMs ?? 5_000, 'timeLimitMs', 'Runner');
    if (options.deadline !== undefined && Number.isNaN(options.deadline))
      throw new LimitError('Runner: deadline must be a performance.now() time, got NaN');
    this.scheduler = options.scheduler ?? new BackoffScheduler();
  }

  /**
   * Runs the rules; see the class doc. `rules` may be a function, asked once per iteration: rules over
   * ops with attributes expand to one rewrite per attribute value present, which grows as rules add ops.
   *
   * @example `new Runner(eg).run(rules).stopReason`
   */
  run(ruleSource: readonly Rewrite[] | (() => readonly Rewrite[])): RunReport {
    const eg = this.egraph;
    const t0 = performance.now();
    const deadline = Math.min(t0 + this.timeLimitMs, this.options.deadline ?? Number.POSITIVE_INFINITY);
    const currentRules = typeof ruleSource === 'function' ? ruleSource : () => ruleSource;
    const growth = new Map<string, number>();
    const iterations: IterationStats[] = [];
    const topRules = (): Growth =>
      [...growth]
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([rule, enodes]) => ({ rule, enodes }));
    const finish = (stopReason: StopReason): RunReport => ({
      stopReason,
      iterations,
      totalMs: performance.now() - t0,
      growth: topRules(),
    });
    if (!eg.isClean) eg.rebuild();
    const sizeLimit = this.options.nodeCheck === 'rule' ? Number.POSITIVE_INFINITY : this.nodeLimit;
    // Incremental search: last iteration's rule list, which of its rules searched (flags by position:
    // a Set of the ~200 rules searched per iteration was 1-2% of a warm optimize), and the clock and
    // the language's size when they did.
    let rulesBefore: readonly Rewrite[] = [];
    let searchedBefore = new Uint8Array(0);
    let clockBefore = 0;
    let symbolsBefore = 0;
    let indexBefore: OpIndex | undefined;
    for (let iter = 0; ; iter++) {
      if (this.goalReached()) return finish({ kind: 'goalReached' });
      if (iter >= this.iterLimit)
        return finish({ kind: 'iterationLimit', limit: this.iterLimit, topRules: topRules() });
      if (eg.size > this.nodeLimit)
        return finish({ kind: 'nodeLimit', limit: this.nodeLimit, topRules: topRules() });
      if (performance.now() > deadline) return finish(this.timeStop(topRules()));

      const rules = currentRules();
      const sizeBefore = eg.size;
      const classesBefore = eg.classCount;
      const tSearch = performance.now();
      const index = OpIndex.of(eg, indexBefore);
      indexBefore = index;
      const near =
        this.options.incremental && iter > 0 ? new Neighbourhood(eg, clockBefore, index) : undefined;
      const wasSearched =
        near !== undefined && rules !== rulesBefore
          ? realign(rulesBefore, searchedBefore, rules)
          : searchedBefore;
      const searched = new Uint8Array(rules.length);
      clockBefore = eg.dataClock;
      const symbolsNow = eg.lang.size;
      const found: (Matches | undefined)[] = [];
      let timedOut = false;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        // A rule that searched last iteration missed nothing far from changes; nor did one whose left
        // side holds a symbol the language gained since (a rule over reshape when the first reshape
        // appears): every match of it holds a node added since.
        const partial =
          near !== undefined &&
          (wasSearched[r] === 1 || rule.newestSymbol >= symbolsBefore) &&
          rule.applier.readsNodes !== true;
        const m = this.scheduler.search(
          iter,
          eg,
          rule,
          partial ? near.index(rule.searcher.depth) : index,
          deadline,
        );
        if (m !== undefined) searched[r] = 1;
        found.push(m);
        // The clock is read every few rules: a search checks it itself while it runs long, and reading
        // it after each of ~200 mostly empty searches per iteration was 2% of a warm optimize.
        if (rule.searcher.timedOut || ((r & 7) === 7 && performance.now() > deadline)) {
          timedOut = true;
          break;
        }
      }
      const tApply = performance.now();
      const stats: RuleIterationStats[] = [];
      let applied = 0;
      let full = false;
      for (let r = 0; r < found.length && !timedOut && !full; r++) {
        const m = found[r];
        if (m === undefined) continue;
        const before = eg.size;
        const n = m.count > 0 ? rules[r].apply(eg, m, deadline, sizeLimit) : 0;
        const added = eg.size - before;
        const name = rules[r].name;
        // Only growth is reported (topRules), so rules that added nothing need no entry.
        if (added !== 0) growth.set(name, (growth.get(name) ?? 0) + added);
        stats.push(
          m.count === 0 ? rules[r].idle : { rule: name, matches: m.count, applied: n, enodesAdded: added },
        );
        applied += n;
        if (m.count > 0 && performance.now() > deadline) timedOut = true;
        full = eg.size > this.nodeLimit;
      }
      rulesBefore = rules;
      searchedBefore = searched;
      symbolsBefore = symbolsNow;
      const tRebuild = performance.now();
      const rebuildUnions = eg.rebuild();
      const tEnd = performance.now();
      if (this.options.checkInvariants) eg.check();
      iterations.push({
        iteration: iter,
        enodes: eg.nodeCount(),
        eclasses: eg.classCount,
        size: eg.size,
        rules: stats,
        searchMs: tApply - tSearch,
        applyMs: tRebuild - tApply,
        rebuildMs: tEnd - tRebuild,
        rebuildUnions,
      });
      if (timedOut) return finish(this.timeStop(topRules()));
      if (full) return finish({ kind: 'nodeLimit', limit: this.nodeLimit, topRules: topRules() });
      if (this.goalReached()) return finish({ kind: 'goalReached' });
      const changed = applied > 0 || eg.size !== sizeBefore || eg.classCount !== classesBefore;
      if (!changed && this.scheduler.canStop(iter)) return finish({ kind: 'saturated' });
    }
  }

  private timeStop(topRules: Growth): StopReason {
    return { kind: 'timeLimit', limitMs: this.timeLimitMs, topRules };
  }

  private goalReached(): boolean {
    const goals = this.options.goals;
    if (goals === undefined || goals.length === 0) return false;
    return goals.every(([a, b]) => this.egraph.find(a) === this.egraph.find(b));
  }
}

/**
 * Last iteration's flags, by position in its rule list, moved to the positions of this iteration's list.
 * The language only grows, so the new list is the old one with rewrites inserted, in the same order: one
 * walk down both. A rule out of that order would count as not searched, which is always safe (it
 * searches everything).
 */
function realign(before: readonly Rewrite[], flags: Uint8Array, rules: readonly Rewrite[]): Uint8Array {
  const moved = new Uint8Array(rules.length);
  let j = 0;
  for (let r = 0; r < rules.length && j < before.length; r++)
    if (rules[r] === before[j]) moved[r] = flags[j++];
  return moved;
}

/**
 * The classes changed since a clock value and their ancestors level by level, as op indexes: a match
 * of a pattern of depth d that was not there at the previous search has its root within d levels above
 * a changed class (a new node, a merge, or new analysis data read by a guard).
 */
class Neighbourhood {
  private readonly levels: number[][];
  /** Per class id, 1 + the level it was reached at, 0 when not reached. */
  private readonly level: Uint16Array;
  private readonly byDepth: OpIndex[] = [];
  /** Canonical classes with nodes: what the full index would list. */
  private readonly classCount: number;

  constructor(
    private readonly eg: EGraph,
    since: number,
    private readonly full: OpIndex,
  ) {
    this.level = new Uint16Array(eg.idCount);
    const changed: number[] = [];
    let count = 0;
    // The classes the full index lists, found without building it (it may not be needed at all).
    for (let c = 0; c < eg.idCount; c++) {
      if (eg.classNodes.count(c) === 0) continue;
      count++;
      if (eg.changeStamp[c] > since) {
        changed.push(c);
        this.level[c] = 1;
      }
    }
    this.classCount = count;
    this.levels = [changed];
  }

  /** The op index of the classes within `depth` levels above a change (the full one when that is most). */
  index(depth: number): OpIndex {
    const known = this.byDepth[depth];
    if (known !== undefined) return known;
    const eg = this.eg;
    const store = eg.nodes;
    while (this.levels.length <= depth) {
      const next: number[] = [];
      for (const c of this.levels[this.levels.length - 1])
        for (let i = 0; i < eg.classParents.count(c); i++) {
          const owner = eg.find(store.owner[eg.classParents.at(c, i)] as ClassId);
          if (this.level[owner] === 0) {
            this.level[owner] = this.levels.length + 1;
            next.push(owner);
          }
        }
      this.levels.push(next);
    }
    let count = 0;
    for (let d = 0; d <= depth; d++) count += this.levels[d].length;
    let index = this.full;
    if (count * 2 <= this.classCount) {
      // The index of a lower depth, if one was made, covers the levels up to it: only the levels past it
      // are read (searches ask for depths 1, 2, 3 in turn, and these sets grow by a level each time).
      let below = depth - 1;
      while (below >= 0 && this.byDepth[below] === undefined) below--;
      const lower = below >= 0 && this.byDepth[below] !== this.full ? this.byDepth[below] : undefined;
      const from = lower === undefined ? 1 : below + 2;
      // Ascending by a scan of the level marks rather than a sort: sorting tens of thousands of ids with
      // a comparator was most of this on a 100k-class graph.
      const classes: number[] = [];
      const level = this.level;
      for (let c = 0; c < level.length; c++) if (level[c] >= from && level[c] <= depth + 1) classes.push(c);
      index = OpIndex.over(eg, classes);
      if (lower !== undefined) index = OpIndex.joined(lower, index);
    }
    this.byDepth[depth] = index;
    return index;
  }
}
