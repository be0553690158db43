import type { EGraph } from './egraph.js';
import type { Justification } from './explain.js';
import type { ClassId, SymbolId } from './ids.js';
import type { Language } from './language.js';
import { type Matches, Program, type SearchBudget } from './machine.js';
import type { OpIndex } from './op-index.js';
import type { RuleIterationStats } from './run.js';
import { type Pattern, parsePattern, patternVars } from './pattern.js';
import { activeSearchProfile, recordSearch } from './search-profile.js';

/**
 * The classes bound to a match's variables, read by guards and computing appliers. It is a view over the
 * search's flat match arrays, reused from match to match: read it during the call, do not keep it.
 *
 * @example `const b = subst.get('?b')`
 */
export class Subst {
  /** Index of the current match. @internal */
  at = 0;
  /** Current matches. @internal */
  matches!: Matches;
  constructor(readonly vars: readonly string[]) {}

  /** Class bound to a variable (name with its `?`). Throws for a variable the searcher does not bind. */
  get(name: string): ClassId {
    const v = this.vars.indexOf(name);
    if (v < 0) throw new Error(`variable ${name} is not bound by the left-hand side`);
    return this.matches.value(this.at, v);
  }

  /** A plain copy, for explanations and reports. @example `subst.toRecord() // { '?a': 3 }` */
  toRecord(): Record<string, ClassId> {
    const r: Record<string, ClassId> = {};
    this.vars.forEach((name, v) => {
      r[name] = this.matches.value(this.at, v);
    });
    return r;
  }
}

/**
 * Applies one match; returns the number of unions that changed the e-graph, or `REFUSED` when a guard
 * or the applier turned the match down (it may be accepted later, when analysis data has changed).
 */
export type BoundApplier = (eg: EGraph, matches: Matches, i: number) => number;

/** What a bound applier returns for a match it turned down. */
export const REFUSED = -1;

/**
 * The right-hand side of a rewrite. `vars` are the variables it reads (checked against the left-hand side when
 * the rewrite is built); `bind` resolves them once to positions in the searcher's matches.
 */
export interface Applier {
  readonly vars: readonly string[];
  bind(rule: Rewrite): BoundApplier;
  /**
   * True when the applier reads the e-graph's nodes, not only the analysis data of the matched classes:
   * a match it turned down is then tried again every iteration (see `Rewrite.apply`).
   */
  readonly readsNodes?: boolean;
}

/**
 * A named predicate over the classes of some bound variables, usually reading analysis data
 * (`not_zero(?b)`, `is_const(?v)`). Guards are explicit and named, never hidden inside an applier.
 *
 * @example
 * ```ts
 * const notZero = (v: string): Guard => ({
 *   name: `not_zero(${v})`, vars: [v],
 *   check: (eg, s) => eg.data(constants, s.get(v)) !== 0,
 * });
 * ```
 */
export interface Guard {
  readonly name: string;
  readonly vars: readonly string[];
  check(eg: EGraph, subst: Subst): boolean;
  /**
   * The same test on the class of the guard's one variable, when it needs nothing else: the search then
   * runs it as soon as the variable is bound, and skips the rest of the pattern for a class that fails
   * (a literal in a left side, `(1 - ?y) * ?s - ?y * (1 - ?s)`, no longer enumerates every combination
   * before the guard refuses it).
   */
  classCheck?(eg: EGraph, cls: ClassId): boolean;
}

/**
 * Instantiates a pattern with the match's classes and unions it with the matched class. With explanations on,
 * it also instantiates the left-hand side, so the recorded step links exactly lhs[σ] to rhs[σ].
 *
 * @example `new PatternApplier(parsePattern(lang, '(+ ?b ?a)'))`
 */
export class PatternApplier implements Applier {
  readonly vars: readonly string[];
  constructor(readonly rhs: Pattern) {
    this.vars = patternVars(rhs);
  }

