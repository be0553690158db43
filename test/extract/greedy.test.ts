import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EGraph } from '../../src/egraph/egraph.js';
import { parseRewrite } from '../../src/egraph/rewrite.js';
import { Runner } from '../../src/egraph/run.js';
import { formatTerm, parseTerm, termSize } from '../../src/egraph/term.js';
import { astSize, treeCost } from '../../src/extract/cost.js';
import { GreedyExtractor } from '../../src/extract/greedy.js';
import { opsArb, replay, smallLanguage } from '../egraph/helpers.js';

describe('greedy extraction', () => {
  it('returns, for every class, a finite term of that class with the least tree size', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const { lang } = smallLanguage();
        const eg = new EGraph(lang);
        replay(eg, ops);
        const ex = new GreedyExtractor(eg, astSize);
        // Reference: least size per class by naive relaxation over nodesOf.
        const best = new Map<number, number>();
        for (let changed = true; changed;) {
          changed = false;
          for (const c of eg.classIds()) {
            for (const n of eg.nodesOf(c)) {
              const kids = n.children.map((k) => best.get(k) ?? Number.POSITIVE_INFINITY);
              const cost = 1 + kids.reduce((a, b) => a + b, 0);
              if (cost < (best.get(c) ?? Number.POSITIVE_INFINITY)) {
                best.set(c, cost);
                changed = true;
              }
            }
          }
        }
        for (const c of eg.classIds()) {
          const { cost, term } = ex.findBest(c);
          expect(cost).toBe(best.get(c));
          expect(termSize(term)).toBe(cost);
          expect(eg.lookupTerm(term)).toBe(c);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never returns a cyclic term, even where every class is cyclic', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const root = eg.addTerm(parseTerm(lang, '(* (+ a 0) 1)'));
    new Runner(eg).run([
      parseRewrite(lang, 'add-zero', '?x', '(+ ?x 0)'),
      parseRewrite(lang, 'mul-one', '?x', '(* ?x 1)'),
      parseRewrite(lang, 'zero-add', '(+ ?x 0)', '?x'),
      parseRewrite(lang, 'one-mul', '(* ?x 1)', '?x'),
    ]);
    const ex = new GreedyExtractor(
      eg,
      treeCost(() => 1),
    );
    expect(formatTerm(lang, ex.findBest(root).term)).toBe('a');
  });
});
