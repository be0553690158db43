import { describe, expect, it } from 'vitest';
import { eggConstants } from '../../bench/egg-math/language.js';
import { loadEggMath } from '../../bench/egg-math/load.js';
import { eggMathRules } from '../../bench/egg-math/rules.js';
import { EGraph } from '../../src/egraph/egraph.js';
import { parsePattern } from '../../src/egraph/pattern.js';
import { ComputeApplier, parseRewrite, Rewrite } from '../../src/egraph/rewrite.js';
import { Runner } from '../../src/egraph/run.js';
import { BackoffScheduler, type Scheduler, SimpleScheduler } from '../../src/egraph/scheduler.js';
import { parseTerm } from '../../src/egraph/term.js';
import { withCpuClock } from '../support/cpu-clock.js';
import { smallLanguage } from './helpers.js';

describe('rewrites', () => {
  it('refuses a right-hand side variable the left-hand side does not bind', () => {
    const { lang } = smallLanguage();
    expect(() => parseRewrite(lang, 'bad', '(+ ?a ?b)', '(+ ?a ?c)')).toThrow(
      "rule 'bad': ?c not bound by the left-hand side (binds ?a, ?b)",
    );
    expect(() => new Rewrite('bad2', parsePattern(lang, '?a'), new ComputeApplier(['?z'], () => []))).toThrow(
      "rule 'bad2': ?z not bound",
    );
  });

  it('runs guards and computing appliers', () => {
    const { lang } = smallLanguage();
    const constants = eggConstants();
    const eg = new EGraph(lang, { analyses: [constants] });
    const root = eg.addTerm(parseTerm(lang, '(sin (+ a 2))'));
    const twice = new Rewrite(
      'double',
      parsePattern(lang, '(+ ?a ?n)'),
      new ComputeApplier(['?a', '?n'], (g, _root, s) => [
        g.add(lang.resolve('-', 2), [
          s.get('?a'),
          g.add(lang.resolve(String(-eg.data(constants, s.get('?n'))!), 0), []),
        ]),
      ]),
      [{ name: 'is_const(?n)', vars: ['?n'], check: (g, s) => g.data(constants, s.get('?n')) !== undefined }],
    );
    const report = new Runner(eg, { checkInvariants: true }).run([twice]);
    expect(report.stopReason.kind).toBe('saturated');
    expect(eg.find(root)).toBe(eg.lookupTerm(parseTerm(lang, '(sin (- a -2))')));
  });
});

describe('refused matches', () => {
  it('are tried again only once the analysis data of one of their classes has changed', () => {
    const { lang } = smallLanguage();
    const constants = eggConstants();
    const eg = new EGraph(lang, { analyses: [constants] });
    const a = eg.addTerm(parseTerm(lang, 'a'));
    const b = eg.addTerm(parseTerm(lang, 'b'));
    eg.addTerm(parseTerm(lang, '(sin a)'));
    eg.addTerm(parseTerm(lang, '(sin b)'));
    const checked = new Map<number, number>();
    const guarded = new Rewrite(
      'sin-const',
      parsePattern(lang, '(sin ?x)'),
      parsePattern(lang, '(sin (+ ?x 0))'),
      [
        {
          name: 'is_const(?x)',
          vars: ['?x'],
          check: (g, s) => {
            const x = g.find(s.get('?x'));
            checked.set(x, (checked.get(x) ?? 0) + 1);
            return g.data(constants, x) !== undefined;
          },
        },
      ],
    );
    // `a` becomes the constant 2 in the first iteration, after `sin-const` turned `(sin a)` down.
    const known = parseRewrite(lang, 'a-is-2', 'a', '2');
    new Runner(eg, { iterLimit: 4, scheduler: new SimpleScheduler() }).run([guarded, known]);
    expect(eg.lookupTerm(parseTerm(lang, '(sin (+ a 0))'))).toBe(
      eg.find(eg.lookupTerm(parseTerm(lang, '(sin a)'))!),
    );
    expect(checked.get(eg.find(a))).toBeGreaterThanOrEqual(2);
    // Nothing about `b` changed: four iterations, one check.
    expect(checked.get(eg.find(b))).toBe(1);
  });
});