  bind(rule: Rewrite): BoundApplier {
    const rhs = compileInstantiation(this.rhs, rule.searcher.vars);
    const lhsPattern = rule.searcher.pattern;
    const lhs = compileInstantiation(lhsPattern, rule.searcher.vars);
    const subst = new Subst(rule.searcher.vars);
    return (eg, matches, i) => {
      const to = instantiate(eg, rhs, matches, i);
      if (eg.explain === undefined) return eg.union(matches.eclass(i), to) ? 1 : 0;
      subst.matches = matches;
      subst.at = i;
      const why: Justification = { kind: 'rule', rule: rule.name, subst: subst.toRecord() };
      return eg.union(instantiate(eg, lhs, matches, i), to, why) ? 1 : 0;
    };
  }
}

/**
 * An applier computed by a function: it returns classes (typically built with `eg.add`) to union with the
 * matched class.
 *
 * @example
 * ```ts
 * const fold = new ComputeApplier(['?a', '?b'], (eg, _root, s) => [eg.add(num(valueOf(s.get('?a')) + 1), [])]);
 * ```
 */
export class ComputeApplier implements Applier {
  constructor(
    readonly vars: readonly string[],
    private readonly compute: (eg: EGraph, eclass: ClassId, subst: Subst) => readonly ClassId[],
    /** Whether `compute` reads nodes, not only analysis data (see `Applier.readsNodes`). */
    readonly readsNodes = false,
  ) {}

  bind(rule: Rewrite): BoundApplier {
    const subst = new Subst(rule.searcher.vars);
    const why: Justification = { kind: 'rule', rule: rule.name };
    return (eg, matches, i) => {
      subst.matches = matches;
      subst.at = i;
      const root = matches.eclass(i);
      const ids = this.compute(eg, root, subst);
      if (ids.length === 0) return REFUSED;
      let n = 0;
      for (const id of ids) if (eg.union(root, id, why)) n++;
      return n;
    };
  }
}

/**
 * Runs an applier only for matches passing every guard.
 *
 * @example `new ConditionalApplier([notZero('?b')], new PatternApplier(rhs))`
 */
export class ConditionalApplier implements Applier {
  readonly vars: readonly string[];
  readonly readsNodes: boolean | undefined;
  constructor(
    readonly guards: readonly Guard[],
    readonly applier: Applier,
  ) {
    this.vars = [...new Set([...applier.vars, ...guards.flatMap((g) => g.vars)])];
    this.readsNodes = applier.readsNodes;
  }

  bind(rule: Rewrite): BoundApplier {
    const inner = this.applier.bind(rule);
    const subst = new Subst(rule.searcher.vars);
    const guards = this.guards;
    return (eg, matches, i) => {
      subst.matches = matches;
      subst.at = i;
      for (const g of guards) if (!g.check(eg, subst)) return REFUSED;
      return inner(eg, matches, i);
    };
  }
}

/** Ids below this fit three to a number (3 × 17 bits < 2^53). */
const SMALL_ID = 1 << 17;

/**
 * A match's root and bound classes as a key: a number when there are at most two variables and all ids are
 * small (no string to build for most matches), else a string. A number never equals a string, and a rule's
 * width is fixed, so keys of different kinds never stand for the same match.
 */
function matchKey(matches: Matches, i: number, width: number): string | number {
  const c = matches.classes[i];
  const at = i * width;
  if (width <= 2 && c < SMALL_ID) {
    const a = width > 0 ? matches.values[at] : 0;
    const b = width > 1 ? matches.values[at + 1] : 0;
    if (a < SMALL_ID && b < SMALL_ID) return (c * SMALL_ID + a) * SMALL_ID + b;
  }
  let key = String(c);
  for (let v = 0; v < width; v++) key += `,${matches.values[at + v]}`;
  return key;
}

/** Whether the root or a bound class of match `i` had its analysis data changed after clock `at`. */
function changedSince(stamp: Int32Array, matches: Matches, i: number, width: number, at: number): boolean {
  if (stamp[matches.classes[i]] > at) return true;
  const base = i * width;
  for (let v = 0; v < width; v++) if (stamp[matches.values[base + v]] > at) return true;
  return false;
}

