/**
 * Nothing in the rule pipeline recurses once per level of a term: a right side that is a 2,000- or
 * 20,000-term sum (a chain as deep as it is long) loads, compiles and applies, and what is beyond the
 * documented limits (a left side's ops, bracket nesting) is a located error, not a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { parsePattern, formatPattern, patternVars, groundTerm } from '../../src/egraph/pattern.js';
import { Runner } from '../../src/egraph/run.js';
import { parseSExp } from '../../src/egraph/sexp.js';
import { addGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { formatTerm, parseTerm, termEquals, termSize } from '../../src/egraph/term.js';
import { Language } from '../../src/egraph/language.js';
import { T } from '../../src/graph/index.js';
import { MAX_LHS_OPS } from '../../src/rules/lhs.js';
import { loadLibrary } from '../../src/rules/load.js';
import { formatPattern as formatRulePattern, patternVariables } from '../../src/rules/pattern.js';
import { RuleSet } from '../../src/rules/rule.js';
import { MAX_NESTING } from '../../src/rules/syntax.js';

/** `?x + 1 + ?x + 1 + …` with `terms` terms. */
const longSum = (terms: number) =>
  Array.from({ length: terms }, (_, i) => (i % 2 === 0 ? '?x' : '1')).join(' + ');

const load = (text: string) => loadLibrary([{ text, file: 'big.rules' }]);

describe('rules as large as their terms', () => {
  for (const terms of [2000, 20_000]) {
    it(`loads, compiles and applies a right side of ${terms} terms`, () => {
      const { library, errors } = load(`ruleset big\nrule big [big]: exp(?x) => ${longSum(terms)}\n`);
      expect(errors).toEqual([]);
      const [rule] = library.rules;
      expect(patternVariables(rule.def.rhs).classVars).toEqual(['?x']);
      expect(formatRulePattern(rule.def.rhs).length).toBeGreaterThan(terms * 3);
      const t = createTensorEGraph();
      addGraph(t.egraph, t.lang, [T.exp(T.vector('x', 'f32', 'n'))]);
      const before = t.egraph.classIds().length;
      new Runner(t.egraph, { iterLimit: 1, nodeLimit: 10 * terms }).run(new RuleSet([rule]).source(t));
      // Applied (the literals took f32 from their siblings, so the type held): one new class per add.
      expect(rule.counters).toMatchObject({ applied: 1, rejected: { 'ill-typed': 0, 'type-changed': 0 } });
      expect(t.egraph.classIds().length).toBeGreaterThanOrEqual(before + terms - 1);
    });
  }

  it(`refuses a left side of more than ${MAX_LHS_OPS} ops at its first op past the limit`, () => {
    const { library, errors } = load(`ruleset big\nrule big [big]: ${longSum(2000)} => ?x\n`);
    expect(library.rules).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(
      `rule 'big': a left side may hold at most ${MAX_LHS_OPS} ops (the matcher nests one loop per op): this add is op ${MAX_LHS_OPS + 1}`,
    );
    expect(errors[0].span.line).toBe(2);
    // The 10,000-character line is shown around the caret, which sits under the op at fault.
    const [, shown, caret] = errors[0].message.split('\n');
    expect(shown.length).toBeLessThan(200);
    expect(shown[caret.indexOf('^')]).toBe('+');
    // A <=> rule whose right side is that long has such a left side backwards.
    const both = load(`ruleset big\nrule big [big]: exp(?x) <=> ${longSum(2000)}\n`);
    expect(both.errors[0].message).toContain(`at most ${MAX_LHS_OPS} ops`);
  });

  it(`loads brackets nested ${MAX_NESTING} deep, and refuses deeper ones at the bracket`, () => {
    const nested = (depth: number) => `${'exp('.repeat(depth)}?x${')'.repeat(depth)}`;
    const ok = load(`ruleset big\nrule big [big]: log(?x) => ${nested(MAX_NESTING)}\n`);
    expect(ok.errors).toEqual([]);
    expect(formatRulePattern(ok.library.rules[0].def.rhs)).toBe(nested(MAX_NESTING));
    const text = `ruleset big\nrule ok [big]: log(?x) => ?x\nrule big [big]: log(?x) => ${nested(5000)}\n`;
    const deep = load(text);
    expect(deep.library.rules.map((r) => r.name)).toEqual(['ok']);
    expect(deep.errors).toHaveLength(1);
    expect(deep.errors[0].message).toContain(`brackets nest more than ${MAX_NESTING} deep here`);
    expect(deep.errors[0].span).toMatchObject({
      line: 3,
      column: 'rule big [big]: log(?x) => '.length + 4 * MAX_NESTING + 4,
    });
    // Brackets in comments and strings do not count.
    const quoted = load(
      `ruleset big "${'('.repeat(500)}"\n# ${'['.repeat(500)}\nrule r [big]: log(?x) => ?x\n`,
    );
    expect(quoted.errors).toEqual([]);
  });

  it('refuses a 20,000-long run of ** (right-associative: it nests) with a located error', () => {
    const pow = Array.from({ length: 20_000 }, () => '?x').join(' ** ');
    const { errors } = load(`ruleset big\nrule ok [big]: log(?x) => ?x\nrule big [big]: exp(?x) => ${pow}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(
      'nested too deeply to parse (a run of thousands of ** or of prefix -',
    );
    expect(errors[0].span).toMatchObject({ line: 3, column: 1 });
  });

  it('parses, prints and compares s-expressions, terms and patterns 20,000 deep', () => {
    const depth = 20_000;
    const text = `${'(exp '.repeat(depth)}x${')'.repeat(depth)}`;
    let s = parseSExp(text);
    for (let i = 0; i < depth; i++) s = (s as unknown[])[1] as typeof s;
    expect(s).toBe('x');
    const lang = new Language('deep', (op, arity) => ({ op, arity }));
    const term = parseTerm(lang, text);
    expect(termSize(term)).toBe(depth + 1);
    expect(formatTerm(lang, term)).toBe(text);
    expect(termEquals(term, parseTerm(lang, text))).toBe(true);
    expect(termEquals(term, parseTerm(lang, text.replace('x)', 'y)')))).toBe(false);
    const pattern = parsePattern(lang, text.replace('x)', '?a)'));
    expect(patternVars(pattern)).toEqual(['?a']);
    expect(formatPattern(lang, pattern)).toBe(text.replace('x)', '?a)'));
    expect(groundTerm(pattern)).toBeUndefined();
    expect(termSize(groundTerm(parsePattern(lang, text))!)).toBe(depth + 1);
  });
});