describe('incremental search', () => {
  it('grows the same e-graph as the full search, iteration by iteration', () => {
    const grow = (incremental: boolean) => {
      const { lang } = smallLanguage();
      const constants = eggConstants();
      const eg = new EGraph(lang, { analyses: [constants] });
      eg.addTerm(parseTerm(lang, '(* (+ a (* b 2)) (- (sin c) (+ 1 (* a 0))))'));
      // A tower no rule changes after the first iteration: searched once, then only near changes.
      eg.addTerm(parseTerm(lang, `${'(sin (+ b '.repeat(40)}c${'))'.repeat(40)}`));
      const rules = eggMathRules(lang, constants, loadEggMath().rules);
      const report = new Runner(eg, {
        iterLimit: 6,
        nodeLimit: 1e9,
        scheduler: new SimpleScheduler(),
        incremental,
        checkInvariants: true,
      }).run(rules);
      const matches = report.iterations.reduce((n, it) => n + it.rules.reduce((m, r) => m + r.matches, 0), 0);
      const shape = report.iterations.map((it) => [
        it.enodes,
        it.eclasses,
        it.rules.reduce((n, r) => n + r.applied, 0),
      ]);
      return { shape, matches };
    };
    const full = grow(false);
    const incremental = grow(true);
    expect(full.shape.at(-1)![0]).toBeGreaterThan(200);
    expect(incremental.shape).toEqual(full.shape);
    // The same matches applied, from fewer found: those far from any change are not searched again.
    expect(incremental.matches).toBeLessThan(full.matches);
  });
  it('finds a match whose change is a level below its root', () => {
    // (* a 2) gains (+ a a) in the first iteration; the sin above it is then matched as (sin (+ ?x ?y)).
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const root = eg.addTerm(parseTerm(lang, '(sin (* a 2))'));
    const rules = [
      parseRewrite(lang, 'double', '(* ?x 2)', '(+ ?x ?x)'),
      parseRewrite(lang, 'sin-sum', '(sin (+ ?x ?y))', '(* (sin (+ ?y ?x)) 1)'),
    ];
    new Runner(eg, { iterLimit: 4, scheduler: new SimpleScheduler(), incremental: true }).run(rules);
    expect(eg.lookupTerm(parseTerm(lang, '(* (sin (+ a a)) 1)'))).toBe(eg.find(root));
  });
  it('searches a rule over a symbol the language gained since the last search only near changes', () => {
    // `mark` adds the first `fresh` node; `later`, over `fresh`, is listed from then on (as a tensor rule
    // over an op is once the op appears). Its first search looks near the change only, not at every
    // product of the tower, and still finds the one match.
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const root = eg.addTerm(parseTerm(lang, '(* (sin a) b)'));
    eg.addTerm(parseTerm(lang, `${'(* b '.repeat(30)}c${')'.repeat(30)}`));
    const mark = new Rewrite(
      'mark',
      parsePattern(lang, '(sin ?x)'),
      new ComputeApplier(['?x'], (g, _root, s) => [
        g.add(lang.intern({ op: 'fresh', arity: 1 }), [s.get('?x')]),
      ]),
    );
    let later: Rewrite | undefined;
    const rules = () => {
      if (later === undefined && lang.get('fresh') !== undefined)
        later = parseRewrite(lang, 'later', '(* (fresh ?x) ?y)', '(+ ?y ?x)');
      return later === undefined ? [mark] : [mark, later];
    };
    const times = lang.resolve('*', 2);
    const products: number[] = [];
    const simple = new SimpleScheduler();
    const scheduler: Scheduler = {
      search: (iteration, g, rule, index, deadline) => {
        if (rule === later) products.push(index.classesWith(times).length);
        return simple.search(iteration, g, rule, index, deadline);
      },
      canStop: () => true,
    };
    new Runner(eg, { iterLimit: 4, scheduler, incremental: true }).run(rules);
    expect(eg.lookupTerm(parseTerm(lang, '(+ b a)'))).toBe(eg.find(root));
    expect(products[0]).toBe(1);
  });
});

