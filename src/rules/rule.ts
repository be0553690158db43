/**
 * A compiled tensor rule: left side (expanded over the attribute values present), guard, and a typed
 * right side. `RuleSet` turns a list of them into the rewrites a Runner asks for each iteration.
 */
import type { EGraph } from '../egraph/egraph.js';
import { foldTree, preorder } from '../egraph/fold.js';
import { asSymbolId, type ClassId } from '../egraph/ids.js';
import type { Pattern } from '../egraph/pattern.js';
import type { IntervalFact } from '../egraph/interval.js';
import type { Guard, Subst } from '../egraph/rewrite.js';
import { ComputeApplier, Rewrite } from '../egraph/rewrite.js';
import { type TensorEGraph, tensorOf } from '../egraph/tensor/index.js';
import type { SourceSpan } from '../graph/errors.js';
import { getOp } from '../graph/op-table.js';
import type { Span } from '../graph/syntax/ast.js';
import { type GuardExpr, guardVarSpan, guardVars, sharedGuard, validateGuard } from './guards.js';
import {
  type AttrBindings,
  type CompiledRhs,
  compileRhs,
  instantiateRhs,
  type RejectReason,
} from './instantiate.js';
import { symbolListNumber } from './expansion-key.js';
import { type CompiledLhs, compileLhs, expand, LhsError } from './lhs.js';
import { patternArgs, patternOps, patternVariables, type RulePattern, varSpan } from './pattern.js';

/** A rule as written: one direction (a `<=>` rule gives two of these). */
export interface RuleDef {
  readonly name: string;
  readonly tags: readonly string[];
  readonly lhs: RulePattern;
  readonly rhs: RulePattern;
  readonly guard?: GuardExpr;
  /** Where the rule is written, for errors and reports. */
  readonly span?: SourceSpan;
  /** The matched left side is marked as never to be extracted (rules of a `replacing` ruleset). */
  readonly replaces?: boolean;
}

/** A rule that does not compile: unbound variables, unknown ops or guards, bad attributes. */
export class RuleCompileError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    /** Where in the rule's source the problem is, when narrower than the rule (a guard call). */
    readonly at?: Span,
  ) {
    super(`rule '${rule}': ${message}`);
  }
}

/** Counts of right sides a rule built or refused, for `rules:check` and reports. */
export interface RuleCounters {
  applied: number;
  rejected: Record<RejectReason, number>;
}

/**
 * A rule checked and compiled once; `rewrites(t)` gives its rewrites for one tensor e-graph.
 *
 * @example const r = new CompiledRule(def); new Runner(t.egraph).run(() => r.rewrites(t));
 */
export class CompiledRule {
  /**
   * The left side's ops, one per slot of `lhs` in its order: all a rule list needs to tell whether the
   * rule can match, so a rule whose ops an e-graph lacks is never compiled (see `checked`).
   */
  readonly ops: readonly string[];
  private compiledLhs?: CompiledLhs;
  private compiledRhs?: CompiledRhs;
  private rightVars?: readonly string[];
  readonly counters: RuleCounters = {
    applied: 0,
    rejected: { 'ill-typed': 0, 'type-changed': 0, 'literal-shape': 0 },
  };