/** What a rewrite remembers of its matches in one e-graph; see `Rewrite.apply`. */
interface MatchMemo {
  /** The matches (root and bound classes) already applied. */
  readonly done: Set<string | number>;
  /** The matches turned down, with the e-graph's data clock at the time. */
  readonly refused: Map<string | number, number>;
}

/**
 * Per e-graph, each rewrite's memo: one weak entry per e-graph, not one per rewrite and e-graph (a
 * weak map per rewrite cost a slow weak insertion at each rewrite's first apply in every e-graph).
 */
const matchMemos = new WeakMap<EGraph, Map<Rewrite, MatchMemo>>();

function memosOf(eg: EGraph): Map<Rewrite, MatchMemo> {
  let memos = matchMemos.get(eg);
  if (memos === undefined) {
    memos = new Map();
    matchMemos.set(eg, memos);
  }
  return memos;
}

/**
 * A rewrite: name + searcher (a compiled left-hand side) + applier. Refuses, when built, an applier or guard
 * reading a variable the left-hand side does not bind.
 *
 * @example
 * ```ts
 * const comm = new Rewrite('comm-add', parsePattern(lang, '(+ ?a ?b)'), parsePattern(lang, '(+ ?b ?a)'));
 * const div = new Rewrite('div-canon', lhs, rhs, [notZero('?b')]);
 * const fold = new Rewrite('fold', lhs, new ComputeApplier(['?a'], fn));
 * ```
 */
export class Rewrite {
  readonly searcher: Program;
  readonly applier: Applier;
  /**
   * The highest symbol id in the left-hand side (-1 for a bare variable). Every match holds a node of
   * that symbol, so in a language that had fewer symbols at the previous search, every match is new
   * since then: the runner searches such a rewrite only near changes (see `RunOptions.incremental`).
   */
  readonly newestSymbol: number;
  /**
   * A run's figures for an iteration in which this rewrite found nothing, made once: most searches find
   * nothing, and a fresh object for each was a tenth of what a warm optimize allocated in the runner.
   */
  readonly idle: RuleIterationStats;
  private bound: BoundApplier | undefined;

  constructor(
    readonly name: string,
    lhs: Pattern,
    rhs: Pattern | Applier,
    guards: readonly Guard[] = [],
  ) {
    this.newestSymbol = newestSymbol(lhs);
    this.idle = Object.freeze({ rule: name, matches: 0, applied: 0, enodesAdded: 0 });
    const bound = new Set(patternVars(lhs));
    const early = (g: Guard) => g.classCheck !== undefined && g.vars.length === 1 && bound.has(g.vars[0]);
    this.searcher = Program.compile(
      lhs,
      guards.filter(early).map((g) => ({ name: g.vars[0], test: g.classCheck!.bind(g) })),
    );
    const late = guards.filter((g) => !early(g));
    const base = 'kind' in rhs ? new PatternApplier(rhs) : rhs;
    this.applier = late.length > 0 ? new ConditionalApplier(late, base) : base;
    const unbound = this.applier.vars.filter((v) => !this.searcher.vars.includes(v));
    if (unbound.length > 0) {
      throw new Error(
        `rule '${name}': ${unbound.join(', ')} not bound by the left-hand side (binds ${this.searcher.vars.join(', ') || 'nothing'})`,
      );
    }
  }

  /** Matches of the left-hand side. @example `rule.search(eg)` */
  search(eg: EGraph, index?: OpIndex, budget?: SearchBudget): Matches {
    const profile = activeSearchProfile();
    if (profile === undefined) return this.searcher.search(eg, index, budget);
    const t = performance.now();
    const m = this.searcher.search(eg, index, budget);
    recordSearch(profile, this.name, this.searcher.visited, m.count, performance.now() - t);
    return m;
  }

