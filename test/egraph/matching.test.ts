import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EGraph } from '../../src/egraph/egraph.js';
import type { SymbolId } from '../../src/egraph/ids.js';
import { Program } from '../../src/egraph/machine.js';
import { OpIndex } from '../../src/egraph/op-index.js';
import { parsePattern } from '../../src/egraph/pattern.js';
import { parseTerm } from '../../src/egraph/term.js';
import { naiveMatches, opsArb, replay, smallLanguage } from './helpers.js';

const PATTERNS = [
  '?a',
  '(+ ?a ?b)',
  '(- ?x ?x)',
  '(+ ?a (* ?b ?c))',
  '(* ?a (+ ?b ?a))',
  '(+ ?a 0)',
  '(* (+ ?a ?b) (+ ?b ?a))',
  '(sin (sin ?x))',
  '(+ 1 2)',
  '(- (sin ?x) ?x)',
];

describe('compiled e-matching', () => {
  it('finds exactly what a naive recursive matcher finds on random e-graphs', () => {
    fc.assert(
      fc.property(opsArb, fc.constantFrom(...PATTERNS), (ops, text) => {
        const { lang } = smallLanguage();
        const eg = new EGraph(lang);
        replay(eg, ops);
        const prog = Program.compile(parsePattern(lang, text));
        const m = prog.search(eg, OpIndex.of(eg));
        const got: string[] = [];
        for (let i = 0; i < m.count; i++) {
          got.push(`${m.eclass(i)}|${prog.vars.map((_, v) => m.value(i, v)).join(',')}`);
        }
        expect(new Set(got).size).toBe(got.length); // no duplicate matches
        expect(new Set(got)).toEqual(naiveMatches(eg, parsePattern(lang, text), prog.vars));
      }),
      { numRuns: 400 },
    );
  });

  it('matches non-linear patterns only where both occurrences agree', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const same = eg.addTerm(parseTerm(lang, '(- a a)'));
    eg.addTerm(parseTerm(lang, '(- a b)'));
    const m = Program.compile(parsePattern(lang, '(- ?x ?x)')).search(eg);
    expect(m.count).toBe(1);
    expect(m.eclass(0)).toBe(same);
  });

  it('updates an op index from an earlier one to exactly what a full build gives', () => {
    fc.assert(
      fc.property(opsArb, opsArb, (first, second) => {
        const { lang } = smallLanguage();
        const eg = new EGraph(lang);
        replay(eg, first);
        const earlier = OpIndex.of(eg);
        void earlier.all; // built, as a search would
        // An index made and never used in between: the update starts from the last one built.
        const unused = OpIndex.of(eg, earlier);
        replay(eg, second);
        const updated = OpIndex.of(eg, unused);
        const full = OpIndex.over(eg, undefined);
        expect(updated.all).toEqual(full.all);
        for (let s = 0; s < lang.size; s++)
          expect(updated.classesWith(s as SymbolId)).toEqual(full.classesWith(s as SymbolId));
      }),
      { numRuns: 300 },
    );
  });

  it('visits only classes holding the root op, and stops at the match limit', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    for (let i = 0; i < 50; i++) eg.addTerm(parseTerm(lang, `(+ a ${i})`));
    const prog = Program.compile(parsePattern(lang, '(+ ?a ?b)'));
    const index = OpIndex.of(eg);
    expect(index.classesWith(lang.resolve('+', 2))).toHaveLength(50);
    expect(prog.search(eg, index, { limit: 10, deadline: Number.POSITIVE_INFINITY }).count).toBe(11);
  });
});