  /**
   * Checks and compiles `def`, throwing a `RuleCompileError`. A `checked` rule (one the build step
   * compiled without error: the shipped rule files) skips the checks and compiles each side on first
   * use: loading the shipped library compiled ~500 rules, most of which a small graph never matches
   * (two fifths of the CLI's library load).
   */
  constructor(
    readonly def: RuleDef,
    checked = false,
    /** The left side's ops when known (`patternOps(def.lhs)`), so a checked rule reads no pattern. */
    ops?: readonly string[],
    /** Makes the left side when it is first needed, where the caller has it compiled (the build step). */
    private readonly makeLhs?: () => CompiledLhs,
  ) {
    this.ops = ops ?? patternOps(def.lhs);
    if (checked) return;
    const fail = (message: string, at?: Span) => new RuleCompileError(def.name, message, at);
    try {
      this.compiledLhs = compileLhs(def.lhs);
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), e instanceof LhsError ? e.at : undefined);
    }
    const left = patternVariables(def.lhs);
    const right = patternVariables(def.rhs);
    const clash = left.classVars.find((v) => left.attrVars.includes(v));
    if (clash) throw fail(`${clash} is used both as a tensor and as an attribute`);
    const unboundClass = right.classVars.filter((v) => !left.classVars.includes(v));
    if (unboundClass.length)
      throw fail(
        `${unboundClass.join(', ')} on the right side ${unboundClass.length > 1 ? 'are' : 'is'} not bound on the left`,
        varSpan(def.rhs, unboundClass[0]),
      );
    const unboundAttr = right.attrVars.filter((v) => !left.attrVars.includes(v));
    if (unboundAttr.length)
      throw fail(
        `attribute ${unboundAttr.join(', ')} on the right side is not bound on the left`,
        varSpan(def.rhs, unboundAttr[0]),
      );
    if (def.guard) {
      const unboundGuard = guardVars(def.guard).filter((v) => !left.classVars.includes(v));
      if (unboundGuard.length)
        throw fail(
          `${unboundGuard.join(', ')} in the guard ${unboundGuard.length > 1 ? 'are' : 'is'} not bound on the left`,
          guardVarSpan(def.guard, unboundGuard[0]),
        );
      try {
        validateGuard(def.guard);
      } catch (e) {
        throw fail(e instanceof Error ? e.message : String(e), (e as { span?: Span }).span);
      }
    }
    checkRhsOps(def.rhs, fail);
    this.compiledRhs = compileRhs(def.rhs);
    this.rightVars = right.classVars;
  }

  get lhs(): CompiledLhs {
    return (this.compiledLhs ??= this.makeLhs?.() ?? compileLhs(this.def.lhs));
  }

  get rhs(): CompiledRhs {
    return (this.compiledRhs ??= compileRhs(this.def.rhs));
  }

  /** The right side's tensor variables, in order of first occurrence (what its applier reads). */
  private get rhsVars(): readonly string[] {
    return (this.rightVars ??= patternVariables(this.def.rhs).classVars);
  }

  get name(): string {
    return this.def.name;
  }

  /**
   * Rewrites by the symbols they match, shared by all e-graphs: e-graphs built from the same graph number
   * their symbols alike, so a rewrite is built once per process, not once per e-graph (that was 10-15% of
   * a warm optimize). Keyed by ids and symbol keys, so an id meaning another symbol never reuses one.
   * Made on first use, as `expanded` is: most rules of a library never match a given graph, and two maps
   * for each of ~500 rules were ~290 kB of each cold library load that survived its collections.
   */
  private shared?: Map<string, Rewrite>;

  /**
   * Expansions by the numbers of the symbol lists of the left side's ops (see `symbolListNumber`): the
   * e-graphs of a warm optimize grow the lists their phase grew last time, and expanding them again was
   * most of the time spent listing rewrites.
   */
  private expanded?: Map<string, readonly Rewrite[]>;

  /** The rewrites for the symbols now in `t`'s language; stable objects, so schedulers keep their state. */
  rewrites(t: TensorEGraph): readonly Rewrite[] {
    let listings = expansions.get(t);
    if (!listings) {
      listings = new Map();
      expansions.set(t, listings);
    }
    let listing = listings.get(this);
    if (!listing) {
      listing = { size: -1, lists: '', list: NO_REWRITES };
      listings.set(this, listing);
    }
    if (listing.size === t.lang.size) return listing.list;
    listing.size = t.lang.size;
    return this.rewritesFor(t, (op) => symbolListNumber(t.lang, op), listing);
  }

  /**
   * The rewrites for the symbol lists `numberOf` gives each op (see `symbolListNumber`), updating
   * `listing`, this rule's last list in `t`.
   */
  rewritesFor(t: TensorEGraph, numberOf: (op: string) => number, listing: Listing): readonly Rewrite[] {
    // The language only grows, so while none of this rule's ops gained a symbol its expansion is the
    // same (new symbols, such as constants, mostly belong to other ops): skip re-expanding it.
    let lists = '';
    for (const op of this.ops) {
      const n = numberOf(op);
      // Most rules name an op the graph does not have: they have no rewrite, and expanding them to
      // learn that was most of this method's time.
      if (n === 0) {
        listing.lists = '';
        return (listing.list = NO_REWRITES);
      }
      lists += `${n},`;
    }
    if (lists === listing.lists) return listing.list;
    listing.lists = lists;
    const expanded = (this.expanded ??= new Map());
    let list = expanded.get(lists);
    if (!list) {
      list = this.expand(t);
      if (expanded.size >= EXPANDED_LIMIT) expanded.clear();
      expanded.set(lists, list);
    }
    return (listing.list = list);
  }

  private expand(t: TensorEGraph): readonly Rewrite[] {
    const list: Rewrite[] = [];
    const shared = (this.shared ??= new Map());
    for (const e of expand(this.lhs, t.lang)) {
      const key = `${e.key}|${e.symbols.map((s) => t.lang.key(s)).join('|')}`;
      let rw = shared.get(key);
      if (!rw) {
        // Bounded: graphs with many attribute values (axes, constants) would otherwise grow it forever.
        // The expansions holding its rewrites go with it, so a list never mixes rewrites of two builds.
        if (shared.size >= SHARED_REWRITE_LIMIT) {
          shared.clear();
          this.expanded?.clear();
        }
        rw = this.makeRewrite(e.symbols, e.attrs);
        shared.set(key, rw);
      }
      list.push(rw);
    }
    return list;
  }

  /** A rewrite for any tensor e-graph whose language numbers `symbols` alike (see `shared`). */
  private makeRewrite(symbols: Parameters<CompiledLhs['build']>[0], attrs: AttrBindings): Rewrite {
    const pattern = this.lhs.build(symbols);
    const guards: Guard[] = this.lhs.literals.map((lit) => {
      // The e-graph's range data, looked up once per e-graph: this runs inside the search, on every
      // candidate class (666k times in a 100k-op optimize).
      let lastEg: EGraph | undefined;
      let ranges: readonly IntervalFact[] = [];
      const classCheck = (eg: EGraph, cls: ClassId) => {
        if (eg !== lastEg) {
          ranges = eg.dataOf(tensorOf(eg).ranges);
          lastEg = eg;
        }
        const r = ranges[eg.find(cls)];
        return r.lo === lit.value && r.hi === lit.value;
      };
      return {
        name: `${lit.name} == ${lit.value}`,
        vars: [lit.name],
        check: (eg: EGraph, s: Subst) => classCheck(eg, s.get(lit.name)),
        classCheck,
      };
    });
    if (this.def.guard) guards.push(sharedGuard(this.def.guard));
    const rhs = this.rhs;
    const counters = this.counters;
    const vars = this.rhsVars;
    const replaces = this.def.replaces === true;
    const applier = new ComputeApplier(vars, (eg, matched, subst) => {
      const t = tensorOf(eg);
      const built = instantiateRhs(t, rhs, subst, attrs, matched);
      if (typeof built === 'string') {
        counters.rejected[built]++;
        return [];
      }
      counters.applied++;
      if (replaces) markReplaced(eg, t, pattern, subst);
      return [built];
    });
    return new Rewrite(this.def.name, pattern, applier, guards);
  }
}