  /**
   * Applies matches in order until `deadline` (a `performance.now()` time) or until the hashcons holds
   * more than `sizeLimit` e-nodes; returns the number of unions that changed the graph. The graph needs
   * `rebuild` afterwards.
   *
   * A match applied before in this e-graph, with the same canonical classes, is skipped: its right side
   * is built from the same classes, so it would find the nodes it added then, in the class it joined
   * then. Each iteration searches the whole graph again (as egg does), and on the model graphs three
   * matches in four were such repeats. A match turned down (a guard, a type check) is tried again
   * once the analysis data of its root or of a bound class has changed since (guards and type checks
   * read nothing else; an applier that reads nodes says so with `readsNodes` and is always tried
   * again): on the model graphs seven calls in ten were refusals, half of them repeats.
   *
   * @example `rule.apply(eg, rule.search(eg))`
   */
  apply(
    eg: EGraph,
    matches: Matches,
    deadline = Number.POSITIVE_INFINITY,
    sizeLimit = Number.POSITIVE_INFINITY,
  ): number {
    this.bound ??= this.applier.bind(this);
    const fn = this.bound;
    const memos = memosOf(eg);
    let memo = memos.get(this);
    if (memo === undefined) {
      memo = { done: new Set(), refused: new Map() };
      memos.set(this, memo);
    }
    const { done, refused } = memo;
    const remember = this.applier.readsNodes !== true;
    const width = matches.width;
    let n = 0;
    for (let i = 0; i < matches.count; i++) {
      const key = matchKey(matches, i, width);
      if (done.has(key)) continue;
      const at = remember ? refused.get(key) : undefined;
      if (at !== undefined && !changedSince(eg.dataStamp, matches, i, width, at)) continue;
      const r = fn(eg, matches, i);
      if (r !== REFUSED) {
        done.add(key);
        if (at !== undefined) refused.delete(key);
        n += r;
      } else if (remember) refused.set(key, eg.dataClock);
      if (eg.size > sizeLimit) break;
      if ((i & 255) === 255 && performance.now() > deadline) break;
    }
    return n;
  }
}

function newestSymbol(p: Pattern): number {
  if (p.kind === 'var') return -1;
  let newest: number = p.symbol;
  for (const c of p.children) newest = Math.max(newest, newestSymbol(c));
  return newest;
}

/**
 * Builds a rewrite from s-expressions: `parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)')`.
 *
 * @example `parseRewrite(lang, 'div-canon', '(/ ?a ?b)', '(* ?a (pow ?b -1))', [notZero('?b')])`
 */
export function parseRewrite(
  lang: Language,
  name: string,
  lhs: string,
  rhs: string,
  guards: readonly Guard[] = [],
): Rewrite {
  return new Rewrite(name, parsePattern(lang, lhs), parsePattern(lang, rhs), guards);
}

/** Post-order steps building a pattern: each step is a symbol and child refs (≥0: an earlier step, <0: var). */
interface Instantiation {
  readonly syms: Int32Array;
  readonly refs: Int32Array[];
  readonly rootVar: number; // var index when the pattern is a bare variable, else -1
  readonly scratch: number[][];
  readonly built: Int32Array;
}

function compileInstantiation(p: Pattern, vars: readonly string[]): Instantiation {
  const syms: number[] = [];
  const refs: Int32Array[] = [];
  const walk = (q: Pattern): number => {
    if (q.kind === 'var') return -1 - vars.indexOf(q.name);
    const kids = q.children.map(walk);
    syms.push(q.symbol);
    refs.push(Int32Array.from(kids));
    return syms.length - 1;
  };
  const root = walk(p);
  return {
    syms: Int32Array.from(syms),
    refs,
    rootVar: root < 0 ? -1 - root : -1,
    scratch: refs.map((r) => new Array<number>(r.length).fill(0)),
    built: new Int32Array(syms.length),
  };
}

function instantiate(eg: EGraph, ins: Instantiation, m: Matches, i: number): ClassId {
  if (ins.rootVar >= 0) return m.value(i, ins.rootVar);
  const built = ins.built;
  for (let s = 0; s < ins.syms.length; s++) {
    const refs = ins.refs[s];
    const kids = ins.scratch[s];
    for (let k = 0; k < refs.length; k++) {
      const r = refs[k];
      kids[k] = r >= 0 ? built[r] : m.value(i, -1 - r);
    }
    built[s] = eg.addUncanonical(ins.syms[s] as SymbolId, kids);
  }
  return built[ins.syms.length - 1] as ClassId;
}