describe('runner limits', () => {
  it('stops at the node limit with ?x => (+ ?x 0) and comm-add', () => {
    // These two rules alone saturate (every new node joins an existing class), at about four times the
    // start size; a limit below that must stop the run with nodeLimit at the first check past the limit.
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const leaves = Array.from({ length: 200 }, (_, i) => `v${i}`);
    eg.addTerm(
      parseTerm(
        lang,
        leaves.reduce((acc, v) => `(+ ${v} ${acc})`),
      ),
    );
    const limit = 1000;
    const rules = [
      parseRewrite(lang, 'add-zero', '?x', '(+ ?x 0)'),
      parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)'),
    ];
    const report = new Runner(eg, {
      nodeLimit: limit,
      iterLimit: 1000,
      scheduler: new SimpleScheduler(),
    }).run(rules);
    expect(report.stopReason.kind).toBe('nodeLimit');
    expect(eg.size).toBeGreaterThan(limit);
    expect(report.iterations.at(-2)?.size ?? 0).toBeLessThanOrEqual(limit);
    const growth = (report.stopReason as { topRules: { rule: string }[] }).topRules.map((r) => r.rule);
    expect(growth).toContain('add-zero');
  });

  it('ends within the time limit + 10% + slack', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    // Twelve distinct summands: about 2^12 sums, far from saturating within the limit (nine summands, three
    // of them repeated, saturate in about 150 ms).
    eg.addTerm(parseTerm(lang, '(+ a (+ b (+ c (+ 1 (+ 2 (+ 3 (+ 4 (+ 5 (+ 6 (+ 7 (+ x (+ y 0))))))))))))'));
    const rules = [
      parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)'),
      parseRewrite(lang, 'assoc-add', '(+ ?a (+ ?b ?c))', '(+ (+ ?a ?b) ?c)'),
      parseRewrite(lang, 'add-zero', '?x', '(+ ?x 0)'),
    ];
    const limit = 300;
    // Time is this process's CPU time, so the test measures the work done past the deadline, not how
    // long a loaded machine kept the process waiting.
    const { report, elapsed } = withCpuClock(() => {
      const t0 = performance.now();
      const report = new Runner(eg, {
        timeLimitMs: limit,
        nodeLimit: 1e9,
        iterLimit: 1e9,
        scheduler: new SimpleScheduler(),
      }).run(rules);
      return { report, elapsed: performance.now() - t0 };
    });
    expect(report.stopReason.kind).toBe('timeLimit');
    // 10% over the limit, plus slack for the rebuild that ends the last iteration; an unbounded
    // overshoot would still fail.
    expect(elapsed).toBeLessThan(limit * 1.1 + 150);
  });

  it('stops as soon as the goal is reached', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const a = eg.addTerm(parseTerm(lang, '(+ a b)'));
    const b = eg.addTerm(parseTerm(lang, '(+ b a)'));
    const rules = [
      parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)'),
      parseRewrite(lang, 'add-zero', '?x', '(+ ?x 0)'),
    ];
    const report = new Runner(eg, { goals: [[a, b]] }).run(rules);
    expect(report.stopReason).toEqual({ kind: 'goalReached' });
    expect(report.iterations).toHaveLength(1);
  });

  it('reports per-iteration statistics', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    eg.addTerm(parseTerm(lang, '(+ a b)'));
    const report = new Runner(eg).run([parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)')]);
    expect(report.stopReason.kind).toBe('saturated');
    const first = report.iterations[0];
    expect(first.rules[0]).toMatchObject({ rule: 'comm-add', matches: 1, applied: 1, enodesAdded: 1 });
    expect(first.enodes).toBe(4);
    expect(first.eclasses).toBe(3);
    expect(first.searchMs).toBeGreaterThanOrEqual(0);
  });
});

describe('backoff scheduler', () => {
  it('bans a rule whose matches exceed its limit, doubling limit and ban', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang, { analyses: [eggConstants()] });
    eg.addTerm(parseTerm(lang, '(+ a (+ b (+ c (+ 1 (+ 2 x)))))'.replace('x', 'a')));
    const rules = [
      parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)'),
      parseRewrite(lang, 'assoc-add', '(+ ?a (+ ?b ?c))', '(+ (+ ?a ?b) ?c)'),
    ];
    const scheduler = new BackoffScheduler({ matchLimit: 10, banLength: 2 });
    const report = new Runner(eg, { scheduler, iterLimit: 12, checkInvariants: true }).run(rules);
    expect(scheduler.timesBanned(rules[0]) + scheduler.timesBanned(rules[1])).toBeGreaterThan(0);
    const skipped = report.iterations.some((it) => it.rules.length < rules.length);
    expect(skipped).toBe(true);
  });

  it('does not call a run with banned rules saturated', () => {
    const { lang } = smallLanguage();
    const constants = eggConstants();
    const eg = new EGraph(lang, { analyses: [constants] });
    eg.addTerm(parseTerm(lang, '(* x (+ y 2))'.replace(/[xy]/g, 'a')));
    const rules = eggMathRules(lang, constants, loadEggMath().rules, ['comm-add', 'comm-mul', 'distribute']);
    const scheduler = new BackoffScheduler({ matchLimit: 1, banLength: 3 });
    const report = new Runner(eg, { scheduler }).run(rules);
    expect(report.stopReason.kind).toBe('saturated');
    const last = report.iterations.length - 1;
    expect(rules.every((r) => !scheduler.isBanned(r, last))).toBe(true);
  });
});