const NO_REWRITES: readonly Rewrite[] = [];

/** Indices of the rules whose left side names each op, per rule list (built once: lists are per phase). */
function rulesByOp(rules: readonly CompiledRule[]): ReadonlyMap<string, readonly number[]> {
  let byOp = ruleIndex.get(rules);
  if (byOp) return byOp;
  const index = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const op of r.ops) {
      const users = index.get(op) ?? [];
      if (users[users.length - 1] !== i) users.push(i);
      index.set(op, users);
    }
  });
  byOp = index;
  ruleIndex.set(rules, byOp);
  return byOp;
}

const ruleIndex = new WeakMap<readonly CompiledRule[], ReadonlyMap<string, readonly number[]>>();

/**
 * Each rule's first listing and all their rewrites in one list, per rule list and numbers of the
 * language's symbol lists (see `source`). The list is shared by the e-graphs that get it: read only.
 */
const firstListings = new WeakMap<
  readonly CompiledRule[],
  Map<
    string,
    {
      readonly listings: readonly Listing[];
      readonly lists: readonly (readonly Rewrite[])[];
      readonly all: readonly Rewrite[];
    }
  >
>();

/** Language states kept per rule list at most: a few per phase and model graph optimized. */
const FIRST_LISTINGS_LIMIT = 64;

/**
 * Each rule's expansion per e-graph, one weak entry per e-graph: a weak map per rule cost a slow weak
 * insertion per rule and e-graph (a tenth of a warm optimize with 450 rules).
 */
const expansions = new WeakMap<TensorEGraph, Map<CompiledRule, Listing & { size: number }>>();

/** A rule's rewrites as last listed for one e-graph, and the numbers of the symbol lists they came from. */
interface Listing {
  lists: string;
  list: readonly Rewrite[];
}

/** Expansions kept per rule at most (see `CompiledRule.expanded`). */
const EXPANDED_LIMIT = 256;

/** Rewrites kept per rule at most (see `CompiledRule.shared`). */
const SHARED_REWRITE_LIMIT = 4096;

/** Records the e-node a left side matched at its root, so extraction avoids it. */
function markReplaced(eg: EGraph, t: TensorEGraph, pattern: Pattern, subst: Subst): void {
  if (pattern.kind !== 'node') return;
  const children: ClassId[] = [];
  for (const child of pattern.children) {
    const cls = lookupPattern(eg, child, subst);
    if (cls === undefined) return;
    children.push(cls);
  }
  t.replaced.add(pattern.symbol, children);
}

