import { describe, expect, it } from 'vitest';
import { eggConstants, eggMathLanguage } from '../../bench/egg-math/language.js';
import { loadEggMath } from '../../bench/egg-math/load.js';
import { eggMathRules } from '../../bench/egg-math/rules.js';
import { EGraph } from '../../src/egraph/egraph.js';
import type { ExplanationStep } from '../../src/egraph/explain.js';
import type { Language } from '../../src/egraph/language.js';
import { type Pattern, parsePattern } from '../../src/egraph/pattern.js';
import { Runner } from '../../src/egraph/run.js';
import { formatTerm, parseTerm, type Term, termEquals } from '../../src/egraph/term.js';

const { rules: ruleRows, cases } = loadEggMath();

// An independent checker: each step must be one application of its named rule, forward or backward, at one
// position of the previous term, everything else unchanged.
function match(p: Pattern, t: Term, s: Map<string, Term>): boolean {
  if (p.kind === 'var') {
    const bound = s.get(p.name);
    if (bound === undefined) {
      s.set(p.name, t);
      return true;
    }
    return termEquals(bound, t);
  }
  if (p.symbol !== t.symbol) return false;
  return p.children.every((c, i) => match(c, t.children[i], s));
}

function inst(p: Pattern, s: Map<string, Term>): Term {
  return p.kind === 'var'
    ? s.get(p.name)!
    : { symbol: p.symbol, children: p.children.map((c) => inst(c, s)) };
}

function rewritesTo(
  lang: Language,
  lhs: Pattern | 'fold',
  rhs: Pattern | undefined,
  from: Term,
  to: Term,
): boolean {
  if (lhs === 'fold') {
    if (from.children.length === 0 || !from.children.every((c) => lang.op(c.symbol) === 'num')) return false;
    const [a, b] = from.children.map((c) => lang.payload(c.symbol) as number);
    const ops: Record<string, number> = { '+': a + b, '-': a - b, '*': a * b, '/': a / b };
    const v = ops[lang.op(from.symbol)];
    return lang.op(to.symbol) === 'num' && lang.payload(to.symbol) === (v === 0 ? 0 : v);
  }
  const s = new Map<string, Term>();
  return match(lhs, from, s) && termEquals(inst(rhs!, s), to);
}

function oneStep(
  lang: Language,
  rule: [Pattern | 'fold', Pattern | undefined],
  from: Term,
  to: Term,
): boolean {
  if (rewritesTo(lang, rule[0], rule[1], from, to)) return true;
  if (from.symbol !== to.symbol || from.children.length !== to.children.length) return false;
  const differ = from.children.map((c, i) => !termEquals(c, to.children[i]));
  if (differ.filter(Boolean).length !== 1) return false;
  const i = differ.indexOf(true);
  return oneStep(lang, rule, from.children[i], to.children[i]);
}

function replayExplanation(lang: Language, steps: readonly ExplanationStep[]): void {
  const table = new Map<string, [Pattern | 'fold', Pattern | undefined]>(
    ruleRows.map((r) => [r.name, [parsePattern(lang, r.lhs), parsePattern(lang, r.rhs)]]),
  );
  table.set('constant-fold', ['fold', undefined]);
  for (let k = 1; k < steps.length; k++) {
    const { rule, direction, term } = steps[k];
    const prev = steps[k - 1].term;
    const r = table.get(rule!);
    expect(r, `unknown rule ${rule}`).toBeDefined();
    const ok = direction === 'forward' ? oneStep(lang, r!, prev, term) : oneStep(lang, r!, term, prev);
    expect(
      ok,
      `step ${k}: ${formatTerm(lang, prev)} -[${rule} ${direction}]-> ${formatTerm(lang, term)}`,
    ).toBe(true);
  }
}

describe('explanations', () => {
  const chosen = cases.filter((c) =>
    [
      'math_simplify_add',
      'math_powers',
      'math_simplify_const',
      'math_diff_simple1',
      'math_diff_ln',
      'integ_x',
      'math_simplify_factor',
      'diff_power_simple',
    ].includes(c.name),
  );
  it.each(chosen.map((c) => [c.name, c] as const))('%s: the explanation replays start → goal', (_n, c) => {
    const lang = eggMathLanguage();
    const constants = eggConstants();
    const eg = new EGraph(lang, { analyses: [constants], explanations: true });
    const start = eg.addTermUncanonical(parseTerm(lang, c.start));
    const goal = eg.addTermUncanonical(parseTerm(lang, c.goal));
    const report = new Runner(eg, { goals: [[start, goal]], checkInvariants: true }).run(
      eggMathRules(lang, constants, ruleRows),
    );
    expect(report.stopReason.kind).toBe('goalReached');
    const steps = eg.explain!.explain(start, goal);
    expect(formatTerm(lang, steps[0].term)).toBe(formatTerm(lang, parseTerm(lang, c.start)));
    expect(formatTerm(lang, steps.at(-1)!.term)).toBe(formatTerm(lang, parseTerm(lang, c.goal)));
    expect(steps.length).toBeGreaterThan(1);
    replayExplanation(lang, steps);
  });

  it('explains equalities found by congruence alone', () => {
    const lang = eggMathLanguage();
    const eg = new EGraph(lang, { explanations: true });
    const fa = eg.addTermUncanonical(parseTerm(lang, '(sin (+ a b))'));
    const fb = eg.addTermUncanonical(parseTerm(lang, '(sin (+ b a))'));
    eg.union(
      eg.addTermUncanonical(parseTerm(lang, '(+ a b)')),
      eg.addTermUncanonical(parseTerm(lang, '(+ b a)')),
      {
        kind: 'rule',
        rule: 'comm-add',
      },
    );
    eg.rebuild();
    const steps = eg.explain!.explain(fa, fb);
    expect(steps.map((s) => formatTerm(lang, s.term))).toEqual(['(sin (+ a b))', '(sin (+ b a))']);
    expect(steps[1]).toMatchObject({ rule: 'comm-add', direction: 'forward' });
    expect(eg.explain!.explain(fb, fa)[1]).toMatchObject({ rule: 'comm-add', direction: 'backward' });
  });
});
