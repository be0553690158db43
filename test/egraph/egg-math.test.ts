import { describe, expect, it } from 'vitest';
import { eggConstants, eggCost, eggMathLanguage } from '../../bench/egg-math/language.js';
import { loadEggMath } from '../../bench/egg-math/load.js';
import { eggMathRules } from '../../bench/egg-math/rules.js';
import { EGraph } from '../../src/egraph/egraph.js';
import { Runner } from '../../src/egraph/run.js';
import { SimpleScheduler } from '../../src/egraph/scheduler.js';
import { parseTerm } from '../../src/egraph/term.js';
import { GreedyExtractor } from '../../src/extract/greedy.js';

const { rules: ruleRows, cases } = loadEggMath();

function setup() {
  const lang = eggMathLanguage();
  const constants = eggConstants();
  const eg = new EGraph(lang, { analyses: [constants] });
  return { lang, constants, eg, rules: eggMathRules(lang, constants, ruleRows) };
}

describe('egg math suite', () => {
  it('has the 36 rules of rules.tsv', () => {
    expect(setup().rules).toHaveLength(36);
  });

  const provable = cases.filter((c) => c.name !== 'math_fail' && c.name !== 'math_associate_adds');
  it.each(provable.map((c) => [c.name, c] as const))('%s: start ⇒ goal', (_name, c) => {
    const { lang, eg, rules } = setup();
    const start = eg.addTerm(parseTerm(lang, c.start));
    const goal = eg.addTerm(parseTerm(lang, c.goal));
    const report = new Runner(eg, { ...c.goalLimits, goals: [[start, goal]], timeLimitMs: 10_000 }).run(
      rules,
    );
    expect(report.stopReason.kind).toBe('goalReached');
    expect(eg.find(start)).toBe(eg.find(goal));
  });

  it('math_fail is not proven', () => {
    const c = cases.find((k) => k.name === 'math_fail')!;
    const { lang, eg, rules } = setup();
    const start = eg.addTerm(parseTerm(lang, c.start));
    const goal = eg.addTerm(parseTerm(lang, c.goal));
    const report = new Runner(eg, { goals: [[start, goal]] }).run(rules);
    expect(report.stopReason.kind).not.toBe('goalReached');
    expect(eg.find(start)).not.toBe(eg.find(goal));
  });

  it('math_associate_adds: 127 classes after 7 iterations of comm-add and assoc-add', () => {
    const c = cases.find((k) => k.name === 'math_associate_adds')!;
    const lang = eggMathLanguage();
    const eg = new EGraph(lang); // egg runs this case without an analysis
    const rules = eggMathRules(lang, eggConstants(), ruleRows, ['comm-add', 'assoc-add']);
    const start = eg.addTerm(parseTerm(lang, c.start));
    const report = new Runner(eg, {
      iterLimit: 7,
      scheduler: new SimpleScheduler(),
      checkInvariants: true,
    }).run(rules);
    expect(report.stopReason.kind).toBe('iterationLimit');
    expect(eg.classCount).toBe(127);
    expect(eg.find(start)).toBe(eg.find(eg.addTerm(parseTerm(lang, c.goal))));
  });

  it('stress extraction of math_simplify_factor reaches the reference cost', () => {
    const { lang, eg, rules } = setup();
    const start = eg.addTerm(parseTerm(lang, '(* (+ x 3) (+ x 1))'));
    new Runner(eg, { checkInvariants: true }).run(rules);
    const best = new GreedyExtractor(eg, eggCost(lang)).findBest(start);
    expect(best.cost).toBe(7);
  });
});