function lookupPattern(eg: EGraph, p: Pattern, subst: Subst): ClassId | undefined {
  if (p.kind === 'var') return subst.get(p.name);
  return foldTree<Pattern, ClassId | undefined>(
    p,
    (q) => (q.kind === 'node' ? q.children : []),
    (q, kids) => {
      if (q.kind === 'var') return subst.get(q.name);
      if (kids.includes(undefined)) return undefined;
      return eg.lookup(q.symbol, kids as ClassId[]);
    },
  );
}

function checkRhsOps(rhs: RulePattern, fail: (m: string, at?: Span) => Error): void {
  for (const p of preorder(rhs, patternArgs)) {
    if (p.kind !== 'op') continue;
    // getOp throws a "did you mean" error for unknown ops; arity is checked when instantiated, but a
    // fixed-arity mismatch is certain now.
    let arity: number | { min: number };
    try {
      arity = getOp(p.op).arity;
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), p.span);
    }
    if (typeof arity === 'number' && arity !== p.args.length)
      throw fail(`${p.op} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${p.args.length}`, p.span);
  }
}

/**
 * Rules run together: the rewrite source a Runner asks once per iteration.
 *
 * @example new Runner(t.egraph).run(new RuleSet(rules).source(t))
 */
export class RuleSet {
  constructor(readonly rules: readonly CompiledRule[]) {}

  source(t: TensorEGraph): () => readonly Rewrite[] {
    // The list changes only when the language gains symbols, and then only for the rules that match an
    // op of a new symbol (mostly constants): asking every rule on each new symbol was 15% of a warm
    // optimize, and grew with the number of rules.
    const byOp = rulesByOp(this.rules);
    // The number of each op's symbol list, updated for the ops of new symbols only.
    const numbers = new Map<string, number>();
    const numberOf = (op: string) => numbers.get(op) ?? 0;
    // Each rule's listing; those of a kept first listing are shared (read only) until a rule's list
    // changes, then copied: a fresh object per rule and phase was ~1,500 allocations per warm optimize.
    let listings: Listing[] | undefined;
    let shared: readonly Listing[] | undefined;
    let seen = 0;
    let lists: (readonly Rewrite[])[] | undefined;
    let list: readonly Rewrite[] = [];
    return () => {
      const size = t.lang.size;
      if (size === seen && lists) return list;
      let changed = false;
      const grown = new Set<string>();
      for (let s = seen; s < size; s++) grown.add(t.lang.op(asSymbolId(s)));
      for (const op of grown) numbers.set(op, symbolListNumber(t.lang, op));
      if (!lists || !listings) {
        // Each rule's first list depends only on the numbers of its ops' symbol lists, so a language with
        // the same numbers for all ops (the same phase of a warm optimize) gets the same lists: asking
        // each of hundreds of rules again was a third of this function's time.
        let state = '';
        for (const [op, n] of numbers) state += `${op}:${n},`;
        let byState = firstListings.get(this.rules);
        if (!byState) {
          byState = new Map();
          firstListings.set(this.rules, byState);
        }
        const kept = byState.get(state);
        if (kept) {
          // The kept flat list too: flattening hundreds of (mostly empty) lists again took about a
          // fifth more of each warm optimize (tanhMlp, p10 of 60 calls: 0.23 ms -> 0.18 ms).
          shared = kept.listings;
          listings = kept.listings.slice();
          lists = kept.lists.slice();
          list = kept.all;
        } else {
          listings = this.rules.map(() => ({ lists: '', list: NO_REWRITES }));
          const own = listings;
          this.rules.forEach((r, i) => r.rewritesFor(t, numberOf, own[i]));
          lists = listings.map((l) => l.list);
          list = flatten(lists);
          if (byState.size >= FIRST_LISTINGS_LIMIT) byState.clear();
          byState.set(state, { listings: listings.map((l) => ({ ...l })), lists: lists.slice(), all: list });
        }
      } else {
        const stale = new Set<number>();
        for (const op of grown) for (const i of byOp.get(op) ?? []) stale.add(i);
        for (const i of stale) {
          if (shared !== undefined && listings[i] === shared[i]) listings[i] = { ...shared[i] };
          const rewrites = this.rules[i].rewritesFor(t, numberOf, listings[i]);
          if (rewrites !== lists[i]) changed = true;
          lists[i] = rewrites;
        }
      }
      seen = size;
      if (changed) list = flatten(lists);
      return list;
    };
  }
}

/** The rewrites of all rules in one list (a loop, not lists.flat(): flat was a third of `source`'s time). */
function flatten(lists: readonly (readonly Rewrite[])[]): Rewrite[] {
  const all: Rewrite[] = [];
  for (const l of lists) for (const rw of l) all.push(rw);
  return all;
}
